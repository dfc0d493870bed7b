"""The state of the mechanism on a day, as counts: pure functions over plain facts.

`revmod.stats.status` turns the database (the event log, nominations, pairings, consultations,
deadline changes) into the facts below as they stood on the day; everything here is counting,
so it is tested without a database. The names of the keys are those of the API
(`/api/v1/stats/status/`) and of the status report; the seed's paragraph is given with each.

Counting rules (decisions where the seed is not explicit):
- A focal point, expert or observer is a person with a nomination in force on the day
  (starts_on <= day < ends_on). People are counted once however many nominations they hold
  (one person may be focal point for the party's own review and for its role as reviewer).
- "Parties with several focal points" have two or more different people in force (¶14: "usually
  one for their own review and one for their role as reviewer"). "Parties that changed" had a
  focal point nomination end on or before the day (¶15).
- A review is "blocked" by missing focal points when it has not started (awaiting nominations)
  and its party under review has no focal point for its own review or one of its reviewing
  parties has none for its role as reviewer (¶16, Figure I).
- Timeliness (¶32, ¶37) is measured against the date agreed at the initial consultation, else
  the guideline, moved by extensions and pauses (revmod.reviews.deadlines).
- A review has not started "for want of an initial consultation" (¶30) when it has not started
  (awaiting nominations or at the initial consultation), no focal point is missing for it (else
  it is one of ¶16's blocked reviews) and no consultation has been held.
- A written feedback in progress and late is "likely to be more than a year late" (¶37, a
  projection) when the day it can be expected is more than twelve months after its due date:
  expected on its answers' day plus the median time the feedbacks completed by the day took
  (the `pace`, whole mechanism), and never before the day itself. Without any completed
  feedback the pace is 0: those already over a year late.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import NamedTuple

from revmod.reviews.deadlines import (
    Bucket,
    Step,
    StepDeadline,
    add_months,
    forecast_share_date,
)

STAGES = (
    "not_started",
    "initial_consultation",
    "questionnaire",
    "written_feedback",
    "observations",
    "completed",
)
# The workflow's stage names, as the statistics call them.
STAGE_KEY = {"awaiting_nominations": "not_started"}
MINISTRIES = ("foreign_affairs", "justice", "interior", "other")
QUESTIONNAIRE_KEYS = ("submitted", *(b.value for b in Bucket), "in_preparation")
FOCAL_POINT, EXPERT, OBSERVER = "focal_point", "expert", "observer"
OWN, REVIEWER = "own", "reviewer"


class PartyFacts(NamedTuple):
    """A party to the Convention on the day, with the group it is reviewed in (None before it
    is drawn into one), and its nominations in force on the day as counts (revmod.stats.status
    counts them in the database, one row per party). People are counted per party: a person
    works for one party, and only that party may nominate them (accounts.nominate), so the
    people of several parties are the sum of each party's. A tuple, not a dataclass: the
    status of a day builds one per party (9,500 at fifty times the mechanism)."""

    code: str
    regional_group: str | None
    group: int | None
    focal_points: int = 0  # people with a focal point nomination in force
    focal_point_women: int = 0
    focal_point_ministries: tuple[int, ...] = (0,) * len(MINISTRIES)  # in MINISTRIES' order
    own_focal_point: bool = False  # a focal point in force for the party's own review
    reviewer_focal_point: bool = False  # one in force for its role as reviewing party
    changed_focal_point: bool = False  # a focal point nomination ended on or before the day
    experts: int = 0  # people with an expert nomination in force
    expert_women: int = 0
    observers: int = 0  # people with an observer nomination in force


class ReviewFacts(NamedTuple):
    """One review as it stood on the day (a tuple, as PartyFacts: one per review)."""

    party: str
    regional_group: str | None
    group: int
    started_on: date
    reviewers: tuple[str, ...]  # reviewing parties in force on the day
    stage: str  # workflow stage on the day
    stage_since: date
    languages: str | None  # the consultation's language key, None if none held by the day
    # Each step's deadline, from deadlines.schedule(as_of(dates, day), rules); reviews with the
    # same schedule share one mapping.
    deadlines: Mapping[Step, StepDeadline]

    def deadline(self, step: Step) -> StepDeadline | None:
        return self.deadlines.get(step)


def stage_key(stage: str) -> str:
    return STAGE_KEY.get(stage, stage)


def _late(deadline: StepDeadline | None, day: date) -> bool:
    """Open on the day and past its due date."""
    return bool(deadline and deadline.done is None and deadline.due and deadline.due < day)


def _over_a_year_late(deadline: StepDeadline | None, day: date) -> bool:
    return bool(
        deadline and deadline.done is None and deadline.due and add_months(deadline.due, 12) < day
    )


def feedback_pace(reviews: Sequence[ReviewFacts]) -> int:
    """The median days from the answers to the written feedback, over the feedbacks completed
    (¶37's projection, see the module); 0 without any."""
    days = []
    for r in reviews:
        q, wf = r.deadline(Step.QUESTIONNAIRE), r.deadline(Step.WRITTEN_FEEDBACK)
        if q and wf and q.done is not None and wf.done is not None:
            days.append((wf.done - q.done).days)
    return round(statistics.median(days)) if days else 0


def _likely_over_a_year_late(r: ReviewFacts, day: date, pace: int) -> bool:
    """¶37: a feedback in progress expected more than a year after its due date (module)."""
    q, wf = r.deadline(Step.QUESTIONNAIRE), r.deadline(Step.WRITTEN_FEEDBACK)
    if not (wf and wf.due and wf.done is None and wf.due < day):  # late ones only
        return False
    expected = max(day, q.done + timedelta(days=pace)) if q and q.done else day
    return expected > add_months(wf.due, 12)


def _steps(day: date, r: ReviewFacts, stage: str, memo: dict, pace: int = 0) -> tuple:
    """(questionnaire's timeliness bucket if submitted, else None; written feedback completed,
    late, over a year late, likely over a year late; observations completed) of a review on
    `day`. The same for every
    review sharing a schedule and a stage: `memo` keeps it (3,650 schedules for 9,450 reviews
    at fifty times the mechanism, each review counted in three blocks)."""
    key = (id(r.deadlines), stage)
    found = memo.get(key)
    if found is None:
        q = r.deadline(Step.QUESTIONNAIRE)
        wf = r.deadline(Step.WRITTEN_FEEDBACK)
        o = r.deadline(Step.OBSERVATIONS)
        found = memo[key] = (
            (q.bucket or Bucket.ON_TIME).value if q and q.done is not None else None,
            bool(wf and wf.done is not None),
            _late(wf, day),
            _over_a_year_late(wf, day),
            _likely_over_a_year_late(r, day, pace),
            bool(o and o.done is not None),
        )
    return found


def block(
    day: date,
    parties: Sequence[PartyFacts],
    reviews: Sequence[ReviewFacts],
    memo: dict | None = None,
    pace: int = 0,
) -> dict:
    """Every count of the status paper for these parties and reviews (the whole mechanism, or
    one group or regional group of it). One pass over the reviews: a block of the whole
    mechanism has 9,450 of them at fifty times its size. `memo`: see _steps, shared by the
    blocks of one day; `pace`: see feedback_pace."""
    memo = {} if memo is None else memo
    own = {p.code for p in parties if p.own_focal_point}
    reviewing = {p.code for p in parties if p.reviewer_focal_point}
    stages: Counter[str] = Counter()
    held: Counter[str] = Counter()
    questionnaire = dict.fromkeys(QUESTIONNAIRE_KEYS, 0)
    feedback = {
        "in_progress": 0,
        "completed": 0,
        "late": 0,
        "late_over_1_year": 0,
        "likely_over_1_year": 0,
    }
    observed, drafting, blocked, no_consultation = 0, [], 0, 0
    for r in reviews:
        stage = stage_key(r.stage)
        stages[stage] += 1
        if r.languages is not None:
            held[r.languages] += 1
        # ¶16, Figure I: not started, and a party without its focal point for the review.
        if stage == "not_started" and (
            r.party not in own or any(c not in reviewing for c in r.reviewers)
        ):
            blocked += 1
        # ¶30: not started, no focal point missing, and no consultation held.
        elif stage in ("not_started", "initial_consultation") and r.languages is None:
            no_consultation += 1
        bucket, written, late, over_a_year_late, likely, observed_ = _steps(
            day, r, stage, memo, pace
        )
        # ¶32: the questionnaires submitted, per timeliness bucket.
        if bucket is not None:
            questionnaire["submitted"] += 1
            questionnaire[bucket] += 1
        # ¶36-37: written feedbacks completed; in progress, late and over a year late.
        feedback["completed"] += written
        if stage == "written_feedback":
            feedback["in_progress"] += 1
            feedback["late"] += late
            feedback["late_over_1_year"] += over_a_year_late
            feedback["likely_over_1_year"] += likely
        # ¶39: lists of observations completed, and how long each under way has been drafted.
        observed += observed_
        if stage == "observations":
            drafting.append((day - r.stage_since).days)
    questionnaire["in_preparation"] = stages["questionnaire"]
    return {
        "parties": len({p.code for p in parties}),
        "reviews": len(reviews),
        "focal_points": _focal_points(parties, blocked),
        "experts": {
            "total": sum(p.experts for p in parties),
            "women": sum(p.expert_women for p in parties),
        },
        "observers": {
            "total": sum(p.observers for p in parties),
            "parties": sum(1 for p in parties if p.observers),
        },
        "reviews_by_stage": {s: stages[s] for s in STAGES},
        "consultations_held": sum(held.values()),
        "not_started_without_consultation": no_consultation,
        "languages": dict(sorted(held.items())),
        "questionnaire": questionnaire,
        "written_feedback": feedback,
        "observations": {
            "in_progress": stages["observations"],
            "completed": observed,
            "drafting_days": sorted(drafting, reverse=True),
        },
    }


def _focal_points(parties: Sequence[PartyFacts], blocked: int) -> dict:
    """The focal points in force (people counted once), the parties with one, with several or
    that changed theirs, the parties without, and the reviews they block (¶12-16; a role counts
    as filled in a block when its party is one of the block's `parties`)."""
    with_one = {p.code for p in parties if p.focal_points}
    return {
        "total": sum(p.focal_points for p in parties),
        "parties": len(with_one),
        "women": sum(p.focal_point_women for p in parties),
        "by_ministry": {
            m: sum(p.focal_point_ministries[i] for p in parties) for i, m in enumerate(MINISTRIES)
        },
        "parties_with_several": sum(1 for p in parties if p.focal_points > 1),
        "parties_changed": len({p.code for p in parties if p.changed_focal_point}),
        "parties_without": len({p.code for p in parties} - with_one),
        "reviews_blocked": blocked,
    }


def next_cluster(reviews: Sequence[ReviewFacts], share: float) -> tuple[int, int, date | None]:
    """¶25: (the reviews complete, how many must be for the group to start the next cluster,
    the day that share is forecast to be reached or None): each open review expected on its
    list of observations' due date moved by the median delay of the steps done so far, as
    reviews.schedule.cluster_progress does for today (deadlines.forecast_share_date)."""
    completed, expected, delays = [], [], []
    for r in reviews:
        delays += [d.delay_days for d in r.deadlines.values() if d.delay_days is not None]
        last = r.deadline(Step.OBSERVATIONS)
        if last and last.done is not None:
            completed.append(last.done)
        else:
            expected.append(last.due if last else None)
    needed = -(-round(share * 100) * len(reviews) // 100)  # the share, rounded up
    forecast = forecast_share_date(completed, expected, share, delays)
    return len(completed), needed, forecast


def status(
    day: date,
    parties: Sequence[PartyFacts],
    reviews: Sequence[ReviewFacts],
    share: float = 0.7,
) -> dict:
    """The whole mechanism on `day`, then the same counts by group and by regional group;
    `share`: the share of a group's reviews complete before it starts the next cluster (¶25,
    settings.REVMOD_NEXT_CLUSTER_SHARE).

    A group's parties are those taking part in it (¶8: parties under review in the group and
    their reviewing parties), so one party counts in several groups; a regional group's parties
    are its members, and its reviews those of its members."""
    memo: dict = {}
    pace = feedback_pace(reviews)
    result = {"as_of": day.isoformat(), **block(day, parties, reviews, memo, pace)}
    by_code = {p.code: p for p in parties}
    groups = sorted({r.group for r in reviews})
    result["groups"] = []
    result["by_group"] = {}
    for g in groups:
        in_group = [r for r in reviews if r.group == g]
        taking_part = {r.party for r in in_group} | {c for r in in_group for c in r.reviewers}
        members = [by_code[c] for c in sorted(taking_part) if c in by_code]
        complete, needed, forecast = next_cluster(in_group, share)
        result["groups"].append(
            {
                "group": g,
                "reviews": len(in_group),
                "participating_parties": len(members),
                "started_on": min(r.started_on for r in in_group).isoformat(),
                "complete": complete,
                "needed_for_next_cluster": needed,
                "next_cluster_forecast": forecast and forecast.isoformat(),
            }
        )
        result["by_group"][str(g)] = block(day, members, in_group, memo, pace)
    regions = sorted({p.regional_group for p in parties if p.regional_group})
    result["by_regional_group"] = {}
    for code in regions:
        members = [p for p in parties if p.regional_group == code]
        in_region = [r for r in reviews if r.regional_group == code]
        result["by_regional_group"][code] = block(day, members, in_region, memo, pace)
    return result
