"""The pairings as downloadable files: one row per pairing, those a pairings page shows (the
active or the superseded ones, of a group) or all of them."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from revmod.lib.downloads import CHUNK, csv_response, pdf_response, xlsx_response
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


def as_pdf(pairings, *, status: str = "") -> HttpResponse:
    """The same rows as a document to print: a table per review group, in the active language
    (party names too), right to left in Arabic."""
    groups: dict = {}
    for pairing in pairings:
        groups.setdefault(pairing.group, []).append(pairing)
    context = {"groups": groups.items(), "today": timezone.now().date(), "status": status}
    return pdf_response("lots/pairings_pdf.html", context, filename(status, "pdf"))


FORMATS = {"csv": as_csv, "xlsx": as_xlsx, "pdf": as_pdf}
