from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "revmod.reviews"
    verbose_name = _("Country reviews")

    def ready(self):
        from revmod.accounts import actions as accounts
        from revmod.lots import actions as lots
        from revmod.reviews import actions

        lots.when_published(actions.reviews_of_published_draw)
        accounts.NOMINATED.register(actions.nomination_recorded)
        accounts.NOMINATION_ENDED.register(actions.nomination_ended)
