"""Dry runs of the draw for anyone, outside any meeting, on a registry in a CSV file."""

import csv
import json
import re
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from revmod.lots import draw as pairing_draw
from revmod.lots.compute import compute
from revmod.lots.rng import run_seed

DEFAULT_RULES = {**pairing_draw.DrawRules().to_dict(), "volunteers_first": True}
# Bounds on the work one command may ask for (docs/draw.md, "Dry runs"). Sorting the parties
# into groups (lots.groups) counts every table of regional categories × groups, which grows
# steeply with both: 189 parties in 5 regional groups take 0.3 s in 8 groups and minutes in 10;
# 6 parties in 25 groups took 90 s. Within these bounds a run takes under half a second (500
# parties in 7 regional categories and 5 groups), one of the real registry (189 parties, 3
# groups) under a tenth: a thousand runs of it take about a minute.
MAX_RUNS = 1000
MAX_GROUPS = 5
MAX_REGIONAL_GROUPS = 6
MAX_PARTIES = 500


def read_registry(path: Path) -> list[dict]:
    """Parties from a CSV with columns code,regional_group,instruments (separated by ';')."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot read it as a UTF-8 text file ({error})") from None
    reader = csv.DictReader(text.splitlines())
    wanted = ["code", "regional_group", "instruments"]
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames] != wanted:
        raise CommandError(f"{path}, line 1: the header must be {','.join(wanted)}")
    parties, seen = [], set()
    for row in reader:
        where = f"{path}, line {reader.line_num}"
        if None in row or any(v is None for v in row.values()):
            raise CommandError(f"{where}: expected 3 fields")
        code = row["code"].strip()
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,10}", code):
            raise CommandError(f"{where}: code {code!r} must be 1 to 10 letters or digits")
        if code in seen:
            raise CommandError(f"{where}: party {code} appears twice")
        seen.add(code)
        instruments = [i.strip() for i in row["instruments"].split(";") if i.strip()]
        if not instruments:
            raise CommandError(f"{where}: party {code} is party to no instrument")
        parties.append(
            {
                "code": code,
                "regional_group": row["regional_group"].strip() or None,
                "instruments": instruments,
            }
        )
    if len(parties) < 2:
        raise CommandError(f"{path}: a draw needs at least two parties")
    if len(parties) > MAX_PARTIES:
        raise CommandError(f"{path}: {len(parties)} parties; a dry run takes at most {MAX_PARTIES}")
    regional_groups = {p["regional_group"] for p in parties} - {None}
    if len(regional_groups) > MAX_REGIONAL_GROUPS:
        raise CommandError(
            f"{path}: {len(regional_groups)} regional groups; a dry run takes at most "
            f"{MAX_REGIONAL_GROUPS} (and parties in none)"
        )
    return parties


class Command(BaseCommand):
    help = (
        "Run the draw (groups and reviewing parties) on a registry CSV with columns "
        "code,regional_group,instruments (instruments separated by ';'), as often as asked. "
        "Run 0 uses --seed itself, so a published seed reproduces a real draw; run i uses "
        "SHA-256(seed ‖ i). Prints one JSON object per run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--registry", required=True, type=Path)
        parser.add_argument("--rules", type=Path, help="JSON file of rules (default: defaults)")
        parser.add_argument("--seed", required=True, help="hexadecimal")
        parser.add_argument("--runs", type=int, default=1, help=f"1 to {MAX_RUNS} (default 1)")
        parser.add_argument("--groups", type=int, default=3, help=f"1 to {MAX_GROUPS} (default 3)")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="one JSON object per line"
        )
        parser.add_argument(
            "--summary", action="store_true", help="after the runs, how often each pairing came"
        )

    def handle(self, *args, registry, rules, seed, runs, groups, as_json, summary, **options):
        # The bounds first: a refusal comes at once, before the registry is read.
        if not 1 <= runs <= MAX_RUNS:
            raise CommandError(f"--runs must be from 1 to {MAX_RUNS} (got {runs})")
        if not 1 <= groups <= MAX_GROUPS:
            raise CommandError(
                f"--groups must be from 1 to {MAX_GROUPS} (got {groups}); the mechanism has 3"
            )
        parties = read_registry(registry)
        if groups > len(parties):
            raise CommandError(
                f"--groups {groups} is more than the {len(parties)} parties: at most one group "
                "per party"
            )
        rule_set = self.read_rules(rules)
        try:
            base = bytes.fromhex(seed)
        except ValueError:
            raise CommandError(f"--seed {seed!r} is not hexadecimal") from None
        if not base:
            raise CommandError("--seed is empty")
        inputs = {
            "parties": parties,
            "reviewed": sorted(p["code"] for p in parties),
            "groups": groups,
            "sizes": None,
            "volunteers": {},
            "exclusions": [],
        }
        counts: Counter = Counter()
        for run in range(runs):
            run_bytes = run_seed(base, run)
            try:
                result = compute("initial", inputs, rule_set, run_bytes)
            except pairing_draw.Infeasible as error:
                raise CommandError(f"impossible rule set: {error.rule}: {error.message}") from None
            except ValueError as error:
                raise CommandError(f"malformed input: {error}") from None
            output = {
                "seed": run_bytes.hex(),
                "algorithm": pairing_draw.ALGORITHM,
                "groups": result["groups"],
                "pairings": [
                    {k: p[k] for k in ("reviewed", "reviewer", "instruments")}
                    for p in result["pairings"]
                ],
            }
            counts.update((p["reviewed"], p["reviewer"]) for p in result["pairings"])
            self.stdout.write(self.dump(output, as_json))
        if summary:
            for (reviewed, reviewer), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                self.stdout.write(f"{reviewer} reviews {reviewed}: {n} of {runs} runs")

    def dump(self, output, as_json):
        if as_json:
            return json.dumps(output, ensure_ascii=False, sort_keys=True)
        lines = [f"seed {output['seed']} ({output['algorithm']})"]
        for p in output["pairings"]:
            group = output["groups"][p["reviewed"]]
            instruments = "+".join(p["instruments"])
            lines.append(
                f"  group {group}: {p['reviewer']} reviews {p['reviewed']} ({instruments})"
            )
        return "\n".join(lines)

    def read_rules(self, path):
        if path is None:
            return dict(DEFAULT_RULES)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: not a readable JSON file ({error})") from None
        if not isinstance(data, dict):
            raise CommandError(f"{path}: the rules must be a JSON object")
        unknown = set(data) - set(DEFAULT_RULES)
        if unknown:
            raise CommandError(f"{path}: unknown rule(s) {', '.join(sorted(unknown))}")
        rules = {**DEFAULT_RULES, **data}
        try:
            pairing_draw.DrawRules.from_dict(
                {k: v for k, v in rules.items() if k != "volunteers_first"}
            )
        except (TypeError, ValueError) as error:
            raise CommandError(f"{path}: {error}") from None
        return rules
