"""The full draw, `draw`: the steps of "How it is sampled" in the package docstring, in order.

Guarantees: the pairings returned meet every rule and follow the distribution pi (exactly when
the start is an exact sample, otherwise as closely as the chain's `mixing_sweeps` allow); the
draw takes exactly 256 bits from the `rng` passed in and nothing else, so the same inputs (in
any order), rules and generator state give the same pairings on every machine.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from revmod.lots.draw.chain import chain_steps, mix
from revmod.lots.draw.precheck import precheck
from revmod.lots.draw.problem import Problem
from revmod.lots.draw.start import initial
from revmod.lots.draw.state import State
from revmod.lots.draw.types import ROLE_ADDITIONAL, ROLE_MAIN, DrawRules, Pairing, PartyInfo


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
    follows the distribution pi of the package docstring; the same inputs and the same rng
    state give the same result (the draw takes 256 bits from `rng` and nothing else). Raises
    Infeasible (rule, message) if the rules cannot be met or the bounded search gave up,
    ValueError for malformed inputs."""
    pb = Problem(parties, reviewed, rules, existing, exclusions)
    if not pb.n_rev:
        return []
    precheck(pb)
    rng = private_rng(rng)
    st, exact = initial(pb, rng)
    if not exact:  # an exact sample of pi needs no chain: the chain would leave pi unchanged
        mix(pb, st, chain_steps(rules, pb), rng)
    return to_pairings(pb, st)


def private_rng(rng: random.Random) -> random.Random:
    """The generator a draw actually uses: a Mersenne Twister seeded with 256 bits taken from
    `rng` (`random.Random(rng.getrandbits(256))`).

    Why: a large draw makes hundreds of thousands of random choices, and a SHA-256 based
    generator (HashRandom) costs one hash per 256 bits. Python guarantees that random() of a
    Random seeded with an integer gives the same sequence in every version, and MT19937 with
    init_by_array is re-implementable in any language, so the draw stays reproducible and
    verifiable: all of its randomness is a fixed function of those 256 bits."""
    return random.Random(rng.getrandbits(256))


def to_pairings(pb: Problem, st: State) -> list[Pairing]:
    """The outcome as pairings, in the order `draw` documents."""
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
