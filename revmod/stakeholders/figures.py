"""The stakeholders' figures of the status report (seed ¶55-60), as of a date, each read in a
fixed number of queries however many records: the latest constructive dialogue's participants
by kind, its States and the chairs' observations; the latest yearly figures of SE4U and
WhatsOn; the pilot initiatives by status.

What a reader may see is `stakeholders.access`'s: the report passes its reader (`user`), and
None (the secretariat's own report) counts every record."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, CharField, OuterRef, Q, Subquery, Value, When

from revmod.stakeholders import access
from revmod.stakeholders.models import Dialogue, Outreach, Pilot
from revmod.stakeholders.queries import dialogues_counted, participants


@dataclass(frozen=True)
class DialogueFigures:
    """One dialogue: ¶55 "328 stakeholders (299 NGOs, 15 academic institutions, 14 private
    sector) and 72 Member States plus one intergovernmental organization"; ¶56 "22"."""

    title: str
    held_on: dt.date
    by_kind: dict[str, int]  # Stakeholder.Kind -> participants, registered or counted
    stakeholders: int  # NGOs, academic institutions and private sector (not the IGOs)
    states: int
    observations: int


@dataclass(frozen=True)
class OutreachFigures:
    """A programme's latest yearly figures (¶57-58: "3,300 from 136 countries")."""

    year: int
    people: int
    countries: int


@dataclass(frozen=True)
class Figures:
    as_of: dt.date
    dialogue: DialogueFigures | None
    outreach: dict[str, OutreachFigures]  # Outreach.Programme -> its latest figures
    # Pilot.Status -> the codes of the parties whose review is a pilot in that status (¶60).
    pilots: dict[str, list[str]] = field(default_factory=dict)


def _everyone(queryset, rule, user):
    return queryset if user is None else rule(queryset, user)


def dialogue_figures(dialogue) -> DialogueFigures:
    """The figures of a dialogue read through `queries.dialogues_counted`."""
    counted = participants(dialogue)
    return DialogueFigures(
        title=dialogue.title,
        held_on=dialogue.held_on,
        by_kind={str(kind): n for kind, n in counted["by_kind"].items()},
        stakeholders=counted["stakeholders"],
        states=counted["states"],
        observations=dialogue.n_observations,
    )


def latest_dialogue(as_of: dt.date, user=None) -> DialogueFigures | None:
    """The last dialogue held on or before `as_of` (one query)."""
    dialogues = _everyone(Dialogue.objects.all(), access.visible_dialogues, user)
    dialogue = (
        dialogues_counted(dialogues.filter(held_on__lte=as_of)).order_by("-held_on", "-pk").first()
    )
    return dialogue_figures(dialogue) if dialogue else None


def latest_outreach(as_of: dt.date) -> dict[str, OutreachFigures]:
    """Each programme's figures of the latest year up to `as_of`'s (one query): a year's
    figures count from its first day, as the secretariat reports the year under way."""
    up_to = Outreach.objects.filter(year__lte=as_of.year)
    latest = up_to.filter(programme=OuterRef("programme")).order_by("-year").values("year")[:1]
    rows = up_to.filter(year=Subquery(latest)).values_list(
        "programme", "year", "people", "countries"
    )
    return {programme: OutreachFigures(*numbers) for programme, *numbers in rows}


def pilots_by_status(as_of: dt.date, user=None) -> dict[str, list[str]]:
    """The pilots consented to by `as_of`, in their status on that day (one query)."""
    pilots = _everyone(Pilot.objects.all(), access.visible_pilots, user)
    status = Case(
        When(completed_on__lte=as_of, then=Value(Pilot.Status.COMPLETED.value)),
        When(started_on__lte=as_of, then=Value(Pilot.Status.UNDER_WAY.value)),
        default=Value(Pilot.Status.STARTING.value),
        output_field=CharField(),
    )
    rows = (
        pilots.filter(Q(consent_on__lte=as_of))
        .annotate(status_then=status)
        .order_by("review__party__code")
        .values_list("status_then", "review__party__code")
    )
    result: dict[str, list[str]] = {str(s): [] for s in Pilot.Status}
    for state, code in rows:
        result[state].append(code)
    return result


def figures(as_of: dt.date, user=None) -> Figures:
    """Every stakeholders' figure of the status report as of `as_of`, for `user` (None: all
    records) — three queries."""
    return Figures(
        as_of=as_of,
        dialogue=latest_dialogue(as_of, user),
        outreach=latest_outreach(as_of),
        pilots=pilots_by_status(as_of, user),
    )
