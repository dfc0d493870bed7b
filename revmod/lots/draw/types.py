"""The public data types of the draw and the names stored with a draw.

Guarantees: `PartyInfo`, `DrawRules` and `Pairing` are frozen and validate themselves on
creation (a `DrawRules` that exists is a valid one; `to_dict` / `from_dict` round-trip exactly);
`ALGORITHM` names the algorithm and its distribution and changes whenever the output for a seed
could change; the `RULE_*` strings are what `Infeasible.rule` can be (a user interface maps them
to explanations) and never change meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

ALGORITHM = "revmod-lots/2"

INSTRUMENT_ORDER: tuple[str, ...] = ("UNTOC", "TIP", "SOM", "FIR")
ROLE_MAIN = "main"
ROLE_ADDITIONAL = "additional"
NO_GROUP_POLICIES: tuple[str, ...] = ("any", "strict")

# The `rule` of an Infeasible: what a user interface can map to an explanation.
RULE_REVIEWERS = "reviewers per review"
RULE_SAME_GROUP = "reviewer from the same regional group"
RULE_OTHER_GROUP = "reviewer from another regional group"
RULE_INSTRUMENT = "instrument coverage"
RULE_MUTUAL = "no mutual reviews"
RULE_CAP = "workload cap"
RULE_SPREAD = "load spread"
RULE_EXCLUSIONS = "exclusions"
RULE_COMBINED = "rules combined"
RULE_SEARCH = "bounded search"


@dataclass(frozen=True)
class PartyInfo:
    """A party as the draw sees it: its code, regional group (None for parties without one,
    e.g. the European Union) and the instruments it is party to."""

    code: str
    regional_group: str | None
    instruments: frozenset[str]

    def __post_init__(self) -> None:
        if not isinstance(self.instruments, frozenset):
            object.__setattr__(self, "instruments", frozenset(self.instruments))


@dataclass(frozen=True)
class DrawRules:
    """The settings of the draw (their exact meaning: the docstring of `revmod.lots.draw`).

    `mixing_sweeps` is not a rule of the mechanism but changes the output for a seed, so it is
    stored with them."""

    reviewers_per_review: int = 2
    same_group_reviewers: int = 1
    no_group_policy: str = "any"
    no_mutual: bool = True
    max_reviews_per_reviewer: int = 3
    max_load_spread: int | None = 1
    mixing_sweeps: int = 10

    def __post_init__(self) -> None:
        def check_int(name: str, low: int) -> None:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be an integer >= {low}, not {value!r}")

        check_int("reviewers_per_review", 1)
        check_int("same_group_reviewers", 0)
        check_int("max_reviews_per_reviewer", 1)
        check_int("mixing_sweeps", 0)
        if self.max_load_spread is not None:
            check_int("max_load_spread", 0)
        if self.same_group_reviewers > self.reviewers_per_review:
            raise ValueError("same_group_reviewers cannot exceed reviewers_per_review")
        if self.no_group_policy not in NO_GROUP_POLICIES:
            raise ValueError(f"no_group_policy must be one of {NO_GROUP_POLICIES}")
        if not isinstance(self.no_mutual, bool):
            raise ValueError("no_mutual must be a boolean")

    def to_dict(self) -> dict[str, Any]:
        """The rules as a JSON-ready dict (every field, so a stored draw is self-contained)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DrawRules:
        """Inverse of `to_dict`; missing fields take their defaults, unknown ones are refused."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown rule(s): {', '.join(unknown)}")
        return cls(**dict(data))


@dataclass(frozen=True)
class Pairing:
    """`reviewer` reviews `reviewed` for `instruments` (in canonical order: UNTOC, TIP, SOM,
    FIR, then others alphabetically), as a main or an additional reviewer."""

    reviewed: str
    reviewer: str
    instruments: tuple[str, ...]
    role: str = ROLE_MAIN

    def __post_init__(self) -> None:
        if not isinstance(self.instruments, tuple):
            object.__setattr__(self, "instruments", tuple(self.instruments))
        if self.role not in (ROLE_MAIN, ROLE_ADDITIONAL):
            raise ValueError(f"role must be {ROLE_MAIN!r} or {ROLE_ADDITIONAL!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "reviewed": self.reviewed,
            "reviewer": self.reviewer,
            "instruments": list(self.instruments),
            "role": self.role,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pairing:
        return cls(data["reviewed"], data["reviewer"], tuple(data["instruments"]), data["role"])


# The `reason` of an Infeasible: which refusal, for a user interface to put into words in the
# reader's language from `params` (the pure package speaks no language but English, for logs
# and the command line). Each reason's params are listed; party, regional group and
# instrument values are codes. Never change a reason's meaning; add a new one instead.
REASONS: dict[str, tuple[str, ...]] = {
    "same_group_none": ("party", "group"),
    "same_group_few": ("party", "group", "needed", "eligible"),
    "other_group_few": ("party", "group", "needed", "eligible"),
    "no_group_strict": ("party",),
    "reviewers_few": ("party", "needed", "eligible"),
    "instrument_few": ("party", "instrument", "needed", "eligible"),
    "cap_total": ("reviews", "needed", "available", "parties", "cap", "existing"),
    "cap_instrument": ("instrument", "needed", "available"),
    "cap_group": ("group", "needed", "available"),
    "mutual_total": ("reviews", "needed", "most"),
    "search_gave_up": ("over_cap", "mutual_pairs", "loads"),
    "relax_spread": (),
    "relax_mutual": (),
    "relax_cap": ("cap",),
    "no_additional_choice": ("party",),
    "combined": (),
    # A slot of a redraw or a Protocol cover: `slot` is {"kind": "redraw", "reviewed",
    # "reviewer"} or {"kind": "cover", "reviewed", "instruments"}, beside the reason's own.
    "slot_same_group": ("slot", "group"),
    "slot_other_group": ("slot", "group"),
    "slot_instrument": ("slot", "instruments"),
    "slot_excluded": ("slot",),
    "slot_mutual": ("slot", "reviewed"),
    "slot_cap": ("slot", "cap"),
    "slot_spread": ("slot", "spread"),
}


class Infeasible(Exception):
    """No valid assignment exists (or the bounded search could not find one: rule
    "bounded search"). `rule` names the rule that cannot be met, `message` says why in English
    (logs, the command line); `reason` (a key of REASONS) and `params` (JSON-ready: codes and
    numbers) say it as data, for a user interface to translate."""

    def __init__(
        self, rule: str, message: str, reason: str, params: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{rule}: {message}")
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        self.rule = rule
        self.message = message
        self.reason = reason
        self.params: dict[str, Any] = dict(params or {})
