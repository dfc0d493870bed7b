"""The rules behind the status report's sentences that the status paper states (sections
II-III), on plain facts: no database, each rule with its paragraph."""

import datetime as dt

from revmod.reviews.deadlines import DeadlineRules, ReviewDates, schedule
from revmod.stats import figures, report
from revmod.stats.figures import ReviewFacts

DAY = dt.date(2024, 4, 16)


def test_the_groups_indicative_end_dates_follow_the_guideline_periods():
    # ¶24: group 1, started on 1 December 2020, should have finished the phase in two years,
    # by December 2022; ¶39: its lists of observations were expected by the end of May 2022,
    # group 2's (1 November 2021) by the end of April 2023: six months each for the
    # questionnaire, the written feedback and the list of observations, end to end.
    rules = DeadlineRules()
    one = report.timetable(dt.date(2020, 12, 1), rules)
    assert one == {
        "observations_expected": dt.date(2022, 5, 31),
        "phase_ends": dt.date(2022, 12, 1),
    }
    assert report.timetable(dt.date(2021, 11, 1), rules)["observations_expected"] == dt.date(
        2023, 4, 30
    )
    # The periods are settings: a longer questionnaire period moves the expected day.
    longer = DeadlineRules(questionnaire_months=9)
    assert report.timetable(dt.date(2020, 12, 1), longer)["observations_expected"] == dt.date(
        2022, 8, 31
    )


def facts(party, group, stage, reviewers=("B", "C"), languages=None, **dates) -> ReviewFacts:
    start = dates.pop("start", dt.date(2020, 12, 1))
    steps = schedule(ReviewDates(start=start, **dates), DeadlineRules())
    return ReviewFacts(
        party,
        None,
        group,
        start,
        reviewers,
        stage,
        start,
        languages,
        {d.step: d for d in steps},
    )


def test_not_started_for_want_of_a_consultation_and_the_feedback_projection():
    named = dt.date(2020, 12, 10)
    parties = [
        figures.PartyFacts(c, None, 1, 1, own_focal_point=True, reviewer_focal_point=True)
        for c in "ABCDEFG"
    ] + [figures.PartyFacts("X", None, 1)]  # no focal point
    submitted = {"focal_points_named": named, "consultation_held": dt.date(2021, 1, 5)}
    reviews = [
        # ¶16: blocked by a missing focal point (X's); not one of ¶30's.
        facts("X", 1, "awaiting_nominations"),
        # ¶30: every focal point named, no consultation held: awaiting it, or discussing it.
        facts("A", 1, "awaiting_nominations", focal_points_named=named),
        facts("D", 1, "initial_consultation", focal_points_named=named),
        # ¶37: written feedback due six months after the answers (rule 35). The one finished
        # took 450 days: the pace. E's answers came on 1 June 2023, its feedback is late (due
        # 1 Dec 2023) and expected on 25 Aug 2024, within a year of its due date; F's answers
        # came on 1 March 2022: due 1 Sep 2022, expected today, more than a year late.
        facts("G", 1, "observations", languages="en", **submitted,
              answers_submitted=dt.date(2021, 6, 1), feedback_completed=dt.date(2022, 8, 25)),
        facts("E", 1, "written_feedback", languages="en", **submitted,
              answers_submitted=dt.date(2023, 6, 1)),
        facts("F", 1, "written_feedback", languages="en", **submitted,
              answers_submitted=dt.date(2022, 3, 1)),
    ]  # fmt: skip
    assert figures.feedback_pace(reviews) == 450
    s = figures.status(DAY, parties, reviews)
    assert s["focal_points"]["reviews_blocked"] == 1
    assert s["not_started_without_consultation"] == 2
    wf = s["written_feedback"]
    assert (wf["in_progress"], wf["late"], wf["likely_over_1_year"]) == (2, 2, 1)
    assert report.numbers(s)["wf_likely_pct"] == 50
    # ¶25: the group starts the next cluster when 70 % of its 6 reviews are complete: 5.
    (group,) = s["groups"]
    assert (group["complete"], group["needed_for_next_cluster"]) == (0, 5)
