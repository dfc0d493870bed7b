from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LotsConfig(AppConfig):
    name = "revmod.lots"
    verbose_name = _("Drawing of lots")
