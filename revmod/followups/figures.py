"""The figures the status report gives of the secretariat's follow-ups and briefings (seed
¶43-45: "a February 2024 briefing: 193 representatives of 89 Member States"), as of a date,
computed from the records in a fixed number of queries. A briefing or a contact counts from the
day it was held; later records of earlier ones count too (the record, not its entry, is
dated). The report's public form reads `public=True`: published briefings only, and no
follow-up counts (followups.access: the secretariat's internal record)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count

from revmod.followups.models import Briefing, FollowUp
from revmod.registry.models import Party


@dataclass(frozen=True)
class BriefingLine:
    held_on: dt.date
    title: str
    kind: str
    representatives: int
    states: int


@dataclass(frozen=True)
class Figures:
    """As of `as_of`: the briefings held (by date), their representatives in all, the States
    represented at one at least; the follow-ups held, by kind (every kind, 0 when none), and
    the parties they were with."""

    as_of: dt.date
    briefings: tuple[BriefingLine, ...]
    representatives: int
    states: int
    followups: int
    followups_by_kind: dict[str, int] = field(default_factory=dict)
    parties_followed_up: int = 0


def figures(as_of: dt.date, *, public: bool = False) -> Figures:
    """The `Figures` as of `as_of` (see the module's docstring): four queries at most."""
    held_briefings = Briefing.objects.filter(held_on__lte=as_of)
    if public:
        held_briefings = held_briefings.filter(published=True)
    lines = tuple(
        BriefingLine(b.held_on, b.title, b.kind, b.representatives, b.states)
        for b in held_briefings.with_states().order_by("held_on", "pk")
    )
    states = (
        Party.objects.filter(kind=Party.Kind.STATE, briefings__in=held_briefings).distinct().count()
    )
    by_kind = dict.fromkeys(FollowUp.Kind.values, 0)
    parties = 0
    if not public:
        held = FollowUp.objects.filter(held_on__lte=as_of)
        for kind, count in held.values_list("kind").annotate(n=Count("pk")).order_by():
            by_kind[kind] = count
        parties = held.aggregate(n=Count("party", distinct=True))["n"]
    return Figures(
        as_of=as_of,
        briefings=lines,
        representatives=sum(line.representatives for line in lines),
        states=states,
        followups=sum(by_kind.values()),
        followups_by_kind=by_kind,
        parties_followed_up=parties,
    )
