"""The drawing of lots that pairs each party under review with its reviewing parties.

Pure module: no Django, no database, no global randomness. Every random choice comes from the
`random.Random` passed in (in production a `revmod.lots.rng.HashRandom`), inputs are sorted by
party code, and no iteration order depends on hashing, so the same inputs, rules and seed give
the same pairings on every machine. `ALGORITHM` names this algorithm and its distribution; it is
stored with each draw and must change whenever the output for a given seed could change.

Rules (each a field of `DrawRules`; defaults in brackets)
---------------------------------------------------------
Let k = `reviewers_per_review` [2], s = `same_group_reviewers` [1], cap =
`max_reviews_per_reviewer` [3], t = `max_load_spread` [1]. For every party R under review, with
I(R) the instruments it is party to (it is reviewed for all of them):

1. Main reviewers. R gets exactly k distinct main reviewers, none of them R. If R has a regional
   group G: exactly s of them are in G and k - s are not in G (a party without a group is "not
   in G" for every G). If R has no group, `no_group_policy` decides: "any" [default] - the k
   main reviewers come from any group; "strict" - R is treated as the only member of its own
   group, so with s > 0 the draw is infeasible for R (and says so), and with s = 0 any party
   may review it. A main reviewer M must share at least one instrument with R (with real data
   every party is party to UNTOC, so this never bites) and covers I(R) & I(M): everything of
   R's it is party to.
2. Instruments and additional reviewers. Every instrument i of R must be covered by exactly k
   reviewers who are party to i. Main reviewers cover what they can; the deficit of i is
   d(i) = k - #{main reviewers party to i}. The additional reviewers are the fewest that fill
   the deficits: for level l = 1, 2, ..., max d, the set D_l = {i : d(i) >= l} is covered by ONE
   additional reviewer who is party to every instrument of D_l (any regional group). Only if no
   party eligible to review R at all (see 5, 6) is party to all of D_l, D_l is split into one
   additional reviewer per instrument. Additional reviewers cover exactly their D_l (or their
   one instrument); they are distinct from each other and from the main reviewers. Example
   (k = 2): R has UNTOC+TIP+FIR, main A has UNTOC+TIP+FIR, main B has UNTOC+TIP: FIR has deficit
   1, so one additional reviewer covering FIR. If neither main had FIR, two additional
   reviewers, each covering FIR.
3. No self-review. No mutual reviews (`no_mutual` [True]): if A reviews B (in this draw or in
   an existing pairing), B does not review A.
4. Workload: every party reviews at most cap parties (main and additional, existing pairings
   included). Evenness, with t = `max_load_spread` (None switches it off): let load(p) count all
   pairings with p as reviewer, existing and new; let E be the parties that could be drawn as a
   main reviewer for at least one party reviewed in this call (rules 1, 3, 5, 6 and the cap on
   existing pairings; nothing else). Every party that receives a new pairing must end with
   load <= min(load over E) + t. In a full draw (no existing pairings) this says exactly that
   all loads differ by at most t - with t = 1, "as even as possible": the loads of the whole
   registry are two consecutive integers. For late joiners and redraws it says that new work
   goes only to the (nearly) least-loaded eligible parties; existing imbalance is not repaired.
5. Exclusions: (reviewed, reviewer) pairs that must not occur.
6. Existing pairings are fixed: they count towards the cap and the evenness rule, they make
   the reverse pairing impossible (rule 3), and they are never changed. A party already
   reviewed in an existing pairing cannot be drawn again with `draw` (use `redraw_slot`).

The distribution (what "fair" means here)
-----------------------------------------
For one party R, call the *ideal lot* P_R the lottery that looks at R alone (rules 1, 2, 3
self-review, 5, 6 - the rules that concern R by itself): it draws R's main reviewers uniformly
among all admissible main sets, then R's additional reviewers uniformly among all admissible
ways to fill the deficits those mains leave. The draw returns a valid outcome x (all rules,
all parties) with probability

    pi(x) = prod_R P_R(x_R) / Z  =  prod_R 1 / c_R(x) / Z',

where c_R(x) is the number of admissible ways to choose R's additional reviewers given R's main
reviewers in x (1 if none are needed) - in words: the ideal independent lottery for every party
at once, conditioned on the whole outcome being valid. It is exactly what one would get by
drawing everything with the ideal lots and, whenever any rule is broken anywhere, starting the
WHOLE draw again (restarting only the party that hit a dead end is what makes some outcomes
several times likelier than others). Consequences:
- When no party needs additional reviewers (e.g. all parties share the same instruments), pi
  is exactly uniform over the valid outcomes.
- Why not uniform in general: an outcome whose main reviewer lacks a Protocol has many more
  completions (one per possible additional reviewer) than one whose main reviewer has it, so
  the uniform distribution over complete outcomes would make a party that lacks Protocols
  several times likelier to be drawn as a main reviewer (e.g. one main slot for R, which has
  FIR, with 5 candidates party to FIR and 5 not, each of those leaving 5 possible additional
  reviewers: uniform over outcomes picks a main without FIR 25 times out of 30, 83%, instead
  of half the time) and would maximise the number of additional reviewers. Under pi every
  eligible party has the same chance for each lot before the global rules (caps, mutuality,
  evenness) are applied, which is what drawing lots means; those rules then only remove
  outcomes, never reweight the ones that remain.

How it is sampled
-----------------
1. Necessary conditions are checked first (candidates per group, per instrument, capacity per
   instrument and group, mutuality), each failing with `Infeasible(rule, message)`.
2. Randomness: the draw takes 256 bits from the `rng` passed in and seeds a private
   `random.Random` (Mersenne Twister) with them; every later choice comes from it. A large
   draw makes hundreds of thousands of choices and a SHA-256 generator costs a hash per 256
   bits; Python guarantees `random()` of an integer-seeded Random to give the same sequence
   in every version, and MT19937 (init_by_array) exists in every language.
3. Start. Small draws (at most 40 parties and 12 reviews): every review's ideal lot is
   tabulated and the whole draw is drawn from the ideal lots, up to 400 times, until it is
   valid - rejection sampling, so a success is an EXACT sample of pi, and the chain below is
   skipped (it could not change the distribution). Otherwise a valid outcome is searched: a
   sequential draw in random order from the ideal lots (skipping candidates that are full or
   would make a mutual pair), then a bounded repair (local search on the number of broken
   rules; if it gets stuck, the same from a least-loaded greedy draw); for small draws an
   exhaustive search (bounded by a node budget) decides, and when it proves that nothing is
   valid it names a rule whose relaxation would make the draw possible. If everything fails,
   `Infeasible("bounded search", ...)` says the search gave up (the draw may be possible).
4. Chain. From a searched start, a Metropolis-Hastings chain runs `mixing_sweeps` x k x
   |reviewed| steps. Each step first, with probability min(0.05, 1/|reviewed|^2), proposes a
   FULL REDRAW from the ideal lots (an independence proposal with the target's own weights:
   accepted iff valid). Otherwise it picks a reviewed party R uniformly and proposes (mix
   20/5/55/10/10%):
   a. MAIN_KEEP: one main slot of R gets a candidate with exactly the same coverage of R's
      instruments, drawn uniformly among those under the cap; additional reviewers kept.
   b. MAIN_BLOCK: one main slot gets a uniformly drawn admissible candidate and all of R's
      additional reviewers are redrawn from the ideal lot given the new mains.
   c. MAIN_BLOCK under capacity: like b, but the new main and the new additional reviewers
      are drawn uniformly among candidates under the cap in the outcome with R's own
      pairings removed (the same outcome before and after the move); only when R's slots
      form a nested chain before and after (always with real data). Its Metropolis-Hastings
      ratio is L(m) Lc(m') / (L(m') Lc(m)), L counting the ideal lot's completions of a main
      set and Lc the completions under the cap (both products over the nested slots).
   d. ADD: one additional slot of R gets a candidate drawn uniformly among those under the
      cap that may take it.
   e. SWAP: the reviewers of one slot of R and one slot of another uniformly drawn reviewed
      party are exchanged, when each fits the other's slot with the same coverage.
   The slot is drawn uniformly among R's main slots (a-c), R's additional slots (d) or all
   of R's slots (e); none of a, d, e changes how many slots a party has, and a-c choose
   among the k main slots, so the choice of slot is the same from both ends of a move. In a
   and d the candidate set has the same size from both ends (the replaced reviewer joins it,
   the new one leaves it), so the proposal - including giving up after a fixed number of
   rejection-sampling misses, which then happens with the same probability - is symmetric,
   and the two outcomes have the same weight (same coverage, same number of completions);
   e is symmetric and weight-preserving likewise. b proposes from the conditional of P_R
   itself, whose ratio cancels against the weights; c is corrected by its ratio. Hence pi is
   stationary. The full-redraw move can reach every valid outcome from every other in one
   step, so the chain is irreducible on all valid outcomes, and it is aperiodic (rejections
   stay put): it converges to pi. How fast depends on the moves a-e: on tiny rigid instances
   (e.g. a cap of 1 leaving no spare capacity) the valid outcomes can be connected only
   through the full redraw, which is why small draws start with exact rejection sampling.
   Indices are taken from 53-bit uniform numbers; the bias (< n / 2**53) is negligible.
5. Step count. A sweep is k x |reviewed| steps; the default is 10 sweeps, and never fewer
   than 1,000 steps (a tiny draw's sweep is a handful of steps). The mixing is
   measured, not proven: on a 189-party registry shaped like the real one, with the cap and
   evenness binding (loads 2 and 3), statistics that start far from pi (number of additional
   reviewers, main reviewers lacking FIR, 3-cycles of reviews) agree after 8-10 sweeps with
   runs of 40 sweeps within their standard errors (bench/draw.py --mixing), and likewise at
   1,000 parties. test_solver.py checks on small instances, by enumerating every valid
   outcome, that public draws are within 0.02 in total variation of pi and that the chain's
   moves keep pi (started from pi, still pi). Raise `mixing_sweeps` (it is stored with the
   rules) to buy a closer approach with time; bench/draw.py reports the cost.

Redraw of one slot (`redraw_slot`): replace reviewer X of reviewed Y, everything else fixed.
The replacement is drawn uniformly among the parties that satisfy every rule for that slot: X
excluded, the same role, for a main slot the same group side (same group as Y or not), party to
every instrument of the slot; cap, mutuality, exclusions and evenness as in `draw` (with E = the
parties eligible for this slot; with t >= 1 this only means "among the least loaded", never
"none"). The new pairing covers exactly the slot's instruments: if a new main reviewer is party
to more of Y's instruments, those stay with the additional reviewers already drawn, so every
instrument keeps exactly k reviewers and nothing else changes. (Requiring the same coverage
exactly made about 4% of main slots of a full 189-party draw impossible to redraw.) A redraw
uses `rng` directly (one number).

Reviewers for a Protocol joined later (`cover`): a party under review that becomes party to an
instrument after its reviewers were drawn lacks reviewers for it. Its pairings in force stay;
each main reviewer party to the new instrument takes it (rule 2, no lot needed), and the
deficits left are filled by additional reviewers as in rule 2, each drawn like a redrawn slot
(uniformly among the parties that meet every rule for it; one number from `rng` per slot).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, NoReturn

__all__ = [
    "ALGORITHM",
    "DrawRules",
    "Infeasible",
    "PartyInfo",
    "Pairing",
    "ROLE_ADDITIONAL",
    "ROLE_MAIN",
    "cover",
    "draw",
    "redraw_slot",
]

ALGORITHM = "revmod-lots/2"

INSTRUMENT_ORDER: tuple[str, ...] = ("UNTOC", "TIP", "SOM", "FIR")
ROLE_MAIN = "main"
ROLE_ADDITIONAL = "additional"
NO_GROUP_POLICIES: tuple[str, ...] = ("any", "strict")

# The `rule` of an Infeasible: what a user interface can map to an explanation.
RULE_REVIEWERS = "reviewers per review"
RULE_SAME_GROUP = "reviewer from the same regional group"
RULE_OTHER_GROUP = "reviewer from another regional group"
RULE_INSTRUMENT = "instrument coverage"
RULE_MUTUAL = "no mutual reviews"
RULE_CAP = "workload cap"
RULE_SPREAD = "load spread"
RULE_EXCLUSIONS = "exclusions"
RULE_COMBINED = "rules combined"
RULE_SEARCH = "bounded search"

_U53 = 9007199254740992  # 2**53: rng.random() is a multiple of 2**-53
_BIG = 1 << 40
_MISSING: Any = object()
_KIND_SAME, _KIND_OTHER, _KIND_ANY = 0, 1, 2

# Chain move mix (cumulative thresholds over 0..99); any fixed mix keeps pi stationary.
_P_KEEP, _P_BLOCK, _P_BLOCKC, _P_ADD = 20, 25, 80, 90  # the rest (10%) are swaps
_MIN_STEPS = 1000  # the chain's fewest steps (when it runs at all)
_TRIES_EXACT = 256  # tries before an exact (but O(parties)) fallback
_TRIES = 32  # rejection-sampling tries of a chain proposal before it gives up (stays put)

# Search budgets: they bound the time of an infeasible or very hard instance.
_REPAIR_BASE = 3000
_REPAIR_PER_SLOT = 4
_EXHAUSTIVE_NODES = 400_000
_EXHAUSTIVE_MAX_OPTIONS = 20_000
_SMALL_PARTIES = 40  # instances this small go to the exhaustive search before the repair
_SMALL_REVIEWS = 12
_REJECTION_ATTEMPTS = 400  # ideal-lot attempts at the start of a small draw
_TABLE_LIMIT = 4000  # entries of a review's ideal-lot table


# --------------------------------------------------------------------------------------------
# Public data types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyInfo:
    """A party as the draw sees it: its code, regional group (None for parties without one,
    e.g. the European Union) and the instruments it is party to."""

    code: str
    regional_group: str | None
    instruments: frozenset[str]

    def __post_init__(self) -> None:
        if not isinstance(self.instruments, frozenset):
            object.__setattr__(self, "instruments", frozenset(self.instruments))


@dataclass(frozen=True)
class DrawRules:
    """The settings of the draw (see the module docstring for their exact meaning).

    `mixing_sweeps` is not a rule of the mechanism but changes the output for a seed, so it is
    stored with them."""

    reviewers_per_review: int = 2
    same_group_reviewers: int = 1
    no_group_policy: str = "any"
    no_mutual: bool = True
    max_reviews_per_reviewer: int = 3
    max_load_spread: int | None = 1
    mixing_sweeps: int = 10

    def __post_init__(self) -> None:
        def check_int(name: str, low: int) -> None:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be an integer >= {low}, not {value!r}")

        check_int("reviewers_per_review", 1)
        check_int("same_group_reviewers", 0)
        check_int("max_reviews_per_reviewer", 1)
        check_int("mixing_sweeps", 0)
        if self.max_load_spread is not None:
            check_int("max_load_spread", 0)
        if self.same_group_reviewers > self.reviewers_per_review:
            raise ValueError("same_group_reviewers cannot exceed reviewers_per_review")
        if self.no_group_policy not in NO_GROUP_POLICIES:
            raise ValueError(f"no_group_policy must be one of {NO_GROUP_POLICIES}")
        if not isinstance(self.no_mutual, bool):
            raise ValueError("no_mutual must be a boolean")

    def to_dict(self) -> dict[str, Any]:
        """The rules as a JSON-ready dict (every field, so a stored draw is self-contained)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DrawRules:
        """Inverse of `to_dict`; missing fields take their defaults, unknown ones are refused."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown rule(s): {', '.join(unknown)}")
        return cls(**dict(data))


@dataclass(frozen=True)
class Pairing:
    """`reviewer` reviews `reviewed` for `instruments` (in canonical order: UNTOC, TIP, SOM,
    FIR, then others alphabetically), as a main or an additional reviewer."""

    reviewed: str
    reviewer: str
    instruments: tuple[str, ...]
    role: str = ROLE_MAIN

    def __post_init__(self) -> None:
        if not isinstance(self.instruments, tuple):
            object.__setattr__(self, "instruments", tuple(self.instruments))
        if self.role not in (ROLE_MAIN, ROLE_ADDITIONAL):
            raise ValueError(f"role must be {ROLE_MAIN!r} or {ROLE_ADDITIONAL!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "reviewed": self.reviewed,
            "reviewer": self.reviewer,
            "instruments": list(self.instruments),
            "role": self.role,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pairing:
        return cls(data["reviewed"], data["reviewer"], tuple(data["instruments"]), data["role"])


class Infeasible(Exception):
    """No valid assignment exists (or the bounded search could not find one: rule
    "bounded search"). `rule` names the rule that cannot be met, `message` says why."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"{rule}: {message}")
        self.rule = rule
        self.message = message


# --------------------------------------------------------------------------------------------
# Static view of a draw
# --------------------------------------------------------------------------------------------


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low)
        mask ^= low
    return out


class _Registry:
    """Parties by index (sorted by code), instruments as bit masks, groups as small ints."""

    def __init__(self, parties: Sequence[PartyInfo]) -> None:
        ps = sorted(parties, key=lambda p: p.code)
        codes = [p.code for p in ps]
        for a, b in itertools.pairwise(codes):
            if a == b:
                raise ValueError(f"party {a!r} is listed twice")
        self.codes = codes
        self.N = len(codes)
        self.index = {c: i for i, c in enumerate(codes)}
        names: set[str] = set()
        for p in ps:
            names |= p.instruments
        order = [i for i in INSTRUMENT_ORDER if i in names]
        order += sorted(names - set(INSTRUMENT_ORDER))
        self.inst_names = order
        self.bit = {name: 1 << i for i, name in enumerate(order)}
        self.mask = [sum(self.bit[i] for i in p.instruments) for p in ps]
        groups = sorted({p.regional_group for p in ps if p.regional_group is not None})
        self.group_names = groups
        gid = {g: i for i, g in enumerate(groups)}
        self.grp = [gid[p.regional_group] if p.regional_group is not None else -1 for p in ps]

    def idx(self, code: str, what: str) -> int:
        try:
            return self.index[code]
        except KeyError:
            raise ValueError(f"{what} {code!r} is not among the parties") from None

    def names(self, mask: int) -> tuple[str, ...]:
        return tuple(n for i, n in enumerate(self.inst_names) if mask >> i & 1)

    def group_name(self, g: int) -> str:
        return self.group_names[g] if g >= 0 else "no regional group"


class _Problem:
    """Everything about one call of `draw` that does not change while drawing."""

    def __init__(
        self,
        parties: Sequence[PartyInfo],
        reviewed: Sequence[str],
        rules: DrawRules,
        existing: Iterable[Pairing],
        exclusions: Iterable[tuple[str, str]],
    ) -> None:
        if not isinstance(rules, DrawRules):
            raise TypeError("rules must be a DrawRules")
        reg = _Registry(parties)
        self.reg = reg
        self.rules = rules
        N = self.N = reg.N
        self.mask, self.grp = reg.mask, reg.grp
        self.k = rules.reviewers_per_review
        self.s = rules.same_group_reviewers
        self.cap = rules.max_reviews_per_reviewer
        self.spread = rules.max_load_spread
        self.no_mutual = rules.no_mutual

        rv = [reg.idx(c, "reviewed party") for c in reviewed]
        if len(set(rv)) != len(rv):
            raise ValueError("a party is listed twice among the reviewed parties")
        self.rev = sorted(rv)
        self.n_rev = len(self.rev)
        self.rev_of = {R: r for r, R in enumerate(self.rev)}
        for R in self.rev:
            if not self.mask[R]:
                raise ValueError(f"{reg.codes[R]} is party to no instrument: nothing to review")
        self.rmask = [self.mask[R] for R in self.rev]
        self.rgrp = [self.grp[R] for R in self.rev]
        self.rbits = [_bits(m) for m in self.rmask]

        load0 = [0] * N
        banned: list[set[int]] = [set() for _ in self.rev]
        for pr in existing:
            a = reg.idx(pr.reviewed, "reviewed party of an existing pairing")
            b = reg.idx(pr.reviewer, "reviewer of an existing pairing")
            if a in self.rev_of:
                raise ValueError(
                    f"{pr.reviewed} already has reviewers in the existing pairings; "
                    "use redraw_slot to change them"
                )
            load0[b] += 1
            if self.no_mutual and b in self.rev_of:
                # b reviews a, so a must not review b.
                banned[self.rev_of[b]].add(a)
        for pair in exclusions:
            a_code, b_code = pair
            a = reg.idx(a_code, "excluded reviewed party")
            b = reg.idx(b_code, "excluded reviewer")
            if a in self.rev_of:
                banned[self.rev_of[a]].add(b)
        self.load0 = load0
        self.sat = [x >= self.cap for x in load0]
        self.banned = [frozenset(b) for b in banned]
        self.max_ban = max((len(b) for b in self.banned), default=0)

        # Main slots of each review: their kind and the class of parties they draw from.
        all_list = list(range(N))
        grp_lists: dict[int, list[int]] = {}
        not_lists: dict[int, list[int]] = {}
        for p in range(N):
            grp_lists.setdefault(self.grp[p], []).append(p)
        for g in sorted(set(self.rgrp)):
            if g >= 0:
                not_lists[g] = [p for p in range(N) if self.grp[p] != g]
        self.slot_kind: list[list[int]] = []
        self.slot_list: list[list[list[int]]] = []
        self.slot_key: list[list[tuple[Any, ...]]] = []
        strict = rules.no_group_policy == "strict"
        for r in range(self.n_rev):
            g = self.rgrp[r]
            if g >= 0:
                kinds = [_KIND_SAME] * self.s + [_KIND_OTHER] * (self.k - self.s)
                lists = [grp_lists[g]] * self.s + [not_lists[g]] * (self.k - self.s)
                keys: list[tuple[Any, ...]] = [("G", g)] * self.s + [("N", g)] * (self.k - self.s)
            elif strict:
                # Alone in its own group: a same-group slot has no candidate but R itself.
                kinds = [_KIND_SAME] * self.s + [_KIND_ANY] * (self.k - self.s)
                lists = [[self.rev[r]]] * self.s + [all_list] * (self.k - self.s)
                keys = [("S", r)] * self.s + [("A",)] * (self.k - self.s)
            else:
                kinds = [_KIND_ANY] * self.k
                lists = [all_list] * self.k
                keys = [("A",)] * self.k
            self.slot_kind.append(kinds)
            self.slot_list.append(lists)
            self.slot_key.append(keys)
        self.all_list = all_list

        self._sup: dict[int, list[int]] = {}
        self._cover: dict[tuple[int, int], bool] = {}
        self._struct: dict[tuple[int, ...], tuple[int, ...]] = {}
        self._chain: dict[tuple[tuple[int, ...], int], tuple[int, ...] | None] = {}
        self._sup_free: dict[int, int] = {}
        self._profile: dict[tuple[Any, ...], list[int]] = {}
        self._by_mask: dict[tuple[Any, ...], dict[int, list[int]]] = {}
        # Under-cap counters per instrument set (for the chain's capacity-aware move): only
        # for registries with few instruments (2**instruments counters).
        n_inst = len(reg.inst_names)
        self.track_under = n_inst <= 8
        self._ex_main: dict[tuple[int, int], list[int]] = {}
        self._ex_add: dict[tuple[int, int], list[int]] = {}
        self.inE = self._eligible_set()

        # Instrument sets that can be a deficit (subsets of reviewed parties' instruments that
        # avoid any instrument every party has, i.e. UNTOC in practice): the chain keeps, for
        # each, how many parties to all of it are under the cap. Only for few instruments.
        self.sup_cls: list[bool] = [False] * (1 << n_inst) if self.track_under else []
        self.d_of: list[list[int]] = [[] for _ in range(N)]
        if self.track_under:
            common = (1 << n_inst) - 1
            for m in self.mask:
                common &= m
            union = 0
            for m in self.rmask:
                union |= m
            possible = union & ~common
            D = possible
            while D:
                self.sup_cls[D] = True
                for p in self.sup(D):
                    self.d_of[p].append(D)
                D = (D - 1) & possible

    # -- static admissibility ------------------------------------------------------------

    def main_ok(self, r: int, j: int, p: int) -> bool:
        """p may fill main slot j of review r as far as rules concerning r alone go."""
        R = self.rev[r]
        if p == R or self.sat[p] or p in self.banned[r] or not self.mask[p] & self.rmask[r]:
            return False
        kind = self.slot_kind[r][j]
        if kind == _KIND_SAME:
            return self.grp[p] == self.rgrp[r] and self.rgrp[r] >= 0
        if kind == _KIND_OTHER:
            return self.grp[p] != self.rgrp[r]
        return True

    def add_ok(self, r: int, p: int, D: int) -> bool:
        """p may be an additional reviewer of review r for the instruments D."""
        return (
            p != self.rev[r]
            and not self.sat[p]
            and p not in self.banned[r]
            and self.mask[p] & D == D
        )

    def _eligible_set(self) -> list[bool]:
        """E of the evenness rule: parties that could be a main reviewer of some review here."""
        inE = [False] * self.N
        # Reviews with the same (group, instruments, slot kinds) differ only in R and bans.
        sigs: dict[tuple[Any, ...], list[int]] = {}
        for r in range(self.n_rev):
            key = (self.rgrp[r], self.rmask[r], tuple(sorted(set(self.slot_kind[r]))))
            sigs.setdefault(key, []).append(r)
        for p in range(self.N):
            if self.sat[p]:
                continue
            for (g, m, kinds), rs in sigs.items():
                if not self.mask[p] & m:
                    continue
                fits = (
                    (_KIND_ANY in kinds)
                    or (_KIND_SAME in kinds and g >= 0 and self.grp[p] == g)
                    or (_KIND_OTHER in kinds and self.grp[p] != g)
                )
                if fits and any(p != self.rev[r] and p not in self.banned[r] for r in rs):
                    inE[p] = True
                    break
        return inE

    def sup(self, D: int) -> list[int]:
        """All parties party to every instrument in D (cached)."""
        lst = self._sup.get(D)
        if lst is None:
            lst = [p for p in range(self.N) if self.mask[p] & D == D]
            self._sup[D] = lst
        return lst

    def coverable(self, r: int, D: int) -> bool:
        """Some party eligible to review r (main reviewers not excluded) has all of D."""
        key = (r, D)
        v = self._cover.get(key)
        if v is None:
            v = any(self.add_ok(r, p, D) for p in self.sup(D))
            self._cover[key] = v
        return v

    def explicit_main(self, r: int, j: int) -> list[int]:
        key = (r, self.slot_kind[r][j])
        lst = self._ex_main.get(key)
        if lst is None:
            lst = [p for p in self.slot_list[r][j] if self.main_ok(r, j, p)]
            self._ex_main[key] = lst
        return lst

    def explicit_add(self, r: int, D: int) -> list[int]:
        key = (r, D)
        lst = self._ex_add.get(key)
        if lst is None:
            lst = [p for p in self.sup(D) if self.add_ok(r, p, D)]
            self._ex_add[key] = lst
        return lst

    # -- slot structure -------------------------------------------------------------------

    def structure(self, r: int, ms: Sequence[int]) -> tuple[int, ...]:
        """The instrument masks of the additional slots of review r given its main reviewers
        (sorted, so equal structures compare equal)."""
        mR = self.rmask[r]
        mask = self.mask
        if len(ms) == 2:  # the common case, without sorting
            a = mask[ms[0]] & mR
            b = mask[ms[1]] & mR
            profiles: tuple[int, ...] = (a, b) if a <= b else (b, a)
        else:
            profiles = tuple(sorted(mask[m] & mR for m in ms))
        # Shared by all reviews alike unless r's own exclusions could matter (see below).
        key = (mR, *profiles)
        out = self._struct.get(key)
        if out is not None:
            return out
        rkey = (-1 - r, *profiles)
        out = self._struct.get(rkey)
        if out is not None:
            return out
        k = self.k
        levels = []
        for level in range(1, k + 1):
            D = 0
            for b in self.rbits[r]:
                cov = sum(1 for pr in profiles if pr & b)
                if k - cov >= level:
                    D |= b
            if not D:
                break
            levels.append(D)
        slots: list[int] = []
        nested = True
        shared = True
        for D in levels:
            # Coverable whatever the review: more parties to all of D than any review can
            # rule out (itself and the most exclusions any review has); else ask for r.
            if self.sup_free(D) > 1 + self.max_ban:
                slots.append(D)
                continue
            shared = False
            if self.coverable(r, D):
                slots.append(D)
            else:
                slots.extend(_bits(D))
                nested = False
        out = tuple(sorted(slots))
        if shared:
            self._struct[key] = out
        else:
            self._struct[rkey] = out
        # Inclusion order (largest instrument set first) if the slots are nested, else None.
        self._chain[out, r] = tuple(levels) if nested else None
        return out

    def sup_free(self, D: int) -> int:
        """How many parties not saturated by existing pairings are party to all of D."""
        c = self._sup_free.get(D)
        if c is None:
            c = sum(1 for p in self.sup(D) if not self.sat[p])
            self._sup_free[D] = c
        return c

    def nested_order(self, r: int, slots: tuple[int, ...]) -> tuple[int, ...] | None:
        """The slots of r in inclusion order (D_1 ⊇ D_2 ⊇ ...), or None if a level was split
        (call `structure` first)."""
        order = self._chain.get((slots, r), _MISSING)
        if order is _MISSING:
            # A shared structure computed for another review: no split, so the slots
            # themselves in decreasing instrument sets are the inclusion order.
            order = tuple(sorted(slots, key=lambda D: -D.bit_count()))
            self._chain[slots, r] = order
        return order

    def profile_list(self, r: int, j: int, want: int) -> list[int]:
        """Members of main slot j's class covering exactly `want` of r's instruments (cached
        per class and instrument sets, so reviews alike share it)."""
        ckey = self.slot_key[r][j]
        mR = self.rmask[r]
        key = (ckey, mR, want)
        lst = self._profile.get(key)
        if lst is None:
            by_mask = self._by_mask.get(ckey)
            if by_mask is None:  # the class's members by exact instrument set, built once
                by_mask = {}
                for p in self.slot_list[r][j]:
                    by_mask.setdefault(self.mask[p], []).append(p)
                self._by_mask[ckey] = by_mask
            lst = sorted(p for m, members in by_mask.items() if m & mR == want for p in members)
            self._profile[key] = lst
        return lst

    def static_count(self, r: int, D: int) -> int:
        """How many parties may be an additional reviewer of r for D (rules about r alone)."""
        c = self.sup_free(D)
        R = self.rev[r]
        if self.mask[R] & D == D and not self.sat[R]:
            c -= 1
        for b in self.banned[r]:
            if self.mask[b] & D == D and not self.sat[b]:
                c -= 1
        return c

    # -- uniform sampling of candidates (exact) ------------------------------------------

    def sample_main(self, r: int, j: int, excl: Sequence[int], rand: Any) -> int:
        """A uniformly random admissible candidate for main slot j of r not in excl, or -1.

        Rejection from the slot's class list is exact (uniform over the accepted subset); if it
        keeps failing the admissible list is built explicitly, which is exact too."""
        lst = self.slot_list[r][j]
        n = len(lst)
        if n:
            R = self.rev[r]
            mR = self.rmask[r]
            ban = self.banned[r]
            sat = self.sat
            mask = self.mask
            for _ in range(48):
                p = lst[int(rand() * n)]
                if p != R and not sat[p] and mask[p] & mR and p not in ban and p not in excl:
                    return p
        cands = [p for p in self.explicit_main(r, j) if p not in excl]
        return cands[int(rand() * len(cands))] if cands else -1

    def sample_add(self, r: int, D: int, excl: Sequence[int], rand: Any) -> int:
        """A uniformly random admissible additional reviewer of r for D not in excl, or -1."""
        lst = self.sup(D)
        n = len(lst)
        if n:
            R = self.rev[r]
            ban = self.banned[r]
            sat = self.sat
            for _ in range(48):
                p = lst[int(rand() * n)]
                if p != R and not sat[p] and p not in ban and p not in excl:
                    return p
        cands = [p for p in self.explicit_add(r, D) if p not in excl]
        return cands[int(rand() * len(cands))] if cands else -1

    def sample_completion(
        self, r: int, masks: Sequence[int], ms: Sequence[int], rand: Any
    ) -> list[int] | None:
        """Additional reviewers for slots `masks` of r given mains `ms`, uniform over all
        admissible (distinct) choices - the ideal lot's conditional - or None if there is none.

        Exact: independent uniform draws, restarted as a whole on any collision, are uniform
        over the collision-free tuples."""
        if not masks:
            return []
        R = self.rev[r]
        ban = self.banned[r]
        sat = self.sat
        lists = [self.sup(D) for D in masks]
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
        ex = [[p for p in self.explicit_add(r, D) if p not in ms] for D in masks]
        if any(not e for e in ex) or not _has_sdr(ex):
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

    def profile_names(self, r: int, p: int) -> tuple[str, ...]:
        return self.reg.names(self.mask[p] & self.rmask[r])


def _private_rng(rng: random.Random) -> random.Random:
    """The generator a draw actually uses: a Mersenne Twister seeded with 256 bits taken from
    `rng` (`random.Random(rng.getrandbits(256))`).

    Why: a large draw makes hundreds of thousands of random choices, and a SHA-256 based
    generator (HashRandom) costs one hash per 256 bits. Python guarantees that random() of a
    Random seeded with an integer gives the same sequence in every version, and MT19937 with
    init_by_array is re-implementable in any language, so the draw stays reproducible and
    verifiable: all of its randomness is a fixed function of those 256 bits."""
    return random.Random(rng.getrandbits(256))


def _has_sdr(lists: Sequence[Sequence[int]]) -> bool:
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


# --------------------------------------------------------------------------------------------
# Necessary conditions
# --------------------------------------------------------------------------------------------


def _precheck(pb: _Problem) -> None:
    """Raise Infeasible for the obvious impossibilities, with a message naming the rule."""
    reg = pb.reg
    k, s, cap = pb.k, pb.s, pb.cap
    codes = reg.codes
    N = pb.N
    strict = pb.rules.no_group_policy == "strict"
    # Count admissible candidates per review from per-class totals, correcting for R itself
    # and its bans, so this stays linear for 10,000 parties.
    share_count: dict[tuple[int, int], int] = {}  # (group or -1 for all / -2-g for not-g, mask)

    # Parties under the cap by (group, instruments): every class count is a sum over this.
    by_kind: dict[tuple[int, int], int] = {}
    for p in range(N):
        if not pb.sat[p]:
            key = (pb.grp[p], pb.mask[p])
            by_kind[key] = by_kind.get(key, 0) + 1

    def count_class(cls: int, m: int) -> int:
        key = (cls, m)
        v = share_count.get(key)
        if v is None:
            v = 0
            for (g, pm), c in by_kind.items():
                if not pm & m:
                    continue
                if cls == -1 or (cls >= 0 and g == cls) or (cls < -1 and g != -2 - cls):
                    v += c
            share_count[key] = v
        return v

    def in_class(p: int, cls: int) -> bool:
        if cls == -1:
            return True
        if cls >= 0:
            return pb.grp[p] == cls
        return pb.grp[p] != -2 - cls

    def admissible(r: int, cls: int, m: int) -> int:
        R = pb.rev[r]
        n = count_class(cls, m)
        for p in {R, *pb.banned[r]}:
            if in_class(p, cls) and not pb.sat[p] and pb.mask[p] & m:
                n -= 1
        return n

    inst_count: dict[int, int] = {}
    for r in range(pb.n_rev):
        R = pb.rev[r]
        code = codes[R]
        g = pb.rgrp[r]
        mR = pb.rmask[r]
        if g >= 0:
            gname = reg.group_name(g)
            same = admissible(r, g, mR)
            if same < s:
                members = sum(1 for p in range(N) if pb.grp[p] == g) - 1
                why = (
                    f"no other party is in {gname}"
                    if members == 0
                    else f"only {_plural(same, 'other party', 'other parties')} in {gname} "
                    "can review it (exclusions, existing pairings and shared instruments "
                    "considered)"
                )
                raise Infeasible(
                    RULE_SAME_GROUP,
                    f"{code} needs {_plural(s, 'reviewer', 'reviewers')} from {gname}, but {why}",
                )
            other = admissible(r, -2 - g, mR)
            if other < k - s:
                raise Infeasible(
                    RULE_OTHER_GROUP,
                    f"{code} needs {_plural(k - s, 'reviewer', 'reviewers')} from outside "
                    f"{gname}, but only {other} eligible parties are outside it",
                )
        elif strict and s > 0:
            raise Infeasible(
                RULE_SAME_GROUP,
                f"{code} has no regional group, so no reviewer can come from its own group "
                "(no_group_policy 'strict')",
            )
        else:
            n_any = admissible(r, -1, mR)
            if n_any < k:
                raise Infeasible(
                    RULE_REVIEWERS,
                    f"{code} needs {k} reviewers but only {n_any} parties are eligible",
                )
        for b in pb.rbits[r]:
            if b not in inst_count:
                inst_count[b] = sum(c for (_g, pm), c in by_kind.items() if pm & b)
            n = inst_count[b]
            for p in {R, *pb.banned[r]}:
                if not pb.sat[p] and pb.mask[p] & b:
                    n -= 1
            if n < k:
                (name,) = reg.names(b)
                raise Infeasible(
                    RULE_INSTRUMENT,
                    f"{name} of {code} must be reviewed by {k} parties to {name}, but only "
                    f"{_plural(n, 'eligible party is', 'eligible parties are')} party to it",
                )

    free = [0 if pb.sat[p] else cap - pb.load0[p] for p in range(N)]
    need = k * pb.n_rev
    have = sum(free)
    if need > have:
        extra = ", existing pairings deducted" if any(pb.load0) else ""
        raise Infeasible(
            RULE_CAP,
            f"{_plural(pb.n_rev, 'review needs', 'reviews need')} {need} reviewer slots but "
            f"only {have} are available ({N} parties x {cap}{extra})",
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
            )
    # Mutuality: two reviewed parties can be paired in one direction only.
    if pb.no_mutual:
        n = pb.n_rev
        outside = sum(1 for p in range(N) if p not in pb.rev_of and not pb.sat[p])
        most = n * (n - 1) // 2 + n * outside
        if need > most:
            raise Infeasible(
                RULE_MUTUAL,
                f"{n} reviews need {need} pairings, but without mutual reviews at most {most} "
                "are possible",
            )


# --------------------------------------------------------------------------------------------
# Mutable state
# --------------------------------------------------------------------------------------------


class _State:
    """An assignment (complete or being built) with loads and the evenness bookkeeping.

    floor = min load over E, top = max load over parties with a new pairing; both are kept
    exact under +-1 load changes (histograms cntE, cntA)."""

    def __init__(self, pb: _Problem) -> None:
        self.pb = pb
        k = pb.k
        self.mains: list[list[int]] = [[-1] * k for _ in range(pb.n_rev)]
        self.adds: list[list[int]] = [[] for _ in range(pb.n_rev)]
        self.addm: list[list[int]] = [[] for _ in range(pb.n_rev)]
        # addo[r]: r's additional slots in inclusion order, None if a level was split.
        self.addo: list[tuple[int, ...] | None] = [() for _ in range(pb.n_rev)]
        self.load = list(pb.load0)
        self.newc = [0] * pb.N
        self.pairs: set[int] = set()  # reviewer * N + reviewed, new pairings only
        size = max(pb.load0, default=0) + pb.cap + 8
        self.cntE = [0] * size
        self.cntA = [0] * size
        floor = _BIG
        for p in range(pb.N):
            if pb.inE[p]:
                self.cntE[pb.load0[p]] += 1
                floor = min(floor, pb.load0[p])
        self.floor = floor
        self.top = -1
        # under[D]: parties party to all of D whose load is below the cap (counts only the
        # instrument sets that can be a deficit; see _Problem.sup_cls).
        self.under = [0] * len(pb.sup_cls)
        for p in range(pb.N):
            if pb.load0[p] < pb.cap:
                for D in pb.d_of[p]:
                    self.under[D] += 1

    def _grow(self, n: int) -> None:
        while n >= len(self.cntE):
            self.cntE.append(0)
            self.cntA.append(0)

    def inc(self, p: int) -> None:
        load = self.load
        lv = load[p]
        load[p] = lv + 1
        if lv + 1 == self.pb.cap:  # p reaches the cap
            under = self.under
            for D in self.pb.d_of[p]:
                under[D] -= 1
        if lv + 1 >= len(self.cntE):
            self._grow(lv + 1)
        if self.pb.inE[p]:
            cE = self.cntE
            cE[lv] -= 1
            cE[lv + 1] += 1
            if lv == self.floor and not cE[lv]:
                self.floor = lv + 1
        c = self.newc[p]
        self.newc[p] = c + 1
        cA = self.cntA
        if c:
            cA[lv] -= 1
        cA[lv + 1] += 1
        if lv + 1 > self.top:
            self.top = lv + 1

    def dec(self, p: int) -> None:
        load = self.load
        lv = load[p]
        load[p] = lv - 1
        if lv == self.pb.cap:  # p drops below the cap
            under = self.under
            for D in self.pb.d_of[p]:
                under[D] += 1
        if self.pb.inE[p]:
            cE = self.cntE
            cE[lv] -= 1
            cE[lv - 1] += 1
            if lv - 1 < self.floor:
                self.floor = lv - 1
        c = self.newc[p]
        self.newc[p] = c - 1
        cA = self.cntA
        cA[lv] -= 1
        if c > 1:
            cA[lv - 1] += 1
        if lv == self.top and not cA[lv]:
            t = lv - 1
            while t >= 0 and not cA[t]:
                t -= 1
            self.top = t

    def spread_ok_after(self, lose: Sequence[int], gain: Sequence[int]) -> bool:
        """Whether the evenness rule would hold if each party in `lose` lost one new pairing
        and each in `gain` got one (disjoint lists, gainers below the cap) - computed on the
        histograms without changing anything."""
        t = self.pb.spread
        if t is None or self.floor >= _BIG:
            return True
        # Quick sufficient test: the new top is at most `hi`, the new floor at least `lo`.
        load = self.load
        inE = self.pb.inE
        hi = self.top
        for p in gain:
            if load[p] + 1 > hi:
                hi = load[p] + 1
        lo = self.floor
        for p in lose:
            if inE[p] and load[p] - 1 < lo:
                lo = load[p] - 1
        if hi <= lo + t:
            return True
        return self._spread_exact(lose, gain)

    def _spread_exact(self, lose: Sequence[int], gain: Sequence[int]) -> bool:
        t = self.pb.spread
        assert t is not None
        load = self.load
        newc = self.newc
        inE = self.pb.inE
        dE: dict[int, int] = {}
        dA: dict[int, int] = {}
        lo = self.floor
        hi = self.top
        for p in lose:
            lv = load[p]
            if inE[p]:
                dE[lv] = dE.get(lv, 0) - 1
                dE[lv - 1] = dE.get(lv - 1, 0) + 1
                if lv - 1 < lo:
                    lo = lv - 1
            dA[lv] = dA.get(lv, 0) - 1
            if newc[p] > 1:
                dA[lv - 1] = dA.get(lv - 1, 0) + 1
        for p in gain:
            lv = load[p]
            if inE[p]:
                dE[lv] = dE.get(lv, 0) - 1
                dE[lv + 1] = dE.get(lv + 1, 0) + 1
            if newc[p]:
                dA[lv] = dA.get(lv, 0) - 1
            dA[lv + 1] = dA.get(lv + 1, 0) + 1
            if lv + 1 > hi:
                hi = lv + 1
        cE = self.cntE
        f = lo
        while cE[f] + dE.get(f, 0) <= 0:
            f += 1
        cA = self.cntA
        top = hi
        while top >= 0 and cA[top] + dA.get(top, 0) <= 0:
            top -= 1
        return top <= f + t

    def spread_ok(self) -> bool:
        t = self.pb.spread
        return t is None or self.top <= self.floor + t

    def add_pair(self, p: int, r: int) -> None:
        self.pairs.add(p * self.pb.N + self.pb.rev[r])
        self.inc(p)

    def remove_pair(self, p: int, r: int) -> None:
        self.pairs.discard(p * self.pb.N + self.pb.rev[r])
        self.dec(p)

    def reviewers(self, r: int) -> list[int]:
        return self.mains[r] + self.adds[r]

    def set_review(self, r: int, ms: Sequence[int], ads: Sequence[int], am: Sequence[int]) -> None:
        """Make review r exactly (ms, ads, am), changing only the pairings that differ."""
        old = [p for p in self.mains[r] if p >= 0] + self.adds[r]
        new = [p for p in ms if p >= 0] + list(ads)
        for p in old:
            if p not in new:
                self.remove_pair(p, r)
        for p in new:
            if p not in old:
                self.add_pair(p, r)
        self.mains[r] = list(ms)
        self.adds[r] = list(ads)
        self.addm[r] = list(am)
        if all(p >= 0 for p in ms):
            self.addo[r] = self.pb.nested_order(r, self.pb.structure(r, ms))

    def snapshot(self, r: int) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        return (tuple(self.mains[r]), tuple(self.adds[r]), tuple(self.addm[r]))


class _Bucket:
    """Members of a class of parties partitioned by load, with O(1) moves."""

    __slots__ = ("by_load", "pos")

    def __init__(self, members: Iterable[int], load: Sequence[int]) -> None:
        self.by_load: list[list[int]] = []
        self.pos: dict[int, int] = {}
        for p in members:
            self.put(p, load[p])

    def put(self, p: int, lv: int) -> None:
        bl = self.by_load
        while lv >= len(bl):
            bl.append([])
        lst = bl[lv]
        self.pos[p] = len(lst)
        lst.append(p)

    def take(self, p: int, lv: int) -> None:
        lst = self.by_load[lv]
        i = self.pos[p]
        last = lst.pop()
        if last != p:
            lst[i] = last
            self.pos[last] = i


def _pick_key(d: dict[int, None], rand: Any) -> int:
    keys = list(d)
    return keys[int(rand() * len(keys))]


class _SearchState(_State):
    """A state with what the search needs besides: cap overflows, mutual conflicts, who holds
    which slots, and parties bucketed by load per candidate class (least-loaded picks)."""

    def __init__(self, pb: _Problem) -> None:
        super().__init__(pb)
        self.overcap = 0
        self.over: dict[int, None] = {}
        self.conf = 0
        self.conflicts: dict[int, None] = {}
        self.held: list[dict[int, None]] = [{} for _ in range(pb.N)]
        self.buckets: dict[tuple[Any, ...], _Bucket] = {}
        self.classes_of: list[list[_Bucket]] = [[] for _ in range(pb.N)]

    # Parties by load (made when the repair first needs them, then kept up to date).
    @property
    def ebucket(self) -> _Bucket:
        b = self.buckets.get(("E",))
        if b is None:
            b = self.bucket(("E",), [p for p in range(self.pb.N) if self.pb.inE[p]])
        return b

    @property
    def abucket(self) -> _Bucket:
        return self.bucket(("ALL",), self.pb.all_list)

    def bucket(self, key: tuple[Any, ...], members: Sequence[int]) -> _Bucket:
        b = self.buckets.get(key)
        if b is None:
            b = _Bucket(members, self.load)
            self.buckets[key] = b
            for p in members:
                self.classes_of[p].append(b)
        return b

    def inc(self, p: int) -> None:
        lv = self.load[p]
        super().inc(p)
        if lv >= self.pb.cap:
            self.overcap += 1
            self.over[p] = None
        for b in self.classes_of[p]:
            b.take(p, lv)
            b.put(p, lv + 1)

    def dec(self, p: int) -> None:
        lv = self.load[p]
        super().dec(p)
        if lv > self.pb.cap:
            self.overcap -= 1
            if lv - 1 <= self.pb.cap:
                self.over.pop(p, None)
        for b in self.classes_of[p]:
            b.take(p, lv)
            b.put(p, lv - 1)

    def add_pair(self, p: int, r: int) -> None:
        N = self.pb.N
        R = self.pb.rev[r]
        if self.pb.no_mutual and R * N + p in self.pairs:
            self.conf += 1
            self.conflicts[p * N + R] = None
            self.conflicts[R * N + p] = None
        self.held[p][r] = None
        super().add_pair(p, r)

    def remove_pair(self, p: int, r: int) -> None:
        N = self.pb.N
        R = self.pb.rev[r]
        if self.pb.no_mutual and R * N + p in self.pairs:
            self.conf -= 1
            self.conflicts.pop(p * N + R, None)
            self.conflicts.pop(R * N + p, None)
        del self.held[p][r]
        super().remove_pair(p, r)

    def penalty(self) -> int:
        pen = (self.overcap + self.conf) * 1_000_000
        t = self.pb.spread
        # Loads above the cap are the cap's business: for evenness they count as the cap, so
        # a move that frees capacity elsewhere is not also punished as uneven.
        cap = self.pb.cap
        top = min(self.top, cap)
        if t is not None and top > self.floor + t:
            at_top = sum(self.cntA[top:]) if self.top > cap else self.cntA[top]
            pen += (top - self.floor - t) * 10_000 + self.cntE[self.floor] + at_top
        return pen

    # -- least-loaded choice ------------------------------------------------------------

    def pick_least(
        self,
        r: int,
        key: tuple[Any, ...],
        members: Sequence[int],
        D: int,
        excl: Sequence[int],
        rand: Any,
        profile: int = -1,
    ) -> int:
        """A least-loaded candidate of the class for review r (a main slot if D == 0, else an
        additional slot for D; with `profile` >= 0 only mains covering exactly those of r's
        instruments) that breaks nothing; failing that, the least-loaded candidate that breaks
        the cap or mutuality; -1 if the class has no admissible candidate."""
        pb = self.pb
        b = self.bucket(key, members)
        R = pb.rev[r]
        mR = pb.rmask[r]
        ban = pb.banned[r]
        sat = pb.sat
        mask = pb.mask
        pairs = self.pairs
        N = pb.N
        mutual = pb.no_mutual
        cap = pb.cap
        fallback = -1
        for lv, lst in enumerate(b.by_load):
            n = len(lst)
            if not n:
                continue
            if lv >= cap and fallback >= 0:
                return fallback  # a mutual conflict below the cap rather than an overflow
            start = int(rand() * n)
            for t in range(n):
                p = lst[(start + t) % n]
                if p == R or sat[p] or p in ban or p in excl:
                    continue
                if D:
                    if mask[p] & D != D:
                        continue
                elif not mask[p] & mR or (profile >= 0 and mask[p] & mR != profile):
                    continue
                if lv >= cap:
                    return p
                if mutual and R * N + p in pairs:
                    if fallback < 0:
                        fallback = p
                    continue
                return p
        return fallback

    def pick_random(self, r: int, j: int, D: int, excl: Sequence[int], rand: Any) -> int:
        """A uniformly random candidate for main slot j of r (D == 0) or for an additional slot
        D of r that breaks nothing now (cap, mutuality); the least-loaded one if rejection
        sampling finds none quickly. Used to build a start close to the ideal lots."""
        pb = self.pb
        load = self.load
        cap = pb.cap
        R = pb.rev[r]
        N = pb.N
        pairs = self.pairs
        mutual = pb.no_mutual
        for _ in range(32):
            p = pb.sample_main(r, j, excl, rand) if not D else pb.sample_add(r, D, excl, rand)
            if p < 0:
                return -1
            if load[p] < cap and not (mutual and R * N + p in pairs):
                return p
        if not D:
            return self.pick_least(r, pb.slot_key[r][j], pb.slot_list[r][j], 0, excl, rand)
        return self.pick_least(r, ("D", D), pb.sup(D), D, excl, rand)

    def slot_choices(self, r: int, slot: int, excl: Sequence[int], rand: Any) -> list[int]:
        """Some candidates for one slot of r: the least-loaded one and a few random ones; for a
        main slot, ones with the same coverage as the current holder when there are any (so
        the repair does not change how many additional reviewers there are)."""
        pb = self.pb
        k = pb.k
        out: list[int] = []
        if slot < k:
            holder = self.mains[r][slot]
            profile = pb.mask[holder] & pb.rmask[r]
            key, lst = pb.slot_key[r][slot], pb.slot_list[r][slot]
            q = self.pick_least(r, key, lst, 0, excl, rand, profile)
            if q >= 0:
                out.append(q)
            for _ in range(12):
                q = pb.sample_main(r, slot, excl, rand)
                if q >= 0 and q not in out and pb.mask[q] & pb.rmask[r] == profile:
                    out.append(q)
                    if len(out) >= 4:
                        break
            # And one with any coverage: changing how many additional reviewers r needs is
            # sometimes the only way to free capacity.
            q = self.pick_least(r, key, lst, 0, excl, rand)
            if q >= 0 and q not in out:
                out.append(q)
        else:
            D = self.addm[r][slot - k]
            q = self.pick_least(r, ("D", D), pb.sup(D), D, excl, rand)
            if q >= 0:
                out.append(q)
            for _ in range(3):
                q = pb.sample_add(r, D, excl, rand)
                if q >= 0 and q not in out:
                    out.append(q)
        return out

    # -- changing one review ------------------------------------------------------------

    def fill_adds(
        self, r: int, ms: Sequence[int], reuse: Sequence[int], rand: Any, ideal: bool = False
    ) -> tuple[list[int], list[int]] | None:
        """Additional reviewers for r given mains ms: keep parties from `reuse` where they fit,
        else least-loaded picks. None if some slot has no admissible candidate."""
        pb = self.pb
        masks = pb.structure(r, ms)
        chosen: list[int] = []
        pool = list(reuse)
        for D in masks:
            q = -1
            for p in pool:
                if pb.add_ok(r, p, D) and p not in ms and p not in chosen:
                    q = p
                    break
            if q >= 0:
                pool.remove(q)
            else:
                excl = list(ms) + chosen
                if ideal:
                    q = self.pick_random(r, 0, D, excl, rand)
                else:
                    q = self.pick_least(r, ("D", D), pb.sup(D), D, excl, rand)
                if q < 0:
                    return None
            chosen.append(q)
        return chosen, list(masks)

    def replace(self, r: int, slot: int, q: int, rand: Any) -> bool:
        """Put q in the slot (main j < k, else additional slot - k); for a main slot whose
        coverage changes, rebuild the additional slots. False (state unchanged) if impossible."""
        pb = self.pb
        k = pb.k
        if slot >= k:
            ads = list(self.adds[r])
            ads[slot - k] = q
            self.set_review(r, self.mains[r], ads, self.addm[r])
            return True
        ms = list(self.mains[r])
        ms[slot] = q
        res = self.fill_adds(r, ms, self.adds[r], rand)
        if res is None:
            return False
        self.set_review(r, ms, res[0], res[1])
        return True

    def slot_of(self, r: int, p: int) -> int:
        ms = self.mains[r]
        if p in ms:
            return ms.index(p)
        return self.pb.k + self.adds[r].index(p)


# --------------------------------------------------------------------------------------------
# Finding a valid starting assignment
# --------------------------------------------------------------------------------------------


def _greedy(st: _SearchState, rng: random.Random, least: bool = False) -> bool:
    """Fill every review in random order as its ideal lot would, skipping only candidates
    that are full or would make a mutual pair at that moment (so the start resembles pi and
    the chain has little to correct); evenness is left to the repair. With `least`, take a
    least-loaded candidate for every slot instead (further from pi, easier to repair). False
    if some review cannot be filled at all."""
    pb = st.pb
    rand = rng.random
    order = list(range(pb.n_rev))
    rng.shuffle(order)
    for r in order:
        done = False
        for _attempt in range(8):
            ms: list[int] = []
            for j in range(pb.k):
                if least and not _attempt:
                    p = st.pick_least(r, pb.slot_key[r][j], pb.slot_list[r][j], 0, ms, rand)
                else:
                    p = st.pick_random(r, j, 0, ms, rand)
                if p < 0:
                    return False
                ms.append(p)
            res = st.fill_adds(r, ms, (), rand, ideal=not least)
            if res is not None:
                st.set_review(r, ms, res[0], res[1])
                done = True
                break
        if not done:
            return False
    return True


def _repair_candidates(st: _SearchState, rand: Any) -> list[tuple[int, int, int]]:
    """Moves (review, slot, new party) aimed at one broken rule."""
    pb = st.pb
    if st.over:
        return _push(st, _pick_key(st.over, rand), -1, rand)
    if st.conflicts:
        p, R = divmod(_pick_key(st.conflicts, rand), pb.N)
        return _push(st, p, pb.rev_of[R], rand)
    f, t = st.floor, st.top
    if st.cntE[f] <= st.cntA[t]:
        lst = st.ebucket.by_load[f]
        return _pull(st, lst[int(rand() * len(lst))], rand)
    lst = st.abucket.by_load[t]
    for _ in range(64):
        h = lst[int(rand() * len(lst))]
        if st.newc[h]:
            return _push(st, h, -1, rand)
    return []


def _push(st: _SearchState, h: int, r: int, rand: Any) -> list[tuple[int, int, int]]:
    """Candidate moves giving one of h's slots (in review r, or a random one) to someone else."""
    if r < 0:
        if not st.held[h]:
            return []
        r = _pick_key(st.held[h], rand)
    slot = st.slot_of(r, h)
    return [(r, slot, q) for q in st.slot_choices(r, slot, st.reviewers(r), rand)]


def _pull(st: _SearchState, u: int, rand: Any) -> list[tuple[int, int, int]]:
    """Candidate moves giving an under-loaded party u a slot held by a more loaded party."""
    pb = st.pb
    k = pb.k
    out: list[tuple[int, int, int]] = []
    lu = st.load[u]
    for _ in range(12):
        r = int(rand() * pb.n_rev)
        if u == pb.rev[r] or pb.sat[u] or u in pb.banned[r]:
            continue
        revs = st.reviewers(r)
        if u in revs:
            continue
        for slot, h in enumerate(revs):
            if st.load[h] <= lu:
                continue
            if slot < k:
                mR = pb.rmask[r]
                if not pb.main_ok(r, slot, u) or pb.mask[u] & mR != pb.mask[h] & mR:
                    continue
            elif not pb.add_ok(r, u, st.addm[r][slot - k]):
                continue
            out.append((r, slot, u))
        if len(out) >= 6:
            break
    return out


def _repair(st: _SearchState, rng: random.Random, budget: int) -> bool:
    """Local search on the number of broken rules; True when none is left."""
    rand = rng.random
    pen = st.penalty()
    for _ in range(budget):
        if not pen:
            return True
        best_pen = -1
        best: tuple[int, Any] | None = None
        for r, slot, q in _repair_candidates(st, rand):
            before = st.snapshot(r)
            if not st.replace(r, slot, q, rand):
                continue
            pn = st.penalty()
            if best is None or pn < best_pen:
                best_pen, best = pn, (r, st.snapshot(r))
            st.set_review(r, *before)
        if best is None:
            continue
        # Downhill always, sideways often, uphill rarely (to leave plateaus and dead ends).
        if best_pen < pen or (best_pen == pen and rand() < 0.5) or rand() < 0.03:
            st.set_review(best[0], *best[1])
            pen = best_pen
    return not pen


_Option = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]


_Table = list[tuple[tuple[int, ...], tuple[int, ...], list[tuple[int, ...]]]]


def _review_table(pb: _Problem, r: int, limit: int) -> _Table | None:
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
    out: _Table = []
    size = 0
    for combo in itertools.product(*per_group):
        ms = tuple(p for part in combo for p in part)
        if len(set(ms)) != k:
            continue
        masks = pb.structure(r, ms)
        comps = list(_completions(pb, r, masks, ms))
        size += 1 + len(comps)
        if size > limit:
            return None
        out.append((ms, masks, comps))
    return out


def _local_options(pb: _Problem, r: int, limit: int) -> list[_Option] | None:
    """Every assignment of review r allowed by the rules concerning r alone, as (mains, adds,
    add masks); None if there are more than `limit`."""
    table = _review_table(pb, r, limit)
    if table is None:
        return None
    return [(ms, ads, masks) for ms, masks, comps in table for ads in comps]


def _table_attempt(pb: _Problem, tables: Sequence[_Table], rand: Any) -> list[_Option] | None:
    """`_ideal_attempt` on precomputed tables (same distribution, much cheaper)."""
    N = pb.N
    cap = pb.cap
    mutual = pb.no_mutual
    load = list(pb.load0)
    pairs: set[int] = set()
    out: list[_Option] = []
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
        floor = min((load[p] for p in range(N) if pb.inE[p]), default=_BIG)
        if any(load[q] > floor + t for o in out for q in o[0] + o[1]):
            return None
    return out


def _completions(
    pb: _Problem, r: int, masks: tuple[int, ...], ms: tuple[int, ...]
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


class _Budget(Exception):
    pass


def _exhaustive(
    pb: _Problem,
    rng: random.Random,
    budget: int,
    *,
    cap: bool = True,
    mutual: bool = True,
    spread: bool = True,
    tables: Sequence[_Table] | None = None,
) -> list[_Option] | None:
    """Depth-first search over all assignments (rules can be relaxed for diagnosis).
    Returns a valid assignment, None if none exists; raises _Budget if the budget ran out."""
    opts: list[list[_Option]] = []
    for r in range(pb.n_rev):
        o: list[_Option] | None
        if tables is not None:
            o = [(ms, ads, masks) for ms, masks, comps in tables[r] for ads in comps]
        else:
            o = _local_options(pb, r, _EXHAUSTIVE_MAX_OPTIONS)
        if o is None:
            raise _Budget
        if not o:
            return None
        rng.shuffle(o)
        opts.append(o)
    order = sorted(range(pb.n_rev), key=lambda r: len(opts[r]))
    N = pb.N
    load = list(pb.load0)
    newc = [0] * N
    pairs: set[int] = set()
    chosen: list[_Option | None] = [None] * pb.n_rev
    nodes = 0
    use_mutual = mutual and pb.no_mutual
    t = pb.spread if spread else None

    def spread_ok() -> bool:
        if t is None:
            return True
        floor = min((load[p] for p in range(N) if pb.inE[p]), default=_BIG)
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


def _describe(st: _SearchState) -> str:
    pb = st.pb
    parts = []
    if st.overcap:
        parts.append(f"{RULE_CAP} ({_plural(len(st.over), 'party', 'parties')} over {pb.cap})")
    if st.conf:
        parts.append(f"{RULE_MUTUAL} ({_plural(st.conf, 'mutual pair', 'mutual pairs')})")
    if pb.spread is not None and st.top > st.floor + pb.spread:
        parts.append(f"{RULE_SPREAD} (loads from {st.floor} to {st.top})")
    return "; ".join(parts) or "no complete assignment"


def _ideal_review(pb: _Problem, r: int, rand: Any) -> _Option | None:
    """One draw of the ideal lot P_r: main reviewers uniformly among the admissible main sets
    (slot by slot without replacement; slots of different kinds draw from disjoint classes),
    then the additional reviewers uniformly among the admissible completions. None when the
    drawn mains admit no completion (the lot fails and the whole attempt is rejected)."""
    ms: list[int] = []
    for j in range(pb.k):
        p = pb.sample_main(r, j, ms, rand)
        if p < 0:
            return None
        ms.append(p)
    masks = pb.structure(r, ms)
    comp = pb.sample_completion(r, masks, ms, rand)
    if comp is None:
        return None
    return tuple(ms), tuple(comp), masks


def _ideal_attempt(pb: _Problem, rand: Any) -> list[_Option] | None:
    """Draw every review from its ideal lot; the outcome if it is valid, else None. Stops at
    the first broken rule (the rest of the attempt could not change the verdict)."""
    N = pb.N
    cap = pb.cap
    mutual = pb.no_mutual
    load = list(pb.load0)
    pairs: set[int] = set()
    out: list[_Option] = []
    for r in range(pb.n_rev):
        o = _ideal_review(pb, r, rand)
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
        floor = min((load[p] for p in range(N) if pb.inE[p]), default=_BIG)
        if max(load[q] for q in active) > floor + t:
            return None
    return out


def _initial(pb: _Problem, rng: random.Random) -> tuple[_State, bool]:
    """A valid assignment to start the chain from, and whether it is an exact sample of pi;
    or Infeasible.

    Small draws: the ideal lots with rejection (a success is an exact sample of pi), then the
    exhaustive search (complete within its budget). Large draws: a greedy draw, then the
    repair (local search); the exhaustive search as a last resort."""
    rand = rng.random
    small = pb.N <= _SMALL_PARTIES and pb.n_rev <= _SMALL_REVIEWS
    tables: list[_Table] | None = None
    if small:
        tables = []
        for r in range(pb.n_rev):
            table = _review_table(pb, r, _TABLE_LIMIT)
            if table is None:
                tables = None
                break
            tables.append(table)
    if tables is not None:
        for _ in range(_REJECTION_ATTEMPTS):
            found = _table_attempt(pb, tables, rand)
            if found is not None:
                return _state_of(pb, found), True
        try:
            sol = _exhaustive(pb, rng, _EXHAUSTIVE_NODES, tables=tables)
        except _Budget:
            sol = None
        else:
            if sol is None:
                _diagnose(pb, rng)  # proved infeasible: raises, naming a rule
            return _state_of(pb, sol), False
    budget = _REPAIR_BASE + _REPAIR_PER_SLOT * pb.k * pb.n_rev
    for least in (False, True):  # an ideal-like start first; a least-loaded one if stuck
        st = _SearchState(pb)
        tries = budget if least else budget // 4
        if _greedy(st, rng, least) and (not st.penalty() or _repair(st, rng, tries)):
            return _state_of(pb, [st.snapshot(r) for r in range(pb.n_rev)]), False
    if tables is None:
        try:
            sol = _exhaustive(pb, rng, _EXHAUSTIVE_NODES)
        except _Budget:
            sol = None
        else:
            if sol is None:
                _diagnose(pb, rng)
            return _state_of(pb, sol), False
    raise Infeasible(
        RULE_SEARCH,
        "the bounded search found no assignment that meets every rule; the closest attempt "
        f"still broke: {_describe(st)}. The draw may still be possible: relax a rule or raise "
        "the limits",
    )


def _state_of(pb: _Problem, sol: Sequence[_Option]) -> _State:
    """A chain state holding the assignment `sol` (built in one pass)."""
    st = _State(pb)
    N = pb.N
    load = st.load
    newc = st.newc
    pairs = st.pairs
    for r, (ms, ads, am) in enumerate(sol):
        R = pb.rev[r]
        for p in (*ms, *ads):
            load[p] += 1
            newc[p] += 1
            pairs.add(p * N + R)
        st.mains[r] = list(ms)
        st.adds[r] = list(ads)
        st.addm[r] = list(am)
        st.addo[r] = pb.nested_order(r, pb.structure(r, ms))
    st._grow(max(load, default=0) + 1)
    cE = st.cntE = [0] * len(st.cntE)
    cA = st.cntA = [0] * len(st.cntA)
    floor = _BIG
    top = -1
    under = st.under = [0] * len(pb.sup_cls)
    for p in range(N):
        lv = load[p]
        if pb.inE[p]:
            cE[lv] += 1
            floor = min(floor, lv)
        if newc[p]:
            cA[lv] += 1
            top = max(top, lv)
        if lv < pb.cap:
            for D in pb.d_of[p]:
                under[D] += 1
    st.floor = floor
    st.top = top
    return st


def _diagnose(pb: _Problem, rng: random.Random) -> NoReturn:
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
            found = _exhaustive(pb, rng, _EXHAUSTIVE_NODES, **relaxed)
        except _Budget:
            continue
        if found is not None:
            raise Infeasible(
                rule,
                f"no assignment meets every rule (exhaustive search); one would exist without "
                f"the {what}",
            )
    for r in range(pb.n_rev):
        if not _local_options(pb, r, _EXHAUSTIVE_MAX_OPTIONS):
            raise Infeasible(
                RULE_INSTRUMENT,
                f"{pb.reg.codes[pb.rev[r]]}: no choice of main reviewers leaves instruments "
                "that distinct additional reviewers can cover",
            )
    raise Infeasible(
        RULE_COMBINED,
        "no assignment meets every rule (exhaustive search), and relaxing any single one of "
        "the cap, mutuality and evenness rules does not help",
    )


# --------------------------------------------------------------------------------------------
# The chain
# --------------------------------------------------------------------------------------------


def _mix(pb: _Problem, st: _State, steps: int, rng: random.Random) -> None:
    """Run the Metropolis-Hastings chain described in the module docstring for `steps` steps.
    Every proposal is accepted iff the new assignment is valid."""
    if steps <= 0 or not pb.n_rev:
        return
    rand = rng.random
    N = pb.N
    k = pb.k
    n_rev = pb.n_rev
    rev = pb.rev
    rmask = pb.rmask
    rgrp = pb.rgrp
    mask = pb.mask
    grp = pb.grp
    sat = pb.sat
    banned = pb.banned
    kinds = pb.slot_kind
    mains = st.mains
    adds = st.adds
    addm = st.addm
    addo = st.addo
    load = st.load
    pairs = st.pairs
    cap = pb.cap
    mutual = pb.no_mutual
    spread = pb.spread
    inc = st.inc
    dec = st.dec
    spread_after = st.spread_ok_after
    sample_main = pb.sample_main
    sup = pb.sup
    nested_order = pb.nested_order
    static_count = pb.static_count
    slot_list = pb.slot_list
    tracked = pb.sup_cls
    profile_list = pb.profile_list
    structure = pb.structure
    completion = pb.sample_completion

    def commit(
        r: int,
        R: int,
        nms: list[int],
        comp: list[int],
        masks: tuple[int, ...],
        order: tuple[int, ...] | None,
    ) -> bool:
        # Make review r (nms, comp) if the result is valid; report whether it was.
        before = mains[r] + adds[r]
        after = nms + comp
        gain = [q for q in after if q not in before]
        lose = [q for q in before if q not in after]
        for q in gain:
            if load[q] >= cap or (mutual and R * N + q in pairs):
                return False
        if spread is not None and not spread_after(lose, gain):
            return False
        for q in lose:
            dec(q)
        for q in gain:
            inc(q)
        for q in lose:
            pairs.discard(q * N + R)
        for q in gain:
            pairs.add(q * N + R)
        mains[r] = nms
        adds[r] = comp
        addm[r] = list(masks)
        addo[r] = order
        return True

    def fits(p: int, r: int, slot: int, old: int) -> bool:
        # p may take `slot` of r in place of `old` without changing r's slot structure.
        R = rev[r]
        if p == R or sat[p] or p in banned[r]:
            return False
        if slot < k:
            mR = rmask[r]
            if mask[p] & mR != mask[old] & mR:
                return False
            kind = kinds[r][slot]
            if kind == _KIND_SAME:
                return grp[p] == rgrp[r]
            if kind == _KIND_OTHER:
                return grp[p] != rgrp[r]
            return True
        D = addm[r][slot - k]
        return mask[p] & D == D

    # Full redraw from the ideal lots (independence proposal, accepted iff valid): it makes the
    # chain irreducible on all valid outcomes. Rarely accepted on large draws, so its rate
    # falls with the square of the number of reviews to keep its cost negligible there.
    full = min(0.05, 1.0 / (n_rev * n_rev))
    scale = 100.0 / (1.0 - full)
    for _ in range(steps):
        x = rand()
        if x < full:
            found = _ideal_attempt(pb, rand)
            if found is not None:
                fresh = _state_of(pb, found)
                st.__dict__.update(fresh.__dict__)
                mains, adds, addm, addo = st.mains, st.adds, st.addm, st.addo
                load, pairs = st.load, st.pairs
            continue
        move = int((x - full) * scale)  # 0..99, uniform given "not a full redraw"
        v = int(rand() * _U53)
        r = v % n_rev
        v //= n_rev  # still >= 2**53 / n_rev values: the bias of v % k is negligible
        R = rev[r]
        ms = mains[r]
        if move < _P_KEEP:
            # MAIN_KEEP: a candidate with the same coverage and under the cap, by rejection
            # from the slot's (fixed) class list. The admissible set has the same size before
            # and after the move (the old main joins it, the new one leaves), so the proposal
            # - including the chance of giving up after _TRIES misses - is symmetric.
            j = v % k
            old = ms[j]
            mR = rmask[r]
            lst = profile_list(r, j, mask[old] & mR)  # fixed pool: same coverage as old
            n = len(lst)
            ad = adds[r]
            ban = banned[r]
            for _t in range(_TRIES):
                p = lst[int(rand() * n)]
                if load[p] < cap and p != R and p not in ban and p not in ms and p not in ad:
                    break
            else:
                continue
            if mutual and R * N + p in pairs:
                continue
            if spread is not None and not spread_after((old,), (p,)):
                continue
            dec(old)
            inc(p)
            pairs.discard(old * N + R)
            pairs.add(p * N + R)
            ms[j] = p
        elif move < _P_BLOCK:
            j = v % k
            p = sample_main(r, j, ms, rand)  # excludes every current main, the old one too
            if p < 0:
                continue
            # MAIN_BLOCK: new main, then the additional reviewers from the ideal lot.
            nms = list(ms)
            nms[j] = p
            masks = structure(r, nms)
            comp = completion(r, masks, nms, rand)
            if comp is not None:
                commit(r, R, nms, comp, masks, nested_order(r, masks))
        elif move < _P_BLOCKC:
            if not tracked:
                continue
            # MAIN_BLOCK under capacity: the new main and the additional reviewers are drawn
            # among candidates under the cap in the state without r's pairings (the same
            # state before and after the move), with the Metropolis-Hastings ratio
            # L(m) Lc(m') / (L(m') Lc(m)) where L counts the ideal lot's completions and Lc
            # the ones under the cap (products over nested slots).
            j = v % k
            ad = adds[r]
            revs = ms + ad
            lst = slot_list[r][j]
            n = len(lst)
            mR = rmask[r]
            ban = banned[r]
            for _t in range(_TRIES):
                p = lst[int(rand() * n)]
                # Under the cap once r's own pairings are removed; not a current main.
                if load[p] - (p in ad) < cap and p not in ms and p != R:
                    if mask[p] & mR and p not in ban:
                        break
            else:
                continue
            order1 = addo[r]
            if order1 is None:
                continue
            nms = list(ms)
            nms[j] = p
            masks = structure(r, nms)
            order2 = nested_order(r, masks)
            if order2 is None:
                continue
            chosen: list[int] = []
            for D in order2:
                lst = sup(D)
                n = len(lst)
                for _t in range(_TRIES_EXACT):
                    q = lst[int(rand() * n)]
                    if load[q] - (q in revs) < cap and q != R and q not in ban:
                        if q not in nms and q not in chosen and not sat[q]:
                            break
                else:  # exact fallback: the explicit list of such candidates
                    cands = [
                        q
                        for q in pb.explicit_add(r, D)
                        if q not in nms and q not in chosen and load[q] - (q in revs) < cap
                    ]
                    if not cands:
                        break
                    q = cands[int(rand() * len(cands))]
                chosen.append(q)
            else:
                under = st.under
                ratio = 1.0
                # Same structure means same coverage of the changed main, and both it and the
                # old main are under the cap without r: every count agrees, the ratio is 1.
                same = order1 == order2
                for msx, order, sign in ((ms, order1, 1), (nms, order2, -1)):
                    if same:
                        break
                    for i, D in enumerate(order):
                        e = static_count(r, D)
                        c = under[D]
                        if mask[R] & D == D and load[R] < cap:
                            c -= 1
                        for b in ban:
                            if mask[b] & D == D and load[b] < cap:
                                c -= 1
                        for q in revs:
                            if mask[q] & D == D and load[q] == cap:
                                c += 1
                        for q in msx:
                            if mask[q] & D == D:
                                e -= 1
                                if load[q] - (q in revs) < cap:
                                    c -= 1
                        # sign 1: the current mains (L(m) / Lc(m)); -1: the new ones.
                        ratio *= ((e - i) / (c - i)) ** sign
                if ratio < 1.0 and rand() >= ratio:
                    continue
                pairs_d = sorted(zip(order2, chosen, strict=True))
                commit(r, R, nms, [q for _D, q in pairs_d], masks, order2)
        elif move < _P_ADD:
            ad = adds[r]
            na = len(ad)
            if not na:
                continue
            ia = v % na
            old = ad[ia]
            # Among the candidates under the cap: symmetric for the same reason as MAIN_KEEP.
            D = addm[r][ia]
            ban = banned[r]
            lst = sup(D)
            n = len(lst)
            for _t in range(_TRIES):
                p = lst[int(rand() * n)]
                if load[p] < cap and p != R and p not in ban and p not in ms and p not in ad:
                    break
            else:
                continue
            if mutual and R * N + p in pairs:
                continue
            if spread is not None and not spread_after((old,), (p,)):
                continue
            dec(old)
            inc(p)
            pairs.discard(old * N + R)
            pairs.add(p * N + R)
            ad[ia] = p
        else:
            r2 = v % n_rev
            if r2 == r:
                continue
            ad1 = adds[r]
            ms2 = mains[r2]
            ad2 = adds[r2]
            v = int(rand() * _U53)
            a = v % (k + len(ad1))
            v //= k + len(ad1)
            b = v % (k + len(ad2))
            p1 = ms[a] if a < k else ad1[a - k]
            p2 = ms2[b] if b < k else ad2[b - k]
            if p1 == p2:
                continue
            if p2 in ms or p2 in ad1 or p1 in ms2 or p1 in ad2:
                continue
            if not fits(p2, r, a, p1) or not fits(p1, r2, b, p2):
                continue
            R2 = rev[r2]
            if mutual and (R * N + p2 in pairs or R2 * N + p1 in pairs):
                continue
            pairs.discard(p1 * N + R)
            pairs.discard(p2 * N + R2)
            pairs.add(p2 * N + R)
            pairs.add(p1 * N + R2)
            if a < k:
                ms[a] = p2
            else:
                ad1[a - k] = p2
            if b < k:
                ms2[b] = p1
            else:
                ad2[b - k] = p1


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def _to_pairings(pb: _Problem, st: _State) -> list[Pairing]:
    reg = pb.reg
    codes = reg.codes
    out: list[Pairing] = []
    for r in range(pb.n_rev):
        R = pb.rev[r]
        mains = sorted(st.mains[r], key=lambda p: codes[p])
        for p in mains:
            out.append(Pairing(codes[R], codes[p], pb.profile_names(r, p), ROLE_MAIN))
        adds = sorted(
            ((reg.names(D), codes[p]) for p, D in zip(st.adds[r], st.addm[r], strict=True)),
        )
        for names, code in adds:
            out.append(Pairing(codes[R], code, names, ROLE_ADDITIONAL))
    return out


def _chain_steps(rules: DrawRules, pb: _Problem) -> int:
    """mixing_sweeps sweeps of k x |reviewed| steps, at least _MIN_STEPS (small draws have so
    few slots that a sweep is a handful of steps) unless mixing_sweeps is 0."""
    if not rules.mixing_sweeps:
        return 0
    return max(rules.mixing_sweeps * pb.k * pb.n_rev, _MIN_STEPS)


def draw(
    parties: Sequence[PartyInfo],
    reviewed: Sequence[str],
    *,
    rules: DrawRules,
    rng: random.Random,
    existing: Sequence[Pairing] = (),
    exclusions: Iterable[tuple[str, str]] = (),
) -> list[Pairing]:
    """Draw the reviewing parties of every party in `reviewed`.

    `parties` is the whole registry (every party may review); `existing` are fixed pairings
    (earlier draws of the same phase) that count for caps, evenness and mutuality; a party that
    already has reviewers there cannot be in `reviewed`. `exclusions` are (reviewed, reviewer)
    pairs that must not occur. Returns the new pairings, sorted by reviewed party, main
    reviewers first (by code), then additional reviewers (by instruments, code). The result
    follows the distribution pi of the module docstring; the same inputs and the same rng
    state give the same result (the draw takes 256 bits from `rng` and nothing else). Raises
    Infeasible (rule, message) if the rules cannot be met or the bounded search gave up,
    ValueError for malformed inputs."""
    pb = _Problem(parties, reviewed, rules, existing, exclusions)
    if not pb.n_rev:
        return []
    _precheck(pb)
    rng = _private_rng(rng)
    st, exact = _initial(pb, rng)
    if not exact:  # an exact sample of pi needs no chain: the chain would leave pi unchanged
        _mix(pb, st, _chain_steps(rules, pb), rng)
    return _to_pairings(pb, st)


def redraw_slot(
    parties: Sequence[PartyInfo],
    pairings: Sequence[Pairing],
    reviewed: str,
    reviewer: str,
    *,
    rules: DrawRules,
    rng: random.Random,
    exclusions: Iterable[tuple[str, str]] = (),
) -> Pairing:
    """Replace `reviewer` as reviewer of `reviewed`; everything else stays as it is.

    `pairings` are all current pairings of the phase (the one replaced among them). Returns the
    new pairing: same reviewed party, role and instruments, a reviewer drawn uniformly among
    the parties that meet every rule for this slot (see the module docstring); `reviewer` is
    never drawn again (pass earlier replaced reviewers in `exclusions` to keep them out too).
    Raises Infeasible if no party qualifies."""
    reg = _Registry(parties)
    target = [pr for pr in pairings if pr.reviewed == reviewed and pr.reviewer == reviewer]
    if len(target) != 1:
        raise ValueError(f"{reviewer} is not (exactly once) a reviewer of {reviewed}")
    slot = target[0]
    ctx = _SlotContext(reg, [pr for pr in pairings if pr is not slot], reviewed, exclusions)
    X = reg.idx(reviewer, "reviewer")
    ctx.banned.add(X)
    gY, gX = reg.grp[ctx.Y], reg.grp[X]
    side: tuple[str, str, Any] | None = None
    if slot.role == ROLE_MAIN and gY >= 0 and gX == gY:
        side = (
            RULE_SAME_GROUP,
            f"no other party in {reg.group_name(gY)}",
            lambda p: reg.grp[p] == gY,
        )
    elif slot.role == ROLE_MAIN and gY >= 0:
        side = (
            RULE_OTHER_GROUP,
            f"no other party outside {reg.group_name(gY)}",
            lambda p: reg.grp[p] != gY,
        )
    choice = ctx.pick(
        ctx.want(slot.instruments),
        rules,
        rng,
        f"no replacement for {reviewer} as reviewer of {reviewed}",
        side=side,
        also_not=X,
    )
    return Pairing(reviewed, reg.codes[choice], slot.instruments, slot.role)


def cover(
    parties: Sequence[PartyInfo],
    pairings: Sequence[Pairing],
    reviewed: str,
    *,
    rules: DrawRules,
    rng: random.Random,
    exclusions: Iterable[tuple[str, str]] = (),
) -> tuple[list[Pairing], list[Pairing]]:
    """Reviewers for the instruments `reviewed` joined after its reviewers were drawn (a
    Protocol ratified later): every pairing in force stays, and every instrument of `reviewed`
    ends with k reviewers again, as rule 2 would have it.

    `pairings` are all current pairings of the phase; `reviewed` must have some. First each
    main reviewer party to an uncovered instrument takes it (rule 2: a main reviewer covers
    everything of R's it is party to), by code, while the instrument lacks reviewers; no lot is
    needed. The deficits left are filled as in rule 2: for level l = 1, 2, ..., the set D_l of
    instruments still lacking at least l reviewers gets ONE additional reviewer party to all
    of D_l, drawn uniformly among the parties that meet every rule for the slot (not R, not
    already its reviewer, exclusions, no mutual review, the cap, evenness as in a redraw); only
    if no such party is party to all of D_l, one additional reviewer per instrument. Returns
    (extended, added): the main pairings with their new instruments (to supersede the ones in
    force) and the new additional pairings, in the order drawn; both empty when nothing is
    lacking. Raises Infeasible if a slot has no candidate, ValueError on malformed input."""
    reg = _Registry(parties)
    ctx = _SlotContext(reg, pairings, reviewed, exclusions)
    own = sorted((pr for pr in pairings if pr.reviewed == reviewed), key=lambda pr: pr.reviewer)
    if not own:
        raise ValueError(f"{reviewed} has no reviewing parties yet: draw it as a late joiner")
    k = rules.reviewers_per_review
    mine = reg.mask[ctx.Y]
    count = {b: sum(1 for pr in own if ctx.want(pr.instruments) & b) for b in _bits(mine)}
    extended = []
    for pr in own:
        if pr.role != ROLE_MAIN:
            continue
        has = ctx.want(pr.instruments)
        gain = 0
        for b in _bits(mine & reg.mask[reg.idx(pr.reviewer, "reviewer")] & ~has):
            if count[b] < k:
                count[b] += 1
                gain |= b
        if gain:
            extended.append(Pairing(reviewed, pr.reviewer, reg.names(has | gain), ROLE_MAIN))
    added = []
    level = 1
    while True:
        lacking = sum(b for b, n in count.items() if k - n >= level)
        if not lacking:
            break
        why = f"no additional reviewer of {reviewed} for {', '.join(reg.names(lacking))}"
        slots = [lacking]
        if len(_bits(lacking)) > 1 and not ctx.anyone(lacking, rules):
            slots = _bits(lacking)  # nobody is party to them all: one reviewer each
        for want in slots:
            choice = ctx.pick(want, rules, rng, why)
            ctx.take(choice)
            added.append(Pairing(reviewed, reg.codes[choice], reg.names(want), ROLE_ADDITIONAL))
        level += 1
    return extended, added


class _SlotContext:
    """What drawing one more reviewer of `reviewed` must respect, given the pairings in force:
    the loads (cap and evenness), its current reviewers, the parties it reviews (mutuality)
    and its exclusions. `take` records a reviewer drawn, for the next slot."""

    def __init__(
        self,
        reg: _Registry,
        pairings: Sequence[Pairing],
        reviewed: str,
        exclusions: Iterable[tuple[str, str]],
    ) -> None:
        self.reg = reg
        self.reviewed = reviewed
        self.Y = reg.idx(reviewed, "reviewed party")
        self.load = [0] * reg.N
        self.current: set[int] = set()
        self.reviews_y: set[int] = set()  # parties Y reviews
        for pr in pairings:
            a = reg.idx(pr.reviewed, "reviewed party of a pairing")
            b = reg.idx(pr.reviewer, "reviewer of a pairing")
            self.load[b] += 1
            if a == self.Y:
                self.current.add(b)
            if b == self.Y:
                self.reviews_y.add(a)
        self.banned: set[int] = set()
        for a_code, b_code in exclusions:
            a = reg.idx(a_code, "excluded reviewed party")
            b = reg.idx(b_code, "excluded reviewer")
            if a == self.Y:
                self.banned.add(b)

    def want(self, instruments: Iterable[str]) -> int:
        mask = 0
        for name in instruments:
            if name not in self.reg.bit:
                raise ValueError(f"unknown instrument {name!r} in the pairing")
            mask |= self.reg.bit[name]
        return mask

    def take(self, p: int) -> None:
        self.load[p] += 1
        self.current.add(p)

    def _steps(self, want: int, rules: DrawRules, side) -> list[tuple[str, str, Any]]:
        """The filters in the order a person would state them; the first that empties the set
        of candidates is named."""
        reg, cap, names = self.reg, rules.max_reviews_per_reviewer, ", ".join(self.reg.names(want))
        steps = [side] if side else []
        steps.append(
            (
                RULE_INSTRUMENT,
                f"no such party is party to {names}",
                lambda p: reg.mask[p] & want == want,
            )
        )
        steps.append((RULE_EXCLUSIONS, "the others are excluded", lambda p: p not in self.banned))
        if rules.no_mutual:
            steps.append(
                (
                    RULE_MUTUAL,
                    f"the others are reviewed by {self.reviewed}",
                    lambda p: p not in self.reviews_y,
                )
            )
        steps.append(
            (RULE_CAP, f"the others already review {cap} parties", lambda p: self.load[p] < cap)
        )
        return steps

    def anyone(self, want: int, rules: DrawRules) -> bool:
        """Whether any party could take a slot for `want` but for the workload (cap, evenness)."""
        cands = self._base()
        for rule, _why, keep in self._steps(want, rules, None):
            if rule != RULE_CAP:
                cands = [p for p in cands if keep(p)]
        return bool(cands)

    def _base(self, also_not: int | None = None) -> list[int]:
        return [
            p for p in range(self.reg.N) if p != self.Y and p != also_not and p not in self.current
        ]

    def pick(
        self,
        want: int,
        rules: DrawRules,
        rng: random.Random,
        what: str,
        *,
        side=None,
        also_not: int | None = None,
    ) -> int:
        """A reviewer for a slot covering `want`, drawn uniformly among the candidates that
        meet every rule (one number from `rng`). Infeasible names the first rule that leaves
        no candidate: `what` says which slot."""
        cands = self._base(also_not)
        for rule, why, keep in self._steps(want, rules, side):
            cands = [p for p in cands if keep(p)]
            if not cands:
                raise Infeasible(rule, f"{what}: {why}")
        t = rules.max_load_spread
        if t is not None:
            # Final loads: the drawn party c has load + 1, every other candidate keeps its load.
            load = self.load
            lows = sorted(load[p] for p in cands)
            ok = []
            for p in cands:
                # The smallest load among the other candidates.
                if len(lows) == 1:
                    others_min = _BIG
                elif load[p] == lows[0]:
                    others_min = lows[1]
                else:
                    others_min = lows[0]
                if load[p] + 1 <= min(load[p] + 1, others_min) + t:
                    ok.append(p)
            if not ok:
                raise Infeasible(
                    RULE_SPREAD,
                    f"{what}: every candidate would make the loads differ by more than {t}",
                )
            cands = ok
        return cands[int(rng.random() * len(cands))]
