"""Tests of the group draw (revmod.lots.groups): the rules, and that every valid grouping is
equally likely (checked against a brute-force enumeration of all groupings)."""

from __future__ import annotations

import collections
import itertools
import random
from collections.abc import Mapping, Sequence
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revmod.lots.draw import PartyInfo
from revmod.lots.groups import draw_groups

# --------------------------------------------------------------------------------------------
# Reference implementation, straight from the rules in the module docstring
# --------------------------------------------------------------------------------------------


def category_counts(
    parties: Sequence[PartyInfo], groups: Mapping[str, int], n: int
) -> dict[tuple[str | None, int], int]:
    region = {p.code: p.regional_group for p in parties}
    counts: dict[tuple[str | None, int], int] = collections.Counter()
    for code, g in groups.items():
        counts[(region[code], g)] += 1
    return counts


def rule_breaks(
    parties: Sequence[PartyInfo],
    reviewed: Sequence[str],
    groups: Mapping[str, int],
    n: int,
    sizes: Sequence[int] | None = None,
) -> list[str]:
    """Rules 1 and 2 (sizes, proportionality) that `groups` breaks."""
    errs = []
    if sorted(groups) != sorted(reviewed):
        errs.append("not every reviewed party placed exactly once")
    if any(not 1 <= g <= n for g in groups.values()):
        errs.append("a group outside 1..n")
    size = collections.Counter(groups.values())
    N = len(reviewed)
    if sizes is not None:
        if [size[j] for j in range(1, n + 1)] != list(sizes):
            errs.append(f"sizes {size} != {sizes}")
    elif max(size[j] for j in range(1, n + 1)) - min(size[j] for j in range(1, n + 1)) > 1:
        errs.append(f"sizes {size} differ by more than one")
    region = {p.code: p.regional_group for p in parties}
    per = collections.Counter(region[c] for c in reviewed)
    counts = category_counts(parties, groups, n)
    for g, total in per.items():
        for j in range(1, n + 1):
            share = Fraction(total, n) if sizes is None else Fraction(total * sizes[j - 1], N)
            if abs(counts[(g, j)] - share) >= 1:
                errs.append(f"{g} in group {j}: {counts[(g, j)]} vs proportional {share}")
    return errs


def honoured(groups: Mapping[str, int], volunteers: Mapping[str, int]) -> int:
    return sum(1 for c, g in volunteers.items() if groups.get(c) == g)


def all_valid(
    parties: Sequence[PartyInfo],
    reviewed: Sequence[str],
    n: int,
    volunteers: Mapping[str, int],
    sizes: Sequence[int] | None = None,
) -> list[dict[str, int]]:
    """Every grouping meeting rules 1-3 (brute force over n ** len(reviewed) assignments)."""
    codes = sorted(reviewed)
    valid = []
    for combo in itertools.product(range(1, n + 1), repeat=len(codes)):
        g = dict(zip(codes, combo, strict=True))
        if not rule_breaks(parties, codes, g, n, sizes):
            valid.append(g)
    best = max((honoured(g, volunteers) for g in valid), default=0)
    return [g for g in valid if honoured(g, volunteers) == best]


def P(code: str, group: str | None) -> PartyInfo:
    return PartyInfo(code, group, frozenset({"UNTOC"}))


def registry(counts: Mapping[str | None, int]) -> list[PartyInfo]:
    out = []
    for g, c in counts.items():
        for i in range(c):
            out.append(P(f"{g or 'NONE'}{i:03d}", g))
    return out


REAL = {"AFR": 52, "APG": 47, "EEG": 23, "GRULAC": 33, "WEOG": 29, None: 5}

# --------------------------------------------------------------------------------------------
# The shape of real draws
# --------------------------------------------------------------------------------------------


def test_189_parties_give_three_groups_of_63_proportional_by_region() -> None:
    parties = registry(REAL)
    codes = [p.code for p in parties]
    for seed in range(5):
        groups = draw_groups(parties, codes, rng=random.Random(seed))
        assert not rule_breaks(parties, codes, groups, 3)
        assert sorted(collections.Counter(groups.values()).values()) == [63, 63, 63]


def test_fixed_sizes_62_63_64_are_kept_and_proportional_to_them() -> None:
    parties = registry(REAL)
    codes = [p.code for p in parties]
    groups = draw_groups(parties, codes, rng=random.Random(3), sizes=[62, 63, 64])
    assert not rule_breaks(parties, codes, groups, 3, [62, 63, 64])
    assert collections.Counter(groups.values()) == {1: 62, 2: 63, 3: 64}
    # Also within one of the plain third, which is what the rest of the application checks.
    per = collections.Counter(p.regional_group for p in parties)
    counts = category_counts(parties, groups, 3)
    assert all(abs(counts[(g, j)] - per[g] / 3) < 1 + 1e-9 for g in per for j in (1, 2, 3))


def test_uneven_total_sizes_differ_by_one_and_the_larger_groups_vary() -> None:
    parties = registry({"AFR": 10, "EEG": 5, None: 2})  # 17 = 6 + 6 + 5
    codes = [p.code for p in parties]
    small = collections.Counter()
    for seed in range(300):
        size = collections.Counter(draw_groups(parties, codes, rng=random.Random(seed)).values())
        assert sorted(size.values()) == [5, 6, 6]
        small[min(size, key=lambda j: size[j])] += 1
    assert set(small) == {1, 2, 3}  # which group is the smaller one is drawn


def test_volunteers_are_placed_when_allowed() -> None:
    parties = registry(REAL)
    codes = [p.code for p in parties]
    afr = [c for c in codes if c.startswith("AFR")]
    # 20 AFR volunteers for group 1: only ceil(52 / 3) = 18 AFR parties fit in a group.
    volunteers = {c: 1 for c in afr[:20]} | {"EEG000": 2, "WEOG000": 3}
    for seed in range(5):
        groups = draw_groups(parties, codes, volunteers=volunteers, rng=random.Random(seed))
        assert not rule_breaks(parties, codes, groups, 3)
        assert honoured(groups, volunteers) == 18 + 2
        assert groups["EEG000"] == 2 and groups["WEOG000"] == 3


def test_volunteers_are_ignored_when_volunteers_first_is_off() -> None:
    parties = registry({"AFR": 3})
    codes = [p.code for p in parties]
    seen = collections.Counter(
        draw_groups(
            parties, codes, volunteers={"AFR000": 1}, volunteers_first=False, rng=random.Random(s)
        )["AFR000"]
        for s in range(300)
    )
    assert set(seen) == {1, 2, 3}


def test_same_seed_same_groups_and_input_order_does_not_matter() -> None:
    parties = registry(REAL)
    codes = [p.code for p in parties]
    a = draw_groups(parties, codes, rng=random.Random(11))
    b = draw_groups(list(reversed(parties)), list(reversed(codes)), rng=random.Random(11))
    assert a == b
    assert a != draw_groups(parties, codes, rng=random.Random(12))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"sizes": [1, 2]}, "sizes must be 3 integers"),
        ({"sizes": [1, 1, 1]}, "add up to 5"),
        ({"volunteers": {"AFR000": 4}}, "not one of 1..3"),
        ({"volunteers": {"XXX": 1}}, "not among the reviewed"),
        ({"n_groups": 0}, "positive integer"),
    ],
)
def test_bad_inputs_are_refused(kwargs: dict, message: str) -> None:
    parties = registry({"AFR": 5})
    with pytest.raises(ValueError, match=message):
        draw_groups(parties, [p.code for p in parties], rng=random.Random(1), **kwargs)


def test_no_reviewed_party_gives_no_group() -> None:
    assert draw_groups(registry({"AFR": 2}), [], rng=random.Random(1)) == {}


# --------------------------------------------------------------------------------------------
# The distribution: uniform over the valid groupings
# --------------------------------------------------------------------------------------------

UNIFORM_CASES = [
    # (regional counts, volunteers, sizes)
    ({"A": 4, "B": 2, None: 1}, {}, None),
    ({"A": 3, "B": 3, None: 1}, {"A000": 1, "A001": 1, "B000": 3}, None),
    ({"A": 4, "B": 3}, {"A000": 2, "B001": 2}, [2, 2, 3]),
]


@pytest.mark.parametrize("counts, volunteers, sizes", UNIFORM_CASES)
def test_every_valid_grouping_is_equally_likely(
    counts: dict, volunteers: dict, sizes: list[int] | None
) -> None:
    parties = registry(counts)
    codes = [p.code for p in parties]
    valid = all_valid(parties, codes, 3, volunteers, sizes)
    keyed = {tuple(sorted(g.items())) for g in valid}
    n = 10_000
    seen = collections.Counter(
        tuple(
            sorted(
                draw_groups(
                    parties, codes, volunteers=volunteers, sizes=sizes, rng=random.Random(seed)
                ).items()
            )
        )
        for seed in range(n)
    )
    assert set(seen) <= keyed  # nothing invalid or sub-optimal for the volunteers
    tv = 0.5 * sum(abs(seen[g] / n - 1 / len(keyed)) for g in keyed)
    # Sampling noise alone gives a distance of about 0.4 * sqrt(K / n) (K valid groupings,
    # n draws); a biased draw would add its bias to that.
    assert tv < 1.2 * 0.4 * (len(keyed) / n) ** 0.5 + 0.005, (len(keyed), tv)


# --------------------------------------------------------------------------------------------
# Properties on random registries
# --------------------------------------------------------------------------------------------


@st.composite
def small_cases(draw: st.DrawFn) -> tuple:
    n_groups = draw(st.integers(1, 3))
    regions = draw(st.lists(st.sampled_from(["A", "B", "C", None]), min_size=1, max_size=7))
    parties = [P(f"P{i}", g) for i, g in enumerate(regions)]
    codes = [p.code for p in parties]
    reviewed = draw(st.lists(st.sampled_from(codes), unique=True, min_size=0, max_size=len(codes)))
    volunteers = draw(st.dictionaries(st.sampled_from(codes), st.integers(1, n_groups)))
    volunteers = {c: g for c, g in volunteers.items() if c in reviewed}
    sizes = None
    if draw(st.booleans()) and reviewed:
        cuts = sorted(
            draw(
                st.lists(
                    st.integers(0, len(reviewed)), min_size=n_groups - 1, max_size=n_groups - 1
                )
            )
        )
        bounds = [0, *cuts, len(reviewed)]
        sizes = [b - a for a, b in itertools.pairwise(bounds)]
    seed = draw(st.integers(0, 2**32))
    return parties, reviewed, n_groups, volunteers, sizes, seed


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_cases())
def test_groups_follow_the_rules_and_place_the_most_volunteers(case: tuple) -> None:
    parties, reviewed, n, volunteers, sizes, seed = case
    groups = draw_groups(
        parties, reviewed, n_groups=n, volunteers=volunteers, sizes=sizes, rng=random.Random(seed)
    )
    assert not rule_breaks(parties, reviewed, groups, n, sizes)
    valid = all_valid(parties, reviewed, n, volunteers, sizes)
    assert valid, "the rules always admit a grouping"
    assert honoured(groups, volunteers) == honoured(valid[0], volunteers)
    again = draw_groups(
        parties, reviewed, n_groups=n, volunteers=volunteers, sizes=sizes, rng=random.Random(seed)
    )
    assert again == groups
