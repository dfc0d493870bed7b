"""The rows of the follow-ups' and briefings' downloads (lib.downloads writes them: every text
cell neutralised by lib.cells). Dates as ISO text, so that every spreadsheet reads them alike."""

from django.utils.translation import gettext as _

from revmod.lib.i18n import language_names


def _date(value) -> str:
    return value.isoformat() if value else ""


def followup_rows(followups):
    """A header, then one row per follow-up (read with party, officer and review's party and
    cluster)."""
    yield [
        _("Date"),
        _("Party"),
        _("Code"),
        _("With"),
        _("Name of the contact"),
        _("Kind"),
        _("Subject"),
        _("Review"),
        _("Step"),
        _("Outcome"),
        _("Next action"),
        _("Next action by"),
        _("Officer responsible"),
        _("Done on"),
    ]
    for f in followups:
        yield [
            _date(f.held_on),
            f.party.label,
            f.party.code,
            f.get_whom_display(),
            f.contact_name,
            f.get_kind_display(),
            f.subject,
            str(f.review) if f.review else "",
            f.get_stage_display() if f.stage else "",
            f.outcome,
            f.next_action,
            _date(f.next_action_on),
            f.officer.get_full_name() or f.officer.get_username(),
            _date(f.done_at.date() if f.done_at else None),
        ]


def briefing_rows(briefings, *, detailed: bool):
    """A header, then one row per briefing (annotated with `states`): the published figures
    (date, title, representatives, States), and with `detailed` (the secretariat's, read with
    their parties) the whole record."""
    header = [_("Date"), _("Title"), _("Representatives"), _("States")]
    if detailed:
        header += [
            _("Kind"),
            _("Languages"),
            _("Place"),
            _("Online"),
            _("States represented"),
            _("Published"),
        ]
    yield header
    for b in briefings:
        row = [_date(b.held_on), b.title, b.representatives, b.states]
        if detailed:
            row += [
                b.get_kind_display(),
                language_names(b.language_codes()),
                b.place,
                _("Yes") if b.online else _("No"),
                ", ".join(sorted(p.code for p in b.parties.all())),
                _("Yes") if b.published else _("No"),
            ]
        yield row
