"""Disclosure control for tables of counts of parties shown beyond the secretariat (pure).

The secretariat alone sees the statistics on the questionnaire answers (seed ¶53). When it
circulates them further (to the Conference of the Parties, say), no count of fewer than
`threshold` parties may be read from the table, neither directly nor by arithmetic on what is
shown. A table is a breakdown (rows: regional groups, say) of counts per option, each row with
its total (the parties that answered), and an overall row and total that are the column sums:

    cells[r][j]  totals[r]          (one row per slice of the breakdown)
    overall[j]   overall_total      (the sums over the rows)

and, when each party gives one answer only (`additive`), each row's cells add up to its total.

The rules, applied until nothing changes:
1. primary: every cell and total under `threshold` is hidden; a row whose total is under
   `threshold` is hidden whole;
2. secondary, per relation (a row, a column, the totals): when the hidden entries of a relation
   could be worked out from it (a single one hidden), or their sum, which is its total minus
   the shown entries, is under `threshold`, the smallest shown entry of that relation is hidden
   too (the "next smallest cell");
3. no hidden value may be determined by any combination of the relations (exact linear algebra
   on the table's equations): when one is, the smallest shown entry sharing a relation with it
   is hidden too.

Hidden entries come back as None.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

THRESHOLD = 5


@dataclass(frozen=True)
class Masked:
    """The table as it may be shown: None where a value is hidden."""

    cells: list[list[int | None]]
    totals: list[int | None]
    overall: list[int | None]
    overall_total: int | None

    @property
    def hidden(self) -> int:
        values = [*self.totals, *self.overall, self.overall_total]
        values += [v for row in self.cells for v in row]
        return sum(v is None for v in values)


# A variable of the table: ("c", r, j), ("t", r), ("o", j) or ("T",).
Var = tuple


def relations(rows: int, options: int, *, additive: bool) -> list[tuple[Var, list[Var]]]:
    """The table's equations, each as (margin, entries): margin = sum of the entries."""
    found: list[tuple[Var, list[Var]]] = []
    if additive:
        found += [(("t", r), [("c", r, j) for j in range(options)]) for r in range(rows)]
        found.append((("T",), [("o", j) for j in range(options)]))
    if rows:
        found += [(("o", j), [("c", r, j) for r in range(rows)]) for j in range(options)]
        found.append((("T",), [("t", r) for r in range(rows)]))
    return found


def determined(values: dict[Var, int], hidden: set[Var], equations) -> set[Var]:
    """The hidden variables whose value the equations fix, given the shown ones: those whose unit
    vector lies in the row space of the equations restricted to the hidden variables (a row of
    the reduced row echelon form with a single non-zero coefficient)."""
    unknown = sorted(hidden)
    if not unknown:
        return set()
    index = {v: i for i, v in enumerate(unknown)}
    # Sparse rows ({column: coefficient}): a table's equations touch few of its variables.
    matrix: list[dict[int, Fraction]] = []
    for margin, entries in equations:
        row: dict[int, Fraction] = {}
        for var, sign in [(margin, -1)] + [(e, 1) for e in entries]:
            if var in index:
                row[index[var]] = row.get(index[var], Fraction(0)) + sign
        row = {col: x for col, x in row.items() if x}
        if row:
            matrix.append(row)
    pivots: list[dict[int, Fraction]] = []
    for col in range(len(unknown)):
        pick = next((row for row in matrix if col in row), None)
        if pick is None:
            continue
        matrix.remove(pick)
        lead = pick[col]
        pick = {c: x / lead for c, x in pick.items()}
        for rows in (matrix, pivots):
            for n, row in enumerate(rows):
                if col in row:
                    factor = row[col]
                    merged = dict(row)
                    for c, x in pick.items():
                        merged[c] = merged.get(c, Fraction(0)) - factor * x
                    rows[n] = {c: x for c, x in merged.items() if x}
        pivots.append(pick)
    found = set()
    for row in pivots:
        if len(row) == 1:
            found.add(unknown[next(iter(row))])
    return found


def suppress(
    cells: list[list[int]],
    *,
    additive: bool,
    totals: list[int] | None = None,
    threshold: int = THRESHOLD,
) -> Masked:
    """The table of `cells` (rows × options) with the values that may not be shown hidden (see
    the module's rules). `totals` are the rows' totals (the parties that answered); for an
    `additive` table (one answer per party) they default to the rows' sums. With no rows at
    all, give the overall row as the only row: it is then the overall row."""
    rows = len(cells)
    options = len(cells[0]) if cells else 0
    if totals is None:
        totals = [sum(row) for row in cells]
    values: dict[Var, int] = {("T",): sum(totals)}
    for r in range(rows):
        values["t", r] = totals[r]
        for j in range(options):
            values["c", r, j] = cells[r][j]
    for j in range(options):
        values["o", j] = sum(cells[r][j] for r in range(rows))
    equations = relations(rows, options, additive=additive)

    hidden: set[Var] = {var for var, value in values.items() if value < threshold}
    for r in range(rows):
        if totals[r] < threshold:
            hidden |= {("c", r, j) for j in range(options)}
    if values["T",] < threshold:
        hidden |= {("o", j) for j in range(options)}

    def hide_next(candidates: list[Var]) -> bool:
        shown = [v for v in candidates if v not in hidden]
        if not shown:
            return False
        # The smallest; ties broken by position, so the result does not depend on set order.
        hidden.add(min(shown, key=lambda v: (values[v], v)))
        return True

    changed = True
    while changed:
        changed = False
        for margin, entries in equations:
            secret = [e for e in entries if e in hidden]
            unknown = secret + ([margin] if margin in hidden else [])
            if not unknown:
                continue
            exposed = len(unknown) == 1
            small = margin not in hidden and sum(values[e] for e in secret) < threshold
            if (exposed or small) and (hide_next(entries) or hide_next([margin])):
                changed = True
        if changed:
            continue
        for var in sorted(determined(values, hidden, equations)):
            related = {e for m, es in equations if var == m or var in es for e in [m, *es]}
            cells_first = sorted(v for v in related if v[0] in ("c", "o"))
            if hide_next(cells_first) or hide_next(sorted(related)) or hide_next(sorted(values)):
                changed = True
                break

    def show(var):
        return None if var in hidden else values[var]

    return Masked(
        cells=[[show(("c", r, j)) for j in range(options)] for r in range(rows)],
        totals=[show(("t", r)) for r in range(rows)],
        overall=[show(("o", j)) for j in range(options)],
        overall_total=show(("T",)),
    )
