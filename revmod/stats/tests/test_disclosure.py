"""Disclosure control of the shared statistics: nothing under five parties can be read, neither
directly nor as a total minus the shown cells."""

from hypothesis import given, settings
from hypothesis import strategies as st

from revmod.stats.disclosure import THRESHOLD, determined, relations, suppress


def test_a_small_cell_and_the_next_smallest_of_its_row_are_hidden():
    masked = suppress([[30, 3, 8]], additive=True)
    # 3 is under five; shown alone with the total 41 it would be 41 - 30 - 8, so 8 goes too.
    assert masked.cells == [[30, None, None]]
    assert masked.totals == [41] and masked.overall_total == 41


def test_a_row_under_five_is_hidden_whole_and_cannot_be_worked_out_from_the_others():
    masked = suppress([[20, 6, 5], [2, 1, 0], [10, 7, 9]], additive=True)
    assert masked.cells[1] == [None, None, None] and masked.totals[1] is None
    # The totals column: the overall total minus the other rows would give row 1's total.
    assert sum(t is None for t in masked.totals) >= 2 or masked.overall_total is None
    # Each column: the overall count minus the shown rows would give row 1's cell.
    for j in range(3):
        column = [row[j] for row in masked.cells] + [masked.overall[j]]
        assert sum(v is None for v in column) != 1


def test_hidden_cells_that_add_up_to_under_five_are_not_left_alone():
    # no + partly = 3 would tell that three parties did not say yes: yes is hidden too.
    assert suppress([[38, 2, 1]], additive=True).cells == [[None, None, None]]


def test_a_table_without_small_cells_is_shown_whole():
    masked = suppress([[12, 6], [9, 5]], additive=True)
    assert masked.hidden == 0 and masked.overall == [21, 11] and masked.overall_total == 32


def test_multiple_choice_rows_do_not_add_up_but_columns_do():
    masked = suppress([[9, 2], [7, 8]], additive=False, totals=[10, 12])
    assert masked.totals == [10, 12]  # the totals are not the sum of a party's choices
    assert masked.cells[0][1] is None and masked.cells[1][1] is None  # the column's next one
    assert masked.overall[1] == 10


def test_a_value_worked_out_by_combining_rows_and_columns_is_found():
    # Two blocks of hidden cells joined by one more: every row and column has two hidden cells
    # or more, yet rows 0-1 minus columns 0-1 give the joining cell (1, 2).
    block = {("c", r, j) for r in (0, 1) for j in (0, 1)} | {
        ("c", r, j) for r in (2, 3) for j in (2, 3)
    }
    equations = relations(4, 4, additive=True)
    assert determined({}, block, equations) == set()
    assert determined({}, block | {("c", 1, 2)}, equations) == {("c", 1, 2)}


tables = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda options: st.lists(
            st.lists(st.integers(0, 25), min_size=options, max_size=options),
            min_size=rows,
            max_size=rows,
        )
    )
)


def check(cells, masked, additive, totals):
    rows, options = len(cells), len(cells[0])
    values = {("T",): sum(totals)}
    shown = {("T",): masked.overall_total}
    for r in range(rows):
        values["t", r], shown["t", r] = totals[r], masked.totals[r]
        for j in range(options):
            values["c", r, j], shown["c", r, j] = cells[r][j], masked.cells[r][j]
    for j in range(options):
        values["o", j] = sum(cells[r][j] for r in range(rows))
        shown["o", j] = masked.overall[j]
    for var, value in shown.items():
        assert value is None or value == values[var] >= THRESHOLD, var
    for margin, entries in relations(rows, options, additive=additive):
        hidden = [e for e in entries if shown[e] is None]
        if shown[margin] is None:
            continue
        # The total minus the shown cells recovers no single hidden value, nor a small sum.
        recovered = shown[margin] - sum(shown[e] for e in entries if shown[e] is not None)
        assert len(hidden) != 1, (margin, entries)
        assert not hidden or recovered >= THRESHOLD, (margin, entries)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_hidden_value_can_be_recovered_single_answer(cells):
    masked = suppress(cells, additive=True)
    check(cells, masked, True, [sum(row) for row in cells])


@settings(max_examples=300, deadline=None)
@given(tables, st.data())
def test_no_hidden_value_can_be_recovered_several_answers(cells, data):
    totals = [data.draw(st.integers(max(row), max(row) + 10)) for row in cells]
    masked = suppress(cells, additive=False, totals=totals)
    check(cells, masked, False, totals)
