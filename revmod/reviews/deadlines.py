"""Deadlines of one country review: guideline dates, agreed dates, extensions, pauses, delays.

Pure module: standard library only, no Django, no database, no clock ("today" is an argument).
The Django layer gathers a review's dates into `ReviewDates`, passes the secretariat's
`DeadlineRules`, and shows or counts what `schedule`, `overdue`, `delay_on` and `delay_bucket`
return.

Steps and guideline dates (defaults of `DeadlineRules`; domain.md "Country review steps")
------------------------------------------------------------------------------------------
| step                 | guideline date                                 | source                  |
|----------------------|------------------------------------------------|-------------------------|
| focal_points         | start + 14 days                                | seed ¶11                |
| experts              | start + 28 days                                | seed ¶18                |
| initial_consultation | all focal points named + 1 month               | assumed (UNCAC), ¶26    |
| questionnaire        | start + 6 months (SAQ answers submitted)       | seed ¶31, rule 34       |
| written_feedback     | answers submitted + 6 months                   | seed ¶35, rule 35       |
| observations         | feedback completed + 6 months (LoO + summary)  | seed ¶40                |
A guideline that counts from a step not yet done is None ("not yet computable"). The values of
the four last steps equal the names of the matching `workflow.Stage`s.

Months are calendar months clamped to the month's last day: 31 Jan + 1 month = 28 Feb (29 in a
leap year), 31 Aug + 6 months = 28/29 Feb; always counted from the anchor date, never chained
month by month (`add_months`).

The due date (the date delay is measured against, seed ¶32: "against the timetable agreed at
the consultation")
--------------------------------------------------------------------------------------------
1. The agreed date for the step, if the consultation set one, whether earlier or later than
   the guideline (a consultation held late must be able to set a later date); else the
   guideline date. An agreed date later than the step's limit (`agreed_limits`) stands only
   with the reason recorded for it (`agreed_beyond` lists the dates that need one; the
   actions refuse them without it), and `StepDeadline.agreed_reason` carries that reason
   beside such a date, None beside one within its limit.
2. Then the step's extensions, in the order they were granted: one with a new date replaces the
   due date as it stands (so the latest such extension wins over the agreed or guideline date
   and over earlier extensions); one of +N days adds N days to the due date as it stands (and
   does nothing while that is None).
3. Then the step's pauses: the due date moves later by the number of calendar days covered by
   the step's pauses, both ends included, a day covered by two pauses counting once.
Extensions and pauses need a non-empty reason (ValueError otherwise).

The limits of agreed dates (rules 34, 35, seed ¶31, ¶35, ¶40; docs/decisions.md)
-------------------------------------------------------------------------------
The rules give each step "at most" its period: an agreed date may be earlier (the agreed date
counts then), and later only with a recorded reason (a consultation held after the
questionnaire's six months had passed; reviewers who told everyone early they need more time,
seed ¶35). A step's limit is its guideline date when that is known; while the step it counts
from is open, the period counted from that step's agreed date, or else from its limit
(answers agreed for 1 Sep: feedback by 1 Mar at the latest). No guideline and nothing to count
from: no limit.

Delay and buckets (seed ¶32, ¶37)
---------------------------------
delay = done - due, in days (negative: early). `delay_bucket` sorts a delay into the seed's
buckets, months being calendar months counted from the due date (the same clamping), so with
L = due + delay:
- on_time: delay <= 0;  late_10_days: 1 to 10 days;
- late_3_months: 11 days or more, L <= due + 3 months;
- late_6_months: L > due + 3 months, L <= due + 6 months;
- late_over_6_months: L > due + 6 months, L <= due + 1 year (12 months);
- late_over_1_year: L > due + 1 year.
The buckets do not overlap. The seed's "10 over 6 months late (5 of them over a year)" is
`at_least(b, Bucket.LATE_OVER_6_MONTHS)` (late_over_6_months + late_over_1_year = 10) and
`b == Bucket.LATE_OVER_1_YEAR` (5).
"""

from __future__ import annotations

import calendar
import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months (back if negative), clamped to the last day of
    the target month: add_months(31 Jan 2024, 1) == 29 Feb 2024."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Step(StrEnum):
    """The dated steps of a country review, in order."""

    FOCAL_POINTS = "focal_points"  # every party of the review has named its focal point
    EXPERTS = "experts"  # every party has named its governmental experts
    INITIAL_CONSULTATION = "initial_consultation"
    QUESTIONNAIRE = "questionnaire"  # SAQ answers submitted
    WRITTEN_FEEDBACK = "written_feedback"
    OBSERVATIONS = "observations"  # list of observations and summary completed


STEPS: tuple[Step, ...] = tuple(Step)


@dataclass(frozen=True)
class DeadlineRules:
    """The guideline periods (settings, editable by the secretariat). Defaults and sources in
    the module docstring. Periods are whole, non-negative numbers (ValueError otherwise)."""

    focal_points_days: int = 14  # seed ¶11 (rule 18, guideline 5): 2 weeks after the start
    experts_days: int = 28  # seed ¶18 (guideline 6): 4 weeks after the start
    consultation_months: int = 1  # assumed (UNCAC model): after all focal points are named
    questionnaire_months: int = 6  # seed ¶31 (rule 34): at most 6 months from the start
    feedback_months: int = 6  # seed ¶35 (rule 35): at most 6 months after receiving answers
    observations_months: int = 6  # seed ¶40: 6 months for the list and its summary together

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{f.name} must be a whole number of at least 0.")


def _check_date(name: str, value: object, *, optional: bool = True) -> None:
    # datetime is a date subclass, but mixing it with dates breaks subtraction.
    if value is None and optional:
        return
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{name} must be a date.")


def _check_reason(reason: str) -> None:
    if not isinstance(reason, str) or not reason.strip():
        raise ValueError("A reason is required.")


@dataclass(frozen=True)
class Extension:
    """More time for one step, granted with a reason: either a `new_date` or `days` more
    (exactly one; days >= 1). Applied in the order granted (module docstring)."""

    step: Step
    reason: str
    new_date: date | None = None
    days: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "step", Step(self.step))
        _check_reason(self.reason)
        _check_date("new_date", self.new_date)
        if (self.new_date is None) == (self.days is None):
            raise ValueError("An extension gives either a new date or a number of days.")
        if self.days is not None and (
            not isinstance(self.days, int) or isinstance(self.days, bool) or self.days < 1
        ):
            raise ValueError("An extension adds at least one day.")


@dataclass(frozen=True)
class Pause:
    """The clock of one step stopped from `first_day` to `last_day`, both included, with a
    reason. An ongoing pause is passed with the last day known so far (e.g. today)."""

    step: Step
    first_day: date
    last_day: date
    reason: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "step", Step(self.step))
        _check_date("first_day", self.first_day, optional=False)
        _check_date("last_day", self.last_day, optional=False)
        _check_reason(self.reason)
        if self.last_day < self.first_day:
            raise ValueError("A pause ends on or after the day it starts.")


@dataclass(frozen=True)
class ReviewDates:
    """Everything about one review's dates that its deadlines depend on.

    - `start`: the start of the review (its group's start, seed ¶22, unless set otherwise).
    - the dates the steps were done, None while not done: `focal_points_named` (the day the
      last party's focal point was named), `experts_named` (likewise), `consultation_held`,
      `answers_submitted`, `feedback_completed`, `observations_completed`;
    - `agreed`: the dates agreed at the initial consultation, by step (seed ¶26, ¶32), and
      `agreed_reason`: why those later than their limits are (module docstring);
    - `extensions` and `pauses`, in the order they were granted.
    `agreed` is copied into a read-only mapping, so instances are not hashable.
    """

    start: date
    focal_points_named: date | None = None
    experts_named: date | None = None
    consultation_held: date | None = None
    answers_submitted: date | None = None
    feedback_completed: date | None = None
    observations_completed: date | None = None
    agreed: Mapping[Step, date] = field(default_factory=dict)
    agreed_reason: str = ""
    extensions: tuple[Extension, ...] = ()
    pauses: tuple[Pause, ...] = ()

    def __post_init__(self) -> None:
        _check_date("start", self.start, optional=False)
        for name in _DONE_FIELD.values():
            _check_date(name, getattr(self, name))
        agreed = {Step(step): day for step, day in self.agreed.items()}
        for step, day in agreed.items():
            _check_date(f"agreed[{step.value}]", day, optional=False)
        object.__setattr__(self, "agreed", MappingProxyType(agreed))
        object.__setattr__(self, "extensions", tuple(self.extensions))
        object.__setattr__(self, "pauses", tuple(self.pauses))

    def done_on(self, step: Step | str) -> date | None:
        """The date `step` was done, or None."""
        return getattr(self, _DONE_FIELD[Step(step)])


_DONE_FIELD: dict[Step, str] = {
    Step.FOCAL_POINTS: "focal_points_named",
    Step.EXPERTS: "experts_named",
    Step.INITIAL_CONSULTATION: "consultation_held",
    Step.QUESTIONNAIRE: "answers_submitted",
    Step.WRITTEN_FEEDBACK: "feedback_completed",
    Step.OBSERVATIONS: "observations_completed",
}


def as_of(dates: ReviewDates, today: date) -> ReviewDates:
    """`dates` as known on `today`: steps done after `today` are not done yet. (Agreed dates,
    extensions and pauses carry no date of record: pass those that existed on `today`.)"""
    later: dict[str, Any] = {
        name: None
        for name in _DONE_FIELD.values()
        if (done := getattr(dates, name)) is not None and done > today
    }
    return replace(dates, **later)


class Bucket(StrEnum):
    """How late a step was, in the seed's buckets (seed ¶32, ¶37), in increasing order."""

    ON_TIME = "on_time"
    LATE_10_DAYS = "late_10_days"
    LATE_3_MONTHS = "late_3_months"
    LATE_6_MONTHS = "late_6_months"
    LATE_OVER_6_MONTHS = "late_over_6_months"
    LATE_OVER_1_YEAR = "late_over_1_year"


BUCKETS: tuple[Bucket, ...] = tuple(Bucket)


def delay_bucket(days_late: int, *, due: date) -> Bucket:
    """The bucket of a delay of `days_late` days (done - due) against the due date `due`.
    Month limits are calendar months from `due` (module docstring), hence the due date."""
    if days_late <= 0:
        return Bucket.ON_TIME
    if days_late <= 10:
        return Bucket.LATE_10_DAYS
    done = due + timedelta(days=days_late)
    if done <= add_months(due, 3):
        return Bucket.LATE_3_MONTHS
    if done <= add_months(due, 6):
        return Bucket.LATE_6_MONTHS
    if done <= add_months(due, 12):
        return Bucket.LATE_OVER_6_MONTHS
    return Bucket.LATE_OVER_1_YEAR


def at_least(bucket: Bucket | str, threshold: Bucket | str) -> bool:
    """Whether `bucket` is `threshold` or a later one: at_least(b, LATE_OVER_6_MONTHS) is "over
    6 months late", over a year included."""
    return BUCKETS.index(Bucket(bucket)) >= BUCKETS.index(Bucket(threshold))


@dataclass(frozen=True)
class StepDeadline:
    """One step's deadline. `guideline`: None when the step it counts from is not done; `due`:
    see the module docstring (None if neither guideline, agreed date nor a dated extension
    exists); `delay_days`: done - due, None while the step is open or has no due date;
    `days_overdue`: set by `overdue` only (today - due); `agreed_reason`: why the agreed date is
    later than its limit, None when it is not (or none was agreed)."""

    step: Step
    guideline: date | None
    agreed: date | None
    due: date | None
    done: date | None
    delay_days: int | None
    days_overdue: int | None = None
    agreed_reason: str | None = None

    @property
    def bucket(self) -> Bucket | None:
        """The delay's bucket once the step is done and had a due date, else None."""
        if self.delay_days is None or self.due is None:
            return None
        return delay_bucket(self.delay_days, due=self.due)


def _guideline(step: Step, dates: ReviewDates, rules: DeadlineRules) -> date | None:
    if step == Step.FOCAL_POINTS:  # seed ¶11
        return dates.start + timedelta(days=rules.focal_points_days)
    if step == Step.EXPERTS:  # seed ¶18
        return dates.start + timedelta(days=rules.experts_days)
    if step == Step.QUESTIONNAIRE:  # seed ¶31: from the start of the review
        return add_months(dates.start, rules.questionnaire_months)
    # The others count from the step before them being done.
    anchor, months = {
        Step.INITIAL_CONSULTATION: (dates.focal_points_named, rules.consultation_months),
        Step.WRITTEN_FEEDBACK: (dates.answers_submitted, rules.feedback_months),  # seed ¶35
        Step.OBSERVATIONS: (dates.feedback_completed, rules.observations_months),  # seed ¶40
    }[step]
    return None if anchor is None else add_months(anchor, months)


# The step each limit counts from while that step is open, and the period's setting.
_COUNTS_FROM: dict[Step, tuple[Step, str]] = {
    Step.WRITTEN_FEEDBACK: (Step.QUESTIONNAIRE, "feedback_months"),  # rule 35, seed ¶35
    Step.OBSERVATIONS: (Step.WRITTEN_FEEDBACK, "observations_months"),  # seed ¶40
}


def agreed_limits(dates: ReviewDates, rules: DeadlineRules) -> dict[Step, date | None]:
    """The latest date each step may be agreed for without a recorded reason (module
    docstring, "The limits of agreed dates"), None when nothing bounds it yet."""
    limits: dict[Step, date | None] = {}
    for step in STEPS:
        limit = _guideline(step, dates, rules)
        if limit is None and step in _COUNTS_FROM:
            before, period = _COUNTS_FROM[step]
            anchor = dates.agreed.get(before) or limits[before]
            limit = None if anchor is None else add_months(anchor, getattr(rules, period))
        limits[step] = limit
    return limits


def agreed_beyond(dates: ReviewDates, rules: DeadlineRules) -> list[Step]:
    """The steps whose agreed date is later than its limit, in `STEPS` order: the dates that
    stand only with a recorded reason."""
    limits = agreed_limits(dates, rules)
    return [
        step
        for step in STEPS
        if (day := dates.agreed.get(step)) is not None
        and (limit := limits[step]) is not None
        and day > limit
    ]


def _paused_days(step: Step, pauses: tuple[Pause, ...]) -> int:
    """Calendar days covered by the step's pauses, overlaps counted once."""
    total = 0
    covered_to: date | None = None  # last day already counted
    for pause in sorted((p for p in pauses if p.step == step), key=lambda p: p.first_day):
        first = pause.first_day
        if covered_to is not None and first <= covered_to:
            first = covered_to + timedelta(days=1)
        if first <= pause.last_day:
            total += (pause.last_day - first).days + 1
            covered_to = pause.last_day
    return total


def _due(step: Step, base: date | None, dates: ReviewDates) -> date | None:
    due = base
    for ext in dates.extensions:
        if ext.step != step:
            continue
        if ext.new_date is not None:
            due = ext.new_date  # the latest dated extension wins
        elif due is not None and ext.days is not None:
            due += timedelta(days=ext.days)
    if due is not None:
        due += timedelta(days=_paused_days(step, dates.pauses))
    return due


def schedule(dates: ReviewDates, rules: DeadlineRules) -> list[StepDeadline]:
    """Every step of the review, in `STEPS` order, with its guideline, agreed, due and done
    dates and its delay (rules in the module docstring). Never raises for missing dates."""
    result = []
    beyond = set(agreed_beyond(dates, rules)) if dates.agreed else set()
    reason = dates.agreed_reason.strip()
    for step in STEPS:
        guideline = _guideline(step, dates, rules)
        agreed = dates.agreed.get(step)
        due = _due(step, agreed if agreed is not None else guideline, dates)
        done = dates.done_on(step)
        delay = (done - due).days if done is not None and due is not None else None
        why = reason if step in beyond else None
        result.append(StepDeadline(step, guideline, agreed, due, done, delay, agreed_reason=why))
    return result


def overdue(dates: ReviewDates, rules: DeadlineRules, today: date) -> list[StepDeadline]:
    """The steps open on `today` (not done, or done only after `today`: see `as_of`) whose due
    date is before `today`, each with `days_overdue` = today - due (>= 1). A step due today is
    not overdue; a step without a due date never is."""
    return [
        replace(sd, days_overdue=(today - sd.due).days)
        for sd in schedule(as_of(dates, today), rules)
        if sd.done is None and sd.due is not None and sd.due < today
    ]


def delay_on(step_deadline: StepDeadline, today: date) -> int | None:
    """How many days late the step is, or was, as of `today`: done - due if it was done by
    `today`, else today - due (<= 0: not late yet). None without a due date. For statistics
    "as of a date", build the deadline from `as_of(dates, today)` so the due dates of steps
    that count from later events are not known either."""
    if step_deadline.due is None:
        return None
    if step_deadline.done is not None and step_deadline.done <= today:
        return (step_deadline.done - step_deadline.due).days
    return (today - step_deadline.due).days


def days_late(step_deadline: StepDeadline, today: date) -> int | None:
    """The days late a page shows for a step on `today`: done - due once done (negative:
    early); while open, today - due once the due date has passed (an open step counts its
    days late as of today); None while an open step is not late yet, or has no due date."""
    delay = delay_on(step_deadline, today)
    if delay is None or (step_deadline.done is None and delay <= 0):
        return None
    return delay


def first_open_due(steps: list[StepDeadline]) -> date | None:
    """The earliest due date among the steps not done, None when none has one: the review is
    overdue on any day after it (what `overdue` lists is then not empty)."""
    return min((sd.due for sd in steps if sd.done is None and sd.due is not None), default=None)


def forecast_share_date(
    completed: list[date], expected: list[date | None], share: float, delays: list[int]
) -> date | None:
    """The day a `share` (0-1) of a cluster's reviews will be complete (the 70 % rule, seed
    ¶25): the reviews complete on the days in `completed`; each open one is expected on its
    last step's due date (`expected`, None when not yet known) moved by the median of the
    `delays` observed so far (days late, negative when early; 0 without any). None when too
    few dates are known to reach the share."""
    total = len(completed) + len(expected)
    needed = math.ceil(share * total - 1e-9)
    if total == 0 or needed == 0:
        return None
    shift = timedelta(days=round(statistics.median(delays))) if delays else timedelta(0)
    days = sorted([*completed, *(day + shift for day in expected if day is not None)])
    return days[needed - 1] if len(days) >= needed else None
