import datetime as dt

import pytest

from revmod.stakeholders import actions
from revmod.stakeholders.models import Dialogue, Observation, Pilot, Stakeholder
from revmod.stakeholders.tests.conftest import NOW, dialogue, pilot, stakeholder
from revmod.test import count_queries

pytestmark = pytest.mark.django_db


def test_the_secretariat_creates_and_changes_records_through_the_api(client, world):
    users, reviews = world
    client.force_login(users["secretariat"])
    response = client.post(
        "/api/v1/stakeholders/",
        {"name": "Voice", "kind": "ngo", "country": "MEX", "contact_email": "v@example.org"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.patch(
        f"/api/v1/stakeholders/{pk}/", {"consent_on": "2024-02-01"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    s = Stakeholder.objects.get()
    assert (s.name, s.country, s.consent_on) == ("Voice", "MEX", dt.date(2024, 2, 1))
    response = client.post(
        "/api/v1/dialogues/",
        {
            "held_on": "2023-06-14",
            "title": "2023",
            "format": "online",
            "stakeholders": [pk],
            "parties": "KEN, MEX",
            "other_ngo": 298,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["participants"]["by_kind"]["ngo"] == 299 and body["parties"] == ["KEN", "MEX"]
    d = body["id"]
    response = client.post(
        f"/api/v1/dialogues/{d}/observations/", {"text": "One."}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["number"] == 1
    response = client.patch(
        f"/api/v1/dialogues/{d}/", {"published": True}, content_type="application/json"
    )
    assert response.json()["published"] is True and response.json()["parties"] == ["KEN", "MEX"]
    assert Dialogue.objects.get().stakeholders.get() == s  # kept when left out
    response = client.post(
        "/api/v1/pilots/",
        {"review": reviews["KEN"].pk, "consent_on": "2023-05-01", "consent_note": "NV/1"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["status"] == "starting"
    p = response.json()["id"]
    response = client.post(
        f"/api/v1/pilots/{p}/activities/",
        {"held_on": "2023-09-01", "description": "Workshop"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert client.get(f"/api/v1/pilots/{p}/").json()["activities"][0]["description"] == "Workshop"
    response = client.post(
        "/api/v1/yearly-figures/",
        {"programme": "whatson", "year": 2023, "people": 533, "countries": 136},
        content_type="application/json",
    )
    assert response.status_code == 201


def test_bad_input_is_a_400_that_says_why_and_changes_nothing(client, world):
    users, reviews = world
    client.force_login(users["secretariat"])
    response = client.post(
        "/api/v1/stakeholders/", {"name": "X", "kind": "club"}, content_type="application/json"
    )
    assert response.status_code == 400 and "kind" in response.json()
    p = pilot(users["secretariat"], reviews["KEN"])
    response = client.patch(
        f"/api/v1/pilots/{p.pk}/", {"started_on": "2020-01-01"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "under way before the consent" in str(response.json())
    p.refresh_from_db()
    assert p.started_on is None
    d = dialogue(users["secretariat"])
    actions.save_observation(None, {"text": "a"}, dialogue=d, by=users["secretariat"], now=NOW)
    response = client.post(
        f"/api/v1/dialogues/{d.pk}/observations/",
        {"number": 1, "text": "b"},
        content_type="application/json",
    )
    assert response.status_code == 400 and Observation.objects.count() == 1
    assert client.get("/api/v1/dialogues/", {"ordering": "nope"}).status_code == 400


def test_who_sees_what_through_the_api(client, world):
    users, reviews = world
    secretariat = users["secretariat"]
    quiet = stakeholder(secretariat, name="Quiet", contact_email="q@example.org")
    pilot(secretariat, reviews["FRA"], stakeholders=[quiet])
    hidden = pilot(secretariat, reviews["KEN"])
    dialogue(secretariat, title="Unpublished")
    dialogue(secretariat, title="Published", published=True)
    client.force_login(users["reviewed_fp"])
    assert client.get("/api/v1/stakeholders/").status_code == 403
    pilots = client.get("/api/v1/pilots/").json()["results"]
    assert [p["party"] for p in pilots] == ["FRA"]
    assert pilots[0]["stakeholders"] == [
        {"id": quiet.pk, "name": "Quiet", "kind": "ngo", "country": ""}
    ]
    assert client.get(f"/api/v1/pilots/{hidden.pk}/").status_code == 404
    titles = [d["title"] for d in client.get("/api/v1/dialogues/").json()["results"]]
    assert titles == ["Published"]
    response = client.post(
        "/api/v1/yearly-figures/",
        {"programme": "se4u", "year": 2023, "people": 1, "countries": 1},
        content_type="application/json",
    )
    assert response.status_code == 403
    client.logout()
    assert client.get("/api/v1/pilots/").json()["count"] == 0
    assert client.get("/api/v1/stakeholders/").status_code == 403
    assert client.post("/api/v1/dialogues/", {}).status_code == 403
    Pilot.objects.filter(pk=hidden.pk).update(published=True)
    assert client.get(f"/api/v1/pilots/{hidden.pk}/").status_code == 200


def test_the_api_lists_query_count_stays_flat(client, world):
    users, reviews = world
    secretariat = users["secretariat"]
    client.force_login(secretariat)
    lists = ["stakeholders", "dialogues", "pilots", "yearly-figures"]

    def grow(n, code):
        people = [stakeholder(secretariat, name=f"S{n}{i}") for i in range(n)]
        for i in range(n):
            d = dialogue(secretariat, title=f"D{n}{i}", stakeholders=people, parties=["KEN"])
            actions.save_observation(None, {"text": "o"}, dialogue=d, by=secretariat, now=NOW)
            actions.save_outreach(
                None,
                {"programme": "se4u", "year": 2000 + 10 * n + i, "people": 1, "countries": 1},
                by=secretariat,
                now=NOW,
            )
        p = pilot(secretariat, reviews[code], stakeholders=people)
        for _i in range(n):
            actions.save_activity(
                None, {"held_on": dt.date(2024, 1, 1), "description": "a"}, pilot=p, by=secretariat,
                now=NOW,
            )  # fmt: skip

    grow(1, "KEN")
    few = [count_queries(lambda n=n: client.get(f"/api/v1/{n}/")) for n in lists]
    grow(4, "DEU")
    assert [count_queries(lambda n=n: client.get(f"/api/v1/{n}/")) for n in lists] == few
    assert client.get("/api/v1/pilots/").json()["count"] == 2
