"""The draw's refusals in the reader's language (issue 21, item 7): every reason the pure draw
can give is put into words, none left in English."""

import re

import pytest
from django.utils import translation

from revmod.lots import refusals
from revmod.lots.draw import Infeasible
from revmod.lots.draw.types import REASONS

pytestmark = pytest.mark.django_db

SAMPLES = {
    "party": "FRA",
    "group": "WEOG",
    "needed": 2,
    "eligible": 1,
    "instrument": "FIR",
    "reviews": 189,
    "available": 189,
    "parties": 189,
    "cap": 1,
    "existing": False,
    "most": 100,
    "over_cap": 3,
    "mutual_pairs": 2,
    "loads": [2, 4],
    "reviewed": "FRA",
    "instruments": ["TIP", "FIR"],
    "spread": 1,
}
SLOTS = [
    {"kind": "redraw", "reviewed": "FRA", "reviewer": "DEU"},
    {"kind": "cover", "reviewed": "FRA", "instruments": ["TIP", "FIR"]},
]
# What may stay in Latin letters: the instruments' codes (their abbreviations everywhere).
CODES = re.compile(r"\b(UNTOC|TIP|SOM|FIR)\b")


def refusals_of_every_reason():
    for reason, keys in REASONS.items():
        params = {k: SAMPLES[k] for k in keys if k != "slot"}
        for slot in SLOTS if "slot" in keys else [None]:
            yield Infeasible(
                "rule", "English.", reason, {**params, **({"slot": slot} if slot else {})}
            )


def test_every_refusal_reads_in_arabic_with_no_english_left(registry):
    for error in refusals_of_every_reason():
        with translation.override("ar"):
            text = refusals.explain(error)
        assert "فرنسا" in text or "FRA" not in str(error.params), (error.reason, text)
        assert not re.search(r"[A-Za-z]", CODES.sub("", text)), (error.reason, text)
        with translation.override("en"):
            assert refusals.explain(error) != text


def test_a_reason_the_draw_does_not_know_is_refused():
    with pytest.raises(ValueError, match="unknown reason"):
        Infeasible("rule", "English.", "not_a_reason")
