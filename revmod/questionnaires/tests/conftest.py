"""The questionnaire tests' shared reviews: `world` at the questionnaire stage (built once per
module), `fb` at the written feedback."""

import pytest

from revmod.accounts.models import Nomination
from revmod.questionnaires import actions
from revmod.questionnaires.tests.test_questionnaires import (
    EXPERT,
    FP,
    NOW,
    REVIEWER,
    question,
)
from revmod.reviews import actions as reviews
from revmod.test import (
    fresh,
    load_questionnaire,
    make_people,
    make_user,
    make_world,
    nominate,
    shared_data,
    to_questionnaire,
)

# A second expert of the party under review (two people answering the same questionnaire).
EXPERT2 = ("own", EXPERT)


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, made = make_world()
        load_questionnaire()
        people, _nominations = make_people(secretariat, made["FRA"], extra={"expert2": EXPERT2})
        languages = getattr(request.module, "WORKING_LANGUAGES", ("en",))
        yield to_questionnaire(made["FRA"], people["reviewed_fp"], languages=languages), people


@pytest.fixture
def world(shared_world, db):
    """FRA's cluster-1 review at the questionnaire stage, with its people and a second expert;
    the shipped questionnaire loaded. The working languages are the module's
    WORKING_LANGUAGES, English if it has none."""
    return fresh(shared_world)


@pytest.fixture
def fb(world):
    """The review at the written feedback stage, the answers submitted. `main_fp` and
    `main2_fp` are the focal points of its two main reviewing parties (the draw differs per
    module), `reviewer_expert` an expert of the first, `all_fps` every reviewing focal point.
    Gives (review, people, the first main reviewer's code, the other reviewers' codes, the
    second main reviewer's first)."""
    review, people = world
    actions.save_answer(
        review,
        question("untoc-5-1a"),
        by=people["expert"],
        now=NOW,
        version=0,
        value=["yes"],
        text="Penal Code <art. 450-1>.",
    )
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
