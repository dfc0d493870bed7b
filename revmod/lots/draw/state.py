"""An assignment of reviewers, complete or being built, with the bookkeeping of the rules that
concern more than one review: loads (the cap), new pairings (mutuality) and the evenness rule.

Guarantees: `inc`, `dec`, `add_pair`, `remove_pair` and `set_review` keep every counter exact
(loads, the histograms of loads over E and over parties with a new pairing, hence floor and
top, and the under-cap counts per deficit class); `spread_ok_after` answers for a hypothetical
change without making it. `state_of` builds the same state as those calls would, in one pass.
A state never consumes randomness.
"""

from __future__ import annotations

from collections.abc import Sequence

from revmod.lots.draw.ideal import Option
from revmod.lots.draw.problem import BIG, Problem


class State:
    """An assignment (complete or being built) with loads and the evenness bookkeeping.

    floor = min load over E, top = max load over parties with a new pairing; both are kept
    exact under +-1 load changes (histograms cntE, cntA)."""

    def __init__(self, pb: Problem) -> None:
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
        floor = BIG
        for p in range(pb.N):
            if pb.inE[p]:
                self.cntE[pb.load0[p]] += 1
                floor = min(floor, pb.load0[p])
        self.floor = floor
        self.top = -1
        # under[D]: parties party to all of D whose load is below the cap (counts only the
        # instrument sets that can be a deficit; see Problem.sup_cls).
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
        if t is None or self.floor >= BIG:
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

    def adopt(self, other: State) -> None:
        """Become `other` (the chain's full redraw: the same object, every field replaced)."""
        self.__dict__.update(other.__dict__)


def state_of(pb: Problem, sol: Sequence[Option]) -> State:
    """A chain state holding the assignment `sol` (built in one pass)."""
    st = State(pb)
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
    floor = BIG
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
