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
    codes, group_of = _checked_parties(parties, reviewed, n_groups)
    sizes = _checked_sizes(sizes, n_groups, len(codes))
    wishes = _checked_wishes(volunteers if volunteers_first else None, codes, n_groups)
    if not codes:
        return {}
    members = _categories(codes, group_of)
    rows = [_category_rows(m, wishes, n_groups, sizes, len(codes)) for m in members.values()]
    table = _draw_table(rng, rows, _forward(rows, n_groups), sizes)
    out: dict[str, int] = {}
    for category, counts in zip(members.values(), table, strict=True):
        out |= _deal(rng, category, counts, wishes)
    return {c: out[c] for c in codes}


# --- The inputs, checked ----------------------------------------------------------------------


def _checked_parties(
    parties: Sequence[_Party], reviewed: Sequence[str], n_groups: int
) -> tuple[list[str], dict[str, str | None]]:
    """The reviewed codes in code order and every party's regional group; ValueError for a
    number of groups that is not a positive integer, a party listed twice or a reviewed party
    that is not among the parties."""
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
    return codes, group_of


def _checked_sizes(sizes: Sequence[int] | None, n: int, N: int) -> list[int] | None:
    """The given sizes as a list (None: as equal as possible); ValueError unless they are `n`
    non-negative integers adding up to the `N` parties under review."""
    if sizes is None:
        return None
    sizes = list(sizes)
    if len(sizes) != n or any(isinstance(x, bool) or not isinstance(x, int) for x in sizes):
        raise ValueError(f"sizes must be {n} integers")
    if any(x < 0 for x in sizes) or sum(sizes) != N:
        raise ValueError(f"sizes must be non-negative and add up to {N}")
    return sizes


def _checked_wishes(
    volunteers: Mapping[str, int] | None, codes: Sequence[str], n: int
) -> dict[str, int]:
    """{code: group asked for} (empty without volunteers); ValueError for a volunteer that is
    not under review or a group that is not one of 1..n."""
    wishes: dict[str, int] = {}
    reviewed = set(codes)
    for c, g in sorted((volunteers or {}).items()):
        if c not in reviewed:
            raise ValueError(f"volunteer {c!r} is not among the reviewed parties")
        if isinstance(g, bool) or not isinstance(g, int) or not 1 <= g <= n:
            raise ValueError(f"{c} volunteers for group {g!r}, not one of 1..{n}")
        wishes[c] = g
    return wishes


# --- The table of counts ----------------------------------------------------------------------


def _categories(
    codes: Sequence[str], group_of: Mapping[str, str | None]
) -> dict[str | None, list[str]]:
    """{regional category: its codes in code order}, the categories in a fixed order (named
    groups A-Z, then no group)."""
    members: dict[str | None, list[str]] = {}
    for c in codes:
        members.setdefault(group_of[c], []).append(c)
    return {cat: members[cat] for cat in sorted(members, key=lambda g: (g is None, g or ""))}


def _category_rows(
    members: Sequence[str],
    wishes: Mapping[str, int],
    n: int,
    sizes: Sequence[int] | None,
    N: int,
) -> list[tuple[_Row, int, int]]:
    """One category's admissible count vectors (rule 2), each with the volunteers it places
    and its number of ways (`_row_weight`)."""
    size = len(members)
    if sizes is None:
        lows = [size // n] * n
        highs = [-(-size // n)] * n
    else:
        lows = [size * s // N for s in sizes]
        highs = [-(-size * s // N) for s in sizes]
    asked = [0] * n
    for code in members:
        if code in wishes:
            asked[wishes[code] - 1] += 1
    return [(row, *_row_weight(row, asked, size)) for row in _row_options(lows, highs, size)]


_Layer = dict[_Row, tuple[int, int]]


def _forward(rows: Sequence[Sequence[tuple[_Row, int, int]]], n: int) -> list[_Layer]:
    """Layer i: for every column sum of the first i categories, the most volunteers placed
    and the number of groupings placing that many (layer 0 is the empty table)."""
    layers: list[_Layer] = [{(0,) * n: (0, 1)}]
    for options in rows:
        nxt: _Layer = {}
        for state, (h0, w0) in layers[-1].items():
            for counts, h, w in options:
                key = tuple(a + b for a, b in zip(state, counts, strict=True))
                best = nxt.get(key)
                if best is None or h0 + h > best[0]:
                    nxt[key] = (h0 + h, w0 * w)
                elif h0 + h == best[0]:
                    nxt[key] = (best[0], best[1] + w0 * w)
        layers.append(nxt)
    return layers


def _draw_table(
    rng: random.Random,
    rows: Sequence[Sequence[tuple[_Row, int, int]]],
    layers: Sequence[_Layer],
    sizes: Sequence[int] | None,
) -> list[_Row]:
    """The counts of each category (one row per category): the group sizes first, among those
    rule 1 allows and placing the most volunteers, then the categories from the last back,
    each drawn in proportion to the groupings it allows (one `_weighted` draw per step)."""
    if sizes is None:
        finals = sorted(s for s in layers[-1] if max(s) - min(s) <= 1)
    else:
        finals = sorted(s for s in layers[-1] if list(s) == sizes)
    if not finals:  # cannot happen (see rule 2), kept as a guard
        raise ValueError("no grouping meets the size and proportionality rules")
    top = max(layers[-1][s][0] for s in finals)
    finals = [s for s in finals if layers[-1][s][0] == top]
    state = _weighted(rng, [(s, layers[-1][s][1]) for s in finals])
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
    return table


# --- The members ------------------------------------------------------------------------------


def _deal(
    rng: random.Random, members: Sequence[str], counts: _Row, wishes: Mapping[str, int]
) -> dict[str, int]:
    """{code: group} for one category with `counts[j]` members in group j + 1: the volunteers
    for each group first (all, or a uniform sample when more asked than fit), then the others
    shuffled into the places left, group by group."""
    out: dict[str, int] = {}
    free = list(counts)
    for j in range(len(counts)):
        asking = [code for code in members if wishes.get(code) == j + 1]
        take = asking if len(asking) <= counts[j] else rng.sample(asking, counts[j])
        for code in sorted(take):
            out[code] = j + 1
        free[j] -= len(take)
    rest = [code for code in members if code not in out]
    rng.shuffle(rest)
    it = iter(rest)
    for j in range(len(counts)):
        for _ in range(free[j]):
            out[next(it)] = j + 1
    return out


def _weighted(rng: random.Random, items: Sequence[tuple[_Row, int]]) -> _Row:
    """One of the items, with probability proportional to its (exact integer) weight."""
    total = sum(w for _, w in items)
    x = rng.randrange(total)
    for item, w in items:
        if x < w:
            return item
        x -= w
    raise AssertionError("unreachable")
