"""The pairings as downloadable files: one row per pairing, those a pairings page shows (the
active or the superseded ones, of a group) or all of them. The CSV and XLSX are written in the
request; the PDF by the worker, once per version of the pairings (revmod.lib.generated)."""

from django.db.models import Count, Max
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from revmod.lib.downloads import CHUNK, csv_response, xlsx_response
from revmod.lots.forms import PairingFilterForm
from revmod.lots.models import Pairing
from revmod.registry.models import Instrument


def rows(pairings):
    """A header, then a row per pairing: names for people, codes beside them for machines."""
    names = {i.code: i.short_label for i in Instrument.objects.all()}
    yield [
        _("Group"),
        _("Party under review (code)"),
        _("Party under review"),
        _("Reviewing party (code)"),
        _("Reviewing party"),
        _("Instruments (codes)"),
        _("Instruments"),
        _("Role"),
        _("Status"),
        _("Since"),
        _("Until"),
    ]
    for p in pairings:
        yield [
            p.group.number,
            p.reviewed.code,
            p.reviewed.label,
            p.reviewer.code,
            p.reviewer.label,
            "; ".join(p.instruments),
            "; ".join(names.get(code, code) for code in p.instruments),
            p.get_role_display(),
            _("active") if p.until is None else _("superseded"),
            p.since.isoformat(),
            p.until.isoformat() if p.until else "",
        ]


def filename(status: str, extension: str) -> str:
    return f"pairings{'-' + status if status else ''}.{extension}"


def as_csv(pairings, *, status: str = "") -> HttpResponse:
    return csv_response(rows(pairings.iterator(chunk_size=CHUNK)), filename(status, "csv"))


def as_xlsx(pairings, *, status: str = "") -> HttpResponse:
    pairings = pairings.iterator(chunk_size=CHUNK)
    return xlsx_response(rows(pairings), filename(status, "xlsx"), _("Pairings"))


def version() -> str:
    """The version of every pairing, in one cheap query: pairings are only added (a draw) and
    ended (a redraw or a Protocol's, which adds the pairing in their place), so their number,
    the last one and how many have ended change with every change."""
    found = Pairing.objects.aggregate(n=Count("pk"), last=Max("pk"), ended=Count("until"))
    return f"{found['n']}-{found['last']}-{found['ended']}"


def make_pdf(params: dict) -> bytes:
    """The pairings PDF of `params` (the filters of PairingFilterForm: "group", "status"), in
    the active language: what the worker runs (revmod.lib.generated)."""
    data = {"group": params["group"] or "", "status": params["status"]}
    return pdf_content(PairingFilterForm(data).pairings(), status=params["status"])


def pdf_content(pairings, *, status: str = "") -> bytes:
    """The same rows as a document to print: a table per review group, in the active language
    (party names too), right to left in Arabic."""
    from revmod.lib import pdf  # WeasyPrint, loaded only by the worker that makes the PDFs

    groups: dict = {}
    for pairing in pairings:
        groups.setdefault(pairing.group, []).append(pairing)
    context = {"groups": groups.items(), "today": timezone.now().date(), "status": status}
    return pdf.render(render_to_string("lots/pairings_pdf.html", context))


FORMATS = {"csv": as_csv, "xlsx": as_xlsx}
