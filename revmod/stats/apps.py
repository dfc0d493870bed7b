from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "revmod.stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from revmod.lib import generated
        from revmod.stats import report_document

        generated.register(report_document.KIND, report_document.make_pdf)
