"""The questionnaire tests' shared reviews: `world` at the questionnaire stage (test_offline has
its own), `fb` at the written feedback."""

import pytest

from revmod.accounts.models import Nomination
from revmod.questionnaires import actions
from revmod.questionnaires.tests.test_questionnaires import (
    EXPERT,
    FP,
    NOW,
    OBSERVER,
    OWN,
    REVIEWER,
    load_questionnaire,
    question,
)
from revmod.reviews import actions as reviews
from revmod.test import make_user, make_world, nominate


@pytest.fixture
def world():
    """FRA's cluster-1 review at the questionnaire stage, with its people and one reviewer's
    focal point; the shipped questionnaire loaded."""
    secretariat, made = make_world()
    load_questionnaire()
    review = made["FRA"]
    reviewers = [p.reviewer.code for p in review.pairings()]
    names = ["reviewed_fp", "expert", "expert2", "observer", "reviewer_fp", "outsider"]
    people = {name: make_user(name) for name in names}
    nominate(people["reviewed_fp"], "FRA", FP, OWN, secretariat)
    nominate(people["expert"], "FRA", EXPERT, OWN, secretariat)
    nominate(people["expert2"], "FRA", EXPERT, OWN, secretariat)
    nominate(people["observer"], "FRA", OBSERVER, OWN, secretariat)
    nominate(people["reviewer_fp"], reviewers[0], FP, REVIEWER, secretariat)
    for n, code in enumerate(reviewers[1:]):
        nominate(make_user(f"fp{n}"), code, FP, REVIEWER, secretariat)
    fp = people["reviewed_fp"]
    reviews.act(review, "start_consultation", by=fp, now=NOW)
    reviews.record_consultation(review, by=fp, now=NOW, held_on=NOW.date(), languages=["en"])
    reviews.act(review, "advance", by=fp, now=NOW)
    review.refresh_from_db()
    people["secretariat"] = secretariat
    return review, people


@pytest.fixture
def fb(world):
    """The review at the written feedback stage, the answers submitted. `main_fp` and
    `main2_fp` are the focal points of its two main reviewing parties (the draw differs per
    test), `reviewer_expert` an expert of the first, `all_fps` every reviewing focal point.
    Gives (review, people, the first main reviewer's code, the other reviewers' codes, the
    second main reviewer's first)."""
    review, people = world
    actions.save_answer(review, question("untoc-5-1a"), by=people["expert"], now=NOW,
                        version=0, value=["yes"], text="Penal Code <art. 450-1>.")  # fmt: skip
    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    review.refresh_from_db()
    pairings = list(review.pairings())
    fp_of = {
        n.party.code: n.person
        for n in Nomination.objects.active().filter(scope=REVIEWER, kind=FP).select_related()
    }
    main = sorted(p.reviewer.code for p in pairings if p.role == "main")
    assert len(main) == 2
    people["main_fp"], people["main2_fp"] = fp_of[main[0]], fp_of[main[1]]
    people["all_fps"] = [fp_of[p.reviewer.code] for p in pairings]
    people["reviewer_expert"] = make_user("reviewer_expert")
    nominate(people["reviewer_expert"], main[0], EXPERT, REVIEWER, people["secretariat"])
    additional = sorted(p.reviewer.code for p in pairings if p.role != "main")
    return review, people, main[0], [main[1], *additional]
