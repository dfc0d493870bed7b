"""The open data pages: the index of the datasets (/data/), each dataset's data dictionary, and
its downloads at a stable URL per format (/data/<dataset>.csv, .json), today's or as it stood
on a day (`?as_of=YYYY-MM-DD`). The rows and the dictionary are stats.opendata's; the API
serves the same (revmod.api.opendata)."""

import json

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from revmod.lib.downloads import csv_response
from revmod.stats import opendata
from revmod.stats.opendata import OpenDataError

FORMATS = ("csv", "json")


def _dataset(slug: str) -> opendata.Dataset:
    try:
        return opendata.get(slug)
    except KeyError:
        raise Http404 from None


def _day(request):
    """(day or None, error message or None) of `?as_of=`."""
    try:
        return opendata.parse_day(request.GET.get("as_of"), timezone.now().date()), None
    except OpenDataError as error:
        return None, str(error)


@require_GET
def index(request):
    """Every dataset with its downloads and its dictionary, the licence, and a day to download
    them as they stood then."""
    day, error = _day(request)
    datasets = [(d, opendata.addresses(d.slug, day)) for d in opendata.DATASETS.values()]
    return render(
        request,
        "opendata/index.html",
        {
            "datasets": datasets,
            "licence": opendata.licence(),
            "as_of": request.GET.get("as_of", "") if error else (day.isoformat() if day else ""),
            "error": error,
            "day": day,
        },
        status=400 if error else 200,
    )


@require_GET
def dataset(request, slug):
    """A dataset's page: what it holds, how it is dated, its columns (the data dictionary)."""
    found = _dataset(slug)
    return render(
        request,
        "opendata/dataset.html",
        {
            "dataset": found,
            "columns": found.columns(),
            "urls": opendata.addresses(slug),
            "licence": opendata.licence(),
        },
    )


def _licensed(response, slug: str):
    """The licence and the dictionary of a download in its headers (RFC 8288 links)."""
    terms = opendata.licence()
    response["Link"] = (
        f'<{terms["url"]}>; rel="license", '
        f'<{reverse("opendata:dictionary", args=[slug])}>; rel="describedby"'
    )
    response["X-License"] = terms["name"]
    return response


def _bad(message: str) -> HttpResponse:
    response = HttpResponse(message + "\n", content_type="text/plain; charset=utf-8", status=400)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _in_language(language: str, rows):
    """`rows` read in `language`: a streamed CSV is read after the view has returned."""
    with translation.override(language):
        yield from rows


@require_GET
def download(request, slug, fmt):
    """The dataset as CSV (streamed; UTF-8 with a byte order mark for Excel; no cell runs as a
    formula) or as JSON (its description, licence and dictionary, then its rows)."""
    found = _dataset(slug)
    if fmt not in FORMATS:
        raise Http404
    day, error = _day(request)
    if error:
        return _bad(error)
    name = f"{slug}-{day.isoformat()}" if day else slug
    if fmt == "json":
        document = opendata.document(found, day, now=timezone.now())
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
        response["X-Content-Type-Options"] = "nosniff"
        return _licensed(response, slug)
    columns = found.columns()
    rows = _in_language(translation.get_language(), found.rows(day))
    response = csv_response(_with_header(columns, rows), f"{name}.csv", bom=True)
    return _licensed(response, slug)


def _with_header(columns, rows):
    yield [c.name for c in columns]
    yield from rows


@require_GET
def dictionary(request, slug):
    """A dataset's data dictionary as JSON: its description, licence and columns."""
    found = _dataset(slug)
    data = opendata.metadata(found, found.columns())
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return _licensed(response, slug)
