"""The secretariat's statistics on the questionnaire answers: counted from the latest
submission of each review (never from drafts), by regional group and group, per instrument,
with a shared form whose small numbers are hidden, for the secretariat only."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from revmod.accounts.models import Nomination
from revmod.questionnaires import actions
from revmod.questionnaires.models import Question
from revmod.registry.models import Cluster
from revmod.reviews import actions as reviews
from revmod.stats import answers
from revmod.test import (
    FORMULA,
    assert_inert,
    body,
    count_queries,
    fresh,
    load_questionnaire,
    make_user,
    make_world,
    nominate,
    rename,
    shared_data,
    to_questionnaire,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2021, 2, 1, 9, tzinfo=dt.UTC)
OWN, REVIEWER = Nomination.Scope.OWN, Nomination.Scope.REVIEWER
FP = Nomination.Kind.FOCAL_POINT
PARTIES = ("FRA", "DEU", "KEN", "BRA", "JPN", "POL", "NGA", "MEX", "ITA", "IND")


def url(name):
    with translation.override("en"):
        return reverse(name)


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, made = make_world(reviewed=PARTIES)
        load_questionnaire()
        named = set()
        people = {}
        for code, review in made.items():
            fp = make_user(f"fp-{code}")
            nominate(fp, code, FP, OWN, secretariat)
            for pairing in review.pairings():
                if pairing.reviewer.code not in named:
                    named.add(pairing.reviewer.code)
                    nominate(
                        make_user(f"rfp-{pairing.reviewer.code}"),
                        pairing.reviewer.code,
                        FP,
                        REVIEWER,
                        secretariat,
                    )
            people[code] = (to_questionnaire(review, fp, now=NOW), fp)
        yield secretariat, people


@pytest.fixture
def world(shared_world, db):
    """Cluster-1 reviews of PARTIES at the questionnaire stage, each party's focal point (who
    answers and submits), the shipped questionnaire loaded. Returns (secretariat, {code: (review,
    focal point)})."""
    return fresh(shared_world)


def question(key):
    return Question.objects.get(key=key, template__published=True)


def answer(people, code, submit=True, **values):
    """Save `values` ({question key with _ for -: [values]}) as the party's focal point, and
    submit the questionnaire unless `submit` is False."""
    review, fp = people[code]
    for key, value in values.items():
        q = question(key.replace("_", "-"))
        saved = q.answers.filter(answer_set__review=review).first()
        actions.save_answer(
            review,
            q,
            by=fp,
            now=NOW,
            version=saved.version if saved else 0,
            value=value,
            text="An explanation.",
        )
    if submit:
        reviews.act(review, "clear", by=fp, now=NOW)
        reviews.act(review, "submit", by=fp, now=NOW)


def tables(breakdown=None, shared=False, instrument=None):
    loaded = answers.load(Cluster.objects.get(number=1), instrument=instrument)
    found = answers.count(
        loaded.questions,
        loaded.submissions,
        breakdown=breakdown,
        slices=answers.slices_for(breakdown),
        shared=shared,
    )
    return {t.question.key: t for t in found}


def options(table, line=None):
    line = line or table.overall
    return dict(zip([v for v, _label in table.question.options], line.cells, strict=True))


def test_counts_and_percentages_of_the_parties_that_answered(world):
    _secretariat, people = world
    answer(people, "FRA", untoc_5_1a=["yes"], untoc_5_1a_form=["agreement", "participation"])
    answer(people, "DEU", untoc_5_1a=["yes"], untoc_5_1a_form=["agreement"])
    answer(people, "KEN", untoc_5_1a=["partly"])  # the multiple-choice question unanswered
    table = tables()["untoc-5-1a"]
    assert table.overall.answered == 3
    assert options(table) == {"yes": (2, 66.7), "no": (0, 0.0), "partly": (1, 33.3)}
    several = tables()["untoc-5-1a-form"]
    # The denominator is the parties that answered that question: 2, not the 3 submissions.
    assert several.overall.answered == 2
    assert options(several) == {"agreement": (2, 100.0), "participation": (1, 50.0)}
    # Every closed question has its table, even unanswered; open questions have none.
    closed = Question.objects.filter(template__published=True, kind__in=answers.CLOSED)
    assert set(tables()) == set(closed.values_list("key", flat=True))


def test_drafts_never_count_and_only_the_latest_submission_does(world):
    secretariat, people = world
    answer(people, "FRA", untoc_5_1a=["yes"])
    answer(people, "DEU", submit=False, untoc_5_1a=["no"])  # a draft, never submitted
    assert options(tables()["untoc-5-1a"]) == {
        "yes": (1, 100.0),
        "no": (0, 0.0),
        "partly": (0, 0.0),
    }
    review, _fp = people["FRA"]
    reviews.act(
        review, "reopen", by=secretariat, now=NOW, reason="Wrong law cited.", to="questionnaire"
    )
    answer(people, "FRA", submit=False, untoc_5_1a=["no"])
    # Reopened and changed, not yet submitted again: the first submission still counts.
    assert options(tables()["untoc-5-1a"])["yes"] == (1, 100.0)
    answer(people, "FRA", untoc_5_1a=["partly"])
    table = tables()["untoc-5-1a"]
    assert table.overall.answered == 1
    assert options(table) == {"yes": (0, 0.0), "no": (0, 0.0), "partly": (1, 100.0)}


def test_breakdowns_by_regional_group_and_by_group(world):
    _secretariat, people = world
    for code in ("FRA", "DEU", "ITA"):
        answer(people, code, untoc_5_1a=["yes"])
    answer(people, "KEN", untoc_5_1a=["no"])
    answer(people, "NGA", untoc_5_1a=["partly"])
    table = tables("regional_group")["untoc-5-1a"]
    by_label = {line.label: line for line in table.rows}
    assert by_label["Western European and other States"].answered == 3
    assert options(table, by_label["Western European and other States"])["yes"] == (3, 100.0)
    assert options(table, by_label["African States"]) == {
        "yes": (0, 0.0),
        "no": (1, 50.0),
        "partly": (1, 50.0),
    }
    assert sum(line.answered for line in table.rows) == table.overall.answered == 5
    groups = tables("group")["untoc-5-1a"]
    expected = {}
    for code in ("FRA", "DEU", "ITA", "KEN", "NGA"):
        label = str(people[code][0].group)
        expected[label] = expected.get(label, 0) + 1
    assert {line.label: line.answered for line in groups.rows if line.answered} == expected


def test_the_instrument_filter(world):
    _secretariat, people = world
    answer(people, "FRA", untoc_5_1a=["yes"])
    found = tables(instrument=question("som-5").article.instrument)
    assert found and all(key.startswith("som-") for key in found)
    assert "untoc-5-1a" in tables()


def test_the_page_states_the_denominator_and_the_form_shown(client, world):
    secretariat, people = world
    for code in ("FRA", "DEU", "ITA", "JPN", "POL", "MEX"):
        answer(people, code, untoc_5_1a=["yes"])
    answer(people, "KEN", untoc_5_1a=["no"])
    client.force_login(secretariat)
    page = client.get(url("stats:answers")).content.decode()
    assert "<strong>Secretariat only</strong>" in page and "<strong>Shared form" not in page
    assert "7 submitted questionnaires counted" in page
    assert "Percentages are of the parties that answered the question" in page
    assert "6 (85.7 %)" in page and "1 (14.3 %)" in page
    shared = client.get(url("stats:answers"), {"shared": "1"}).content.decode()
    assert "<strong>Shared form</strong>" in shared and "<strong>Secretariat only" not in shared
    # 6 yes, 1 no, 0 partly: the small "no" and "partly" are hidden, and since together they
    # count fewer than five parties (7 - 6), the 6 goes too.
    assert "6 (85.7 %)" not in shared and "1 (14.3 %)" not in shared and "[c]" in shared


def test_the_shared_download_hides_what_the_page_hides(client, world):
    secretariat, people = world
    for code in ("FRA", "DEU", "ITA", "JPN", "POL", "MEX", "BRA", "IND"):
        answer(people, code, untoc_5_1a=["yes"])
    for code in ("KEN", "NGA"):
        answer(people, code, untoc_5_1a=["partly"])
    client.force_login(secretariat)

    def rows(**params):
        response = client.get(url("stats:answers-xlsx"), {"breakdown": "regional_group", **params})
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(body(response))).active
        values = list(sheet.iter_rows(values_only=True))
        return values[0][0], {(r[3], r[5], r[6]): r for r in values[4:] if r[3] == "untoc-5-1a"}

    title, full = rows()
    assert title.startswith("Secretariat only")
    assert full["untoc-5-1a", "Partly", "African States"][7:10] == (2, 2, 100)
    assert full["untoc-5-1a", "Yes", "All parties"][7:10] == (10, 8, 80)
    # The instrument by its code (a machine column) and by its name.
    assert full["untoc-5-1a", "Yes", "All parties"][:2] == ("UNTOC", "Organized Crime Convention")
    title, shared = rows(shared="1")
    assert title.startswith("Shared form")
    african = shared["untoc-5-1a", "Partly", "African States"]
    assert african[7:10] == (None, None, None) and african[10] == "hidden"
    # Every number shown counts at least five parties; no total minus shown cells gives a
    # hidden one.
    for row in shared.values():
        assert row[8] is None or row[8] >= 5
    overall = {r[5]: r[8] for key, r in shared.items() if key[2] == "All parties"}
    assert sum(v is None for v in overall.values()) != 1


def test_a_name_that_looks_like_a_formula_is_downloaded_as_text(client, world):
    secretariat, people = world
    rename("regional_groups", "AFR", FORMULA)  # as a registry import may
    answer(people, "KEN", untoc_5_1a=["partly"])
    client.force_login(secretariat)
    response = client.get(url("stats:answers-xlsx"), {"breakdown": "regional_group"})
    assert_inert(response, FORMULA)


def test_for_the_secretariat_only(client, world):
    _secretariat, people = world
    answer(people, "FRA", untoc_5_1a=["yes"])
    _review, fp = people["FRA"]
    client.force_login(fp)
    assert client.get(url("stats:answers")).status_code == 404
    assert client.get(url("stats:answers-xlsx")).status_code == 404
    assert client.get(url("stats:answers"), {"shared": "1"}).status_code == 404
    client.logout()
    response = client.get(url("stats:answers"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_bad_filter_is_refused_with_a_message(client, world):
    secretariat, _people = world
    client.force_login(secretariat)
    response = client.get(url("stats:answers"), {"breakdown": "party"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert client.get(url("stats:answers-xlsx"), {"instrument": "NOPE"}).status_code == 400


def test_query_count_stays_flat_as_submissions_grow(client, world):
    secretariat, people = world
    client.force_login(secretariat)
    page, xlsx = url("stats:answers"), url("stats:answers-xlsx")
    params = {"breakdown": "regional_group", "shared": "1"}
    answer(people, "FRA", untoc_5_1a=["yes"], untoc_2_b=["penalty"])
    few = (
        count_queries(lambda: client.get(page, params)),
        count_queries(lambda: client.get(xlsx, params)),
    )
    for code in PARTIES[1:]:
        answer(people, code, untoc_5_1a=["partly"], untoc_2_b=["list"], untoc_6_2b=["all"])
    many = (
        count_queries(lambda: client.get(page, params)),
        count_queries(lambda: client.get(xlsx, params)),
    )
    assert many == few
    assert "10 submitted questionnaires counted" in client.get(page, params).content.decode()
