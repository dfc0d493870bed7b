"""Per-user language, and two-factor authentication enforced for the secretariat."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_from_path


class UserLanguageMiddleware:
    """A signed-in user's preferred language applies to pages whose URL names no language (the
    bare site root redirects to it), before the browser's Accept-Language. A language in the
    URL (/fr/...) and a choice made with the switcher (its cookie) win; the API follows
    `?lang=` and Accept-Language, as API clients expect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not get_language_from_path(request.path_info)
            and not request.path_info.startswith("/api/")
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


class SecretariatTwoFactorMiddleware:
    """Secretariat accounts must set up TOTP before they can do anything else: every page but
    the two-factor set-up, logout and static files sends them to the set-up page (their API
    tokens are refused: revmod.accounts.authentication)."""

    ALLOWED_PREFIXES = ("/static/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_secretariat
            and not self._allowed(request.path_info)
            and user.lacks_second_factor()
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _allowed(self, path: str) -> bool:
        allowed = (
            reverse("mfa_activate_totp"),
            reverse("mfa_index"),
            reverse("account_reauthenticate"),
            reverse("account_logout"),
            reverse("set_language"),
        )
        return path.startswith(self.ALLOWED_PREFIXES) or path in allowed
