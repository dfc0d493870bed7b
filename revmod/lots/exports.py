"""The pairings as downloadable files: one row per pairing, active and superseded."""

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook


def rows(pairings):
    yield [
        _("Group"),
        _("Party under review (code)"),
        _("Party under review"),
        _("Reviewing party (code)"),
        _("Reviewing party"),
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
            p.get_role_display(),
            _("active") if p.until is None else _("superseded"),
            p.since.isoformat(),
            p.until.isoformat() if p.until else "",
        ]


def as_csv(pairings) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(rows(pairings))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="pairings.csv"'
    return response


def as_xlsx(pairings) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Pairings"))
    for row in rows(pairings):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="pairings.xlsx"'
    return response


FORMATS = {"csv": as_csv, "xlsx": as_xlsx}
