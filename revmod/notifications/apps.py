from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "revmod.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from revmod.lots import actions as lots
        from revmod.notifications import triggers

        lots.when_published(triggers.draw_published)
