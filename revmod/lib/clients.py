"""The address of the client that sent a request, as sign-in throttling counts it."""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The client's IP address. With no trusted proxy (settings.REVMOD_TRUSTED_PROXIES = 0, the
    default) the peer of the connection, REMOTE_ADDR. Behind n trusted proxies (the HTTPS proxy
    the README prescribes is one) each of them appends the address it received the request from
    to X-Forwarded-For, so the client is the n-th entry from the right: entries further left
    were written by the client itself and are never believed. A shorter header (the request
    passed fewer of our proxies) gives its leftmost entry; an entry that is not an IP address
    gives REMOTE_ADDR. IPv6 addresses count by their /64 network, which one subscriber holds
    whole."""
    address = request.META.get("REMOTE_ADDR", "")
    trusted = settings.REVMOD_TRUSTED_PROXIES
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if trusted > 0 and forwarded:
        address = forwarded[-min(trusted, len(forwarded))]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        try:
            ip = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)
