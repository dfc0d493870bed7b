"""Cells of the CSV and XLSX files revmod writes: text never runs as a formula.

A spreadsheet reads a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or a
carriage return before one) as a formula: `=HYPERLINK("http://x","y")` typed as an answer, or
a party's name in a registry file, would become a live link or worse in whoever opens the
export. Every writer of CSV or XLSX goes through this module (`lib.downloads`, the registry's
files, the offline questionnaire); `formula_like` is the one rule.

- CSV has no types: such a cell is written with a leading `'`, which spreadsheets show as text
  (OWASP's "CSV injection" advice). A cell that already starts with `'` and then one of those
  characters gets one more, so that `from_csv` gives back exactly what was written, whatever
  it was; the registry loader reads its own CSV files back through it.
- XLSX has types: every text cell is written as a string (openpyxl would otherwise turn text
  starting with `=` into a formula), and a formula-like one also gets Excel's quote prefix,
  the stored form of a typed `'`, so that editing the cell keeps it text. No character is
  added: openpyxl, Excel and LibreOffice read back the text as it was, so the offline
  questionnaire imports what the person wrote.

Numbers and dates we write ourselves are not text and stay as they are.
"""

import csv
import io
from collections.abc import Iterable, Iterator

STARTS = frozenset("=+-@\t\r")
QUOTE = "'"


def formula_like(value) -> bool:
    """Whether a spreadsheet may read `value` as a formula: text starting with = + - @, a tab
    or a carriage return."""
    return isinstance(value, str) and value[:1] in STARTS


def _quoted(value) -> bool:
    """Text that `to_csv` prefixes with a quote: formula-like, or a quote before such text."""
    return formula_like(value) or (
        isinstance(value, str) and value[:1] == QUOTE and value[1:2] in STARTS
    )


def to_csv(value):
    """`value` as written in a CSV cell: formula-like text with a leading quote."""
    return QUOTE + value if _quoted(value) else value


def from_csv(text: str) -> str:
    """A CSV cell's text as it was before `to_csv`: the quote it added taken off."""
    return text[1:] if text[:1] == QUOTE and _quoted(text[1:]) else text


def csv_chunks(rows: Iterable[Iterable], size: int = 64 * 1024) -> Iterator[str]:
    """`rows` as the text of a CSV file (no cell runs as a formula; None is an empty cell),
    in pieces of about `size` characters: a download streams them as the rows are read."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else to_csv(v) for v in row])
        if out.tell() >= size:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    if out.tell():
        yield out.getvalue()


def csv_text(rows: Iterable[Iterable]) -> str:
    """`rows` as a CSV file (no cell runs as a formula); None is an empty cell."""
    return "".join(csv_chunks(rows))


def set_cell(cell, value) -> None:
    """Write `value` in an openpyxl cell (a worksheet's or a write-only one): text as text."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if formula_like(value):
            cell.quotePrefix = True


def append(sheet, row: Iterable) -> None:
    """Append `row` to a write-only openpyxl worksheet, its text as text (see `set_cell`)."""
    from openpyxl.cell import WriteOnlyCell  # loaded only when needed

    cells = []
    for value in row:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet)
            set_cell(cell, value)
            cells.append(cell)
        else:
            cells.append(value)
    sheet.append(cells)
