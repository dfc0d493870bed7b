"""The static view of one draw: parties as indices, instruments as bit masks, and every fact
about admissibility that does not change while drawing.

Guarantees: parties are indexed in code order and instruments in canonical order, so nothing
depends on the order of the inputs or on hashing; inputs are validated here (ValueError names
the malformed one); the answers of `Problem` (who may fill which slot as far as the rules about
one reviewed party go, which additional slots a set of main reviewers leaves) are pure functions
of the inputs, cached but never changed by a draw.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from revmod.lots.draw.types import INSTRUMENT_ORDER, DrawRules, Pairing, PartyInfo

BIG = 1 << 40  # "no floor": larger than any load
KIND_SAME, KIND_OTHER, KIND_ANY = 0, 1, 2  # what a main slot asks of its reviewer's group
_MISSING: Any = object()


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def bits(mask: int) -> list[int]:
    """The single bits of `mask`, lowest first."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low)
        mask ^= low
    return out


class Registry:
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


class Problem:
    """Everything about one call of `draw` that does not change while drawing.

    Reviews are numbered r = 0 .. n_rev - 1 in code order of the reviewed parties (rev[r] is
    the party); main slot j of review r draws from the class slot_list[r][j] (kind
    slot_kind[r][j]); banned[r] are the parties r must not get (exclusions, and the reverse
    of existing pairings); inE[p] says whether p is in E of the evenness rule."""

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
        reg = Registry(parties)
        self.reg = reg
        self.rules = rules
        self.N = reg.N
        self.mask, self.grp = reg.mask, reg.grp
        self.k = rules.reviewers_per_review
        self.s = rules.same_group_reviewers
        self.cap = rules.max_reviews_per_reviewer
        self.spread = rules.max_load_spread
        self.no_mutual = rules.no_mutual
        self._read_reviewed(reviewed)
        self._read_pairings(existing, exclusions)
        self._main_slots()
        self._sup: dict[int, list[int]] = {}
        self._cover: dict[tuple[int, int], bool] = {}
        self._struct: dict[tuple[int, ...], tuple[int, ...]] = {}
        self._chain: dict[tuple[tuple[int, ...], int], tuple[int, ...] | None] = {}
        self._sup_free: dict[int, int] = {}
        self._profile: dict[tuple[Any, ...], list[int]] = {}
        self._by_mask: dict[tuple[Any, ...], dict[int, list[int]]] = {}
        # Under-cap counters per instrument set (for the chain's capacity-aware move): only
        # for registries with few instruments (2**instruments counters).
        self.track_under = len(reg.inst_names) <= 8
        self._ex_main: dict[tuple[int, int], list[int]] = {}
        self._ex_add: dict[tuple[int, int], list[int]] = {}
        self.inE = self._eligible_set()
        self._deficit_classes()

    def _read_reviewed(self, reviewed: Sequence[str]) -> None:
        reg = self.reg
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
        self.rbits = [bits(m) for m in self.rmask]

    def _read_pairings(
        self, existing: Iterable[Pairing], exclusions: Iterable[tuple[str, str]]
    ) -> None:
        """Loads of the existing pairings, and the parties each review must not get."""
        reg = self.reg
        load0 = [0] * self.N
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

    def _main_slots(self) -> None:
        """The main slots of each review: their kind and the class of parties they draw from."""
        N, k, s = self.N, self.k, self.s
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
        strict = self.rules.no_group_policy == "strict"
        for r in range(self.n_rev):
            g = self.rgrp[r]
            if g >= 0:
                kinds = [KIND_SAME] * s + [KIND_OTHER] * (k - s)
                lists = [grp_lists[g]] * s + [not_lists[g]] * (k - s)
                keys: list[tuple[Any, ...]] = [("G", g)] * s + [("N", g)] * (k - s)
            elif strict:
                # Alone in its own group: a same-group slot has no candidate but R itself.
                kinds = [KIND_SAME] * s + [KIND_ANY] * (k - s)
                lists = [[self.rev[r]]] * s + [all_list] * (k - s)
                keys = [("S", r)] * s + [("A",)] * (k - s)
            else:
                kinds = [KIND_ANY] * k
                lists = [all_list] * k
                keys = [("A",)] * k
            self.slot_kind.append(kinds)
            self.slot_list.append(lists)
            self.slot_key.append(keys)
        self.all_list = all_list

    def _deficit_classes(self) -> None:
        """Instrument sets that can be a deficit (subsets of reviewed parties' instruments that
        avoid any instrument every party has, i.e. UNTOC in practice): the chain keeps, for
        each, how many parties to all of it are under the cap. Only for few instruments."""
        n_inst = len(self.reg.inst_names)
        self.sup_cls: list[bool] = [False] * (1 << n_inst) if self.track_under else []
        self.d_of: list[list[int]] = [[] for _ in range(self.N)]
        if not self.track_under:
            return
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
        if kind == KIND_SAME:
            return self.grp[p] == self.rgrp[r] and self.rgrp[r] >= 0
        if kind == KIND_OTHER:
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
                    (KIND_ANY in kinds)
                    or (KIND_SAME in kinds and g >= 0 and self.grp[p] == g)
                    or (KIND_OTHER in kinds and self.grp[p] != g)
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
        """Every admissible candidate of main slot j of r (cached)."""
        key = (r, self.slot_kind[r][j])
        lst = self._ex_main.get(key)
        if lst is None:
            lst = [p for p in self.slot_list[r][j] if self.main_ok(r, j, p)]
            self._ex_main[key] = lst
        return lst

    def explicit_add(self, r: int, D: int) -> list[int]:
        """Every admissible additional reviewer of r for D (cached)."""
        key = (r, D)
        lst = self._ex_add.get(key)
        if lst is None:
            lst = [p for p in self.sup(D) if self.add_ok(r, p, D)]
            self._ex_add[key] = lst
        return lst

    # -- slot structure -------------------------------------------------------------------

    def structure(self, r: int, ms: Sequence[int]) -> tuple[int, ...]:
        """The instrument masks of the additional slots of review r given its main reviewers
        (sorted, so equal structures compare equal): rule 2 of the package docstring."""
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
        levels = self._deficit_levels(r, profiles)
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
                slots.extend(bits(D))
                nested = False
        out = tuple(sorted(slots))
        if shared:
            self._struct[key] = out
        else:
            self._struct[rkey] = out
        # Inclusion order (largest instrument set first) if the slots are nested, else None.
        self._chain[out, r] = tuple(levels) if nested else None
        return out

    def _deficit_levels(self, r: int, profiles: tuple[int, ...]) -> list[int]:
        """D_1, D_2, ...: the instruments of r lacking at least 1, 2, ... reviewers when the
        main reviewers cover `profiles`."""
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
        return levels

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

    def profile_names(self, r: int, p: int) -> tuple[str, ...]:
        """The instruments of r that main reviewer p covers."""
        return self.reg.names(self.mask[p] & self.rmask[r])
