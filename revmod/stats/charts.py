"""The status paper's figures I-VII as data tables and server-side bar charts.

Each figure is a table (categories × series of counts) built from the status of a day
(`revmod.stats.status`); the same table is drawn as a chart, shown beside the chart, and
downloaded as CSV or XLSX, so the chart, the table, the report and the tests agree. The charts
are HTML and CSS made on the server (no plotting library, no JavaScript): horizontal bars,
stacked when a figure has several series. Not SVG, as design.md first planned: WeasyPrint lays
out SVG text without Arabic shaping or right-to-left order, so the PDF's charts were unreadable
in Arabic; HTML bars are the same on the page and in the PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revmod.stats import report
from revmod.stats.figures import STAGES

# Colour-blind-safe (Okabe-Ito); no text is written on the bars.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999"]

STAGE_LABELS = {
    # The workflow's name: "not started" in the report counts the consultations too.
    "not_started": gettext_lazy("Awaiting nominations"),
    "initial_consultation": gettext_lazy("Initial consultation"),
    "questionnaire": gettext_lazy("Self-assessment questionnaire"),
    "written_feedback": gettext_lazy("Written feedback"),
    "observations": gettext_lazy("List of observations and summary"),
    "completed": gettext_lazy("Completed"),
}
BUCKET_LABELS = {
    "on_time": gettext_lazy("On time"),
    "late_10_days": gettext_lazy("Up to 10 days late"),
    "late_3_months": gettext_lazy("Up to 3 months late"),
    "late_6_months": gettext_lazy("3 to 6 months late"),
    "late_over_6_months": gettext_lazy("6 months to a year late"),
    "late_over_1_year": gettext_lazy("Over a year late"),
}
LANGUAGE_NAMES = {
    "ar": gettext_lazy("Arabic"),
    "zh": gettext_lazy("Chinese"),
    "en": gettext_lazy("English"),
    "fr": gettext_lazy("French"),
    "ru": gettext_lazy("Russian"),
    "es": gettext_lazy("Spanish"),
}


@dataclass(frozen=True)
class Figure:
    number: str  # I..VII
    slug: str
    title: str
    series: list[str]
    rows: list[tuple[str, list[int]]]  # (category, one count per series)

    @property
    def total(self) -> int:
        return sum(sum(values) for _label, values in self.rows)

    def table(self) -> list[list]:
        """Header and rows, for CSV and XLSX."""
        return [[_("Category"), *self.series]] + [[label, *values] for label, values in self.rows]


def language_label(key: str) -> str:
    if key == "three":
        return _("Three languages")
    if key == "no_agreement":
        return _("No agreement")
    return " + ".join(str(LANGUAGE_NAMES.get(code, code)) for code in key.split("+"))


def _group_label(number: str) -> str:
    return _("Group %(number)s") % {"number": number}


def figures(status: dict) -> list[Figure]:
    """Figures I-VII of the status paper for one status (whole mechanism or one slice)."""
    return [
        *_review_figures(status),
        *_mechanism_figures(status),
        _questionnaire_figure(status),
        *_feedback_figures(status),
    ]


_Rows = list[tuple[str, list[int]]]


def _per_group(status: dict, pick: Callable[[dict], list[int]]) -> _Rows:
    """One row per group of `status`, in group order: its label and `pick` of its counts."""
    by_group = status["by_group"]
    return [(_group_label(g), pick(by_group[g])) for g in sorted(by_group, key=int)]


def _review_figures(status: dict) -> list[Figure]:
    """Figures I-III, per group: the reviews not started (report.progress: awaiting
    nominations or at the initial consultation), for want of a focal point or not, the reviews
    by stage, the initial consultations held."""

    def blocked(block: dict) -> list[int]:
        fp = block["focal_points"]
        not_started = report.progress(block)["not_started"]
        return [fp["reviews_blocked"], not_started - fp["reviews_blocked"]]

    def consultations(block: dict) -> list[int]:
        return [block["consultations_held"], block["reviews"] - block["consultations_held"]]

    return [
        Figure(
            "I",
            "focal-points",
            _("Reviews affected by missing focal points"),
            [_("Not started: a focal point is missing"), _("Not started: other reasons")],
            _per_group(status, blocked),
        ),
        Figure(
            "II",
            "review-status",
            _("Status of the country reviews"),
            [str(STAGE_LABELS[s]) for s in STAGES],
            _per_group(status, lambda b: [b["reviews_by_stage"][s] for s in STAGES]),
        ),
        Figure(
            "III",
            "initial-consultations",
            _("Initial consultations"),
            [_("Held"), _("Not held")],
            _per_group(status, consultations),
        ),
    ]


def _mechanism_figures(status: dict) -> list[Figure]:
    """Figure IV, for the whole of `status`: the working languages agreed (most frequent
    first); then figure V (_questionnaire_figure)."""
    return [
        Figure(
            "IV",
            "languages",
            _("Working languages agreed at the initial consultation"),
            [_("Reviews")],
            [
                (language_label(key), [count])
                for key, count in sorted(status["languages"].items(), key=lambda kv: -kv[1])
            ],
        ),
    ]


def _questionnaire_figure(status: dict) -> Figure:
    """Figure V, per group as the paper's: the answers submitted by timeliness, then those in
    preparation."""
    return Figure(
        "V",
        "questionnaire",
        _("Self-assessment questionnaire: answers submitted and in preparation"),
        [str(BUCKET_LABELS[b]) for b in BUCKET_LABELS] + [_("In preparation")],
        _per_group(
            status,
            lambda b: (
                [b["questionnaire"][k] for k in BUCKET_LABELS]
                + [b["questionnaire"]["in_preparation"]]
            ),
        ),
    )


def _feedback_figures(status: dict) -> list[Figure]:
    """Figures VI and VII, per group: the written feedback in progress and completed, and
    the feedback in progress by delay (not late, late and likely by up to a year, likely over
    a year: a projection)."""

    def progress(block: dict) -> list[int]:
        wf = block["written_feedback"]
        return [wf["in_progress"], wf["completed"]]

    def delays(block: dict) -> list[int]:
        # ¶37: the late ones split by the projection (figures.feedback_pace), as the paper's.
        wf = block["written_feedback"]
        return [
            wf["in_progress"] - wf["late"],
            wf["late"] - wf["likely_over_1_year"],
            wf["likely_over_1_year"],
        ]

    return [
        Figure(
            "VI",
            "written-feedback",
            _("Written feedback: in progress and completed"),
            [_("In progress"), _("Completed")],
            _per_group(status, progress),
        ),
        Figure(
            "VII",
            "feedback-delays",
            _("Written feedback in progress: delays against the agreed timetable"),
            [_("Not late"), _("Late, likely by up to a year"), _("Likely over a year late")],
            _per_group(status, delays),
        ),
    ]


def bars(figure: Figure) -> str:
    """`figure` as a horizontal (stacked) bar chart in HTML and CSS: a legend, then one row per
    category with its label, its bars and its total. Text stays text, laid out by the browser
    or the PDF engine like the rest of the page: Arabic is shaped and the rows run right to
    left with the page (SVG text in a PDF is neither). The data table beside it is the text
    alternative."""
    largest = max([sum(values) for _label, values in figure.rows] + [1])
    colour = [PALETTE[i % len(PALETTE)] for i in range(len(figure.series))]
    parts = [f'<div class="bars" role="img" aria-label="{escape(figure.title)}">']
    if len(figure.series) > 1:
        parts.append('<ul class="legend">')
        for name, fill in zip(figure.series, colour, strict=True):
            parts.append(
                f'<li><span class="swatch" style="background:{fill}"></span>{escape(name)}</li>'
            )
        parts.append("</ul>")
    for label, values in figure.rows:
        parts.append(f'<div class="bar-row"><span class="bar-label">{escape(label)}</span>')
        parts.append('<span class="bar-track">')
        for name, fill, value in zip(figure.series, colour, values, strict=True):
            if value:
                width = 100 * value / largest
                parts.append(
                    f'<span class="bar" style="width:{width:.2f}%;background:{fill}" '
                    f'title="{escape(name)}: {value}"></span>'
                )
        parts.append(f'</span><span class="bar-total">{sum(values)}</span></div>')
    parts.append("</div>")
    return "".join(parts)
