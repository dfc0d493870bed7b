"""The secretariat's statistics dashboard and its public subset: figures I-VII of the status
paper on any day, each as a chart with its data table and downloads."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.views.decorators.http import require_GET

from revmod.lib.access import secretariat_required
from revmod.lib.downloads import csv_response, xlsx_response
from revmod.stats import charts
from revmod.stats.forms import StatusFilterForm
from revmod.stats.status import status

# Figures shown to everyone: aggregate progress by group, as in the published status paper.
# Nothing per party or per regional group (small slices could point at one party).
PUBLIC_FIGURES = {"II", "III", "IV", "V", "VI"}


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
    rtl = get_language_bidi()
    drawn = [(figure, charts.svg(figure, rtl=rtl)) for figure in figures]
    return render(
        request,
        template,
        {"form": form, "status": result, "figures": drawn, "public": public},
    )


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
