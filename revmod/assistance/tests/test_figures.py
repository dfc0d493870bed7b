"""The figures of the status report (seed ¶46): 69 requests from 16 States by category, as of
a date, in SQL with a flat query count."""

import datetime as dt

import pytest

from revmod.assistance import actions
from revmod.assistance.figures import figures
from revmod.assistance.tests.helpers import NOW, people, survey
from revmod.registry.models import Party
from revmod.test import count_queries, make_user, nominate

pytestmark = pytest.mark.django_db
# The paper's counts (¶46), in the order of the setting.
PAPER = {
    "general_training": 15,
    "revmod_training": 15,
    "status_briefings": 10,
    "questionnaire_training": 9,
    "counterpart_coordination": 9,
    "questionnaire_help": 8,
    "other": 3,
}
CODES = ["ARG", "BRA", "CHL", "KEN", "NGA", "EGY", "IND", "PAK", "PHL", "SRB", "UKR", "ALB",
         "MEX", "PER", "GHA", "JOR"]  # fmt: skip


@pytest.fixture
def answered(registry):
    users = people()
    opened = survey(users)
    for i, code in enumerate(CODES):
        needs = {
            category: f"{category} for {code}"
            for category, count in PAPER.items()
            # "other" from the last three States, so that each of the 16 asks for something.
            if (i >= len(CODES) - count if category == "other" else i < count)
        }
        fp = make_user(f"fp-{code}")
        nominate(fp, code, "focal_point", "own", users["secretariat"])
        actions.answer(opened, Party.objects.get(code=code), needs=needs, by=fp, now=NOW)
    return users, opened


def test_the_papers_figures(answered):
    result = figures(dt.date(2024, 4, 16))
    assert (result.requests, result.states, result.parties) == (69, 16, 16)
    assert [(row.code, row.requests) for row in result.by_category] == list(PAPER.items())
    assert sum(row.requests for row in result.by_group) == 69
    assert sum(row.states for row in result.by_group) == 16
    groups = {row.code: row.requests for row in result.by_group}
    assert set(groups) == {"AFR", "APG", "EEG", "GRULAC"}
    assert len(result.by_state) == 16 and result.by_state[0].code == "ALB"


def test_as_of_a_date(answered):
    users, opened = answered
    before = figures(NOW.date() - dt.timedelta(days=1))
    assert before.requests == 0 and before.by_group == [] and before.by_category[0].requests == 0
    later = NOW + dt.timedelta(days=5)
    jor = Party.objects.get(code="JOR")  # the 16th State asked only for "other"
    fp = jor.nominations.get().person
    actions.answer(opened, jor, needs={"other": "", "general_training": ""}, by=fp, now=later)
    assert figures(NOW.date()).requests == 69
    assert figures(later.date()).requests == 70


def test_a_withdrawn_request_counts_until_withdrawn(answered):
    users, opened = answered
    later = NOW + dt.timedelta(days=5)
    arg = Party.objects.get(code="ARG")
    fp = arg.nominations.get().person
    actions.answer(opened, arg, needs={"general_training": ""}, by=fp, now=later)
    assert figures(NOW.date()).requests == 69
    assert figures(later.date()).requests == 69 - 5  # ARG asked for six categories


def test_the_figures_take_four_queries(answered):
    assert count_queries(lambda: figures(dt.date(2024, 4, 16))) == 4
