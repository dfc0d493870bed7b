from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.utils import timezone
from django.utils.translation import ngettext

from revmod.accounts import throttle
from revmod.lib.clients import client_address


class AccountAdapter(DefaultAccountAdapter):
    """No public sign-up: the secretariat registers people from the notes verbales of their
    parties (seed ¶11; UNODC onboarding).

    Failed passwords are counted by revmod.accounts.throttle (per client address and per
    account, in the database) instead of allauth's "login_failed" limit, which counted in each
    process's memory (settings.ACCOUNT_RATE_LIMITS turns it off). allauth's other limits count
    per client address as throttle does (get_client_ip)."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def can_delete_email(self, email_address) -> bool:
        """Only a change awaiting verification can be withdrawn: the account's own address is
        replaced by verifying a new one, never removed (an account without one could then
        take any address unverified)."""
        return not (email_address.verified or email_address.primary)

    def get_client_ip(self, request) -> str:
        return client_address(request)

    def pre_authenticate(self, request, **credentials) -> None:
        super().pre_authenticate(request, **credentials)
        login = credentials.get("email") or credentials.get("username") or ""
        now = timezone.now()
        attempt = throttle.begin(client_address(request), login, now)
        if isinstance(attempt, throttle.Refused):
            minutes = attempt.minutes(now)
            raise forms.ValidationError(
                ngettext(
                    "Too many failed sign-ins. Try again in %(minutes)d minute.",
                    "Too many failed sign-ins. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes}
            )
        self._attempt = attempt

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            throttle.succeeded(self._attempt)
        return user
