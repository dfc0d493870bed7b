"""What a draw computes from its frozen inputs, rules and seed — the one function that the
meeting, `verifydraw`, the public verification page and `drawlots` all call. Pure: no
database; plain JSON in, plain JSON out.

inputs (JSON) — `parties`: [{code, regional_group, instruments}] (the registry as frozen), and
by kind:
  initial: `reviewed` [codes], `groups` (how many), `sizes` ([n1, n2, ...] or null),
           `volunteers` {code: group}, `exclusions` [[reviewed, reviewer]];
  late:    `reviewed` [codes], `group`, `existing` [pairings], `exclusions`;
  redraw:  `existing` [pairings], `slots` [{reviewed, reviewer}], `exclusions`;
  protocol: `reviewed` [codes], `existing` [pairings], `exclusions`.
rules (JSON) — the pairing draw's DrawRules plus `volunteers_first`.
result (JSON) — `groups` {code: group} (initial, late), `pairings` [pairings] (initial, late,
  protocol: the new additional reviewers), `replacements` [{reviewed, replaced, pairing}]
  (redraw), `extended` [pairings] (protocol: main pairings that take the new instruments).
"""

import hashlib
import json
from typing import Any

from revmod.lots import draw as pairing_draw
from revmod.lots import groups as group_draw
from revmod.lots.rng import HashRandom

KINDS = ("initial", "late", "redraw", "protocol")
EXTRA_RULES = ("volunteers_first",)


def canonical_json(value: Any) -> bytes:
    """The one byte form of a JSON value that hashes are computed on."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def stable_hash(value: Any) -> str:
    """SHA-256 (hex) of the canonical JSON: the same value gives the same hash anywhere."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def party_infos(inputs: dict) -> list[pairing_draw.PartyInfo]:
    return [
        pairing_draw.PartyInfo(
            p["code"], p.get("regional_group") or None, frozenset(p["instruments"])
        )
        for p in inputs["parties"]
    ]


def draw_rules(rules: dict) -> pairing_draw.DrawRules:
    return pairing_draw.DrawRules.from_dict(
        {k: v for k, v in rules.items() if k not in EXTRA_RULES}
    )


def pairings(items) -> list[pairing_draw.Pairing]:
    return [pairing_draw.Pairing.from_dict(item) for item in items]


def compute(kind: str, inputs: dict, rules: dict, seed: bytes) -> dict:
    """The result of a draw. Same arguments, same result, on any machine. Raises
    pairing_draw.Infeasible when the rules cannot be met, ValueError on malformed inputs."""
    rng = HashRandom(seed)
    parties = party_infos(inputs)
    exclusions = [tuple(pair) for pair in inputs.get("exclusions", [])]
    if kind == "initial":
        placed = group_draw.draw_groups(
            parties,
            inputs["reviewed"],
            n_groups=inputs["groups"],
            volunteers={k: int(v) for k, v in inputs.get("volunteers", {}).items()},
            volunteers_first=rules.get("volunteers_first", True),
            sizes=inputs.get("sizes"),
            rng=rng,
        )
        drawn = pairing_draw.draw(
            parties, inputs["reviewed"], rules=draw_rules(rules), rng=rng, exclusions=exclusions
        )
        return {"groups": dict(sorted(placed.items())), "pairings": [p.to_dict() for p in drawn]}
    if kind == "late":
        drawn = pairing_draw.draw(
            parties,
            inputs["reviewed"],
            rules=draw_rules(rules),
            rng=rng,
            existing=pairings(inputs.get("existing", [])),
            exclusions=exclusions,
        )
        return {
            "groups": {code: inputs["group"] for code in sorted(inputs["reviewed"])},
            "pairings": [p.to_dict() for p in drawn],
        }
    if kind == "redraw":
        current = pairings(inputs["existing"])
        replacements = []
        for slot in inputs["slots"]:
            new = pairing_draw.redraw_slot(
                parties,
                current,
                slot["reviewed"],
                slot["reviewer"],
                rules=draw_rules(rules),
                rng=rng,
                exclusions=exclusions,
            )
            # Later slots of the same draw see this replacement.
            current = [
                p
                for p in current
                if (p.reviewed, p.reviewer) != (slot["reviewed"], slot["reviewer"])
            ] + [new]
            replacements.append(
                {
                    "reviewed": slot["reviewed"],
                    "replaced": slot["reviewer"],
                    "pairing": new.to_dict(),
                }
            )
        return {"replacements": replacements}
    if kind == "protocol":
        current = pairings(inputs["existing"])
        extended, added = [], []
        for code in inputs["reviewed"]:
            longer, new = pairing_draw.cover(
                parties, current, code, rules=draw_rules(rules), rng=rng, exclusions=exclusions
            )
            # Later parties of the same draw see these pairings (loads, mutuality).
            keys = {(p.reviewed, p.reviewer) for p in longer}
            current = [p for p in current if (p.reviewed, p.reviewer) not in keys] + longer + new
            extended += longer
            added += new
        return {
            "extended": [p.to_dict() for p in extended],
            "pairings": [p.to_dict() for p in added],
        }
    raise ValueError(f"unknown kind of draw {kind!r}")
