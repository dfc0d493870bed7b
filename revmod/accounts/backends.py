from django.contrib.auth.backends import BaseBackend

from revmod.lib.access import is_secretariat


class SecretariatBackend(BaseBackend):
    """The secretariat may do everything in the admin (domain.md, Roles): one rule, here,
    instead of permissions granted row by row. It authenticates nobody."""

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return is_secretariat(user_obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return is_secretariat(user_obj)
