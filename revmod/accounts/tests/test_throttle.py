"""Sign-in throttling (revmod.accounts.throttle): per client address and per account, counted
in the database, behind a configured number of trusted proxies."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.test import override_settings

from revmod.accounts.models import LoginAttempt
from revmod.lib.clients import client_address
from revmod.test import PASSWORD, make_user

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.2"  # the HTTPS proxy: every request reaches revmod from it
REFUSED = "Too many failed sign-ins"


@pytest.fixture
def people():
    return make_user("alice"), make_user("bob")


def sign_in(client, login, password, *, client_ip, proxy=PROXY, forwarded=None):
    """A sign-in through the HTTPS proxy, which appends the client's address to
    X-Forwarded-For (after whatever the client sent itself, `forwarded`)."""
    header = f"{forwarded}, {client_ip}" if forwarded else client_ip
    client.logout()
    return client.post(
        "/en/accounts/login/",
        {"login": login, "password": password},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=header,
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and "/accounts/" not in response["Location"]


def refused(response) -> bool:
    return response.status_code == 200 and REFUSED in response.content.decode()


@override_settings(REVMOD_TRUSTED_PROXIES=1)
def test_failures_from_one_address_lock_it_but_the_owner_signs_in_from_another(client, people):
    for _ in range(10):
        response = sign_in(client, "alice", "wrong", client_ip="203.0.113.5")
        assert response.status_code == 200 and not refused(response)
    # The attacker's address is locked, even with the right password...
    assert refused(sign_in(client, "alice", PASSWORD, client_ip="203.0.113.5"))
    assert refused(sign_in(client, "bob", PASSWORD, client_ip="203.0.113.5"))
    # ... and writing another address in X-Forwarded-For does not help: the proxy's entry counts.
    assert refused(
        sign_in(client, "alice", PASSWORD, client_ip="203.0.113.5", forwarded="198.51.100.9")
    )
    # Everyone else comes through the same proxy and signs in, alice included.
    assert signed_in(sign_in(client, "alice", PASSWORD, client_ip="198.51.100.7"))
    assert signed_in(sign_in(client, "bob", PASSWORD, client_ip="192.0.2.44"))


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, people):
    for n in range(10):
        sign_in(client, "alice", "wrong", client_ip=f"203.0.113.{n}", proxy="192.0.2.8")
    assert refused(sign_in(client, "alice", PASSWORD, client_ip="198.51.100.7", proxy="192.0.2.8"))
    assert signed_in(sign_in(client, "alice", PASSWORD, client_ip="203.0.113.1", proxy="192.0.2.9"))


@override_settings(REVMOD_TRUSTED_PROXIES=1)
def test_failures_on_one_account_lock_it_for_the_window_and_never_another(client, people):
    alice, _bob = people
    # Failures from many addresses, each below its own limit, by username and by e-mail.
    for n in range(20):
        login = "alice" if n % 2 else alice.email.upper()
        assert not refused(sign_in(client, login, "wrong", client_ip=f"203.0.113.{n}"))
    # alice is locked, wherever she signs in from, the right password included; bob is not.
    response = sign_in(client, "alice", PASSWORD, client_ip="198.51.100.7")
    assert refused(response)
    assert "Try again in 5 minutes." in response.content.decode()
    assert signed_in(sign_in(client, "bob", PASSWORD, client_ip="198.51.100.7"))
    # The lock lasts the window (5 minutes) after the failures that made it.
    LoginAttempt.objects.update(at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    assert signed_in(sign_in(client, "alice", PASSWORD, client_ip="198.51.100.7"))


@override_settings(REVMOD_TRUSTED_PROXIES=1)
def test_a_right_password_and_a_refused_attempt_are_no_failures(client, people):
    for _ in range(9):
        sign_in(client, "alice", "wrong", client_ip="198.51.100.7")
    assert signed_in(sign_in(client, "alice", PASSWORD, client_ip="198.51.100.7"))
    assert not refused(sign_in(client, "alice", "wrong", client_ip="198.51.100.7"))  # the 10th
    # Retrying while refused checks no password and does not lengthen the lock.
    for _ in range(5):
        assert refused(sign_in(client, "alice", PASSWORD, client_ip="198.51.100.7"))
    assert LoginAttempt.objects.filter(address="198.51.100.7").count() == 10


@override_settings(REVMOD_TRUSTED_PROXIES=1)
def test_the_count_is_in_the_database_not_in_a_process(client, people):
    """Every process of every server counts the same failures: they are rows of the database,
    not entries of a process's cache (allauth's count was, per process)."""
    for _ in range(10):
        sign_in(client, "alice", "wrong", client_ip="203.0.113.5")
    for cache in caches.all(initialized_only=True):
        cache.clear()  # what another process would not see
    assert refused(sign_in(client, "alice", PASSWORD, client_ip="203.0.113.5"))
    assert LoginAttempt.objects.filter(address="203.0.113.5").count() == 10


@pytest.mark.parametrize(
    "trusted, forwarded, address",
    [
        (0, "203.0.113.5", "192.0.2.1"),  # no trusted proxy: the header is anyone's
        (1, "198.51.100.9, 203.0.113.5", "203.0.113.5"),  # the client wrote the first entry
        (2, "198.51.100.9, 203.0.113.5, 10.0.0.3", "203.0.113.5"),
        (2, "203.0.113.5", "203.0.113.5"),  # fewer proxies passed: the leftmost
        (1, "", "192.0.2.1"),
        (1, "not an address", "192.0.2.1"),
        (1, "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"),  # IPv6 per /64
        (1, "::ffff:203.0.113.5", "203.0.113.5"),
    ],
)
def test_the_client_address_is_the_one_our_outermost_proxy_saw(rf, trusted, forwarded, address):
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(REVMOD_TRUSTED_PROXIES=trusted):
        assert client_address(request) == address
