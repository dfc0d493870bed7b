from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "revmod.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        """The outbox takes the messages of the layers below (lib.hooks.post), and the facts
        they report are e-mailed to the people concerned (docs/architecture.md)."""
        from revmod.accounts import actions as accounts
        from revmod.lib import hooks
        from revmod.lots import actions as lots
        from revmod.notifications import outbox, triggers
        from revmod.reviews import actions as reviews

        hooks.post.register(outbox.enqueue)
        lots.when_published(triggers.draw_published)
        reviews.STARTED.register(triggers.review_started)
        reviews.RECORDED.register(triggers.review_event)
        accounts.NOMINATED.register(triggers.nomination_recorded)
