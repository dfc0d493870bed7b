"""The rows of the recommendations' and follow-ups' downloads (cells written by lib.cells)."""

from django.utils.translation import gettext as _

from revmod.lib.i18n import DATA_CODES, LANGUAGE_NAMES, field_names


def recommendation_rows(recommendations):
    yield [
        _("Session"),
        _("Number"),
        _("Adopted on"),
        _("Addressed to"),
        _("Published"),
        *[_("Text (%(language)s)") % {"language": LANGUAGE_NAMES[code]} for code in DATA_CODES],
    ]
    for r in recommendations:
        yield [
            r.session,
            r.number,
            r.adopted_on.isoformat(),
            r.get_addressee_display(),
            _("Yes") if r.published else _("No"),
            *[getattr(r, name) for name in field_names("text")],
        ]


def follow_up_rows(follow_ups):
    yield [
        _("Session"),
        _("Number"),
        _("Party"),
        _("Code"),
        _("Status"),
        _("Evidence"),
        _("Link"),
        _("Date"),
        _("Published"),
        _("Recorded at"),
    ]
    for f in follow_ups:
        yield [
            f.recommendation.session,
            f.recommendation.number,
            f.party.label if f.party else _("The secretariat"),
            f.party.code if f.party else "",
            f.get_status_display(),
            f.evidence,
            f.link,
            f.on.isoformat(),
            _("Yes") if f.published else _("No"),
            f.recorded_at.isoformat(timespec="seconds"),
        ]
