"""Benchmark of the drawing of lots: the full draw (groups, then the reviewing parties of every
party under review, as one phase) on synthetic registries shaped like the real one.

    python bench/draw.py                    # 189, 1,000 and 10,000 parties
    python bench/draw.py --sizes 189 --runs 21
    python bench/draw.py --mixing           # how far the chain is from its target, per sweeps

The 189-party registry has the shipped demo data's regional groups (AFR 52, APG 47, EEG 23,
GRULAC 33, WEOG 29, 5 without a group) and instrument profiles (all UNTOC; TIP 90%, SOM 75%,
FIR 64%, the protocols correlated as in the data); larger registries scale the same shape. The
randomness is the production generator (SHA-256 counter mode, revmod.lots.rng.HashRandom).
Targets: 189 parties <= 50 ms, 10,000 <= 5 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import collections
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from revmod.lots.draw import DrawRules, Pairing, PartyInfo, draw  # noqa: E402
from revmod.lots.groups import draw_groups  # noqa: E402
from revmod.lots.rng import HashRandom  # noqa: E402

# Instrument profiles besides UNTOC and how many of the 189 parties have each (demo data).
PROFILES = [
    (("TIP", "SOM", "FIR"), 85),
    (("TIP", "SOM"), 46),
    (("TIP", "FIR"), 26),
    (("TIP",), 14),
    (("SOM", "FIR"), 7),
    ((), 4),
    (("SOM",), 4),
    (("FIR",), 3),
]
REGIONS = [("AFR", 52), ("APG", 47), ("EEG", 23), ("GRULAC", 33), ("WEOG", 29), (None, 5)]


def registry(n: int, seed: int = 1) -> list[PartyInfo]:
    """n parties with the real shape: regional groups by largest remainder, profiles drawn
    from the real frequencies."""
    rng = random.Random(seed)
    total = sum(c for _, c in REGIONS)
    quotas = [(c * n) // total for _, c in REGIONS]
    by_remainder = sorted(range(len(REGIONS)), key=lambda i: -((REGIONS[i][1] * n) % total))
    for i in by_remainder[: n - sum(quotas)]:
        quotas[i] += 1
    profiles = [p for p, c in PROFILES for _ in range(c)]
    out = []
    for (region, _), count in zip(REGIONS, quotas, strict=True):
        for _ in range(count):
            inst = frozenset(("UNTOC", *rng.choice(profiles)))
            out.append(PartyInfo(f"P{len(out):05d}", region, inst))
    return out


def full_draw(
    parties: list[PartyInfo], rules: DrawRules, seed: int
) -> tuple[dict[str, int], list[Pairing]]:
    rng = HashRandom(seed.to_bytes(8, "big") * 4)
    codes = [p.code for p in parties]
    groups = draw_groups(parties, codes, rng=rng)
    pairings = draw(parties, codes, rules=rules, rng=rng)
    return groups, pairings


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    # A calibration, so that timings from different machines can be compared.
    t = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    loop_ms = (time.perf_counter() - t) * 1e3
    return (
        f"{platform.platform()} | {cpu} | {os.cpu_count()} CPUs | "
        f"Python {platform.python_version()} ({platform.python_implementation()}) | "
        f"a 3M-iteration Python loop takes {loop_ms:.0f} ms here"
    )


def bench(sizes: list[int], runs: int | None, sweeps: int) -> None:
    rules = DrawRules(mixing_sweeps=sweeps)
    print(f"machine: {machine()}")
    print(f"rules: {rules.to_dict()}")
    for n in sizes:
        parties = registry(n)
        count = runs or (9 if n <= 1000 else 3)
        times = []
        for seed in range(count):
            t = time.perf_counter()
            _groups, pairings = full_draw(parties, rules, seed)
            times.append(time.perf_counter() - t)
        loads = collections.Counter(collections.Counter(p.reviewer for p in pairings).values())
        extra = sum(p.role == "additional" for p in pairings)
        print(
            f"{n:6d} parties: median {statistics.median(times) * 1e3:8.1f} ms, "
            f"min {min(times) * 1e3:8.1f} ms over {count} runs | {len(pairings)} pairings "
            f"({extra} additional), parties by load {dict(sorted(loads.items()))}"
        )


def mixing(n: int, seeds: int, sweep_list: list[int]) -> None:
    """Statistics that start far from the target (the search's start has too many additional
    reviewers) and their mean +- standard error after a number of sweeps: where they stop
    moving, the chain has forgotten its start as far as they can tell."""
    parties = registry(n)
    codes = [p.code for p in parties]
    by = {p.code: p for p in parties}
    print(f"machine: {machine()}")
    print(f"{n} parties, {seeds} seeds per line")
    for sweeps in sweep_list:
        rows = []
        t = time.perf_counter()
        for seed in range(seeds):
            out = draw(
                parties,
                codes,
                rules=DrawRules(mixing_sweeps=sweeps),
                rng=random.Random(10_000 + seed),
            )
            revs: dict[str, set[str]] = collections.defaultdict(set)
            for pr in out:
                revs[pr.reviewed].add(pr.reviewer)
            cycles = sum(
                1 for a in revs for b in revs[a] for c in revs.get(b, ()) if a in revs.get(c, ())
            )
            rows.append(
                (
                    sum(pr.role == "additional" for pr in out),
                    sum(
                        pr.role == "main" and "FIR" not in by[pr.reviewer].instruments for pr in out
                    ),
                    cycles / 3,
                )
            )
        cols = list(zip(*rows, strict=True))
        cells = [
            f"{name} {statistics.mean(c):7.1f} +- {statistics.stdev(c) / len(c) ** 0.5:4.1f}"
            for name, c in zip(("additional", "mains without FIR", "3-cycles"), cols, strict=True)
        ]
        ms = (time.perf_counter() - t) / seeds * 1e3
        print(f"sweeps {sweeps:3d}: " + " | ".join(cells) + f" | {ms:.0f} ms/draw")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="189,1000,10000", help="registry sizes")
    parser.add_argument("--runs", type=int, default=None, help="runs per size (median)")
    parser.add_argument("--sweeps", type=int, default=DrawRules().mixing_sweeps)
    parser.add_argument("--mixing", action="store_true", help="mixing diagnostic instead")
    parser.add_argument("--mixing-size", type=int, default=189)
    parser.add_argument("--mixing-seeds", type=int, default=40)
    parser.add_argument("--mixing-sweeps", default="0,2,5,10,40")
    args = parser.parse_args()
    if args.mixing:
        sweeps = [int(x) for x in args.mixing_sweeps.split(",")]
        mixing(args.mixing_size, args.mixing_seeds, sweeps)
    else:
        bench([int(x) for x in args.sizes.split(",")], args.runs, args.sweeps)


if __name__ == "__main__":
    main()
