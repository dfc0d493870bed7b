"""The ideal lots: exact uniform draws of candidates, and of whole reviews as each reviewed
party's ideal lot P_R would draw them (rules 1, 2, 3 self-review, 5, 6: the rules that concern
R by itself; see "The distribution" in the package docstring).

Guarantees: `sample_main`, `sample_add` and `sample_completion` are exactly uniform over the
admissible candidates (rejection sampling, with an explicit-list fallback that is exact too);
`ideal_review` is an exact draw of P_R; `ideal_attempt` and `table_attempt` draw every review
from its ideal lot and return the outcome only if it is valid, so a success is an exact sample
of pi. `review_table` tabulates P_R (every admissible main set with its completions).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from revmod.lots.draw.problem import BIG, Problem

# One review's assignment: (main reviewers, additional reviewers, their instrument masks).
Option = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]
# A review's ideal lot in table form: (main set, slot masks, every admissible completion).
Table = list[tuple[tuple[int, ...], tuple[int, ...], list[tuple[int, ...]]]]


# -- uniform sampling of candidates (exact) ----------------------------------------------


def sample_main(pb: Problem, r: int, j: int, excl: Sequence[int], rand: Any) -> int:
    """A uniformly random admissible candidate for main slot j of r not in excl, or -1.

    Rejection from the slot's class list is exact (uniform over the accepted subset); if it
    keeps failing the admissible list is built explicitly, which is exact too."""
    lst = pb.slot_list[r][j]
    n = len(lst)
    if n:
        R = pb.rev[r]
        mR = pb.rmask[r]
        ban = pb.banned[r]
        sat = pb.sat
        mask = pb.mask
        for _ in range(48):
            p = lst[int(rand() * n)]
            if p != R and not sat[p] and mask[p] & mR and p not in ban and p not in excl:
                return p
    cands = [p for p in pb.explicit_main(r, j) if p not in excl]
    return cands[int(rand() * len(cands))] if cands else -1


def sample_add(pb: Problem, r: int, D: int, excl: Sequence[int], rand: Any) -> int:
    """A uniformly random admissible additional reviewer of r for D not in excl, or -1."""
    lst = pb.sup(D)
    n = len(lst)
    if n:
        R = pb.rev[r]
        ban = pb.banned[r]
        sat = pb.sat
        for _ in range(48):
            p = lst[int(rand() * n)]
            if p != R and not sat[p] and p not in ban and p not in excl:
                return p
    cands = [p for p in pb.explicit_add(r, D) if p not in excl]
    return cands[int(rand() * len(cands))] if cands else -1


def sample_completion(
    pb: Problem, r: int, masks: Sequence[int], ms: Sequence[int], rand: Any
) -> list[int] | None:
    """Additional reviewers for slots `masks` of r given mains `ms`, uniform over all
    admissible (distinct) choices - the ideal lot's conditional - or None if there is none.

    Exact: independent uniform draws, restarted as a whole on any collision, are uniform
    over the collision-free tuples."""
    if not masks:
        return []
    R = pb.rev[r]
    ban = pb.banned[r]
    sat = pb.sat
    lists = [pb.sup(D) for D in masks]
    for _ in range(64):
        chosen: list[int] = []
        for lst in lists:
            p = lst[int(rand() * len(lst))] if lst else -1
            if p < 0 or p == R or sat[p] or p in ban or p in ms or p in chosen:
                break
            chosen.append(p)
        else:
            return chosen
    # Rare: small or heavily excluded candidate sets. Work on the explicit lists.
    ex = [[p for p in pb.explicit_add(r, D) if p not in ms] for D in masks]
    if any(not e for e in ex) or not has_sdr(ex):
        return None
    size = 1
    for e in ex:
        size *= len(e)
    if size <= 200_000:
        sdrs = [c for c in itertools.product(*ex) if len(set(c)) == len(c)]
        return list(sdrs[int(rand() * len(sdrs))])
    for _ in range(100_000):
        c = [e[int(rand() * len(e))] for e in ex]
        if len(set(c)) == len(c):
            return c
    return None  # practically unreachable: a huge product with almost no distinct tuple


def has_sdr(lists: Sequence[Sequence[int]]) -> bool:
    """Whether the sets have a system of distinct representatives (bipartite matching)."""
    match: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for p in lists[i]:
            if p in seen:
                continue
            seen.add(p)
            if p not in match or augment(match[p], seen):
                match[p] = i
                return True
        return False

    return all(augment(i, set()) for i in range(len(lists)))


# -- whole reviews and whole draws from the ideal lots -----------------------------------


def ideal_review(pb: Problem, r: int, rand: Any) -> Option | None:
    """One draw of the ideal lot P_r: main reviewers uniformly among the admissible main sets
    (slot by slot without replacement; slots of different kinds draw from disjoint classes),
    then the additional reviewers uniformly among the admissible completions. None when the
    drawn mains admit no completion (the lot fails and the whole attempt is rejected)."""
    ms: list[int] = []
    for j in range(pb.k):
        p = sample_main(pb, r, j, ms, rand)
        if p < 0:
            return None
        ms.append(p)
    masks = pb.structure(r, ms)
    comp = sample_completion(pb, r, masks, ms, rand)
    if comp is None:
        return None
    return tuple(ms), tuple(comp), masks


def ideal_attempt(pb: Problem, rand: Any) -> list[Option] | None:
    """Draw every review from its ideal lot; the outcome if it is valid, else None. Stops at
    the first broken rule (the rest of the attempt could not change the verdict)."""
    N = pb.N
    cap = pb.cap
    mutual = pb.no_mutual
    load = list(pb.load0)
    pairs: set[int] = set()
    out: list[Option] = []
    for r in range(pb.n_rev):
        o = ideal_review(pb, r, rand)
        if o is None:
            return None
        R = pb.rev[r]
        for q in o[0] + o[1]:
            if load[q] >= cap or (mutual and R * N + q in pairs):
                return None
            load[q] += 1
            pairs.add(q * N + R)
        out.append(o)
    t = pb.spread
    if t is not None:
        active = {q for o in out for q in o[0] + o[1]}
        floor = min((load[p] for p in range(N) if pb.inE[p]), default=BIG)
        if max(load[q] for q in active) > floor + t:
            return None
    return out


# -- the ideal lots in table form (small draws) ------------------------------------------


def review_table(pb: Problem, r: int, limit: int) -> Table | None:
    """Every admissible main set of review r (as far as the rules concerning r alone go), with
    its slot masks and every admissible completion (possibly none): the ideal lot P_r in table
    form. None if it has more than `limit` entries."""
    k = pb.k
    kinds = pb.slot_kind[r]
    groups: list[tuple[int, int]] = []  # (first slot index, count) of equal-kind main slots
    for j in range(k):
        if j and kinds[j] == kinds[j - 1]:
            groups[-1] = (groups[-1][0], groups[-1][1] + 1)
        else:
            groups.append((j, 1))
    per_group = [list(itertools.combinations(pb.explicit_main(r, j), c)) for j, c in groups]
    out: Table = []
    size = 0
    for combo in itertools.product(*per_group):
        ms = tuple(p for part in combo for p in part)
        if len(set(ms)) != k:
            continue
        masks = pb.structure(r, ms)
        comps = list(completions(pb, r, masks, ms))
        size += 1 + len(comps)
        if size > limit:
            return None
        out.append((ms, masks, comps))
    return out


def local_options(pb: Problem, r: int, limit: int) -> list[Option] | None:
    """Every assignment of review r allowed by the rules concerning r alone, as (mains, adds,
    add masks); None if there are more than `limit`."""
    table = review_table(pb, r, limit)
    if table is None:
        return None
    return [(ms, ads, masks) for ms, masks, comps in table for ads in comps]


def completions(
    pb: Problem, r: int, masks: tuple[int, ...], ms: tuple[int, ...]
) -> Iterable[tuple[int, ...]]:
    """All admissible additional reviewers for sorted slot masks (one per set: equal masks
    take combinations, not permutations)."""
    runs: list[tuple[int, int]] = []
    for D in masks:
        if runs and runs[-1][0] == D:
            runs[-1] = (D, runs[-1][1] + 1)
        else:
            runs.append((D, 1))

    def rec(i: int, used: tuple[int, ...]) -> Iterable[tuple[int, ...]]:
        if i == len(runs):
            yield ()
            return
        D, c = runs[i]
        cands = [p for p in pb.explicit_add(r, D) if p not in ms and p not in used]
        for pick in itertools.combinations(cands, c):
            for rest in rec(i + 1, used + pick):
                yield pick + rest

    return rec(0, ())


def table_attempt(pb: Problem, tables: Sequence[Table], rand: Any) -> list[Option] | None:
    """`ideal_attempt` on precomputed tables (same distribution, much cheaper)."""
    N = pb.N
    cap = pb.cap
    mutual = pb.no_mutual
    load = list(pb.load0)
    pairs: set[int] = set()
    out: list[Option] = []
    for r, table in enumerate(tables):
        ms, masks, comps = table[int(rand() * len(table))]
        if not comps:
            return None
        ads = comps[int(rand() * len(comps))]
        R = pb.rev[r]
        for q in ms + ads:
            if load[q] >= cap or (mutual and R * N + q in pairs):
                return None
            load[q] += 1
            pairs.add(q * N + R)
        out.append((ms, ads, masks))
    t = pb.spread
    if t is not None:
        floor = min((load[p] for p in range(N) if pb.inE[p]), default=BIG)
        if any(load[q] > floor + t for o in out for q in o[0] + o[1]):
            return None
    return out
