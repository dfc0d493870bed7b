"""The nominations' tally (accounts.tally) the status paper reads: kept by the actions in the
transaction of each change, one row per day the counts change, the same as a recount."""

import datetime as dt

import pytest

from revmod.accounts import actions, tally
from revmod.accounts.models import Nomination, NominationTally
from revmod.test import make_user, nominate

pytestmark = pytest.mark.django_db
FP, EXPERT, OBSERVER = "focal_point", "expert", "observer"
OWN, REVIEWER = Nomination.Scope.OWN, Nomination.Scope.REVIEWER
D1, D2, D3, D4 = (
    dt.date(2024, 1, 10),
    dt.date(2024, 2, 1),
    dt.date(2024, 3, 1),
    dt.date(2024, 4, 1),
)


@pytest.fixture
def secretariat(registry):
    return make_user("secretariat", secretariat=True)


def person(username, gender="", ministry=""):
    user = make_user(username)
    user.gender, user.ministry = gender, ministry
    user.save(update_fields=["gender", "ministry"])
    return user


def rows(code="FRA") -> list[dict]:
    fields = ["since", "until", "focal_points", "focal_point_women", "focal_points_justice"]
    fields += ["focal_points_interior", "focal_point_changed", "experts", "expert_women"]
    fields += ["observers", "named_own_focal_point", "named_own_expert"]
    return list(NominationTally.objects.filter(party__code=code).order_by("since").values(*fields))


def everything() -> list[tuple]:
    return sorted(
        tuple(v for k, v in row.items() if k != "id") for row in NominationTally.objects.values()
    )


def test_each_change_of_a_nomination_starts_a_row_of_the_counts_from_that_day(secretariat):
    amina = person("amina", "female", "justice")
    nominate(amina, "FRA", FP, OWN, secretariat, on=D1)
    nominate(amina, "FRA", FP, REVIEWER, secretariat, on=D1)  # one person, counted once
    expert = nominate(person("eve", "female"), "FRA", EXPERT, OWN, secretariat, on=D2)
    # Amina is replaced by Bruno as the focal point for France's own review.
    nominate(person("bruno", "male", "interior"), "FRA", FP, OWN, secretariat, on=D3)
    actions.end_nomination(
        expert, on=D4, by=secretariat, now=dt.datetime(2024, 4, 1, tzinfo=dt.UTC)
    )
    first = {"focal_points_justice": 1, "focal_points_interior": 0, "observers": 0}
    assert rows() == [
        {
            "since": D1,
            "until": D2,
            "focal_points": 1,
            "focal_point_women": 1,
            **first,
            "focal_point_changed": False,
            "experts": 0,
            "expert_women": 0,
            "named_own_focal_point": D1,
            "named_own_expert": None,
        },
        {
            "since": D2,
            "until": D3,
            "focal_points": 1,
            "focal_point_women": 1,
            **first,
            "focal_point_changed": False,
            "experts": 1,
            "expert_women": 1,
            "named_own_focal_point": D1,
            "named_own_expert": D2,
        },
        {  # Amina still the focal point as reviewer; Bruno for France's own review
            "since": D3,
            "until": D4,
            "focal_points": 2,
            "focal_point_women": 1,
            "focal_points_justice": 1,
            "focal_points_interior": 1,
            "observers": 0,
            "focal_point_changed": True,
            "experts": 1,
            "expert_women": 1,
            "named_own_focal_point": D1,
            "named_own_expert": D2,
        },
        {  # the expert left: the role is no longer filled
            "since": D4,
            "until": None,
            "focal_points": 2,
            "focal_point_women": 1,
            "focal_points_justice": 1,
            "focal_points_interior": 1,
            "observers": 0,
            "focal_point_changed": True,
            "experts": 0,
            "expert_women": 0,
            "named_own_focal_point": D1,
            "named_own_expert": None,
        },
    ]
    assert rows("DEU") == []  # a party without nominations has no row


def test_a_nomination_backdated_before_the_others_recounts_the_earlier_days(secretariat):
    nominate(person("amina", "female"), "FRA", FP, OWN, secretariat, on=D2)
    nominate(person("olga"), "FRA", OBSERVER, OWN, secretariat, on=D1)
    assert [(r["since"], r["until"], r["focal_points"], r["observers"]) for r in rows()] == [
        (D1, D2, 0, 1),
        (D2, None, 1, 1),
    ]


def test_the_backfill_gives_what_the_actions_kept(secretariat):
    nominate(person("amina", "female", "justice"), "FRA", FP, OWN, secretariat, on=D1)
    nominate(person("bruno", "male"), "FRA", FP, OWN, secretariat, on=D3)
    nominate(person("eve", "female"), "KEN", EXPERT, REVIEWER, secretariat, on=D2)
    kept = everything()
    NominationTally.objects.all().delete()
    tally.refresh_all()
    assert everything() == kept and len(kept) == 3
