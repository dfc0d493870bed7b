"""A valid outcome to start from, or a proof that there is none (step 3 of "How it is
sampled" in the package docstring).

Guarantees: `initial` returns a State meeting every rule, and says whether it is an exact
sample of pi (small draws: rejection sampling from the ideal lots); otherwise it raises
`Infeasible` - naming a rule whose relaxation would help when the exhaustive search proved that
nothing is valid (`diagnose`), or RULE_SEARCH when the bounded searches gave up (the draw may
still be possible). Every budget below bounds the time of an infeasible or very hard instance.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, NoReturn

from revmod.lots.draw.ideal import Option, Table, local_options, review_table, table_attempt
from revmod.lots.draw.problem import BIG, Problem, plural
from revmod.lots.draw.repair import SearchState, greedy, repair
from revmod.lots.draw.state import State, state_of
from revmod.lots.draw.types import (
    RULE_CAP,
    RULE_COMBINED,
    RULE_INSTRUMENT,
    RULE_MUTUAL,
    RULE_SEARCH,
    RULE_SPREAD,
    Infeasible,
)

_REPAIR_BASE = 3000
_REPAIR_PER_SLOT = 4
_EXHAUSTIVE_NODES = 400_000
_EXHAUSTIVE_MAX_OPTIONS = 20_000
_SMALL_PARTIES = 40  # instances this small go to the exhaustive search before the repair
_SMALL_REVIEWS = 12
_REJECTION_ATTEMPTS = 400  # ideal-lot attempts at the start of a small draw
_TABLE_LIMIT = 4000  # entries of a review's ideal-lot table


def initial(pb: Problem, rng: random.Random) -> tuple[State, bool]:
    """A valid assignment to start the chain from, and whether it is an exact sample of pi;
    or Infeasible.

    Small draws: the ideal lots with rejection (a success is an exact sample of pi), then the
    exhaustive search (complete within its budget). Large draws: a greedy draw, then the
    repair (local search); the exhaustive search as a last resort."""
    small = pb.N <= _SMALL_PARTIES and pb.n_rev <= _SMALL_REVIEWS
    tables = _tables(pb) if small else None
    if tables is not None:
        for _ in range(_REJECTION_ATTEMPTS):
            found = table_attempt(pb, tables, rng.random)
            if found is not None:
                return state_of(pb, found), True
        sol = _search_all(pb, rng, tables)
        if sol is not None:
            return state_of(pb, sol), False
    budget = _REPAIR_BASE + _REPAIR_PER_SLOT * pb.k * pb.n_rev
    for least in (False, True):  # an ideal-like start first; a least-loaded one if stuck
        st = SearchState(pb)
        tries = budget if least else budget // 4
        if greedy(st, rng, least) and (not st.penalty() or repair(st, rng, tries)):
            return state_of(pb, [st.snapshot(r) for r in range(pb.n_rev)]), False
    if tables is None:
        sol = _search_all(pb, rng, None)
        if sol is not None:
            return state_of(pb, sol), False
    raise Infeasible(
        RULE_SEARCH,
        "the bounded search found no assignment that meets every rule; the closest attempt "
        f"still broke: {_describe(st)}. The draw may still be possible: relax a rule or raise "
        "the limits",
        "search_gave_up",
        {
            "over_cap": len(st.over) if st.overcap else 0,
            "mutual_pairs": st.conf,
            "loads": [st.floor, st.top]
            if pb.spread is not None and st.top > st.floor + pb.spread
            else None,
        },
    )


def _tables(pb: Problem) -> list[Table] | None:
    """Every review's ideal lot in table form; None if one is too large."""
    tables = []
    for r in range(pb.n_rev):
        table = review_table(pb, r, _TABLE_LIMIT)
        if table is None:
            return None
        tables.append(table)
    return tables


def _search_all(pb: Problem, rng: random.Random, tables: list[Table] | None) -> list[Option] | None:
    """The exhaustive search: a valid assignment, or None if its budget ran out; Infeasible
    (naming a rule, see `diagnose`) if it proved that none exists."""
    try:
        sol = exhaustive(pb, rng, _EXHAUSTIVE_NODES, tables=tables)
    except _Budget:
        return None
    if sol is None:
        diagnose(pb, rng)
    return sol


class _Budget(Exception):
    pass


def exhaustive(
    pb: Problem,
    rng: random.Random,
    budget: int,
    *,
    cap: bool = True,
    mutual: bool = True,
    spread: bool = True,
    tables: Sequence[Table] | None = None,
) -> list[Option] | None:
    """Depth-first search over all assignments (rules can be relaxed for diagnosis).
    Returns a valid assignment, None if none exists; raises _Budget if the budget ran out."""
    opts = _shuffled_options(pb, rng, tables)
    if opts is None:
        return None
    order = sorted(range(pb.n_rev), key=lambda r: len(opts[r]))
    N = pb.N
    load = list(pb.load0)
    newc = [0] * N
    pairs: set[int] = set()
    chosen: list[Option | None] = [None] * pb.n_rev
    nodes = 0
    use_mutual = mutual and pb.no_mutual
    t = pb.spread if spread else None

    def spread_ok() -> bool:
        if t is None:
            return True
        floor = min((load[p] for p in range(N) if pb.inE[p]), default=BIG)
        top = max((load[p] for p in range(N) if newc[p]), default=-1)
        return top <= floor + t

    def dfs(i: int) -> bool:
        nonlocal nodes
        if i == len(order):
            return spread_ok()
        r = order[i]
        R = pb.rev[r]
        for opt in opts[r]:
            nodes += 1
            if nodes > budget:
                raise _Budget
            revs = opt[0] + opt[1]
            if cap and any(load[p] >= pb.cap for p in revs):
                continue
            if use_mutual and any(R * N + p in pairs for p in revs):
                continue
            for p in revs:
                load[p] += 1
                newc[p] += 1
                pairs.add(p * N + R)
            chosen[r] = opt
            if dfs(i + 1):
                return True
            for p in revs:
                load[p] -= 1
                newc[p] -= 1
                pairs.discard(p * N + R)
        return False

    if dfs(0):
        return [c for c in chosen if c is not None]
    return None


def _shuffled_options(
    pb: Problem, rng: random.Random, tables: Sequence[Table] | None
) -> list[list[Option]] | None:
    """Every review's local options (as allowed by the rules about it alone), each list in
    random order; None if some review has none; raises _Budget if one has too many."""
    opts: list[list[Option]] = []
    for r in range(pb.n_rev):
        o: list[Option] | None
        if tables is not None:
            o = [(ms, ads, masks) for ms, masks, comps in tables[r] for ads in comps]
        else:
            o = local_options(pb, r, _EXHAUSTIVE_MAX_OPTIONS)
        if o is None:
            raise _Budget
        if not o:
            return None
        rng.shuffle(o)
        opts.append(o)
    return opts


def _describe(st: SearchState) -> str:
    pb = st.pb
    parts = []
    if st.overcap:
        parts.append(f"{RULE_CAP} ({plural(len(st.over), 'party', 'parties')} over {pb.cap})")
    if st.conf:
        parts.append(f"{RULE_MUTUAL} ({plural(st.conf, 'mutual pair', 'mutual pairs')})")
    if pb.spread is not None and st.top > st.floor + pb.spread:
        parts.append(f"{RULE_SPREAD} (loads from {st.floor} to {st.top})")
    return "; ".join(parts) or "no complete assignment"


def diagnose(pb: Problem, rng: random.Random) -> NoReturn:
    """Called when the exhaustive search proved that no assignment exists: name a rule whose
    relaxation would make one exist, and raise."""
    relax = (
        ("spread", RULE_SPREAD, "evenness of the workload (max_load_spread)"),
        ("mutual", RULE_MUTUAL, "ban on mutual reviews"),
        ("cap", RULE_CAP, f"cap of {pb.cap} reviews per reviewer"),
    )
    for flag, rule, what in relax:
        if flag == "spread" and pb.spread is None:
            continue
        if flag == "mutual" and not pb.no_mutual:
            continue
        try:
            relaxed: dict[str, Any] = {flag: False}
            found = exhaustive(pb, rng, _EXHAUSTIVE_NODES, **relaxed)
        except _Budget:
            continue
        if found is not None:
            raise Infeasible(
                rule,
                f"no assignment meets every rule (exhaustive search); one would exist without "
                f"the {what}",
                f"relax_{flag}",
                {"cap": pb.cap} if flag == "cap" else {},
            )
    for r in range(pb.n_rev):
        if not local_options(pb, r, _EXHAUSTIVE_MAX_OPTIONS):
            raise Infeasible(
                RULE_INSTRUMENT,
                f"{pb.reg.codes[pb.rev[r]]}: no choice of main reviewers leaves instruments "
                "that distinct additional reviewers can cover",
                "no_additional_choice",
                {"party": pb.reg.codes[pb.rev[r]]},
            )
    raise Infeasible(
        RULE_COMBINED,
        "no assignment meets every rule (exhaustive search), and relaxing any single one of "
        "the cap, mutuality and evenness rules does not help",
        "combined",
    )
