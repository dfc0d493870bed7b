from allauth.account import app_settings
from allauth.account.app_settings import LoginMethod
from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import BaseBackend

from revmod.accounts.addresses import accounts_with_address
from revmod.lib.access import is_secretariat


class AccountBackend(AuthenticationBackend):
    """allauth's sign-in by user name or e-mail address, where an address counts only as
    `accounts_with_address` says (allauth's own also tries addresses pending verification
    when no account verified them, so a person could sign in with an address they had only
    claimed)."""

    def _authenticate_by_email(self, email: str, password: str):
        if not email or LoginMethod.EMAIL not in app_settings.LOGIN_METHODS:
            return None
        for user in accounts_with_address(email):
            if self._check_password(user, password):
                return user
        return None


class SecretariatBackend(BaseBackend):
    """The secretariat may do everything in the admin (domain.md, Roles): one rule, here,
    instead of permissions granted row by row. It authenticates nobody."""

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return is_secretariat(user_obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return is_secretariat(user_obj)
