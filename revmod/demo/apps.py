from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo of the secretariat's April 2024 snapshot (`manage.py loaddemo`): draws and a
    simulated history driven through the same actions as the product. The top layer: nothing
    in the product imports it."""

    name = "revmod.demo"
    verbose_name = _("Demo")
