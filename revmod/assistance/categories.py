"""The categories of technical assistance a survey asks about (seed ¶46). The list is the
setting REVMOD_ASSISTANCE_CATEGORIES; each survey keeps the codes it was opened with, so a
later change of the setting never changes what was asked."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The seven categories of ¶46, in the paper's order, with their labels in the six languages.
LABELS = {
    "general_training": _("General training"),
    "revmod_training": _("Training on RevMod"),
    "status_briefings": _("Regular status briefings"),
    "questionnaire_training": _("Training on the self-assessment questionnaire"),
    "counterpart_coordination": _("Coordination with counterparts"),
    "questionnaire_help": _("Help filling in the questionnaire"),
    "other": _("Other"),
}


def current() -> list[str]:
    """The codes of the setting, in its order, without repeats."""
    return list(dict.fromkeys(settings.REVMOD_ASSISTANCE_CATEGORIES))


def label(code: str) -> str:
    """The category's label in the active language; a code the platform has no label for
    (one added to the setting) shows as it is."""
    return str(LABELS.get(code, code))


def choices(codes) -> list[tuple[str, str]]:
    return [(code, label(code)) for code in codes]
