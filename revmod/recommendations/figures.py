"""The figures of the status report on recommendations, as of a date (seed ¶61: "17
recommendations adopted so far"): computed in SQL, a fixed number of queries."""

import datetime as dt
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce

from revmod.recommendations.models import FollowUp, Recommendation


class Figures(NamedTuple):
    adopted: int  # published recommendations adopted on or before the date
    # Of the follow-ups in force on the date and published (the latest published update recorded
    # by then of each chain): {status: how many} for the parties' and for the secretariat's.
    parties_by_status: dict[str, int]
    secretariat_by_status: dict[str, int]


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def figures(as_of: dt.date) -> Figures:
    """The figures as of the end of `as_of` (UTC). Only what the public may see is counted:
    published recommendations, and published follow-ups of them (an update withdrawn since is
    not counted: its flag is today's)."""
    adopted = Recommendation.objects.filter(published=True, adopted_on__lte=as_of).count()
    until = _end_of(as_of)
    known = FollowUp.objects.filter(
        published=True,
        recommendation__published=True,
        recommendation__adopted_on__lte=as_of,
        recorded_at__lt=until,
    )
    # The chain of an update: its party's, or (0) the secretariat's own.
    chain = Coalesce("party", Value(0))
    # A later published update of the same chain recorded by then: this one is not in force.
    later = (
        FollowUp.objects.annotate(chain=chain)
        .filter(
            recommendation=OuterRef("recommendation"),
            chain=OuterRef("chain"),
            published=True,
            recorded_at__lt=until,
        )
        .filter(
            Q(recorded_at__gt=OuterRef("recorded_at"))
            | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk"))
        )
    )
    rows = (
        known.annotate(chain=chain)
        .annotate(superseded=Exists(later))
        .filter(superseded=False)
        .values("chain", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    parties = dict.fromkeys(FollowUp.Status.values, 0)
    secretariat = dict.fromkeys(FollowUp.Status.values, 0)
    for row in rows:
        (parties if row["chain"] else secretariat)[row["status"]] += row["n"]
    return Figures(adopted, parties, secretariat)
