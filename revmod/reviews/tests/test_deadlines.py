"""Tests of review deadlines (revmod.reviews.deadlines): plain pytest, no database."""

from __future__ import annotations

import collections
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revmod.reviews.deadlines import (
    BUCKETS,
    STEPS,
    Bucket,
    DeadlineRules,
    Extension,
    Pause,
    ReviewDates,
    Step,
    StepDeadline,
    add_months,
    agreed_beyond,
    agreed_limits,
    as_of,
    at_least,
    days_late,
    delay_bucket,
    delay_on,
    first_open_due,
    overdue,
    schedule,
)

RULES = DeadlineRules()
GROUP_1 = date(2020, 12, 1)  # seed ¶22: group 1 started on 1 December 2020


def by_step(dates: ReviewDates, rules: DeadlineRules = RULES) -> dict[Step, StepDeadline]:
    result = schedule(dates, rules)
    assert [sd.step for sd in result] == list(STEPS)
    return {sd.step: sd for sd in result}


def due(dates: ReviewDates, step: Step) -> date | None:
    return by_step(dates)[step].due


# --- month arithmetic -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2022, 8, 31), 6, date(2023, 2, 28)),
        (date(2023, 3, 31), 1, date(2023, 4, 30)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2020, 12, 1), 6, date(2021, 6, 1)),
        (date(2023, 11, 15), 2, date(2024, 1, 15)),  # across the year
        (date(2024, 3, 31), -1, date(2024, 2, 29)),  # backwards
        (date(2024, 1, 15), -13, date(2022, 12, 15)),
        (date(2024, 5, 17), 0, date(2024, 5, 17)),
    ],
)
def test_add_months_clamps_to_the_last_day(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_months_count_from_the_anchor_not_chained() -> None:
    assert add_months(date(2023, 1, 31), 2) == date(2023, 3, 31)
    assert add_months(add_months(date(2023, 1, 31), 1), 1) == date(2023, 3, 28)


# --- guideline dates --------------------------------------------------------------------------


def test_guideline_dates_of_a_review_just_started() -> None:
    steps = by_step(ReviewDates(GROUP_1))
    assert steps[Step.FOCAL_POINTS].guideline == date(2020, 12, 15)  # 2 weeks, seed ¶11
    assert steps[Step.EXPERTS].guideline == date(2020, 12, 29)  # 4 weeks, seed ¶18
    assert steps[Step.QUESTIONNAIRE].guideline == date(2021, 6, 1)  # 6 months, seed ¶31
    # Not computable yet: they count from steps not done.
    for step in (Step.INITIAL_CONSULTATION, Step.WRITTEN_FEEDBACK, Step.OBSERVATIONS):
        assert steps[step].guideline is None
        assert steps[step].due is None
        assert steps[step].delay_days is None
    for sd in steps.values():
        assert sd.agreed is None and sd.done is None and sd.delay_days is None
        assert sd.days_overdue is None and sd.bucket is None
        if sd.guideline is not None:
            assert sd.due == sd.guideline


def test_guideline_dates_follow_the_steps_done() -> None:
    dates = ReviewDates(
        GROUP_1,
        focal_points_named=date(2021, 1, 31),
        experts_named=date(2021, 2, 1),
        consultation_held=date(2021, 3, 10),
        answers_submitted=date(2021, 8, 31),
        feedback_completed=date(2022, 3, 1),
        observations_completed=date(2022, 9, 15),
    )
    steps = by_step(dates)
    # 1 month after the last focal point is named (assumed, UNCAC model), clamped.
    assert steps[Step.INITIAL_CONSULTATION].guideline == date(2021, 2, 28)
    assert steps[Step.WRITTEN_FEEDBACK].guideline == date(2022, 2, 28)  # seed ¶35, clamped
    assert steps[Step.OBSERVATIONS].guideline == date(2022, 9, 1)  # seed ¶40
    assert {s: sd.done for s, sd in steps.items()} == {s: dates.done_on(s) for s in STEPS}
    assert steps[Step.FOCAL_POINTS].delay_days == 47  # 15 Dec 2020 -> 31 Jan 2021
    assert steps[Step.INITIAL_CONSULTATION].delay_days == 10
    assert steps[Step.QUESTIONNAIRE].delay_days == 91  # 1 Jun -> 31 Aug 2021
    assert steps[Step.WRITTEN_FEEDBACK].delay_days == 1
    assert steps[Step.OBSERVATIONS].delay_days == 14


def test_rules_are_settings() -> None:
    rules = DeadlineRules(
        focal_points_days=21, experts_days=30, consultation_months=2, questionnaire_months=4
    )
    steps = by_step(ReviewDates(GROUP_1, focal_points_named=date(2020, 12, 31)), rules)
    assert steps[Step.FOCAL_POINTS].due == date(2020, 12, 22)
    assert steps[Step.EXPERTS].due == date(2020, 12, 31)
    assert steps[Step.INITIAL_CONSULTATION].due == date(2021, 2, 28)
    assert steps[Step.QUESTIONNAIRE].due == date(2021, 4, 1)


@pytest.mark.parametrize("bad", [-1, 1.5, True, None])
def test_rules_refuse_odd_periods(bad: object) -> None:
    with pytest.raises(ValueError):
        DeadlineRules(feedback_months=bad)  # type: ignore[arg-type]


# --- agreed dates, extensions, pauses ---------------------------------------------------------


@pytest.mark.parametrize("agreed", [date(2021, 4, 30), date(2021, 9, 30)])
def test_the_agreed_date_overrides_the_guideline(agreed: date) -> None:
    # Seed ¶32: delay is measured against the timetable agreed at the consultation, whether it
    # is earlier or later than the guideline.
    dates = ReviewDates(
        GROUP_1, agreed={Step.QUESTIONNAIRE: agreed}, answers_submitted=date(2021, 6, 1)
    )
    sd = by_step(dates)[Step.QUESTIONNAIRE]
    assert sd.guideline == date(2021, 6, 1)
    assert (sd.agreed, sd.due) == (agreed, agreed)
    assert sd.delay_days == (date(2021, 6, 1) - agreed).days


def test_an_agreed_date_makes_a_step_dated_before_its_guideline_is() -> None:
    dates = ReviewDates(GROUP_1, agreed={"written_feedback": date(2022, 1, 31)})  # type: ignore[dict-item]
    sd = by_step(dates)[Step.WRITTEN_FEEDBACK]
    assert sd.guideline is None
    assert sd.due == sd.agreed == date(2022, 1, 31)


def test_agreed_dates_are_bounded_by_the_rules_periods_unless_a_reason_is_recorded() -> None:
    # Rule 34 (seed ¶31): the answers within at most six months of the start; rule 35 (¶35):
    # the feedback within at most six months of receiving them; ¶40: six months for the list.
    # An agreed date may be earlier; a later one stands only with a reason, shown beside it.
    answers, feedback = date(2021, 9, 1), date(2022, 6, 30)
    dates = ReviewDates(
        GROUP_1, agreed={Step.QUESTIONNAIRE: answers, Step.WRITTEN_FEEDBACK: feedback}
    )
    limits = agreed_limits(dates, RULES)
    assert limits[Step.QUESTIONNAIRE] == date(2021, 6, 1)  # start + 6 months
    # While the answers are due, the feedback counts from their agreed date, the list from
    # the feedback's: 1 Sep 2021 + 6 months, 30 Jun 2022 + 6 months.
    assert limits[Step.WRITTEN_FEEDBACK] == date(2022, 3, 1)
    assert limits[Step.OBSERVATIONS] == date(2022, 12, 30)
    assert agreed_beyond(dates, RULES) == [Step.QUESTIONNAIRE, Step.WRITTEN_FEEDBACK]
    # The answers arrive: the feedback's limit is then its guideline.
    submitted = replace(dates, answers_submitted=date(2022, 1, 10))
    assert agreed_limits(submitted, RULES)[Step.WRITTEN_FEEDBACK] == date(2022, 7, 10)
    assert agreed_beyond(submitted, RULES) == [Step.QUESTIONNAIRE]
    # The reason stands beside each date beyond its limit, and only there; the date counts.
    why = replace(submitted, agreed_reason="Consultation held in August 2021.")
    steps = by_step(why)
    assert steps[Step.QUESTIONNAIRE].agreed_reason == "Consultation held in August 2021."
    assert steps[Step.QUESTIONNAIRE].due == answers
    assert steps[Step.WRITTEN_FEEDBACK].agreed_reason is None
    # Within the limits (earlier included), no reason is asked for: nothing is beyond.
    early = ReviewDates(GROUP_1, agreed={Step.QUESTIONNAIRE: date(2021, 6, 1)})
    assert agreed_beyond(early, RULES) == []


def test_extensions_apply_in_the_order_granted() -> None:
    agreed = {Step.QUESTIONNAIRE: date(2021, 5, 1)}

    def due_with(*extensions: Extension) -> date | None:
        return due(ReviewDates(GROUP_1, agreed=agreed, extensions=extensions), Step.QUESTIONNAIRE)

    plus_30 = Extension(Step.QUESTIONNAIRE, "Translation", days=30)
    plus_10 = Extension(Step.QUESTIONNAIRE, "Approval procedure", days=10)
    to_sept = Extension(Step.QUESTIONNAIRE, "New focal point", new_date=date(2021, 9, 1))
    to_july = Extension(Step.QUESTIONNAIRE, "Agreed anew", new_date=date(2021, 7, 1))
    other = Extension(Step.WRITTEN_FEEDBACK, "Other step", days=99)

    assert due_with() == date(2021, 5, 1)
    assert due_with(other) == date(2021, 5, 1)
    assert due_with(plus_30) == date(2021, 5, 31)  # on top of the agreed date
    assert due_with(plus_30, plus_10) == date(2021, 6, 10)  # day extensions add up
    assert due_with(to_sept) == date(2021, 9, 1)  # a new date replaces the agreed date
    assert due_with(plus_30, to_sept) == date(2021, 9, 1)  # ... and earlier extensions
    assert due_with(to_sept, plus_10) == date(2021, 9, 11)  # later days add to it
    assert due_with(to_sept, to_july) == date(2021, 7, 1)  # the latest granted wins
    sd = by_step(ReviewDates(GROUP_1, agreed=agreed, extensions=(to_sept,)))[Step.QUESTIONNAIRE]
    assert (sd.guideline, sd.agreed) == (date(2021, 6, 1), date(2021, 5, 1))


def test_extensions_of_a_step_not_yet_computable() -> None:
    days = Extension(Step.WRITTEN_FEEDBACK, "More time", days=30)
    dated = Extension(Step.WRITTEN_FEEDBACK, "More time", new_date=date(2022, 6, 30))
    assert due(ReviewDates(GROUP_1, extensions=(days,)), Step.WRITTEN_FEEDBACK) is None
    assert due(ReviewDates(GROUP_1, extensions=(dated,)), Step.WRITTEN_FEEDBACK) == date(
        2022, 6, 30
    )
    # Once the answers are in, the day extension applies to the guideline.
    later = ReviewDates(GROUP_1, answers_submitted=date(2021, 6, 1), extensions=(days,))
    assert due(later, Step.WRITTEN_FEEDBACK) == date(2021, 12, 31)


def test_pauses_push_the_due_date_by_the_days_paused() -> None:
    # Guideline 1 Jun 2021; a pause from 1 to 10 March (both included) is 10 days.
    march = Pause(Step.QUESTIONNAIRE, date(2021, 3, 1), date(2021, 3, 10), "Elections")
    assert due(ReviewDates(GROUP_1, pauses=(march,)), Step.QUESTIONNAIRE) == date(2021, 6, 11)
    one_day = Pause(Step.QUESTIONNAIRE, date(2021, 4, 1), date(2021, 4, 1), "Holiday")
    assert due(ReviewDates(GROUP_1, pauses=(march, one_day)), Step.QUESTIONNAIRE) == date(
        2021, 6, 12
    )
    # Overlapping pauses count each day once: 1-10 March and 5-20 March are 20 days.
    overlap = Pause(Step.QUESTIONNAIRE, date(2021, 3, 5), date(2021, 3, 20), "Flood")
    assert due(ReviewDates(GROUP_1, pauses=(overlap, march)), Step.QUESTIONNAIRE) == date(
        2021, 6, 21
    )
    inside = Pause(Step.QUESTIONNAIRE, date(2021, 3, 2), date(2021, 3, 3), "Inside")
    assert due(ReviewDates(GROUP_1, pauses=(march, inside)), Step.QUESTIONNAIRE) == date(
        2021, 6, 11
    )
    # A pause of another step does not move this one.
    other = Pause(Step.EXPERTS, date(2021, 3, 1), date(2021, 3, 10), "Other step")
    assert due(ReviewDates(GROUP_1, pauses=(other,)), Step.QUESTIONNAIRE) == date(2021, 6, 1)


def test_pauses_come_after_agreed_dates_and_extensions() -> None:
    dates = ReviewDates(
        GROUP_1,
        agreed={Step.QUESTIONNAIRE: date(2021, 5, 1)},
        pauses=(Pause(Step.QUESTIONNAIRE, date(2021, 2, 1), date(2021, 2, 5), "Crisis"),),
        extensions=(Extension(Step.QUESTIONNAIRE, "Translation", new_date=date(2021, 8, 1)),),
    )
    assert due(dates, Step.QUESTIONNAIRE) == date(2021, 8, 6)
    # A pause of a step not yet computable waits for its base.
    pause = Pause(Step.OBSERVATIONS, date(2022, 1, 1), date(2022, 1, 31), "Reviewer redrawn")
    assert due(ReviewDates(GROUP_1, pauses=(pause,)), Step.OBSERVATIONS) is None


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_extensions_and_pauses_need_a_reason(reason: str) -> None:
    with pytest.raises(ValueError, match="reason"):
        Extension(Step.QUESTIONNAIRE, reason, days=10)
    with pytest.raises(ValueError, match="reason"):
        Extension(Step.QUESTIONNAIRE, reason, new_date=date(2021, 9, 1))
    with pytest.raises(ValueError, match="reason"):
        Pause(Step.QUESTIONNAIRE, date(2021, 3, 1), date(2021, 3, 2), reason)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},  # neither a date nor days
        {"new_date": date(2021, 9, 1), "days": 5},  # both
        {"days": 0},
        {"days": -3},
        {"days": True},
        {"new_date": datetime(2021, 9, 1, 12, 0)},
    ],
)
def test_odd_extensions_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises((ValueError, TypeError)):
        Extension(Step.QUESTIONNAIRE, "Reason", **kwargs)  # type: ignore[arg-type]


def test_odd_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        Pause(Step.QUESTIONNAIRE, date(2021, 3, 2), date(2021, 3, 1), "Backwards")
    with pytest.raises(ValueError):
        Extension("saq", "Reason", days=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ReviewDates(GROUP_1, agreed={"saq": date(2021, 1, 1)})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        ReviewDates(datetime(2020, 12, 1))
    with pytest.raises(TypeError):
        ReviewDates(GROUP_1, answers_submitted="2021-06-01")  # type: ignore[arg-type]


def test_inputs_are_immutable() -> None:
    agreed = {Step.QUESTIONNAIRE: date(2021, 5, 1)}
    dates = ReviewDates(GROUP_1, agreed=agreed, extensions=[])  # type: ignore[arg-type]
    agreed[Step.QUESTIONNAIRE] = date(2030, 1, 1)
    assert dates.agreed[Step.QUESTIONNAIRE] == date(2021, 5, 1)
    assert dates.extensions == ()
    with pytest.raises(TypeError):
        dates.agreed[Step.EXPERTS] = date(2021, 1, 1)  # type: ignore[index]


# --- buckets ----------------------------------------------------------------------------------

DUE = date(2023, 3, 1)  # + 3 months = 1 Jun 2023 (92 days), + 6 = 1 Sep, + 12 = 1 Mar 2024


def days_to(day: date) -> int:
    return (day - DUE).days


@pytest.mark.parametrize(
    ("days_late", "bucket"),
    [
        (-30, Bucket.ON_TIME),
        (0, Bucket.ON_TIME),  # done on the due date is on time
        (1, Bucket.LATE_10_DAYS),
        (10, Bucket.LATE_10_DAYS),  # exactly 10 days
        (11, Bucket.LATE_3_MONTHS),
        (days_to(date(2023, 6, 1)), Bucket.LATE_3_MONTHS),  # exactly 3 months (92 days)
        (days_to(date(2023, 6, 2)), Bucket.LATE_6_MONTHS),  # 3 months + 1 day
        (days_to(date(2023, 9, 1)), Bucket.LATE_6_MONTHS),  # exactly 6 months
        (days_to(date(2023, 9, 2)), Bucket.LATE_OVER_6_MONTHS),  # 6 months + 1 day
        (days_to(date(2024, 3, 1)), Bucket.LATE_OVER_6_MONTHS),  # exactly 1 year (366 days)
        (days_to(date(2024, 3, 2)), Bucket.LATE_OVER_1_YEAR),  # 1 year + 1 day
        (2000, Bucket.LATE_OVER_1_YEAR),
    ],
)
def test_bucket_edges(days_late: int, bucket: Bucket) -> None:
    assert delay_bucket(days_late, due=DUE) is bucket


def test_bucket_months_are_calendar_months_from_the_due_date() -> None:
    # Due 30 Nov 2023: 3 months later is 29 Feb 2024 (clamped), 91 days.
    due_day = date(2023, 11, 30)
    assert delay_bucket(91, due=due_day) is Bucket.LATE_3_MONTHS
    assert delay_bucket(92, due=due_day) is Bucket.LATE_6_MONTHS
    # Due 1 Feb 2023: 3 months later is 1 May 2023, only 89 days.
    assert delay_bucket(89, due=date(2023, 2, 1)) is Bucket.LATE_3_MONTHS
    assert delay_bucket(90, due=date(2023, 2, 1)) is Bucket.LATE_6_MONTHS
    # Due 1 Mar 2022: a year later is 365 days.
    assert delay_bucket(365, due=date(2022, 3, 1)) is Bucket.LATE_OVER_6_MONTHS
    assert delay_bucket(366, due=date(2022, 3, 1)) is Bucket.LATE_OVER_1_YEAR


@given(st.dates(date(2000, 1, 1), date(2100, 12, 31)), st.integers(-400, 1200))
def test_buckets_never_go_down_as_delay_grows(due_day: date, days_late: int) -> None:
    here = delay_bucket(days_late, due=due_day)
    after = delay_bucket(days_late + 1, due=due_day)
    assert BUCKETS.index(after) - BUCKETS.index(here) in (0, 1)


def test_at_least() -> None:
    assert [b.value for b in BUCKETS] == [
        "on_time",
        "late_10_days",
        "late_3_months",
        "late_6_months",
        "late_over_6_months",
        "late_over_1_year",
    ]
    assert at_least(Bucket.LATE_OVER_1_YEAR, Bucket.LATE_OVER_6_MONTHS)
    assert at_least(Bucket.LATE_OVER_6_MONTHS, Bucket.LATE_OVER_6_MONTHS)
    assert not at_least(Bucket.LATE_6_MONTHS, Bucket.LATE_OVER_6_MONTHS)
    assert at_least("on_time", "on_time")


def test_the_seeds_questionnaire_counts() -> None:
    # Seed ¶32: of 41 SAQs submitted, 14 on time, 6 within 10 days, 11 up to 3 months late,
    # 10 over 6 months late, 5 of them over a year (none between 3 and 6 months).
    due_day = date(2022, 5, 1)
    delays = [0] * 10 + [-20] * 4 + [3] * 5 + [10] + [11] * 6 + [80] * 5 + [200] * 5 + [500] * 5
    buckets = [delay_bucket(d, due=due_day) for d in delays]
    counts = collections.Counter(buckets)
    assert len(buckets) == 41
    assert counts[Bucket.ON_TIME] == 14
    assert counts[Bucket.LATE_10_DAYS] == 6
    assert counts[Bucket.LATE_3_MONTHS] == 11
    assert counts[Bucket.LATE_6_MONTHS] == 0
    assert sum(at_least(b, Bucket.LATE_OVER_6_MONTHS) for b in buckets) == 10
    assert counts[Bucket.LATE_OVER_1_YEAR] == 5


def test_step_deadline_bucket() -> None:
    dates = ReviewDates(GROUP_1, answers_submitted=date(2021, 6, 11))
    steps = by_step(dates)
    assert steps[Step.QUESTIONNAIRE].bucket is Bucket.LATE_10_DAYS
    assert steps[Step.WRITTEN_FEEDBACK].bucket is None  # open


# --- overdue and delay as of a date -----------------------------------------------------------


def test_overdue_before_on_and_after_the_due_date() -> None:
    dates = ReviewDates(
        GROUP_1,
        focal_points_named=date(2020, 12, 10),
        experts_named=GROUP_1,
        consultation_held=date(2021, 1, 5),
    )
    saq_due = date(2021, 6, 1)
    assert overdue(dates, RULES, saq_due - timedelta(days=1)) == []
    assert overdue(dates, RULES, saq_due) == []  # due today is not overdue
    [late] = overdue(dates, RULES, saq_due + timedelta(days=1))
    assert (late.step, late.due, late.days_overdue) == (Step.QUESTIONNAIRE, saq_due, 1)
    assert late.done is None and late.delay_days is None


def test_overdue_lists_every_open_step_past_due_in_order() -> None:
    dates = ReviewDates(GROUP_1, focal_points_named=date(2021, 1, 10))
    today = date(2021, 7, 1)
    result = overdue(dates, RULES, today)
    assert [(sd.step, sd.days_overdue) for sd in result] == [
        (Step.EXPERTS, (today - date(2020, 12, 29)).days),
        (Step.INITIAL_CONSULTATION, (today - date(2021, 2, 10)).days),
        (Step.QUESTIONNAIRE, 30),
    ]
    # Steps not yet computable are never overdue.
    assert Step.WRITTEN_FEEDBACK not in [sd.step for sd in result]


def test_overdue_respects_agreed_dates_extensions_and_pauses() -> None:
    dates = ReviewDates(
        GROUP_1,
        focal_points_named=GROUP_1,
        experts_named=GROUP_1,
        consultation_held=GROUP_1,
        agreed={Step.QUESTIONNAIRE: date(2021, 9, 1)},
        extensions=(Extension(Step.QUESTIONNAIRE, "Translation", days=30),),
        pauses=(Pause(Step.QUESTIONNAIRE, date(2021, 3, 1), date(2021, 3, 5), "Crisis"),),
    )
    # 1 Sep + 30 days = 1 Oct, + 5 paused days = 6 Oct.
    assert overdue(dates, RULES, date(2021, 10, 6)) == []
    [late] = overdue(dates, RULES, date(2021, 10, 7))
    assert late.due == date(2021, 10, 6) and late.days_overdue == 1


def test_overdue_as_of_a_past_date() -> None:
    dates = ReviewDates(
        GROUP_1,
        focal_points_named=GROUP_1,
        experts_named=GROUP_1,
        consultation_held=GROUP_1,
        answers_submitted=date(2021, 9, 1),
    )
    # On 1 Aug 2021 the answers were not in yet: overdue then, though done later.
    [late] = overdue(dates, RULES, date(2021, 8, 1))
    assert late.step is Step.QUESTIONNAIRE
    assert late.done is None and late.days_overdue == 61
    assert as_of(dates, date(2021, 8, 1)).answers_submitted is None
    assert as_of(dates, date(2021, 9, 1)) == dates
    assert overdue(dates, RULES, date(2021, 9, 2)) == []


def test_delay_on_a_date() -> None:
    dates = ReviewDates(GROUP_1, answers_submitted=date(2021, 7, 1))
    steps = by_step(dates)
    saq, feedback = steps[Step.QUESTIONNAIRE], steps[Step.WRITTEN_FEEDBACK]
    assert delay_on(saq, date(2021, 5, 22)) == -10  # not late yet
    assert delay_on(saq, date(2021, 6, 1)) == 0
    assert delay_on(saq, date(2021, 6, 15)) == 14  # still open then
    assert delay_on(saq, date(2021, 7, 1)) == 30  # done that day
    assert delay_on(saq, date(2030, 1, 1)) == 30  # done: the delay stays what it was
    assert delay_on(feedback, date(2022, 1, 11)) == 10  # due 1 Jan 2022, open
    assert delay_on(by_step(ReviewDates(GROUP_1))[Step.WRITTEN_FEEDBACK], date(2030, 1, 1)) is None


def test_the_day_a_share_of_reviews_is_complete_is_forecast():
    from revmod.reviews.deadlines import forecast_share_date

    d = date
    done = [d(2023, 1, 1), d(2023, 3, 1)]
    # 10 reviews, 70 %: the 7th day in order; the open ones moved by the median delay (+10).
    expected = [d(2023, m, 1) for m in range(4, 12)]
    assert forecast_share_date(done, expected, 0.7, [10, 0, 30]) == d(2023, 8, 11)
    assert forecast_share_date(done, expected, 0.7, []) == d(2023, 8, 1)
    # Reached already: the day it was reached.
    assert forecast_share_date(done, [], 0.5, []) == d(2023, 1, 1)
    # Not enough known days (the open reviews' last step has no due date yet): no forecast.
    assert forecast_share_date(done, [None] * 8, 0.7, [3]) is None
    assert forecast_share_date([], [], 0.7, []) is None


def test_an_open_step_counts_its_days_late_once_past_due() -> None:
    """Issue 17, item 6: the days late a page shows, open or done."""
    due = date(2021, 1, 15)
    open_step = StepDeadline(Step.QUESTIONNAIRE, None, None, due, None, None)
    assert days_late(open_step, date(2021, 1, 14)) is None  # a day left: not late
    assert days_late(open_step, due) is None  # due today: not late yet
    assert days_late(open_step, date(2021, 1, 25)) == 10
    done = StepDeadline(Step.QUESTIONNAIRE, None, None, due, date(2021, 1, 10), -5)
    assert days_late(done, date(2021, 3, 1)) == -5  # done early: as it was
    undated = StepDeadline(Step.WRITTEN_FEEDBACK, None, None, None, None, None)
    assert days_late(undated, date(2030, 1, 1)) is None


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)))
def test_a_review_is_overdue_exactly_after_its_first_open_due_date(today: date) -> None:
    dates = ReviewDates(start=GROUP_1, focal_points_named=date(2020, 12, 10))
    first = first_open_due(schedule(dates, RULES))
    assert first == GROUP_1 + timedelta(days=28)  # the experts, not named yet
    assert bool(overdue(dates, RULES, today)) == (today > first)
