"""Sign-in throttling: failed passwords counted per client address and per account, in the
database (docs/security.md, "Headers and throttling").

Within any window of REVMOD_LOGIN_WINDOW_SECONDS (5 minutes):
- an address (revmod.lib.clients: behind REVMOD_TRUSTED_PROXIES proxies, from
  X-Forwarded-For) with REVMOD_LOGIN_FAILURES_PER_ADDRESS failures (10) is refused every
  sign-in, for any account, until its oldest counted failure leaves the window;
- an account with REVMOD_LOGIN_FAILURES_PER_ACCOUNT failures (20) from any addresses is
  refused every sign-in the same way, the right password included: the lock that failures
  from elsewhere put on an account lasts at most the window after the last of them.
The account's limit is the larger, so one address alone never locks an account: it locks
itself first, and the account's owner signs in from anywhere else. A refused attempt checks no
password and is not counted, so an address that keeps trying does not lengthen any lock. A
login that matches no account is counted as an account of its own, so the answers do not tell
which accounts exist.

Each attempt is written before its password is checked and deleted if the password is right,
so concurrent attempts (other processes, other servers) count each other."""

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from revmod.accounts.models import LoginAttempt, User


@dataclass(frozen=True)
class Refused:
    """A sign-in refused before its password is checked, until `until`."""

    until: dt.datetime

    def minutes(self, now: dt.datetime) -> int:
        return max(1, math.ceil((self.until - now).total_seconds() / 60))


def account_key(login: str) -> str:
    """The account a login (a username or an e-mail address) names: its user's id, so that
    typing the username or the address counts against the same account, else a hash of the
    login as typed (case aside)."""
    login = login.strip()
    ids = list(
        User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login)).values_list(
            "pk", flat=True
        )[:2]
    )
    if len(ids) == 1:
        return f"user:{ids[0]}"
    return "login:" + hashlib.sha256(login.lower().encode()).hexdigest()


def begin(address: str, login: str, now: dt.datetime) -> LoginAttempt | Refused:
    """Record an attempt to sign in as `login` from `address` at `now` and return it, or say
    until when it is refused (and record nothing)."""
    window = dt.timedelta(seconds=settings.REVMOD_LOGIN_WINDOW_SECONDS)
    since = now - window
    account = account_key(login)
    with transaction.atomic():
        LoginAttempt.objects.filter(at__lte=since).delete()
        attempt = LoginAttempt.objects.create(address=address, account=account, at=now)
        locks = []
        for field, value, limit in (
            ("address", address, settings.REVMOD_LOGIN_FAILURES_PER_ADDRESS),
            ("account", account, settings.REVMOD_LOGIN_FAILURES_PER_ACCOUNT),
        ):
            earlier = (
                LoginAttempt.objects.filter(**{field: value}, at__gt=since)
                .exclude(pk=attempt.pk)
                .order_by("-at")
                .values_list("at", flat=True)
            )
            # The limit-th most recent failure before this attempt: while it is in the window,
            # there are `limit` failures in it.
            oldest = list(earlier[limit - 1 : limit])
            if oldest:
                locks.append(oldest[0] + window)
        if locks:
            attempt.delete()
            return Refused(until=max(locks))
    return attempt


def succeeded(attempt: LoginAttempt) -> None:
    """The password was right: the attempt is no failure."""
    LoginAttempt.objects.filter(pk=attempt.pk).delete()
