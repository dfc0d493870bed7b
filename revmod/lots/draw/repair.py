"""The search for a valid start on large draws (step 3 of "How it is sampled"): a sequential
draw close to the ideal lots (`greedy`), then a bounded local search on the number of broken
rules (`repair`).

Guarantees: `SearchState` is a `State` that also counts what is broken (parties over the cap,
mutual pairs; the evenness rule through floor and top) and keeps parties bucketed by load per
candidate class; `penalty()` is 0 exactly when the assignment meets every rule. `greedy` fills
every review with candidates admissible for that review alone; `repair` changes one slot at a
time (and the additional slots, when a new main reviewer changes what they must cover), never
to a candidate inadmissible for the review, and returns True only with penalty 0. Neither
promises a distribution: the chain corrects for the start.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import Any

from revmod.lots.draw.ideal import sample_add, sample_main
from revmod.lots.draw.problem import Problem
from revmod.lots.draw.state import State


class Bucket:
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


class SearchState(State):
    """A state with what the search needs besides: cap overflows, mutual conflicts, who holds
    which slots, and parties bucketed by load per candidate class (least-loaded picks)."""

    def __init__(self, pb: Problem) -> None:
        super().__init__(pb)
        self.overcap = 0
        self.over: dict[int, None] = {}
        self.conf = 0
        self.conflicts: dict[int, None] = {}
        self.held: list[dict[int, None]] = [{} for _ in range(pb.N)]
        self.buckets: dict[tuple[Any, ...], Bucket] = {}
        self.classes_of: list[list[Bucket]] = [[] for _ in range(pb.N)]

    # Parties by load (made when the repair first needs them, then kept up to date).
    @property
    def ebucket(self) -> Bucket:
        b = self.buckets.get(("E",))
        if b is None:
            b = self.bucket(("E",), [p for p in range(self.pb.N) if self.pb.inE[p]])
        return b

    @property
    def abucket(self) -> Bucket:
        return self.bucket(("ALL",), self.pb.all_list)

    def bucket(self, key: tuple[Any, ...], members: Sequence[int]) -> Bucket:
        b = self.buckets.get(key)
        if b is None:
            b = Bucket(members, self.load)
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
            p = sample_main(pb, r, j, excl, rand) if not D else sample_add(pb, r, D, excl, rand)
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
                q = sample_main(pb, r, slot, excl, rand)
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
                q = sample_add(pb, r, D, excl, rand)
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


def greedy(st: SearchState, rng: random.Random, least: bool = False) -> bool:
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


def _repair_candidates(st: SearchState, rand: Any) -> list[tuple[int, int, int]]:
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


def _push(st: SearchState, h: int, r: int, rand: Any) -> list[tuple[int, int, int]]:
    """Candidate moves giving one of h's slots (in review r, or a random one) to someone else."""
    if r < 0:
        if not st.held[h]:
            return []
        r = _pick_key(st.held[h], rand)
    slot = st.slot_of(r, h)
    return [(r, slot, q) for q in st.slot_choices(r, slot, st.reviewers(r), rand)]


def _pull(st: SearchState, u: int, rand: Any) -> list[tuple[int, int, int]]:
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


def repair(st: SearchState, rng: random.Random, budget: int) -> bool:
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
