"""What the status report says on a day, for its page and its PDF; the PDF made by the worker
(revmod.lib.generated), once per day, language and version of the records."""

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string

from revmod.lots.models import Draw
from revmod.reviews.schedule import rules_by_start
from revmod.stats import charts, report
from revmod.stats.sections import sections
from revmod.stats.status import status

KIND = "status-report"


def context(day: dt.date) -> dict:
    """The report's template context on `day` (without the form)."""
    result = status(day)
    rules = rules_by_start()
    groups = []
    for g in result["groups"]:
        started_on = dt.date.fromisoformat(g["started_on"])
        forecast = g["next_cluster_forecast"]
        groups.append(
            {
                **g,
                "started_on": started_on,
                "next_cluster_forecast": forecast and dt.date.fromisoformat(forecast),
                **report.timetable(started_on, rules(started_on)),
            }
        )
    figures = [(figure, charts.bars(figure)) for figure in charts.figures(result)]
    redraw_days = sorted(
        Draw.objects.filter(
            kind=Draw.Kind.REDRAW, status=Draw.Status.PUBLISHED, meeting__held_on__lte=day
        )
        .values_list("meeting__held_on", flat=True)
        .distinct()
    )
    return {
        "day": day,
        "status": result,
        # The status keeps dates as ISO strings (it is JSON); sentences write them as dates.
        "groups": groups,
        "n": report.numbers(result),
        # ¶25: the share of a group's reviews complete before it starts the next cluster.
        "next_cluster_share": settings.REVMOD_NEXT_CLUSTER_SHARE,
        "figures": figures,
        "redraws": {"meetings": len(redraw_days), "last": redraw_days[-1] if redraw_days else None},
        # Sections IV-VII (¶42-61), from the apps that record them.
        "sections": sections(day),
    }


def filename(day: dt.date, language: str) -> str:
    # The day and the language in the name: the reports of two days, or of one day in two
    # languages, are two files side by side in a download folder.
    return f"status-report-{day}-{language}.pdf"


def make_pdf(params: dict) -> bytes:
    """The report PDF of `params` ({"day": ISO date}) in the active language."""
    from revmod.lib import pdf  # WeasyPrint, loaded only by the worker that makes the PDFs

    day = dt.date.fromisoformat(params["day"])
    return pdf.render(render_to_string("stats/report_pdf.html", context(day)))
