from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "revmod.reviews"
    verbose_name = _("Country reviews")
