from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    name = "revmod.translations"
    verbose_name = _("Machine translations")
