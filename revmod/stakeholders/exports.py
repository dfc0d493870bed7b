"""The rows of the stakeholders' downloads (CSV and XLSX through `lib.downloads`, whose cells
`lib.cells` writes: no text runs as a formula). Each takes rows already filtered by
`stakeholders.access`."""

from django.utils.translation import gettext as _

from revmod.stakeholders.countries import country_name
from revmod.stakeholders.models import Stakeholder
from revmod.stakeholders.queries import participants


def _date(day) -> str:
    return day.isoformat() if day else ""


def stakeholder_rows(stakeholders):
    """The register, contact details included: the secretariat's download only."""
    yield [
        _("Name"),
        _("Kind"),
        _("Country code"),
        _("Country"),
        _("Contact person"),
        _("Contact e-mail address"),
        _("Consented to be contacted on"),
    ]
    for s in stakeholders:
        yield [
            s.name,
            s.get_kind_display(),
            s.country,
            country_name(s.country),
            s.contact_name,
            s.contact_email,
            _date(s.consent_on),
        ]


def dialogue_rows(dialogues):
    """Dialogues counted (`queries.dialogues_counted`): participants by kind, States,
    observations."""
    yield [
        _("Date"),
        _("Title"),
        _("Working group session"),
        _("Format"),
        *[str(label) for _kind, label in Stakeholder.Kind.choices],
        _("Stakeholders"),
        _("States"),
        _("Chairs' observations"),
        _("Published"),
    ]
    for d in dialogues:
        counted = participants(d)
        yield [
            _date(d.held_on),
            d.title,
            d.session,
            d.get_format_display(),
            *[counted["by_kind"][kind] for kind in Stakeholder.Kind],
            counted["stakeholders"],
            counted["states"],
            d.n_observations,
            _("Yes") if d.published else _("No"),
        ]


def observation_rows(observations):
    yield [_("Number"), _("Text")]
    for o in observations:
        yield [o.number, o.text]


def outreach_rows(figures):
    yield [_("Programme"), _("Year"), _("People"), _("Countries"), _("Note")]
    for f in figures:
        yield [f.get_programme_display(), f.year, f.people, f.countries, f.note]


def pilot_rows(pilots):
    """Pilots counted (`queries.pilots_counted`)."""
    yield [
        _("Party"),
        _("Code"),
        _("Cluster"),
        _("Status"),
        _("Party's consent given on"),
        _("Consent reference"),
        _("Under way from"),
        _("Completed on"),
        _("Stakeholders"),
        _("Activities"),
        _("Published"),
    ]
    for p in pilots:
        yield [
            p.review.party.label,
            p.review.party.code,
            p.review.cluster.label,
            p.get_status_display(),
            _date(p.consent_on),
            p.consent_note,
            _date(p.started_on),
            _date(p.completed_on),
            p.n_stakeholders,
            p.n_activities,
            _("Yes") if p.published else _("No"),
        ]
