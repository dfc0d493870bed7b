"""The Metropolis-Hastings chain that takes a searched start to the distribution pi (steps 4
and 5 of "How it is sampled" in the package docstring, where the moves are described and the
argument that each keeps pi is made).

Guarantees: the state stays a valid outcome after every step (a proposal is applied only if
the result meets every rule, otherwise the chain stays put); each move is either symmetric and
weight-preserving (MAIN_KEEP, ADD, SWAP), proposes from the ideal lot's own conditional
(MAIN_BLOCK), is corrected by its Metropolis-Hastings ratio (MAIN_BLOCK under capacity), or is
an independence proposal with the target's weights (full redraw); hence pi is stationary.
The order in which random numbers are consumed is part of the output for a seed (`ALGORITHM`):
each step takes one number to choose between a full redraw and the moves (and which move);
a move then takes one 53-bit number for its review and slot (a swap: its review and the other
review, and one more for the two slots), then what it draws, in the order written below.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from revmod.lots.draw.ideal import ideal_attempt, sample_completion, sample_main
from revmod.lots.draw.problem import KIND_OTHER, KIND_SAME, Problem
from revmod.lots.draw.state import State, state_of
from revmod.lots.draw.types import DrawRules

_U53 = 9007199254740992  # 2**53: rng.random() is a multiple of 2**-53
# Move mix (cumulative thresholds over 0..99); any fixed mix keeps pi stationary.
_P_KEEP, _P_BLOCK, _P_BLOCKC, _P_ADD = 20, 25, 80, 90  # the rest (10%) are swaps
_MIN_STEPS = 1000  # the chain's fewest steps (when it runs at all)
_TRIES_EXACT = 256  # tries before an exact (but O(parties)) fallback
_TRIES = 32  # rejection-sampling tries of a chain proposal before it gives up (stays put)


def chain_steps(rules: DrawRules, pb: Problem) -> int:
    """mixing_sweeps sweeps of k x |reviewed| steps, at least _MIN_STEPS (small draws have so
    few slots that a sweep is a handful of steps) unless mixing_sweeps is 0."""
    if not rules.mixing_sweeps:
        return 0
    return max(rules.mixing_sweeps * pb.k * pb.n_rev, _MIN_STEPS)


def mix(pb: Problem, st: State, steps: int, rng: random.Random) -> None:
    """Run the chain for `steps` steps on `st` (changed in place). Each step, with probability
    `full`, proposes a full redraw; otherwise it draws a move (20/5/55/10/10%) and, from one
    53-bit number, the review r it concerns and `v`, what is left for the move's own choices."""
    if steps <= 0 or not pb.n_rev:
        return
    chain = _Chain(pb, st, rng)
    rand = rng.random
    n_rev = pb.n_rev
    # The full redraw makes the chain irreducible on all valid outcomes. Rarely accepted on
    # large draws, so its rate falls with the square of the number of reviews to keep its
    # cost negligible there.
    full = min(0.05, 1.0 / (n_rev * n_rev))
    scale = 100.0 / (1.0 - full)
    keep, block, blockc = chain.main_keep, chain.main_block, chain.main_block_capacity
    add, swap = chain.add, chain.swap
    for _ in range(steps):
        x = rand()
        if x < full:
            chain.full_redraw()
            continue
        move = int((x - full) * scale)  # 0..99, uniform given "not a full redraw"
        v = int(rand() * _U53)
        r = v % n_rev
        v //= n_rev  # still >= 2**53 / n_rev values: the bias of v % k is negligible
        if move < _P_KEEP:
            keep(r, v)
        elif move < _P_BLOCK:
            block(r, v)
        elif move < _P_BLOCKC:
            blockc(r, v)
        elif move < _P_ADD:
            add(r, v)
        else:
            swap(r, v)


class _Chain:
    """The moves of the chain on one state. Each move takes the review r and the rest `v` of
    the number r was taken from, and changes the state only if the result is valid."""

    def __init__(self, pb: Problem, st: State, rng: random.Random) -> None:
        self.pb = pb
        self.st = st
        self.rand = rng.random
        self._bind()

    def _bind(self) -> None:
        # The state's containers, looked up once (a full redraw replaces them).
        st = self.st
        self.mains, self.adds, self.addm, self.addo = st.mains, st.adds, st.addm, st.addo
        self.load, self.pairs = st.load, st.pairs

    # -- the moves ----------------------------------------------------------------------

    def full_redraw(self) -> None:
        """Every review from its ideal lot; accepted iff the outcome is valid."""
        found = ideal_attempt(self.pb, self.rand)
        if found is not None:
            self.st.adopt(state_of(self.pb, found))
            self._bind()

    def main_keep(self, r: int, v: int) -> None:
        """MAIN_KEEP: one main slot gets a candidate with the same coverage of r's instruments
        (from the fixed pool of such members of the slot's class)."""
        pb = self.pb
        j = v % pb.k
        ms = self.mains[r]
        pool = pb.profile_list(r, j, pb.mask[ms[j]] & pb.rmask[r])
        self._replace(r, ms, j, pool)

    def add(self, r: int, v: int) -> None:
        """ADD: one additional slot gets another party to all of its instruments."""
        ad = self.adds[r]
        if not ad:
            return
        i = v % len(ad)
        self._replace(r, ad, i, self.pb.sup(self.addm[r][i]))

    def main_block(self, r: int, v: int) -> None:
        """MAIN_BLOCK: one main slot gets a uniformly drawn admissible candidate and all of r's
        additional reviewers are redrawn from the ideal lot given the new mains."""
        pb = self.pb
        j = v % pb.k
        ms = self.mains[r]
        p = sample_main(pb, r, j, ms, self.rand)  # excludes every current main, the old too
        if p < 0:
            return
        nms = list(ms)
        nms[j] = p
        masks = pb.structure(r, nms)
        comp = sample_completion(pb, r, masks, nms, self.rand)
        if comp is not None:
            self._commit(r, nms, comp, masks, pb.nested_order(r, masks))

    def main_block_capacity(self, r: int, v: int) -> None:
        """MAIN_BLOCK under capacity: the new main and the additional reviewers are drawn
        among candidates under the cap in the state without r's pairings (the same state
        before and after the move); only when r's slots are nested before and after. Accepted
        with the Metropolis-Hastings ratio L(m) Lc(m') / (L(m') Lc(m)), where L counts the
        ideal lot's completions and Lc the ones under the cap (products over nested slots)."""
        pb = self.pb
        if not pb.sup_cls:  # no under-cap counters (too many instruments)
            return
        j = v % pb.k
        p = self._main_under_cap(r, j)
        order1 = self.addo[r]
        if p < 0 or order1 is None:
            return
        ms = self.mains[r]
        nms = list(ms)
        nms[j] = p
        masks = pb.structure(r, nms)
        order2 = pb.nested_order(r, masks)
        if order2 is None:
            return
        chosen = self._adds_under_cap(r, nms, order2)
        if chosen is None:
            return
        ratio = 1.0
        # Same structure means same coverage of the changed main, and both it and the old
        # main are under the cap without r: every count agrees, the ratio is 1.
        if order1 != order2:
            ratio = self._ratio(r, ms, order1, 1, ratio)  # L(m) / Lc(m)
            ratio = self._ratio(r, nms, order2, -1, ratio)  # Lc(m') / L(m')
        if ratio < 1.0 and self.rand() >= ratio:
            return
        by_mask = sorted(zip(order2, chosen, strict=True))
        self._commit(r, nms, [q for _D, q in by_mask], masks, order2)

    def swap(self, r: int, v: int) -> None:
        """SWAP: the reviewers of one slot of r and one slot of another review r2 (both drawn
        uniformly) are exchanged, when each fits the other's slot with the same coverage."""
        pb = self.pb
        k = pb.k
        r2 = v % pb.n_rev
        if r2 == r:
            return
        ms, ad1 = self.mains[r], self.adds[r]
        ms2, ad2 = self.mains[r2], self.adds[r2]
        v = int(self.rand() * _U53)
        a = v % (k + len(ad1))
        v //= k + len(ad1)
        b = v % (k + len(ad2))
        p1 = ms[a] if a < k else ad1[a - k]
        p2 = ms2[b] if b < k else ad2[b - k]
        if p1 == p2:
            return
        if p2 in ms or p2 in ad1 or p1 in ms2 or p1 in ad2:
            return
        if not self._fits(p2, r, a, p1) or not self._fits(p1, r2, b, p2):
            return
        N, pairs = pb.N, self.pairs
        R, R2 = pb.rev[r], pb.rev[r2]
        if pb.no_mutual and (R * N + p2 in pairs or R2 * N + p1 in pairs):
            return
        pairs.discard(p1 * N + R)
        pairs.discard(p2 * N + R2)
        pairs.add(p2 * N + R)
        pairs.add(p1 * N + R2)
        self._put(r, a, p2)
        self._put(r2, b, p1)

    # -- the parts moves share ----------------------------------------------------------

    def _replace(self, r: int, slots: list[int], i: int, pool: list[int]) -> None:
        """MAIN_KEEP and ADD: `slots[i]` (a main or an additional slot of r) gets a member of
        `pool` under the cap that is not R, not excluded and not already r's reviewer, drawn
        by rejection - given up after _TRIES misses. The candidate set has the same size
        before and after the move (the old reviewer joins it, the new one leaves it), so the
        proposal, giving up included, is symmetric."""
        pb = self.pb
        R = pb.rev[r]
        ms, ad = self.mains[r], self.adds[r]
        ban = pb.banned[r]
        load, cap, rand = self.load, pb.cap, self.rand
        n = len(pool)
        for _ in range(_TRIES):
            p = pool[int(rand() * n)]
            if load[p] < cap and p != R and p not in ban and p not in ms and p not in ad:
                break
        else:
            return
        if self._exchange(R, (slots[i],), (p,)):
            slots[i] = p

    def _commit(
        self,
        r: int,
        nms: list[int],
        comp: list[int],
        masks: tuple[int, ...],
        order: tuple[int, ...] | None,
    ) -> None:
        """Make review r (mains nms, additional reviewers comp) if the result is valid."""
        before = self.mains[r] + self.adds[r]
        after = nms + comp
        gain = [q for q in after if q not in before]
        lose = [q for q in before if q not in after]
        if self._exchange(self.pb.rev[r], lose, gain):
            self.mains[r] = nms
            self.adds[r] = comp
            self.addm[r] = list(masks)
            self.addo[r] = order

    def _exchange(self, R: int, lose: Sequence[int], gain: Sequence[int]) -> bool:
        """If R losing the reviewers `lose` and gaining `gain` (disjoint) leaves every rule
        met (cap, mutuality, evenness), update loads and pairings and return True; else
        change nothing and return False. The caller updates the slots."""
        pb, st = self.pb, self.st
        N, load, pairs = pb.N, self.load, self.pairs
        for q in gain:
            if load[q] >= pb.cap or (pb.no_mutual and R * N + q in pairs):
                return False
        if pb.spread is not None and not st.spread_ok_after(lose, gain):
            return False
        for q in lose:
            st.dec(q)
        for q in gain:
            st.inc(q)
        for q in lose:
            pairs.discard(q * N + R)
        for q in gain:
            pairs.add(q * N + R)
        return True

    def _fits(self, p: int, r: int, slot: int, old: int) -> bool:
        """p may take `slot` of r in place of `old` without changing r's slot structure."""
        pb = self.pb
        if p == pb.rev[r] or pb.sat[p] or p in pb.banned[r]:
            return False
        mask = pb.mask
        if slot < pb.k:
            mR = pb.rmask[r]
            if mask[p] & mR != mask[old] & mR:
                return False
            kind = pb.slot_kind[r][slot]
            if kind == KIND_SAME:
                return pb.grp[p] == pb.rgrp[r]
            if kind == KIND_OTHER:
                return pb.grp[p] != pb.rgrp[r]
            return True
        D = self.addm[r][slot - pb.k]
        return mask[p] & D == D

    def _put(self, r: int, slot: int, p: int) -> None:
        k = self.pb.k
        if slot < k:
            self.mains[r][slot] = p
        else:
            self.adds[r][slot - k] = p

    # -- MAIN_BLOCK under capacity ------------------------------------------------------

    def _main_under_cap(self, r: int, j: int) -> int:
        """A member of main slot j's class under the cap once r's own pairings are removed,
        not a current main, admissible for r; -1 after _TRIES misses."""
        pb = self.pb
        R = pb.rev[r]
        ms, ad = self.mains[r], self.adds[r]
        lst = pb.slot_list[r][j]
        n = len(lst)
        mR, ban, mask = pb.rmask[r], pb.banned[r], pb.mask
        load, cap, rand = self.load, pb.cap, self.rand
        for _ in range(_TRIES):
            p = lst[int(rand() * n)]
            if load[p] - (p in ad) < cap and p not in ms and p != R:
                if mask[p] & mR and p not in ban:
                    return p
        return -1

    def _adds_under_cap(self, r: int, nms: list[int], order: tuple[int, ...]) -> list[int] | None:
        """Additional reviewers for the nested slots `order` given the mains nms, each
        uniform among the admissible parties under the cap without r's pairings (rejection,
        then the explicit list); None if a slot has none."""
        pb = self.pb
        R = pb.rev[r]
        revs = self.mains[r] + self.adds[r]
        ban, sat = pb.banned[r], pb.sat
        load, cap, rand = self.load, pb.cap, self.rand
        chosen: list[int] = []
        for D in order:
            lst = pb.sup(D)
            n = len(lst)
            for _ in range(_TRIES_EXACT):
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
                    return None
                q = cands[int(rand() * len(cands))]
            chosen.append(q)
        return chosen

    def _ratio(
        self, r: int, msx: list[int], order: tuple[int, ...], sign: int, ratio: float
    ) -> float:
        """`ratio` times (L / Lc) ** sign for the mains msx, one factor per nested slot:
        (e - i) / (c - i) for the i-th slot D, e counting the ideal lot's candidates for D
        and c those under the cap in the state without r's pairings."""
        pb = self.pb
        R = pb.rev[r]
        revs = self.mains[r] + self.adds[r]
        mask, ban = pb.mask, pb.banned[r]
        load, cap, under = self.load, pb.cap, self.st.under
        for i, D in enumerate(order):
            e = pb.static_count(r, D)
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
            ratio *= ((e - i) / (c - i)) ** sign
        return ratio
