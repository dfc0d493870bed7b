from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LotsConfig(AppConfig):
    name = "revmod.lots"
    verbose_name = _("Drawing of lots")

    def ready(self) -> None:
        from revmod.lib import generated
        from revmod.lots import exports

        generated.register("pairings", exports.make_pdf)
