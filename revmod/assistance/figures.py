"""The status report's figures on technical-assistance needs as of a date (seed ¶46: "69
requests from 16 States", by category), counted in SQL: four queries whatever the number of
requests.

A request counts as of `on` when its party asked for it on or before that day and had not
withdrawn it by then (whatever its outcome since: the paper counts needs expressed)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from revmod.assistance import categories
from revmod.assistance.models import Request
from revmod.lib.lists import translated
from revmod.registry.models import Party


@dataclass(frozen=True)
class Row:
    """One line of a tally: its code, its label and its counts."""

    code: str
    label: str
    requests: int
    states: int


@dataclass(frozen=True)
class Figures:
    """The tallies as of `on`: `requests` from `states` States (`parties` counts a regional
    organisation too); by category (in the order of the setting, then any other), by regional
    group and by State."""

    on: dt.date
    requests: int
    states: int
    parties: int
    by_category: list[Row]
    by_group: list[Row]
    by_state: list[Row]


def counted(on: dt.date, requests: QuerySet | None = None) -> QuerySet:
    """The requests that count as of `on` (see the module)."""
    requests = Request.objects.all() if requests is None else requests
    return requests.filter(created_at__date__lte=on).filter(
        Q(withdrawn_at=None) | Q(withdrawn_at__date__gt=on)
    )


STATE = Q(response__party__kind=Party.Kind.STATE)


def figures(on: dt.date, survey=None) -> Figures:
    """The tallies as of `on`, of every survey or of `survey` alone."""
    requests = counted(on)
    if survey is not None:
        requests = requests.filter(response__survey=survey)
    totals = requests.aggregate(
        requests=Count("pk"),
        states=Count("response__party", distinct=True, filter=STATE),
        parties=Count("response__party", distinct=True),
    )
    states = Count("response__party", distinct=True, filter=STATE)
    per_category = {
        row["category"]: row
        for row in requests.values("category").annotate(requests=Count("pk"), states=states)
    }
    order = list(dict.fromkeys([*categories.current(), *sorted(per_category)]))
    by_category = [
        Row(
            code,
            categories.label(code),
            per_category.get(code, {}).get("requests", 0),
            per_category.get(code, {}).get("states", 0),
        )
        for code in order
    ]
    group = "response__party__regional_group"
    by_group = [
        Row(row[f"{group}__code"] or "", row["label"] or "", row["requests"], row["states"])
        for row in requests.values(f"{group}__code", f"{group}__order")
        .annotate(label=translated(f"{group}__name"), requests=Count("pk"), states=states)
        .order_by(f"{group}__order", f"{group}__code")
    ]
    party = "response__party"
    by_state = [
        Row(row[f"{party}__code"], row["label"], row["requests"], 1)
        for row in requests.values(f"{party}__code")
        .annotate(label=translated(f"{party}__name"), requests=Count("pk"))
        .order_by(f"{party}__code")
    ]
    return Figures(
        on, totals["requests"], totals["states"], totals["parties"], by_category, by_group, by_state
    )
