"""Cells of CSV and XLSX downloads: text never runs as a formula; numbers stay numbers."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from revmod.lib import cells
from revmod.lib.downloads import csv_response, xlsx_response
from revmod.test import FORMULA, assert_inert, body

RISKY = [FORMULA, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"]
PLAIN = ["", "France", "'s-Hertogenbosch", "1 = 1", "2024-05-01", "a-b", "'quoted'"]


@pytest.mark.parametrize("text", RISKY + PLAIN + ["'" + t for t in RISKY])
def test_a_csv_cell_reads_back_as_written(text):
    assert cells.from_csv(cells.to_csv(text)) == text


def test_formula_like_text_gets_a_quote_in_csv_and_nothing_else_changes():
    assert [cells.to_csv(t) for t in RISKY] == ["'" + t for t in RISKY]
    assert [cells.to_csv(t) for t in PLAIN] == PLAIN
    assert [cells.to_csv(v) for v in (-5, 2.5, None)] == [-5, 2.5, None]
    assert cells.csv_text([["=1", -5, None, "x"]]) == "'=1,-5,,x\n"


def test_a_csv_download_streams_every_row_in_pieces():
    rows = ([f"=row {n}", n] for n in range(20_000))
    response = csv_response(rows, "big.csv")
    assert (
        response.streaming and response["Content-Disposition"] == 'attachment; filename="big.csv"'
    )
    pieces = list(response.streaming_content)
    assert len(pieces) > 1  # written as it is sent, not built whole first
    lines = b"".join(pieces).decode().splitlines()
    assert len(lines) == 20_000 and lines[0] == "'=row 0,0" and lines[-1] == "'=row 19999,19999"


def test_the_shared_downloads_write_text_as_text_and_numbers_as_numbers():
    rows = [["Name", "Count", "Day"], [FORMULA, -5, dt.date(2024, 5, 1)], ["@home", 3.5, None]]
    assert_inert(csv_response(rows, "a.csv"), FORMULA)
    assert_inert(xlsx_response(rows, "a.xlsx", "Sheet"), FORMULA)
    # A download streams: it is read once, so a second one is made to look at its cells.
    response = xlsx_response(rows, "a.xlsx", "Sheet")
    assert response["Content-Disposition"] == 'attachment; filename="a.xlsx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    sheet = load_workbook(io.BytesIO(body(response))).active
    assert [(c.value, c.data_type) for c in sheet[2]] == [
        (FORMULA, "s"),
        (-5, "n"),
        (dt.datetime(2024, 5, 1), "d"),
    ]
    assert sheet["A2"].quotePrefix and sheet["A3"].quotePrefix and not sheet["A1"].quotePrefix


def test_a_worksheet_cell_is_text_too():
    workbook = Workbook()
    for row, text in enumerate(RISKY, start=1):
        cells.set_cell(workbook.active.cell(row=row, column=1), text)
    out = io.BytesIO()
    workbook.save(out)
    read = load_workbook(out).active
    assert [(c.value, c.data_type) for (c,) in read.iter_rows()] == [(t, "s") for t in RISKY]
