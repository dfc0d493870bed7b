"""The numbers the status report's sentences need, derived from a status (pure).

The report (sections II and III of the secretariat's status paper) is written from sentence
templates in the six languages (templates/stats/_report_body.html); this module only works out
the shares and totals those sentences quote, so the template does no arithmetic.
"""

from __future__ import annotations

import datetime as dt

from revmod.reviews.deadlines import DeadlineRules, add_months

# ¶21: each cluster is reviewed over one review phase of two years.
PHASE_MONTHS = 24


def share(part: int, whole: int) -> int:
    """A whole percentage, rounded half up; 0 of nothing is 0."""
    return (200 * part + whole) // (2 * whole) if whole else 0


def progress(block: dict) -> dict[str, int]:
    """How far the reviews of a status (or of one slice of it) have come, in the words of the
    report and the dashboard, so that their numbers add up: the `reviews` of the groups that
    have begun (a review is counted from its group's first day) are those `started` (at the
    self-assessment questionnaire or later, completed ones included: the status paper's "under
    way") and those `not_started`, `awaiting` nominations or at the initial `consultation`.
    "189 reviews started" beside "116 not started" counted the first with the group's first day
    and the second with the questionnaire."""
    stages = block["reviews_by_stage"]
    awaiting, consultation = stages["not_started"], stages["initial_consultation"]
    started = (
        stages["questionnaire"]
        + stages["written_feedback"]
        + stages["observations"]
        + stages["completed"]
    )
    return {
        "reviews": block["reviews"],
        "started": started,
        "not_started": awaiting + consultation,
        "awaiting": awaiting,
        "consultation": consultation,
    }


def numbers(status: dict) -> dict:
    fp = status["focal_points"]
    languages = status["languages"]
    q = status["questionnaire"]
    wf = status["written_feedback"]
    one = sum(
        n for key, n in languages.items() if key not in ("three", "no_agreement") and "+" not in key
    )
    two = sum(n for key, n in languages.items() if "+" in key)
    ministries = fp["by_ministry"]
    return {
        **progress(status),
        "fp_women_pct": share(fp["women"], fp["total"]),
        "fp_ministry_pct": {k: share(v, fp["total"]) for k, v in ministries.items()},
        "fp_several_pct": share(fp["parties_with_several"], fp["parties"]),
        "fp_changed_pct": share(fp["parties_changed"], fp["parties"]),
        "fp_without_pct": share(fp["parties_without"], status["parties"]),
        "experts_women_pct": share(status["experts"]["women"], status["experts"]["total"]),
        "held_pct": share(status["consultations_held"], status["reviews"]),
        "languages_one": one,
        "languages_one_pct": share(one, status["consultations_held"]),
        "languages_two": two,
        "languages_three": languages.get("three", 0),
        "languages_none": languages.get("no_agreement", 0),
        "q_late_over_6_months": q["late_over_6_months"] + q["late_over_1_year"],
        "wf_late_pct": share(wf["late"], wf["in_progress"]),
        "obs_longest_days": max(status["observations"]["drafting_days"], default=0),
        "no_consultation": status["not_started_without_consultation"],
        "no_consultation_pct": share(status["not_started_without_consultation"], status["reviews"]),
        "wf_likely_pct": share(wf["likely_over_1_year"], wf["in_progress"]),
    }


def timetable(started_on: dt.date, rules: DeadlineRules) -> dict[str, dt.date]:
    """A group's indicative end dates from its first day and the guideline periods in force
    for it: its lists of observations expected (¶39: the questionnaire's, the written
    feedback's and the observations' periods end to end, six months each: group 1, started on
    1 December 2020, by 31 May 2022) and its phase over (¶24: two years, by 1 December 2022)."""
    months = rules.questionnaire_months + rules.feedback_months + rules.observations_months
    return {
        "observations_expected": add_months(started_on, months) - dt.timedelta(days=1),
        "phase_ends": add_months(started_on, PHASE_MONTHS),
    }
