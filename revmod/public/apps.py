from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public pages: the home page, the parties and each party's page with what its reviews
    published. At the top of the layers (docs/architecture.md): they read every app below."""

    name = "revmod.public"
    verbose_name = _("Public pages")
