"""The draw that sorts the parties under review into groups (seed ¶6: three groups, staggered
by a year), proportionally by regional group (UNCAC practice), volunteers first if allowed.

Pure module: no Django, the randomness comes from the `rng` passed in.

The rule. With g groups, a regional group R of c_R parties under review gives each group
floor(c_R / g) or ceil(c_R / g) of them (within 1 of proportional); the groups' sizes are the
`sizes` asked for (default: as equal as possible, the larger ones last: 187 → 62, 62, 63).
Parties without a regional group form a bucket of their own, treated the same way.
Volunteers (code → group) are placed in the group they asked for first when
`volunteers_first` is on; the others fill around them under the same rule.

The distribution: uniform over every assignment that meets the rule. Why: a valid assignment
is a choice, for each R, of which groups get the "+1" (the e_R = c_R mod g extra parties), and
then of which parties go where. Every choice of extras for R leads to the same number of ways
to place R's parties (a multinomial coefficient that depends only on c_R and e_R), so drawing
the pattern of extras uniformly among the valid patterns and then the parties uniformly (a
shuffle) gives every valid assignment the same probability. Valid patterns are enumerated
when there are at most 200,000 candidate patterns (always with three groups), else drawn by
rejection with a bounded number of tries.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterable, Mapping, Sequence

from revmod.lots.solver import Infeasible, PartyInfo

RULE_GROUPS = "groups proportional by regional group"
_ENUMERATE_LIMIT = 200_000
_REJECTION_TRIES = 200_000
_NO_GROUP = "\uffff"  # sorts after every regional group code


def default_sizes(n: int, n_groups: int) -> list[int]:
    """As equal as possible, the larger groups last."""
    base, extra = divmod(n, n_groups)
    return [base + (1 if j >= n_groups - extra else 0) for j in range(n_groups)]


def draw_groups(
    parties: Sequence[PartyInfo],
    reviewed: Iterable[str],
    *,
    n_groups: int = 3,
    volunteers: Mapping[str, int] | None = None,
    volunteers_first: bool = True,
    sizes: Sequence[int] | None = None,
    rng: random.Random,
) -> dict[str, int]:
    """Place each party of `reviewed` in a group 1..n_groups (see the module docstring).
    Returns {code: group}. Raises Infeasible when the sizes or the volunteers make the rule
    impossible, ValueError on malformed input."""
    region = {p.code: p.regional_group or _NO_GROUP for p in parties}
    codes = sorted(set(reviewed))
    unknown = [c for c in codes if c not in region]
    if unknown:
        raise ValueError(f"unknown parties under review: {', '.join(unknown)}")
    if n_groups < 1:
        raise ValueError("n_groups must be at least 1")
    sizes = list(sizes) if sizes is not None else default_sizes(len(codes), n_groups)
    if len(sizes) != n_groups or sum(sizes) != len(codes) or min(sizes) < 0:
        raise Infeasible(
            RULE_GROUPS,
            f"{n_groups} group sizes adding up to {len(codes)} are needed, not {sizes}",
        )
    fixed: dict[str, int] = {}
    if volunteers_first:
        for code, group in sorted((volunteers or {}).items()):
            if code not in region or code not in codes:
                raise ValueError(f"volunteer {code} is not among the parties under review")
            if not 1 <= group <= n_groups:
                raise ValueError(f"volunteer {code} asks for group {group}, which does not exist")
            fixed[code] = group - 1

    by_region: dict[str, list[str]] = {}
    for code in codes:
        by_region.setdefault(region[code], []).append(code)
    regions = sorted(by_region)

    # For each region: its floor, extras, volunteers per group, and the allowed extra patterns.
    options: list[list[tuple[int, ...]]] = []
    for r in regions:
        count = len(by_region[r])
        low, extra = divmod(count, n_groups)
        taken = [0] * n_groups
        for code in by_region[r]:
            if code in fixed:
                taken[fixed[code]] += 1
        patterns = []
        for chosen in itertools.combinations(range(n_groups), extra):
            pattern = tuple(1 if j in chosen else 0 for j in range(n_groups))
            if all(taken[j] <= low + pattern[j] for j in range(n_groups)):
                patterns.append(pattern)
        if not patterns:
            name = "parties without a regional group" if r == _NO_GROUP else r
            raise Infeasible(
                RULE_GROUPS,
                f"the volunteers of {name} ask for more places in one group than its "
                f"proportional share ({low} or {low + 1} per group)",
            )
        options.append(patterns)

    floors = [len(by_region[r]) // n_groups for r in regions]
    demand = [sizes[j] - sum(floors) for j in range(n_groups)]
    if any(d < 0 for d in demand):
        raise Infeasible(RULE_GROUPS, f"group sizes {sizes} are too small for every region")

    def fits(choice: Sequence[tuple[int, ...]]) -> bool:
        return all(sum(p[j] for p in choice) == demand[j] for j in range(n_groups))

    if math.prod(len(o) for o in options) <= _ENUMERATE_LIMIT:
        valid = [choice for choice in itertools.product(*options) if fits(choice)]
        if not valid:
            raise Infeasible(
                RULE_GROUPS,
                f"no way to give groups of sizes {sizes} a proportional share of each region",
            )
        choice = valid[rng.randrange(len(valid))]
    else:
        for _ in range(_REJECTION_TRIES):
            choice = tuple(o[rng.randrange(len(o))] for o in options)
            if fits(choice):
                break
        else:
            raise Infeasible(RULE_GROUPS, "the bounded search found no proportional split")

    placed: dict[str, int] = {}
    for r, floor_r, pattern in zip(regions, floors, choice, strict=True):
        members = by_region[r]
        slots = []  # the free places of each group, after the volunteers
        for j in range(n_groups):
            wanted = floor_r + pattern[j]
            volunteers_here = sum(1 for c in members if fixed.get(c) == j)
            slots += [j] * (wanted - volunteers_here)
        others = [c for c in members if c not in fixed]
        rng.shuffle(slots)
        for code, j in zip(others, slots, strict=True):
            placed[code] = j + 1
        for code in members:
            if code in fixed:
                placed[code] = fixed[code] + 1
    return dict(sorted(placed.items()))
