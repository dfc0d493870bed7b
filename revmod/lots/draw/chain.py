"""The Metropolis-Hastings chain that takes a searched start to the distribution pi (steps 4
and 5 of "How it is sampled" in the package docstring, where the moves are described and the
argument that each keeps pi is made).

Guarantees: the state stays a valid outcome after every step (a proposal is applied only if
the result meets every rule, otherwise the chain stays put); each move is either symmetric and
weight-preserving (MAIN_KEEP, ADD, SWAP), proposes from the ideal lot's own conditional
(MAIN_BLOCK), is corrected by its Metropolis-Hastings ratio (MAIN_BLOCK under capacity), or is
an independence proposal with the target's weights (full redraw); hence pi is stationary. The
random numbers are consumed in a fixed order - two per step (which move, then review and slot),
then whatever the move draws - which is part of the output for a seed (`ALGORITHM`).
"""

from __future__ import annotations

import random

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
    """Run the Metropolis-Hastings chain described in the package docstring for `steps` steps.
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
    sup = pb.sup
    nested_order = pb.nested_order
    static_count = pb.static_count
    slot_list = pb.slot_list
    tracked = pb.sup_cls
    profile_list = pb.profile_list
    structure = pb.structure

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
            if kind == KIND_SAME:
                return grp[p] == rgrp[r]
            if kind == KIND_OTHER:
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
            found = ideal_attempt(pb, rand)
            if found is not None:
                st.adopt(state_of(pb, found))
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
            p = sample_main(pb, r, j, ms, rand)  # excludes every current main, the old one too
            if p < 0:
                continue
            # MAIN_BLOCK: new main, then the additional reviewers from the ideal lot.
            nms = list(ms)
            nms[j] = p
            masks = structure(r, nms)
            comp = sample_completion(pb, r, masks, nms, rand)
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
