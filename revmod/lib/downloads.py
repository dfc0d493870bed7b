"""Downloads: rows of a table as CSV or XLSX, a rendered template as PDF."""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse
from django.template.loader import render_to_string
from openpyxl import Workbook

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_response(rows: Iterable[list], filename: str) -> HttpResponse:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(rows: Iterable[list], filename: str, sheet_title: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_response(template: str, context: dict, filename: str) -> HttpResponse:
    """`template` rendered with `context` as a PDF download (see revmod.lib.pdf). The
    template sets `lang` and `dir` on <html>: extend pdf/base.html."""
    # Imported here: WeasyPrint loads Pango and cairo, which no other download needs.
    from revmod.lib import pdf

    response = HttpResponse(pdf.render(render_to_string(template, context)), content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
