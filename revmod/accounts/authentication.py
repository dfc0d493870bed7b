"""The API's tokens (`Authorization: Token <token>`): a person's own, stored hashed, expiring
and revocable (revmod.accounts.models.ApiToken). A token works only while its owner may use
the API, checked on every request: an active account; for the secretariat, its second factor
set up (as on the pages); for anyone else, a nomination in force."""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import APIException, PermissionDenied

from revmod.accounts import actions
from revmod.accounts.models import ApiToken, Nomination

# last_used_at is written at most this often per token (not on every request).
LAST_USED_PRECISION_SECONDS = 60


class TokenRefused(APIException):
    """A token that does not work (unknown, revoked, expired, its account deactivated): 401
    with `WWW-Authenticate: Token`. DRF's AuthenticationFailed would answer 403 here, as the
    session's authentication comes first (what an anonymous caller gets stays 403)."""

    status_code = 401
    default_code = "authentication_failed"
    auth_header = "Token"


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's token header and its 401 answers (the schema still says `Token`: drf-spectacular's
    extension for TokenAuthentication covers its subclasses), our tokens behind them."""

    def authenticate_credentials(self, key: str):
        now = timezone.now()
        token = actions.api_token_for(key)
        if token is None:
            raise TokenRefused(_("Invalid token."))
        if token.revoked_at is not None:
            raise TokenRefused(_("This token has been revoked."))
        if token.expires_at <= now:
            raise TokenRefused(_("This token has expired: make a new one."))
        person = token.person
        if not person.is_active:
            raise TokenRefused(_("This account is deactivated."))
        if person.is_secretariat:
            if person.lacks_second_factor():
                raise PermissionDenied(
                    _(
                        "No access: set up two-factor authentication on the site before using "
                        "an API token."
                    )
                )
        elif not Nomination.objects.active().filter(person=person).exists():
            raise PermissionDenied(_("No access: this account holds no nomination in force."))
        last = token.last_used_at
        if last is None or (now - last).total_seconds() >= LAST_USED_PRECISION_SECONDS:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return person, token
