"""The mechanism's state on a day, read from the event log and the dated records.

What happened to a review is read from its events up to the end of the day (stage changes,
submissions, the consultation as recorded then: the review's timeline, reviews.timeline, one
small row per review kept with its events), nominations from their dates, pairings from
their `since`/`until`, deadline changes from when they were recorded; so a later change never
alters the figures of an earlier day. A fixed number of queries, whatever the size of the data.
"""

import datetime as dt
import json
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Q

from revmod.accounts.models import NominationTally
from revmod.lots.models import GroupAssignment, Pairing
from revmod.registry import versions
from revmod.registry.models import Adherence, Cluster
from revmod.reviews import deadlines
from revmod.reviews.deadlines import ReviewDates, Step
from revmod.reviews.models import DeadlineChange, Review
from revmod.reviews.schedule import (
    OWN,
    REVIEWER,
    SUBMITTED,
    all_named,
    extensions_and_pauses,
    rules_by_start,
)
from revmod.stats import figures
from revmod.stats.figures import EXPERT, FOCAL_POINT, PartyFacts, ReviewFacts


def language_key(languages: list[str], no_agreement: bool) -> str:
    """As Consultation.language_key, for a consultation as an event recorded it."""
    if no_agreement:
        return "no_agreement"
    if len(languages) >= 3:
        return "three"
    return "+".join(sorted(languages))


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def default_cluster() -> Cluster | None:
    """The cluster the status paper is about: the first in review order."""
    return Cluster.objects.order_by("review_order", "number").first()


def load(day: dt.date, cluster: Cluster | None = None):
    """(parties, reviews) as plain facts on `day`, for the reviews of `cluster` (default: the
    first) that had started by then; the parties carry their nominations as counts."""
    cluster = cluster or default_cluster()
    end = _end_of(day)
    groups = dict(GroupAssignment.objects.values_list("party__code", "group__number"))
    counted, named = _nominations(day)
    none = (0, 0, (0,) * len(figures.MINISTRIES), False, False, False, 0, 0, 0)
    parties = [
        PartyFacts(code, region, groups.get(code), *counted.get(code, none))
        for code, region in Adherence.objects.current()
        .filter(instrument__code="UNTOC", date__lte=day)
        .values_list("party__code", "party__regional_group__code")
        .order_by("party__code")
    ]
    reviewers = reviewers_on(day)
    started = Review.objects.filter(cluster=cluster, started_on__lte=day)
    rows = _raw(
        started.order_by("group__number", "party__code").values_list(
            "pk",
            "party__code",
            "party__regional_group__code",
            "group__number",
            "started_on",
            "timeline__entries",
        )
    )
    changes = changes_before(started, end)
    rules = rules_by_start()
    schedules: dict = {}
    reviews = [
        _review(row, reviewers[row[1]], changes[row[0]], named, day, rules, schedules)
        for row in rows
    ]
    return parties, reviews


def reviewers_on(day: dt.date) -> dict[str, list[str]]:
    """Each party under review's reviewing parties in force on `day`, by code (in code
    order): one query."""
    reviewers = defaultdict(list)
    for reviewed, reviewer in (
        Pairing.objects.filter(since__lte=day)
        .filter(Q(until=None) | Q(until__gt=day))
        .values_list("reviewed__code", "reviewer__code")
        .order_by("reviewer__code")
    ):
        reviewers[reviewed].append(reviewer)
    return reviewers


def changes_before(reviews, end: dt.datetime) -> dict[int, list[DeadlineChange]]:
    """The deadline changes of `reviews` (a queryset) recorded before `end`, by review: one
    query."""
    changes = defaultdict(list)
    for change in DeadlineChange.objects.filter(review__in=reviews, recorded_at__lt=end):
        changes[change.review_id].append(change)
    return changes


# The roles whose first day a schedule reads (schedule.all_named), as (scope, kind), in the
# order of their columns in the tally.
NAMED_ROLES = [(scope, kind) for scope in (OWN, REVIEWER) for kind in (FOCAL_POINT, EXPERT)]


def _nominations(day: dt.date):
    """Each party's nominations on `day`, read from their tally (accounts.tally: one row per
    party with a nomination started by then, whatever their number): party -> the counts
    PartyFacts takes after its code, region and group; and (party, scope, kind) -> the day that
    role was first filled, for the roles filled on `day` (what schedule.all_named reads; as
    the database gives the day: made a date only for the schedules computed)."""
    rows = _raw(
        NominationTally.objects.filter(since__lte=day)
        .filter(Q(until=None) | Q(until__gt=day))
        .order_by()
        .values_list(
            "party__code",
            "focal_points",
            "focal_point_women",
            *(f"focal_points_{m}" for m in figures.MINISTRIES),
            "focal_point_changed",
            "experts",
            "expert_women",
            "observers",
            *(f"named_{scope}_{kind}" for scope, kind in NAMED_ROLES),
        )
    )
    counted = {}
    named: dict[tuple[str, str, str], dt.date] = {}
    m = len(figures.MINISTRIES)
    for row in rows:
        party, firsts = row[0], row[7 + m :]
        for (scope, kind), first in zip(NAMED_ROLES, firsts, strict=True):
            if first is not None:  # filled on the day: the day it was first filled
                named[party, scope, kind] = first  # a date, or its ISO text: comparable
        counted[party] = (
            *row[1:3],  # focal points, women
            row[3 : 3 + m],  # focal points by ministry
            firsts[0] is not None,  # a focal point for its own review
            firsts[2] is not None,  # a focal point as reviewing party
            bool(row[3 + m]),  # a focal point changed
            *row[4 + m : 7 + m],  # experts, expert women, observers
        )
    return counted, named


def _date(value) -> dt.date:
    """A date as the database gives it (SQLite: its text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _raw(queryset) -> list[tuple]:
    """The rows of a values_list() queryset as the database driver gives them, without Django's
    converters (one function call per value: 114,000 of them for the nominations' counts at
    fifty times the mechanism). Its columns are its values_list() fields in order; what needs
    converting (dates on SQLite, JSON) is converted by the reader, once."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _review(row, reviewers, changes, named, day, rules, schedules) -> ReviewFacts:
    """A review's facts on `day` from its timeline (entries in the order of the log, each
    [when, kind, data]); `schedules` memoizes the schedules by everything they depend on."""
    _pk, party, region, group, started_on, entries = row
    started_on = _date(started_on)
    entries = json.loads(entries) if isinstance(entries, str) else entries or ()
    stage, since = "awaiting_nominations", started_on
    done: dict[str, dt.date] = {}
    agreed: dict[Step, dt.date] = {}
    languages = None
    last = day.isoformat()
    for at, kind, data in entries:
        on = at[:10]  # the day, in UTC, as the log's `at`
        if on > last:
            break
        if "to" in data and data["to"] != stage:
            stage, since = data["to"], dt.date.fromisoformat(on)
        if kind == "submit" and data.get("from") in SUBMITTED:
            done[SUBMITTED[data["from"]]] = dt.date.fromisoformat(on)
        if kind == "consultation":
            done["consultation_held"] = dt.date.fromisoformat(data["held_on"])
            agreed = {Step(k): dt.date.fromisoformat(v) for k, v in data["agreed"].items()}
            languages = language_key(data.get("languages", []), data.get("no_agreement", False))
    extensions, pauses = extensions_and_pauses(changes)
    focal_points = all_named(named, party, reviewers, "focal_point")
    experts = all_named(named, party, reviewers, "expert")
    period = rules(started_on)
    # Reviews of one group with the same facts have the same schedule: computed once.
    key = (
        started_on,
        focal_points,
        experts,
        tuple(sorted(done.items())),
        tuple(sorted(agreed.items())),
        extensions,
        pauses,
        period,
    )
    schedule = schedules.get(key)
    if schedule is None:
        dates = ReviewDates(
            start=started_on,
            focal_points_named=focal_points and _date(focal_points),
            experts_named=experts and _date(experts),
            agreed=agreed,
            extensions=extensions,
            pauses=pauses,
            **done,
        )
        schedule = schedules[key] = {
            d.step: d for d in deadlines.schedule(deadlines.as_of(dates, day), period)
        }
    return ReviewFacts(
        party=party,
        regional_group=region,
        group=group,
        started_on=started_on,
        reviewers=tuple(reviewers),
        stage=stage,
        stage_since=since,
        languages=languages,
        deadlines=schedule,
    )


def data_version() -> str:
    """Changes whenever a record the statistics read changes: the records version every writer
    bumps in its transaction (revmod.registry.versions lists them). One single-row read.
    (Edits outside the actions, in the admin or a shell, bump nothing: CACHE_SECONDS bounds
    how long such an edit takes to show.)"""
    return str(versions.current(versions.STATISTICS))


CACHE_SECONDS = 15 * 60


def status(day: dt.date, cluster: Cluster | None = None, regional_group: str | None = None) -> dict:
    """Every figure of the status paper on `day` (see revmod.stats.figures), for the whole
    mechanism or for the parties of one regional group and their reviews.

    Computing it reads a row per review (a fraction of a second at fifty times the real
    mechanism); the result is cached under the day, the slice and `data_version()`, so it is
    computed again only when the records change."""
    cluster = cluster or default_cluster()
    share = settings.REVMOD_NEXT_CLUSTER_SHARE
    key = f"stats:{day}:{cluster.pk if cluster else 0}:{regional_group}:{share}:{data_version()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    parties, reviews = load(day, cluster)
    if regional_group:
        parties = [p for p in parties if p.regional_group == regional_group]
        reviews = [r for r in reviews if r.regional_group == regional_group]
    result = figures.status(day, parties, reviews, share / 100)
    cache.set(key, result, CACHE_SECONDS)
    return result
