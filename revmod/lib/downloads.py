"""Downloads: rows of a table as CSV or XLSX, a rendered template as PDF. The cells are written
by `lib.cells`: no text runs as a formula in a spreadsheet."""

import codecs
import itertools
import re
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string

from revmod.lib import cells

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
# Rows a download reads from the database at a time (`queryset.iterator(chunk_size=CHUNK)`):
# large enough for few round trips, small enough that memory stays flat.
CHUNK = 2000
# Characters XML 1.0 forbids (lxml and openpyxl refuse them): control characters pasted from
# elsewhere.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters a DOCX or XLSX cannot hold (a vertical tab pasted from
    Word, say): python-docx and openpyxl refuse them, and a document of what users typed must
    still be made. Here rather than in lib.docx, so that using it loads neither library."""
    return _NOT_XML.sub("", text)


def attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    """A download: saved under `filename` (ASCII, made by the server), never shown inline."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def bad_filters(form) -> HttpResponse:
    """The answer to a download asked with filters its list refuses: 400 and, in plain text,
    what the list page says of each (a download never holds rows the page would not show)."""
    lines = [
        f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
        for name, errors in form.errors.items()
        for error in errors
    ]
    response = HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8", status=400
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _download(response: StreamingHttpResponse, filename: str) -> StreamingHttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _started(rows: Iterable[list]) -> Iterator[list]:
    """`rows` with its first row (the header) read now, in the view: what it needs (its
    labels in the request's language, the lookups a row generator makes before its first row)
    happens before the response is sent; the rest is read as the file is sent."""
    rows = iter(rows)
    first = next(rows, None)
    return rows if first is None else itertools.chain([first], rows)


def csv_response(
    rows: Iterable[list], filename: str, *, bom: bool = False
) -> StreamingHttpResponse:
    """`rows` as a CSV download, written as it is sent: memory stays flat however many rows
    (callers pass a generator over `.iterator(chunk_size=...)`). Tests read it with
    `b"".join(response.streaming_content)`. `bom`: the file starts with UTF-8's byte order
    mark, by which Excel knows the file is UTF-8 (without it, it reads Arabic, Chinese and
    Russian names as Windows-1252)."""
    chunks = (chunk.encode() for chunk in cells.csv_chunks(_started(rows)))
    if bom:
        chunks = itertools.chain([codecs.BOM_UTF8], chunks)
    return _download(StreamingHttpResponse(chunks, content_type=CSV), filename)


def xlsx_response(rows: Iterable[list], filename: str, sheet_title: str) -> FileResponse:
    """`rows` as an XLSX download. openpyxl's write-only workbook keeps the rows in a temporary
    file and the workbook is saved to one (in memory up to 1 MB), then sent from it: memory
    stays flat however many rows."""
    from openpyxl import Workbook  # loaded only when needed

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    for row in rows:
        cells.append(sheet, row)
    out = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
    workbook.save(out)
    out.seek(0)
    # FileResponse closes (and so deletes) the file once sent.
    return _download(FileResponse(out, content_type=XLSX), filename)


def pdf_response(template: str, context: dict, filename: str) -> HttpResponse:
    """`template` rendered with `context` as a PDF download (see revmod.lib.pdf). The
    template sets `lang` and `dir` on <html>: extend pdf/base.html."""
    # Imported here: WeasyPrint loads Pango and cairo, which no other download needs.
    from revmod.lib import pdf

    return attachment(pdf.render(render_to_string(template, context)), PDF, filename)


def file_response(opened, content_type: str, filename: str) -> FileResponse:
    """A stored file (open for reading in binary) as a download, as `attachment` says: saved
    under `filename`, never shown inline; streamed, and closed when sent."""
    response = FileResponse(
        opened, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
