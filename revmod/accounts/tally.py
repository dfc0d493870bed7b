"""Each party's nominations counted once per day they change (models.NominationTally), for the
status paper (revmod.stats.status), which reads one row per party instead of every nomination.

The figures of a day depend on the nominations started by then (`starts_on <= day`), which of
them are in force (`ends_on` None or after the day) and the nominated people's gender and
ministry; so they change only on a day a nomination starts or ends. `refresh` recomputes the
rows of the parties given from their nominations; the actions call it in the transaction of
every change to a nomination or to a nominated person's gender or ministry. (Edits outside
the actions, in the admin or a shell, are not counted until the next refresh of that party.)
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from revmod.accounts.models import Nomination, NominationTally

FOCAL_POINT, EXPERT, OBSERVER = "focal_point", "expert", "observer"
FEMALE = "female"
MINISTRIES = ("foreign_affairs", "justice", "interior", "other")  # User.Ministry's values
# The roles whose first day a schedule reads (reviews.schedule.all_named), as (kind, scope).
NAMED_ROLES = [(kind, scope) for kind in (FOCAL_POINT, EXPERT) for scope in ("own", "reviewer")]


@dataclass(frozen=True)
class Held:
    """One nomination as the counts read it."""

    person: int
    gender: str
    ministry: str
    kind: str
    scope: str
    starts_on: dt.date
    ends_on: dt.date | None


def counts(held: list[Held], day: dt.date) -> dict:
    """The counts of one party's nominations on `day` (the fields of NominationTally after
    `party`, `since` and `until`): people in force counted once whatever their nominations;
    a focal point changed when one ended on or before the day."""
    started = [h for h in held if h.starts_on <= day]
    in_force = [h for h in started if h.ends_on is None or h.ends_on > day]
    people: dict[str, dict[int, Held]] = defaultdict(dict)
    for h in in_force:
        people[h.kind][h.person] = h
    focal_points = people[FOCAL_POINT].values()
    ministries: dict[str, int] = defaultdict(int)
    for h in focal_points:
        ministries[h.ministry] += 1
    named = {}
    for kind, scope in NAMED_ROLES:
        filled = any(h.kind == kind and h.scope == scope for h in in_force)
        first = (
            min(h.starts_on for h in started if h.kind == kind and h.scope == scope)
            if filled
            else None
        )
        named[f"named_{scope}_{kind}"] = first
    return {
        "focal_points": len(focal_points),
        "focal_point_women": sum(h.gender == FEMALE for h in focal_points),
        **{f"focal_points_{m}": ministries[m] for m in MINISTRIES},
        "focal_point_changed": any(
            h.kind == FOCAL_POINT and h.ends_on is not None and h.ends_on <= day for h in started
        ),
        "experts": len(people[EXPERT]),
        "expert_women": sum(h.gender == FEMALE for h in people[EXPERT].values()),
        "observers": len(people[OBSERVER]),
        **named,
    }


def periods(held: list[Held]) -> list[tuple[dt.date, dt.date | None, dict]]:
    """(since, until, counts) for each day the counts may change, from the party's first
    nomination on: every day one starts or ends. Before the first, the party has no row."""
    if not held:
        return []
    first = min(h.starts_on for h in held)
    days = sorted({h.starts_on for h in held} | {h.ends_on for h in held if h.ends_on})
    days = [d for d in days if d >= first]
    ends = [*days[1:], None]
    return [(since, until, counts(held, since)) for since, until in zip(days, ends, strict=True)]


def refresh(party_ids: Iterable[int], *, tally=None, nominations=None) -> None:
    """Recompute the rows of the parties `party_ids` from their nominations (`tally` and
    `nominations`: the models, a migration's historical ones by default the current)."""
    if tally is None or nominations is None:
        tally, nominations = NominationTally, Nomination
    party_ids = set(party_ids)
    held: dict[int, list[Held]] = defaultdict(list)
    for party, *row in (
        nominations.objects.filter(party__in=party_ids)
        .order_by()
        .values_list(
            "party",
            "person",
            "person__gender",
            "person__ministry",
            "kind",
            "scope",
            "starts_on",
            "ends_on",
        )
        .iterator(chunk_size=5000)
    ):
        held[party].append(Held(*row))
    tally.objects.filter(party__in=party_ids).delete()
    tally.objects.bulk_create(
        [
            tally(party_id=party, since=since, until=until, **figures)
            for party in sorted(held)
            for since, until, figures in periods(held[party])
        ],
        batch_size=2000,
    )


def refresh_all(*, tally=None, nominations=None) -> None:
    """Every party's rows, recomputed (the backfill, and after bulk copies: bench/data.py)."""
    if tally is None or nominations is None:
        tally, nominations = NominationTally, Nomination
    ids = list(nominations.objects.order_by().values_list("party", flat=True).distinct())
    tally.objects.all().delete()
    for start in range(0, len(ids), 500):
        refresh(ids[start : start + 500], tally=tally, nominations=nominations)
