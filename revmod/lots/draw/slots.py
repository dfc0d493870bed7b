"""One more reviewer at a time, around the pairings in force: `redraw_slot` (replace one
reviewer) and `cover` (reviewers for a Protocol joined after the draw).

Guarantees: nothing in force changes but the slot concerned; each new reviewer is drawn
uniformly among the parties that meet every rule for its slot (its role, side and instruments,
not the reviewed party nor its reviewers, exclusions, no mutual review, the cap, and evenness
among those candidates), with one number from `rng` per slot and nothing else (no private
generator: these draws are small). `Infeasible` names the first rule, in the order a person
would state them, that leaves no candidate.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from revmod.lots.draw.problem import BIG, Registry, bits
from revmod.lots.draw.types import (
    ROLE_ADDITIONAL,
    ROLE_MAIN,
    RULE_CAP,
    RULE_EXCLUSIONS,
    RULE_INSTRUMENT,
    RULE_MUTUAL,
    RULE_OTHER_GROUP,
    RULE_SAME_GROUP,
    RULE_SPREAD,
    DrawRules,
    Infeasible,
    Pairing,
    PartyInfo,
)


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
    the parties that meet every rule for this slot (see the package docstring); `reviewer` is
    never drawn again (pass earlier replaced reviewers in `exclusions` to keep them out too).
    Raises Infeasible if no party qualifies."""
    reg = Registry(parties)
    target = [pr for pr in pairings if pr.reviewed == reviewed and pr.reviewer == reviewer]
    if len(target) != 1:
        raise ValueError(f"{reviewer} is not (exactly once) a reviewer of {reviewed}")
    slot = target[0]
    ctx = _SlotContext(reg, [pr for pr in pairings if pr is not slot], reviewed, exclusions)
    X = reg.idx(reviewer, "reviewer")
    ctx.banned.add(X)
    gY, gX = reg.grp[ctx.Y], reg.grp[X]
    side: _Step | None = None
    if slot.role == ROLE_MAIN and gY >= 0 and gX == gY:
        side = (
            RULE_SAME_GROUP,
            f"no other party in {reg.group_name(gY)}",
            lambda p: reg.grp[p] == gY,
            "slot_same_group",
            {"group": reg.group_name(gY)},
        )
    elif slot.role == ROLE_MAIN and gY >= 0:
        side = (
            RULE_OTHER_GROUP,
            f"no other party outside {reg.group_name(gY)}",
            lambda p: reg.grp[p] != gY,
            "slot_other_group",
            {"group": reg.group_name(gY)},
        )
    choice = ctx.pick(
        ctx.want(slot.instruments),
        rules,
        rng,
        f"no replacement for {reviewer} as reviewer of {reviewed}",
        {"kind": "redraw", "reviewed": reviewed, "reviewer": reviewer},
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
    reg = Registry(parties)
    ctx = _SlotContext(reg, pairings, reviewed, exclusions)
    own = sorted((pr for pr in pairings if pr.reviewed == reviewed), key=lambda pr: pr.reviewer)
    if not own:
        raise ValueError(f"{reviewed} has no reviewing parties yet: draw it as a late joiner")
    k = rules.reviewers_per_review
    mine = reg.mask[ctx.Y]
    count = {b: sum(1 for pr in own if ctx.want(pr.instruments) & b) for b in bits(mine)}
    extended = []
    for pr in own:
        if pr.role != ROLE_MAIN:
            continue
        has = ctx.want(pr.instruments)
        gain = 0
        for b in bits(mine & reg.mask[reg.idx(pr.reviewer, "reviewer")] & ~has):
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
        slot = {"kind": "cover", "reviewed": reviewed, "instruments": list(reg.names(lacking))}
        slots = [lacking]
        if len(bits(lacking)) > 1 and not ctx.anyone(lacking, rules):
            slots = bits(lacking)  # nobody is party to them all: one reviewer each
        for want in slots:
            choice = ctx.pick(want, rules, rng, why, slot)
            ctx.take(choice)
            added.append(Pairing(reviewed, reg.codes[choice], reg.names(want), ROLE_ADDITIONAL))
        level += 1
    return extended, added


# A filter on a slot's candidates: the rule, why in English, the filter, the reason code
# (types.REASONS) and its params.
_Step = tuple[str, str, Callable[[int], bool], str, dict[str, Any]]


class _SlotContext:
    """What drawing one more reviewer of `reviewed` must respect, given the pairings in force:
    the loads (cap and evenness), its current reviewers, the parties it reviews (mutuality)
    and its exclusions. `take` records a reviewer drawn, for the next slot."""

    def __init__(
        self,
        reg: Registry,
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

    def _steps(self, want: int, rules: DrawRules, side) -> list[_Step]:
        """The filters in the order a person would state them; the first that empties the set
        of candidates is named (rule, English reason, filter, reason code, its params)."""
        reg, cap = self.reg, rules.max_reviews_per_reviewer
        instruments = list(self.reg.names(want))
        names = ", ".join(instruments)
        steps = [side] if side else []
        steps.append(
            (
                RULE_INSTRUMENT,
                f"no such party is party to {names}",
                lambda p: reg.mask[p] & want == want,
                "slot_instrument",
                {"instruments": instruments},
            )
        )
        steps.append(
            (
                RULE_EXCLUSIONS,
                "the others are excluded",
                lambda p: p not in self.banned,
                "slot_excluded",
                {},
            )
        )
        if rules.no_mutual:
            steps.append(
                (
                    RULE_MUTUAL,
                    f"the others are reviewed by {self.reviewed}",
                    lambda p: p not in self.reviews_y,
                    "slot_mutual",
                    {"reviewed": self.reviewed},
                )
            )
        steps.append(
            (
                RULE_CAP,
                f"the others already review {cap} parties",
                lambda p: self.load[p] < cap,
                "slot_cap",
                {"cap": cap},
            )
        )
        return steps

    def anyone(self, want: int, rules: DrawRules) -> bool:
        """Whether any party could take a slot for `want` but for the workload (cap, evenness)."""
        cands = self._base()
        for rule, _why, keep, _reason, _params in self._steps(want, rules, None):
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
        slot: dict[str, Any],
        *,
        side=None,
        also_not: int | None = None,
    ) -> int:
        """A reviewer for a slot covering `want`, drawn uniformly among the candidates that
        meet every rule (one number from `rng`). Infeasible names the first rule that leaves
        no candidate: `what` says which slot (`slot` as data, see REASONS)."""
        cands = self._base(also_not)
        for rule, why, keep, reason, params in self._steps(want, rules, side):
            cands = [p for p in cands if keep(p)]
            if not cands:
                raise Infeasible(rule, f"{what}: {why}", reason, {"slot": slot, **params})
        t = rules.max_load_spread
        if t is not None:
            # Final loads: the drawn party c has load + 1, every other candidate keeps its load.
            load = self.load
            lows = sorted(load[p] for p in cands)
            ok = []
            for p in cands:
                # The smallest load among the other candidates.
                if len(lows) == 1:
                    others_min = BIG
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
                    "slot_spread",
                    {"slot": slot, "spread": t},
                )
            cands = ok
        return cands[int(rng.random() * len(cands))]
