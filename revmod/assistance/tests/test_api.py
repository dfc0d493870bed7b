"""The API: the same rules as the pages, answering included; flat query counts."""

import datetime as dt

import pytest
from django.utils import timezone

from revmod.assistance import actions
from revmod.assistance.models import Request, Survey
from revmod.assistance.tests.helpers import people, survey
from revmod.registry.models import Party
from revmod.test import count_queries, make_party, make_user, nominate

pytestmark = pytest.mark.django_db
NOW = timezone.now()
TODAY = NOW.date()
SURVEYS = "/api/v1/assistance-surveys/"
REQUESTS = "/api/v1/assistance-requests/"


@pytest.fixture
def users(registry):
    return people()


@pytest.fixture
def opened(users):
    days = dt.timedelta(days=10)
    return survey(users, opens_on=TODAY - days, closes_on=TODAY + days)


def test_the_secretariat_opens_and_edits_a_survey(client, users):
    client.force_login(users["secretariat"])
    bad = {"title": "Needs", "opens_on": "2024-02-01", "closes_on": "2024-01-01"}
    response = client.post(SURVEYS, bad, content_type="application/json")
    assert response.status_code == 400 and "closes_on" in response.json()
    assert not Survey.objects.exists()
    response = client.post(
        SURVEYS, {**bad, "closes_on": "2024-03-01"}, content_type="application/json"
    )
    assert response.status_code == 201 and len(response.json()["categories"]) == 7
    pk = response.json()["id"]
    response = client.patch(
        f"{SURVEYS}{pk}/", {"title": "Renamed"}, content_type="application/json"
    )
    assert response.status_code == 200 and Survey.objects.get().title == "Renamed"
    client.force_login(users["fra_fp"])
    response = client.patch(f"{SURVEYS}{pk}/", {"title": "Mine"}, content_type="application/json")
    assert response.status_code == 403 and Survey.objects.get().title == "Renamed"


def test_a_focal_point_answers_through_the_api(client, users, opened):
    client.force_login(users["fra_fp"])
    path = f"{SURVEYS}{opened.pk}/answer/"
    body = {"party": "FRA", "categories": ["other"], "description_other": "Interpretation"}
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()[0]["category"] == "other"
    assert response.json()[0]["description"] == "Interpretation"
    response = client.post(path, {**body, "party": "DEU"}, content_type="application/json")
    assert response.status_code == 400 and "party" in response.json()
    response = client.post(path, {**body, "categories": ["nope"]}, content_type="application/json")
    assert response.status_code == 400
    assert list(Request.objects.values_list("category", flat=True)) == ["other"]
    client.force_login(users["fra_expert"])
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 400 and Request.objects.count() == 1


def test_a_closed_survey_answers_409_through_the_api(client, users, opened):
    yesterday = TODAY - dt.timedelta(days=1)
    actions.edit_survey(
        opened,
        title="x",
        opens_on=opened.opens_on,
        closes_on=yesterday,
        by=users["secretariat"],
        now=NOW,
    )
    client.force_login(users["fra_fp"])
    body = {"party": "FRA", "categories": ["other"]}
    response = client.post(f"{SURVEYS}{opened.pk}/answer/", body, content_type="application/json")
    assert response.status_code == 409 and "closed" in response.json()["detail"]
    assert not Request.objects.exists()


def test_requests_are_the_secretariats_and_the_partys_own(client, users, opened):
    fra, deu = Party.objects.get(code="FRA"), Party.objects.get(code="DEU")
    actions.answer(opened, fra, needs={"other": ""}, by=users["fra_fp"], now=NOW)
    actions.answer(opened, deu, needs={"other": ""}, by=users["deu_fp"], now=NOW)
    counts = {"secretariat": 2, "fra_expert": 1, "fra_observer": 1, "deu_fp": 1}
    for name, count in counts.items():
        client.force_login(users[name])
        assert client.get(REQUESTS).json()["count"] == count, name
    client.force_login(users["outsider"])
    assert client.get(REQUESTS).status_code == 404
    client.logout()
    assert client.get(REQUESTS).status_code == 403


def test_the_secretariat_tracks_through_the_api(client, users, opened):
    fra = Party.objects.get(code="FRA")
    actions.answer(opened, fra, needs={"other": ""}, by=users["fra_fp"], now=NOW)
    item = Request.objects.get()
    path = f"{REQUESTS}{item.pk}/"
    client.force_login(users["fra_fp"])
    assert client.patch(path, {"status": "met"}, content_type="application/json").status_code == 403
    client.force_login(users["secretariat"])
    response = client.patch(path, {"status": "bogus"}, content_type="application/json")
    assert response.status_code == 400 and "status" in response.json()
    response = client.patch(
        path, {"status": "met", "note": "Done"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "met"
    item.refresh_from_db()
    assert item.note == "Done" and item.changes.count() == 2


def test_the_api_lists_stay_flat(client, users, opened):
    fra = Party.objects.get(code="FRA")
    actions.answer(opened, fra, needs={"other": ""}, by=users["fra_fp"], now=NOW)
    client.force_login(users["secretariat"])
    few = [count_queries(lambda p=p: client.get(p)) for p in (SURVEYS, REQUESTS)]
    for n in range(3):
        party = make_party(f"Q{n:02d}")
        fp = make_user(f"fp{n}")
        nominate(fp, party.code, "focal_point", "own", users["secretariat"])
        actions.answer(opened, party, needs={"other": "", "general_training": ""}, by=fp, now=NOW)
        survey(users, title=f"S{n}")
    assert [count_queries(lambda p=p: client.get(p)) for p in (SURVEYS, REQUESTS)] == few


def test_a_form_encoded_patch_is_read_as_json_is(client, users, opened):
    client.force_login(users["secretariat"])
    response = client.patch(
        f"{SURVEYS}{opened.pk}/",
        "closes_on=2000-01-01",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400 and "closes_on" in response.json()
    response = client.patch(
        f"{SURVEYS}{opened.pk}/", "title=Renamed", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and Survey.objects.get().title == "Renamed"
