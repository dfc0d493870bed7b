"""Necessary conditions of a draw, checked before any search (step 1 of "How it is sampled").

Guarantees: `precheck` raises `Infeasible(rule, message, reason, params)` for the obvious
impossibilities - too few candidates for a review's main slots or for one of its instruments,
too little capacity in total, per instrument or per regional group, too many pairings for the
ban on mutual reviews - naming the rule and, where one is to blame, the party. It never rejects
a feasible draw (every condition is necessary) and consumes no randomness. It stays linear in
the number of parties.
"""

from __future__ import annotations

from revmod.lots.draw.problem import Problem, plural
from revmod.lots.draw.types import (
    RULE_CAP,
    RULE_INSTRUMENT,
    RULE_MUTUAL,
    RULE_OTHER_GROUP,
    RULE_REVIEWERS,
    RULE_SAME_GROUP,
    Infeasible,
)

_ALL = -1  # the class of all parties; g >= 0: group g; -2 - g: every party not in group g


def precheck(pb: Problem) -> None:
    """Raise Infeasible for the obvious impossibilities, with a message naming the rule."""
    counts = _Counts(pb)
    for r in range(pb.n_rev):
        _check_main_slots(pb, counts, r)
        _check_instruments(pb, counts, r)
    _check_capacity(pb)
    if pb.no_mutual:
        _check_mutual(pb)


class _Counts:
    """Admissible candidates per review from per-class totals, corrected for R itself and its
    bans, so the checks stay linear for 10,000 parties."""

    def __init__(self, pb: Problem) -> None:
        self.pb = pb
        self.share_count: dict[tuple[int, int], int] = {}  # (class, instrument mask)
        self.inst_count: dict[int, int] = {}
        # Parties under the cap by (group, instruments): every class count is a sum over this.
        self.by_kind: dict[tuple[int, int], int] = {}
        for p in range(pb.N):
            if not pb.sat[p]:
                key = (pb.grp[p], pb.mask[p])
                self.by_kind[key] = self.by_kind.get(key, 0) + 1

    def count_class(self, cls: int, m: int) -> int:
        key = (cls, m)
        v = self.share_count.get(key)
        if v is None:
            v = 0
            for (g, pm), c in self.by_kind.items():
                if not pm & m:
                    continue
                if cls == _ALL or (cls >= 0 and g == cls) or (cls < -1 and g != -2 - cls):
                    v += c
            self.share_count[key] = v
        return v

    def in_class(self, p: int, cls: int) -> bool:
        if cls == _ALL:
            return True
        if cls >= 0:
            return self.pb.grp[p] == cls
        return self.pb.grp[p] != -2 - cls

    def admissible(self, r: int, cls: int, m: int) -> int:
        """Parties of class `cls` sharing an instrument of `m` that may review r."""
        pb = self.pb
        R = pb.rev[r]
        n = self.count_class(cls, m)
        for p in {R, *pb.banned[r]}:
            if self.in_class(p, cls) and not pb.sat[p] and pb.mask[p] & m:
                n -= 1
        return n

    def party_to(self, r: int, b: int) -> int:
        """Parties to instrument b that may review r."""
        pb = self.pb
        if b not in self.inst_count:
            self.inst_count[b] = sum(c for (_g, pm), c in self.by_kind.items() if pm & b)
        n = self.inst_count[b]
        for p in {pb.rev[r], *pb.banned[r]}:
            if not pb.sat[p] and pb.mask[p] & b:
                n -= 1
        return n


def _check_main_slots(pb: Problem, counts: _Counts, r: int) -> None:
    """Enough candidates for the main slots of review r (rule 1)."""
    reg, k, s = pb.reg, pb.k, pb.s
    code = reg.codes[pb.rev[r]]
    g = pb.rgrp[r]
    mR = pb.rmask[r]
    if g >= 0:
        gname = reg.group_name(g)
        same = counts.admissible(r, g, mR)
        if same < s:
            members = sum(1 for p in range(pb.N) if pb.grp[p] == g) - 1
            why = (
                f"no other party is in {gname}"
                if members == 0
                else f"only {plural(same, 'other party', 'other parties')} in {gname} "
                "can review it (exclusions, existing pairings and shared instruments "
                "considered)"
            )
            raise Infeasible(
                RULE_SAME_GROUP,
                f"{code} needs {plural(s, 'reviewer', 'reviewers')} from {gname}, but {why}",
                "same_group_none" if members == 0 else "same_group_few",
                {"party": code, "group": gname, "needed": s, "eligible": same},
            )
        other = counts.admissible(r, -2 - g, mR)
        if other < k - s:
            raise Infeasible(
                RULE_OTHER_GROUP,
                f"{code} needs {plural(k - s, 'reviewer', 'reviewers')} from outside "
                f"{gname}, but only {other} eligible parties are outside it",
                "other_group_few",
                {"party": code, "group": gname, "needed": k - s, "eligible": other},
            )
    elif pb.rules.no_group_policy == "strict" and s > 0:
        raise Infeasible(
            RULE_SAME_GROUP,
            f"{code} has no regional group, so no reviewer can come from its own group "
            "(no_group_policy 'strict')",
            "no_group_strict",
            {"party": code},
        )
    else:
        n_any = counts.admissible(r, _ALL, mR)
        if n_any < k:
            raise Infeasible(
                RULE_REVIEWERS,
                f"{code} needs {k} reviewers but only {n_any} parties are eligible",
                "reviewers_few",
                {"party": code, "needed": k, "eligible": n_any},
            )


def _check_instruments(pb: Problem, counts: _Counts, r: int) -> None:
    """Every instrument of review r has k candidates party to it (rule 2)."""
    k = pb.k
    code = pb.reg.codes[pb.rev[r]]
    for b in pb.rbits[r]:
        n = counts.party_to(r, b)
        if n < k:
            (name,) = pb.reg.names(b)
            raise Infeasible(
                RULE_INSTRUMENT,
                f"{name} of {code} must be reviewed by {k} parties to {name}, but only "
                f"{plural(n, 'eligible party is', 'eligible parties are')} party to it",
                "instrument_few",
                {"party": code, "instrument": name, "needed": k, "eligible": n},
            )


def _check_capacity(pb: Problem) -> None:
    """The cap leaves enough reviews in total, per instrument and per regional group."""
    reg, N, k, s, cap = pb.reg, pb.N, pb.k, pb.s, pb.cap
    free = [0 if pb.sat[p] else cap - pb.load0[p] for p in range(N)]
    need = k * pb.n_rev
    have = sum(free)
    if need > have:
        extra = ", existing pairings deducted" if any(pb.load0) else ""
        raise Infeasible(
            RULE_CAP,
            f"{plural(pb.n_rev, 'review needs', 'reviews need')} {need} reviewer slots but "
            f"only {have} are available ({N} parties x {cap}{extra})",
            "cap_total",
            {
                "reviews": pb.n_rev,
                "needed": need,
                "available": have,
                "parties": N,
                "cap": cap,
                "existing": bool(extra),
            },
        )
    # Every instrument of every reviewed party needs k reviewers party to it.
    for i, name in enumerate(reg.inst_names):
        b = 1 << i
        demand = k * sum(1 for m in pb.rmask if m & b)
        supply = sum(free[p] for p in range(N) if pb.mask[p] & b)
        if demand > supply:
            raise Infeasible(
                RULE_CAP,
                f"{name}: {demand} reviewer slots must go to parties to {name}, but they can "
                f"take only {supply} more reviews",
                "cap_instrument",
                {"instrument": name, "needed": demand, "available": supply},
            )
    # Same-group slots.
    for g in sorted({g for g in pb.rgrp if g >= 0}):
        demand = s * sum(1 for x in pb.rgrp if x == g)
        supply = sum(free[p] for p in range(N) if pb.grp[p] == g)
        if demand > supply:
            raise Infeasible(
                RULE_CAP,
                f"{reg.group_name(g)}: {demand} same-group reviewer slots but the parties of "
                f"{reg.group_name(g)} can take only {supply} more reviews",
                "cap_group",
                {"group": reg.group_name(g), "needed": demand, "available": supply},
            )


def _check_mutual(pb: Problem) -> None:
    """Two reviewed parties can be paired in one direction only (rule 3)."""
    n = pb.n_rev
    need = pb.k * n
    outside = sum(1 for p in range(pb.N) if p not in pb.rev_of and not pb.sat[p])
    most = n * (n - 1) // 2 + n * outside
    if need > most:
        raise Infeasible(
            RULE_MUTUAL,
            f"{n} reviews need {need} pairings, but without mutual reviews at most {most} "
            "are possible",
            "mutual_total",
            {"reviews": n, "needed": need, "most": most},
        )
