from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionnairesConfig(AppConfig):
    name = "revmod.questionnaires"
    verbose_name = _("Self-assessment questionnaires")
