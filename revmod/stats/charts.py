"""The status paper's figures I-VII as data tables and server-side SVG bar charts.

Each figure is a table (categories × series of counts) built from the status of a day
(`revmod.stats.status`); the same table is drawn as an SVG, shown beside the chart, and
downloaded as CSV or XLSX, so the chart, the table, the report and the tests agree. The SVG is
written by hand (no plotting library): horizontal bars, stacked when a figure has several
series, mirrored for right-to-left languages, with a text alternative.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revmod.stats.figures import STAGES

# Colour-blind-safe (Okabe-Ito), each dark enough for white text on it to be unnecessary.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999"]

STAGE_LABELS = {
    "not_started": gettext_lazy("Not started"),
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
    by_group = status["by_group"]
    groups = sorted(by_group, key=int)

    def per_group(pick) -> list[tuple[str, list[int]]]:
        return [(_group_label(g), pick(by_group[g])) for g in groups]

    def blocked(block):
        fp = block["focal_points"]
        not_started = block["reviews_by_stage"]["not_started"]
        return [fp["reviews_blocked"], not_started - fp["reviews_blocked"]]

    def consultations(block):
        return [block["consultations_held"], block["reviews"] - block["consultations_held"]]

    q = status["questionnaire"]
    feedback_rows = per_group(
        lambda b: [
            b["written_feedback"]["in_progress"] - b["written_feedback"]["late"],
            b["written_feedback"]["late"] - b["written_feedback"]["late_over_1_year"],
            b["written_feedback"]["late_over_1_year"],
        ]
    )
    return [
        Figure(
            "I",
            "focal-points",
            _("Reviews affected by missing focal points"),
            [_("Not started: a focal point is missing"), _("Not started: other reasons")],
            per_group(blocked),
        ),
        Figure(
            "II",
            "review-status",
            _("Status of the country reviews"),
            [str(STAGE_LABELS[s]) for s in STAGES],
            per_group(lambda b: [b["reviews_by_stage"][s] for s in STAGES]),
        ),
        Figure(
            "III",
            "initial-consultations",
            _("Initial consultations"),
            [_("Held"), _("Not held")],
            per_group(consultations),
        ),
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
        Figure(
            "V",
            "questionnaire",
            _("Self-assessment questionnaire: answers submitted and in preparation"),
            [_("Reviews")],
            [(str(BUCKET_LABELS[b]), [q[b]]) for b in BUCKET_LABELS]
            + [(_("In preparation"), [q["in_preparation"]])],
        ),
        Figure(
            "VI",
            "written-feedback",
            _("Written feedback: in progress and completed"),
            [_("In progress"), _("Completed")],
            per_group(
                lambda b: [b["written_feedback"]["in_progress"], b["written_feedback"]["completed"]]
            ),
        ),
        Figure(
            "VII",
            "feedback-delays",
            _("Written feedback in progress: delays against the agreed timetable"),
            [_("Not late"), _("Late, up to a year"), _("Over a year late")],
            feedback_rows,
        ),
    ]


def svg(figure: Figure, *, rtl: bool = False, font_family: str | None = None) -> str:
    """A horizontal (stacked) bar chart of `figure`, mirrored when `rtl`; `font_family` names
    the fonts where the chart does not inherit the page's (in a PDF)."""
    width, label_w, bar_h, gap, legend_h = 640, 190, 22, 10, 24 * len(figure.series)
    top = legend_h + 10
    height = top + len(figure.rows) * (bar_h + gap) + 10
    largest = max([sum(values) for _label, values in figure.rows] + [1])
    plot_w = width - label_w - 60
    anchor_end, anchor_start = ("start", "end") if rtl else ("end", "start")

    def x(pos: float, size: float = 0) -> float:
        # Positions are measured from the label column; mirrored for right to left.
        return width - (label_w + pos) - size if rtl else label_w + pos

    direction = ' direction="rtl"' if rtl else ""
    if font_family:
        direction += f' font-family="{escape(font_family)}"'
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="fig-{figure.slug}-title" class="chart"{direction} '
        'font-size="13">',
        f'<title id="fig-{figure.slug}-title">{escape(figure.title)}</title>',
    ]
    for i, name in enumerate(figure.series):
        y = 4 + i * 24
        parts.append(
            f'<rect x="{x(0, 14):.1f}" y="{y}" width="14" height="14" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{x(20):.1f}" y="{y + 12}" text-anchor="{anchor_start}">'
            f"{escape(name)}</text>"
        )
    for row, (label, values) in enumerate(figure.rows):
        y = top + row * (bar_h + gap)
        label_x = width - label_w + 8 if rtl else label_w - 8
        parts.append(
            f'<text x="{label_x}" y="{y + bar_h - 6}" text-anchor="{anchor_end}">'
            f"{escape(label)}</text>"
        )
        offset = 0.0
        for i, value in enumerate(values):
            if not value:
                continue
            size = plot_w * value / largest
            parts.append(
                f'<rect x="{x(offset, size):.1f}" y="{y}" width="{size:.1f}" height="{bar_h}" '
                f'fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(figure.series[i])}: '
                f"{value}</title></rect>"
            )
            offset += size
        parts.append(
            f'<text x="{x(offset + 6):.1f}" y="{y + bar_h - 6}" text-anchor="{anchor_start}">'
            f"{sum(values)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
