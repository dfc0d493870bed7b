"""The figures of events and training as of a date, as the status paper gives them (¶45: "7
national and regional events"; ¶47: "3,270 officials from 155 States"): computed from the
records, never typed, in a fixed number of queries whatever the number of rows.

Who is one official: a participant of a session is identified by the State and the name
(actions.official_key), so the same person at three sessions counts once; an e-learning
completion carries no name, so each completion counts as one official. An official's gender
and language are those recorded with each participation: one trained in two languages counts
once in the total and once under each language."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from revmod.activities.models import Completion, Event, Participant
from revmod.registry.models import Party


@dataclass(frozen=True)
class EventFigures:
    total: int
    by_kind: dict[str, int]  # Event.Kind value -> events


@dataclass(frozen=True)
class TrainingFigures:
    officials: int
    states: int
    by_gender: dict[str, int]  # Gender value -> officials
    by_language: dict[str, int]  # language code -> officials


def events(as_of: dt.date) -> EventFigures:
    """The events that started on or before `as_of`, by kind (every kind present, 0 when
    none). One query."""
    counts = dict(
        Event.objects.filter(starts_on__lte=as_of)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("kind", "n")
    )
    by_kind = {kind: counts.get(kind, 0) for kind in Event.Kind.values}
    return EventFigures(total=sum(by_kind.values()), by_kind=by_kind)


def _grouped(participants, completions, name: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for key, n in (
        participants.values_list(name)
        .annotate(n=Count("official", distinct=True))
        .order_by()
        .values_list(name, "n")
    ):
        found[key] = found.get(key, 0) + n
    for key, n in (
        completions.values_list(name).annotate(n=Count("pk")).order_by().values_list(name, "n")
    ):
        found[key] = found.get(key, 0) + n
    return found


def training(as_of: dt.date) -> TrainingFigures:
    """The officials trained by `as_of` (sessions held and modules completed on or before it)
    and their States, by gender and by language. Seven queries."""
    participants = Participant.objects.filter(session__held_on__lte=as_of)
    completions = Completion.objects.filter(completed_on__lte=as_of)
    officials = participants.aggregate(n=Count("official", distinct=True))["n"]
    officials += completions.count()
    states = Party.objects.filter(
        Q(pk__in=participants.values("party")) | Q(pk__in=completions.values("party"))
    ).count()
    return TrainingFigures(
        officials=officials,
        states=states,
        by_gender=_grouped(participants, completions, "gender"),
        by_language=_grouped(participants, completions, "language"),
    )
