"""The pages: who sees what, answering online, tracking, the export's cells, flat queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from revmod.assistance import actions
from revmod.assistance.models import Change, Request, Response, Survey
from revmod.assistance.tests.helpers import people, survey
from revmod.registry.models import Party
from revmod.test import FORMULA, assert_inert, count_queries, make_party, make_user, nominate

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(registry):
    return people()


# The pages answer as of today: the surveys here are open around it.
NOW = timezone.now()
TODAY = NOW.date()


def open_now(users, **changes):
    dates = {"opens_on": TODAY - dt.timedelta(days=10), "closes_on": TODAY + dt.timedelta(days=10)}
    return survey(users, **{**dates, **changes})


def close(opened, users):
    """The survey's closing date moved to yesterday."""
    yesterday = TODAY - dt.timedelta(days=1)
    actions.edit_survey(
        opened,
        title=opened.title,
        opens_on=opened.opens_on,
        closes_on=yesterday,
        by=users["secretariat"],
        now=NOW,
    )


@pytest.fixture
def answered(users):
    opened = open_now(users)
    fra = Party.objects.get(code="FRA")
    needs = {"other": "Help", "general_training": ""}
    actions.answer(opened, fra, needs=needs, by=users["fra_fp"], now=NOW)
    return opened


def url(name, *args):
    return reverse(f"assistance:{name}", args=args)


def test_the_secretariat_opens_a_survey_from_the_page(client, users):
    client.force_login(users["secretariat"])
    data = {"title": "Needs", "opens_on": "2024-02-01", "closes_on": "2024-01-01"}
    response = client.post(url("survey-new"), data)
    assert response.status_code == 400 and "cannot close before it opens" in response.text
    assert not Survey.objects.exists()
    response = client.post(url("survey-new"), {**data, "closes_on": "2024-03-31"})
    opened = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == url("survey-detail", opened.pk)
    response = client.post(
        url("survey-edit", opened.pk), {**data, "title": "Needs 2024", "closes_on": "2024-04-30"}
    )
    opened.refresh_from_db()
    assert opened.title == "Needs 2024" and opened.closes_on == dt.date(2024, 4, 30)


def test_a_focal_point_answers_in_french_and_edits_until_closing(client, users):
    opened = open_now(users)
    client.force_login(users["fra_fp"])
    page = client.get(f"/fr/assistance/{opened.pk}/answer/FRA/")
    assert page.status_code == 200 and "Formation générale" in page.text
    response = client.post(
        url("answer", opened.pk, "FRA"),
        {"categories": ["general_training", "other"], "description_other": "Traduction"},
    )
    assert response.status_code == 302
    assert Request.objects.filter(response__party__code="FRA").count() == 2
    response = client.post(url("answer", opened.pk, "FRA"), {"categories": ["other"]})
    assert Request.objects.filter(withdrawn_at=None).count() == 1
    # Nothing chosen: a clear message, nothing changed.
    response = client.post(url("answer", opened.pk, "FRA"), {"description_other": "x"})
    assert response.status_code == 400 and "au moins une catégorie" in response.text
    assert Request.objects.get(category="other").description == ""


def test_after_closing_the_answer_is_refused_with_a_message(client, users, answered):
    client.force_login(users["fra_fp"])
    close(answered, users)
    page = client.get(url("answer", answered.pk, "FRA"))
    assert "closed to answers" in page.text and '<form method="post">' not in page.text
    response = client.post(url("answer", answered.pk, "FRA"), {"categories": ["other"]})
    assert response.status_code == 409 and "closed to answers" in response.text
    assert Request.objects.filter(withdrawn_at=None).count() == 2


def test_only_the_partys_focal_point_answers(client, users, answered):
    for name in ("fra_expert", "fra_observer", "deu_fp", "secretariat", "outsider"):
        client.force_login(users[name])
        response = client.post(url("answer", answered.pk, "FRA"), {"categories": ["other"]})
        assert response.status_code == 404, name
    assert Request.objects.filter(withdrawn_at=None).count() == 2


def test_each_sees_their_own_partys_requests(client, users, answered):
    deu = Party.objects.get(code="DEU")
    actions.answer(answered, deu, needs={"other": "DEU needs"}, by=users["deu_fp"], now=NOW)
    fra_request = Request.objects.filter(response__party__code="FRA").first()
    expected = {"secretariat": 3, "fra_expert": 2, "fra_observer": 2, "deu_fp": 1}
    for name, count in expected.items():
        client.force_login(users[name])
        page = client.get(url("request-list"))
        assert page.status_code == 200 and page.context["page"].paginator.count == count, name
        detail = client.get(url("request-detail", fra_request.pk))
        assert detail.status_code == (404 if name == "deu_fp" else 200), name
    client.force_login(users["outsider"])
    assert client.get(url("request-list")).status_code == 404
    assert client.get(url("survey-list")).status_code == 404
    client.logout()
    assert client.get(url("request-list")).status_code == 302


def test_the_secretariat_tracks_a_request_and_the_history_shows_it(client, users, answered):
    item = Request.objects.get(category="other")
    client.force_login(users["secretariat"])
    officer = users["secretariat"].pk
    data = {"status": "met", "status_on": "2024-04-01", "note": "Workshop held", "officer": officer}
    response = client.post(url("request-track", item.pk), {**data, "status": "nonsense"})
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.status == "received"
    assert client.post(url("request-track", item.pk), data).status_code == 302
    item.refresh_from_db()
    assert item.status == "met" and item.note == "Workshop held"
    page = client.get(f"/fr/assistance/requests/{item.pk}/")
    assert "Reçue → Satisfaite" in page.text
    assert Change.objects.filter(request=item, by=users["secretariat"]).exists()
    client.force_login(users["fra_expert"])
    assert client.post(url("request-track", item.pk), data).status_code == 404


def test_the_export_holds_the_visible_requests_with_inert_cells(client, users):
    opened = open_now(users)
    fra = Party.objects.get(code="FRA")
    actions.answer(opened, fra, needs={"other": FORMULA}, by=users["fra_fp"], now=NOW)
    client.force_login(users["fra_expert"])
    for fmt in ("csv", "xlsx"):
        assert_inert(client.get(url("request-export", fmt)), FORMULA)
    client.force_login(users["deu_fp"])
    assert FORMULA not in client.get(url("request-export", "csv")).getvalue().decode()
    assert client.get(url("request-export", "csv") + "?status=nope").status_code == 400


def test_the_tallies_are_public_the_states_the_secretariats(client, users, answered):
    page = client.get(url("tallies"))
    assert page.status_code == 200
    assert "2 requests from 1 States" in page.text and "Western European" in page.text
    assert "France" not in page.text
    client.force_login(users["secretariat"])
    assert "France" in client.get(url("tallies")).text
    assert "0 requests" in client.get(url("tallies") + "?on=2020-01-01").text
    assert client.get(url("tallies") + "?on=yesterday").status_code == 400


def _grow(users, opened, start):
    for n in range(start, start + 3):
        party = make_party(f"Q{n:02d}")
        fp = make_user(f"fp{n}")
        nominate(fp, party.code, "focal_point", "own", users["secretariat"])
        needs = {"other": "x", "general_training": "y"}
        actions.answer(opened, party, needs=needs, by=fp, now=NOW)


def test_the_lists_and_tallies_stay_flat_as_rows_grow(client, users, answered):
    client.force_login(users["secretariat"])
    pages = [
        url("survey-list"),
        url("survey-detail", answered.pk),
        url("request-list"),
        url("tallies"),
    ]
    few = [count_queries(lambda p=p: client.get(p)) for p in pages]
    _grow(users, answered, 0)
    open_now(users, title="Another")
    assert [count_queries(lambda p=p: client.get(p)) for p in pages] == few
    assert Response.objects.count() == 4
