"""The secretariat's statistics dashboard and its public subset: figures I-VII of the status
paper on any day, each as a chart with its data table and downloads."""

import datetime as dt

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from revmod.lib.access import secretariat_required
from revmod.lib.downloads import csv_response, xlsx_response
from revmod.lib.generated import Document
from revmod.lots.generated import documents
from revmod.registry.models import Cluster
from revmod.stats import answers, charts, report, report_document
from revmod.stats.disclosure import THRESHOLD
from revmod.stats.forms import AnswerFilterForm, StatusFilterForm
from revmod.stats.opendata import PUBLIC_FIGURES
from revmod.stats.status import data_version, status


def _figures(request, *, public: bool):
    """(form, status, figures) for the request; figures empty when the form is invalid."""
    form = StatusFilterForm(request.GET or None, public=public)
    if request.GET and not form.is_valid():
        return form, None, []
    data = form.cleaned_data if request.GET else {}
    day = data.get("as_of") or timezone.now().date()
    region = data.get("regional_group")
    result = status(day, regional_group=region.code if region else None)
    if data.get("group"):
        key = str(data["group"])
        result["by_group"] = {k: v for k, v in result["by_group"].items() if k == key}
        if key in result["by_group"]:
            result = {**result, **result["by_group"][key], "by_group": result["by_group"]}
    figures = charts.figures(result)
    if public:
        figures = [f for f in figures if f.number in PUBLIC_FIGURES]
    return form, result, figures


def _render(request, template, *, public):
    form, result, figures = _figures(request, public=public)
    drawn = [(figure, charts.bars(figure)) for figure in figures]
    context = {"form": form, "status": result, "figures": drawn, "public": public}
    if result is not None:
        context["day"] = dt.date.fromisoformat(result["as_of"])
        context["progress"] = report.progress(result)
    return render(request, template, context)


@secretariat_required
@require_GET
def dashboard(request):
    return _render(request, "stats/dashboard.html", public=False)


@require_GET
def public_dashboard(request):
    return _render(request, "stats/dashboard.html", public=True)


def _figure_download(request, number, fmt, *, public):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, result, figures = _figures(request, public=public)
    figure = next((f for f in figures if f.number == number), None)
    if figure is None:
        raise Http404
    name = f"figure-{number}-{result['as_of']}.{fmt}"
    if fmt == "csv":
        return csv_response(figure.table(), name)
    return xlsx_response(figure.table(), name, f"Figure {number}")


@secretariat_required
@require_GET
def figure_download(request, number, fmt):
    return _figure_download(request, number, fmt, public=False)


@require_GET
def public_figure_download(request, number, fmt):
    return _figure_download(request, number, fmt, public=True)


def _report_form(request):
    """(form, day): the day asked for, today without one; no day when the form is not valid."""
    form = StatusFilterForm(request.GET or None, day_only=True)
    if request.GET and not form.is_valid():
        return form, None
    return form, (form.cleaned_data.get("as_of") if request.GET else None) or timezone.now().date()


@secretariat_required
@require_GET
def status_report(request):
    """Sections II to VII of the status paper for a day, written from sentence templates in
    the reader's language, with figures I-VII and the tables of the later sections."""
    form, day = _report_form(request)
    context = report_document.context(day) if day else {"status": None}
    return render(request, "stats/report.html", {**context, "form": form})


@secretariat_required
@require_GET
def status_report_pdf(request):
    """The report as a PDF, made by the worker once per day, language and version of the
    records (revmod.lib.generated): until it is made, a page that reloads itself (202)."""
    form, day = _report_form(request)
    if day is None:
        return render(request, "stats/report.html", {"form": form, "status": None}, status=400)
    language = translation.get_language()
    document = Document(
        report_document.KIND,
        {"day": day.isoformat()},
        version=data_version(),
        filename=report_document.filename(day, language),
        language=language,
    )
    back = reverse("stats:report") + f"?as_of={day.isoformat()}"
    return documents.respond(request, document, back=back)


def _answer_context(request) -> dict:
    """The statistics on the questionnaire answers for the request's filters: the tables (each
    with its bar chart), the submissions counted and the template versions they answered."""
    form = AnswerFilterForm(request.GET or None)
    context = {"form": form, "tables": None}
    if request.GET and not form.is_valid():
        return context
    data = form.cleaned_data if request.GET else {}
    cluster = data.get("cluster") or Cluster.objects.order_by("review_order").first()
    if cluster is None:
        return context
    breakdown = data.get("breakdown") or None
    shared = bool(data.get("shared"))
    loaded = answers.load(cluster, instrument=data.get("instrument"))
    tables = answers.count(
        loaded.questions,
        loaded.submissions,
        breakdown=breakdown,
        slices=answers.slices_for(breakdown),
        shared=shared,
    )
    drawn = []
    for table in tables:
        lines = table.lines_charted
        figure = charts.Figure(
            number="",
            slug=table.question.key,
            title=table.question.label,
            series=[line.label for line in lines],
            rows=table.series(),
        )
        drawn.append((table, charts.bars(figure)))
    return {
        **context,
        "cluster": cluster,
        "instrument": data.get("instrument"),
        "breakdown": breakdown,
        "breakdown_label": answers.BREAKDOWNS.get(breakdown or ""),
        "shared": shared,
        "tables": drawn,
        "submissions": len(loaded.submissions),
        "current_version": loaded.current_version,
        "versions": sorted(loaded.versions.items()),
        "hidden": sum(table.hidden for table in tables),
        "threshold": THRESHOLD,
    }


@secretariat_required
@require_GET
def answer_statistics(request):
    """Counts and percentages of the options chosen in the submitted questionnaires, for the
    secretariat only (seed ¶53); ?shared=1 gives the form that may be circulated beyond it."""
    context = _answer_context(request)
    status = 400 if context["form"].errors else 200
    return render(request, "stats/answers.html", context, status=status)


@secretariat_required
@require_GET
def answer_statistics_xlsx(request):
    context = _answer_context(request)
    if context["tables"] is None:
        return render(request, "stats/answers.html", context, status=400)
    tables = [table for table, _chart in context["tables"]]
    rows = answers.rows_for_download(tables, context["breakdown"], shared=context["shared"])
    form_name = "shared" if context["shared"] else "secretariat"
    title = (
        _("Shared form: every number under %(n)s parties is hidden, with what would reveal it.")
        if context["shared"]
        else _("Secretariat only: not to be circulated (numbers under %(n)s parties are shown).")
    ) % {"n": THRESHOLD}
    heading = [[title], [_("Cluster: %(cluster)s") % {"cluster": context["cluster"].label}], []]
    name = f"answers-cluster-{context['cluster'].number}-{form_name}.xlsx"
    return xlsx_response(heading + rows, name, _("Answers"))
