"""The numbers the status report's sentences need, derived from a status (pure).

The report (sections II and III of the secretariat's status paper) is written from sentence
templates in the six languages (templates/stats/_report_body.html); this module only works out
the shares and totals those sentences quote, so the template does no arithmetic.
"""

from __future__ import annotations


def share(part: int, whole: int) -> int:
    """A whole percentage, rounded half up; 0 of nothing is 0."""
    return (200 * part + whole) // (2 * whole) if whole else 0


def numbers(status: dict) -> dict:
    fp = status["focal_points"]
    stages = status["reviews_by_stage"]
    languages = status["languages"]
    q = status["questionnaire"]
    wf = status["written_feedback"]
    one = sum(
        n for key, n in languages.items() if key not in ("three", "no_agreement") and "+" not in key
    )
    two = sum(n for key, n in languages.items() if "+" in key)
    under_way = stages["questionnaire"] + stages["written_feedback"] + stages["observations"]
    ministries = fp["by_ministry"]
    return {
        "under_way": under_way,
        "not_started": stages["not_started"] + stages["initial_consultation"],
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
    }
