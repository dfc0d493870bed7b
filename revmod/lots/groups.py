"""Sorting the parties under review into review groups (the cohorts whose reviews start a year
apart). Pure module: no Django, no database, no global randomness.

The rules
---------
Let N parties be under review, n = `n_groups`, and for every regional category g (each
regional group, and "no regional group" as one more category) let N_g be its number of
parties under review.

1. Sizes. With `sizes` given (one per group, summing to N) group j has exactly sizes[j - 1]
   parties; otherwise the sizes are as equal as possible: they differ by at most one (e.g.
   189 -> 63/63/63, 190 -> 64/63/63 in some order), and which groups get the extra parties is
   part of the draw.
2. Proportionality. Group j gets from category g a count c_gj within one of its proportional
   share p_gj - strictly: c_gj is p_gj rounded down or up (p_gj itself when it is an integer).
   p_gj = N_g / n with equal sizes, p_gj = N_g * sizes[j - 1] / N with given sizes. A table of
   such roundings with the right row sums (N_g) and column sums (the sizes) always exists (it
   is a rounding of a table with integer margins, which network flow always rounds).
3. Volunteers. `volunteers` maps a party to the group it asked for. With `volunteers_first`
   (default) the draw places as many volunteers as possible in the group they asked for -
   the largest number any grouping meeting rules 1 and 2 allows - and among several ways to
   do so none is preferred. With `volunteers_first=False` volunteering is ignored (the
   wishes are kept by the caller, for the record).

The distribution
----------------
Every grouping that meets rules 1-3 (with the maximal number of volunteers placed) is equally
likely. It is sampled exactly: a dynamic programme over the regional categories counts, with
exact integers, the groupings for every table of counts (c_gj); a table is drawn with
probability proportional to its number of groupings, then within each category the honoured
volunteers are drawn uniformly among those who asked (when more asked than fit) and the other
members are dealt uniformly into the remaining places. The randomness used is
`rng.randrange` on those exact integers, `rng.sample` and `rng.shuffle` on inputs sorted by
party code, so the same inputs and seed give the same groups.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Mapping, Sequence
from typing import Protocol

__all__ = ["draw_groups"]


class _Party(Protocol):
    code: str
    regional_group: str | None


_Row = tuple[int, ...]


def _row_options(lows: Sequence[int], highs: Sequence[int], total: int) -> list[_Row]:
    """All count vectors with c_j in {lows[j], highs[j]} that sum to total."""
    choices = [(lo,) if lo == hi else (lo, hi) for lo, hi in zip(lows, highs, strict=True)]
    return [c for c in itertools.product(*choices) if sum(c) == total]


def _row_weight(counts: _Row, asked: Sequence[int], size: int) -> tuple[int, int]:
    """(volunteers placed, number of ways) for one category given its counts per group:
    min(c_j, v_j) volunteers are placed in group j (chosen among the v_j who asked for j) and
    the remaining members fill the remaining places in any order."""
    placed = [min(c, v) for c, v in zip(counts, asked, strict=True)]
    ways = math.factorial(size - sum(placed))
    for c, v, h in zip(counts, asked, placed, strict=True):
        ways = ways * math.comb(v, h) // math.factorial(c - h)
    return sum(placed), ways


def draw_groups(
    parties: Sequence[_Party],
    reviewed: Sequence[str],
    *,
    n_groups: int = 3,
    volunteers: Mapping[str, int] | None = None,
    volunteers_first: bool = True,
    rng: random.Random,
    sizes: Sequence[int] | None = None,
) -> dict[str, int]:
    """Assign every party in `reviewed` to a group 1..n_groups (see the module docstring for
    the rules and the distribution). `parties` gives the regional groups (objects with `code`
    and `regional_group`, e.g. revmod.lots.draw.PartyInfo). Returns {code: group}, in code
    order. Raises ValueError for malformed inputs (unknown codes, sizes that do not add up,
    volunteers for a group that does not exist)."""
    if isinstance(n_groups, bool) or not isinstance(n_groups, int) or n_groups < 1:
        raise ValueError("n_groups must be a positive integer")
    group_of: dict[str, str | None] = {}
    for p in parties:
        if p.code in group_of:
            raise ValueError(f"party {p.code!r} is listed twice")
        group_of[p.code] = p.regional_group
    codes = sorted(reviewed)
    if len(set(codes)) != len(codes):
        raise ValueError("a party is listed twice among the reviewed parties")
    for c in codes:
        if c not in group_of:
            raise ValueError(f"reviewed party {c!r} is not among the parties")
    N = len(codes)
    n = n_groups
    if sizes is not None:
        sizes = list(sizes)
        if len(sizes) != n or any(isinstance(x, bool) or not isinstance(x, int) for x in sizes):
            raise ValueError(f"sizes must be {n} integers")
        if any(x < 0 for x in sizes) or sum(sizes) != N:
            raise ValueError(f"sizes must be non-negative and add up to {N}")
    wishes: dict[str, int] = {}
    if volunteers and volunteers_first:
        for c, g in sorted(volunteers.items()):
            if c not in set(codes):
                raise ValueError(f"volunteer {c!r} is not among the reviewed parties")
            if isinstance(g, bool) or not isinstance(g, int) or not 1 <= g <= n:
                raise ValueError(f"{c} volunteers for group {g!r}, not one of 1..{n}")
            wishes[c] = g
    if not N:
        return {}

    # Regional categories in a fixed order (named groups A-Z, then no group).
    members: dict[str | None, list[str]] = {}
    for c in codes:
        members.setdefault(group_of[c], []).append(c)
    cats = sorted(members, key=lambda g: (g is None, g or ""))

    # Per category: the admissible count vectors, with volunteers placed and ways.
    rows: list[list[tuple[_Row, int, int]]] = []
    for cat in cats:
        size = len(members[cat])
        if sizes is None:
            lows = [size // n] * n
            highs = [-(-size // n)] * n
        else:
            lows = [size * s // N for s in sizes]
            highs = [-(-size * s // N) for s in sizes]
        asked = [0] * n
        for code in members[cat]:
            if code in wishes:
                asked[wishes[code] - 1] += 1
        rows.append(
            [(row, *_row_weight(row, asked, size)) for row in _row_options(lows, highs, size)]
        )

    # Forward: for every partial column sum, the most volunteers placed and the number of
    # groupings achieving it.
    layers: list[dict[_Row, tuple[int, int]]] = [{(0,) * n: (0, 1)}]
    for options in rows:
        nxt: dict[_Row, tuple[int, int]] = {}
        for state, (h0, w0) in layers[-1].items():
            for counts, h, w in options:
                key = tuple(a + b for a, b in zip(state, counts, strict=True))
                best = nxt.get(key)
                if best is None or h0 + h > best[0]:
                    nxt[key] = (h0 + h, w0 * w)
                elif h0 + h == best[0]:
                    nxt[key] = (best[0], best[1] + w0 * w)
        layers.append(nxt)

    def final_ok(state: _Row) -> bool:
        if sizes is not None:
            return list(state) == sizes
        return max(state) - min(state) <= 1

    finals = sorted(s for s in layers[-1] if final_ok(s))
    if not finals:  # cannot happen (see rule 2), kept as a guard
        raise ValueError("no grouping meets the size and proportionality rules")
    top = max(layers[-1][s][0] for s in finals)
    finals = [s for s in finals if layers[-1][s][0] == top]
    state = _weighted(rng, [(s, layers[-1][s][1]) for s in finals])

    # Backward: the counts of each category, drawn in proportion to the groupings they allow.
    table: list[_Row] = [()] * len(rows)
    for i in range(len(rows) - 1, -1, -1):
        h_total = layers[i + 1][state][0]
        choices = []
        for counts, h, w in rows[i]:
            prev = tuple(a - b for a, b in zip(state, counts, strict=True))
            entry = layers[i].get(prev)
            if entry is not None and entry[0] + h == h_total:
                choices.append((counts, entry[1] * w))
        table[i] = _weighted(rng, choices)
        state = tuple(a - b for a, b in zip(state, table[i], strict=True))

    # Members: honoured volunteers first, then the rest dealt uniformly.
    out: dict[str, int] = {}
    for cat, counts in zip(cats, table, strict=True):
        placed: set[str] = set()
        free = list(counts)
        for j in range(n):
            asking = [code for code in members[cat] if wishes.get(code) == j + 1]
            take = asking if len(asking) <= counts[j] else rng.sample(asking, counts[j])
            for code in sorted(take):
                out[code] = j + 1
                placed.add(code)
            free[j] -= len(take)
        rest = [code for code in members[cat] if code not in placed]
        rng.shuffle(rest)
        it = iter(rest)
        for j in range(n):
            for _ in range(free[j]):
                out[next(it)] = j + 1
    return {c: out[c] for c in codes}


def _weighted(rng: random.Random, items: Sequence[tuple[_Row, int]]) -> _Row:
    """One of the items, with probability proportional to its (exact integer) weight."""
    total = sum(w for _, w in items)
    x = rng.randrange(total)
    for item, w in items:
        if x < w:
            return item
        x -= w
    raise AssertionError("unreachable")
