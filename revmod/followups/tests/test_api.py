"""/api/v1/followups/ and /api/v1/briefings/: the pages' rules through the API."""

import datetime as dt

import pytest

from revmod.followups import actions
from revmod.followups.models import Briefing, FollowUp
from revmod.followups.tests.conftest import NOW, api_client
from revmod.registry.models import Party
from revmod.test import count_queries

pytestmark = pytest.mark.django_db


def test_the_secretariat_records_lists_changes_and_closes_followups(world):
    people, reviews = world
    client = api_client(people["secretariat"])
    response = client.post(
        "/api/v1/followups/",
        {
            "party": "FRA",
            "whom": "mission",
            "kind": "meeting",
            "held_on": "2024-03-01",
            "subject": "Languages",
            "review": reviews["FRA"].pk,
            "stage": "awaiting_nominations",
            "next_action": "Send the note",
            "next_action_on": "2024-03-15",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["officer"] == "secretariat" and created["open"] is True
    pk = created["id"]
    response = client.patch(
        f"/api/v1/followups/{pk}/", {"officer": "colleague", "outcome": "Agreed"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["officer"] == "colleague" and response.json()["subject"] == "Languages"
    assert client.post(f"/api/v1/followups/{pk}/done/").json()["open"] is False
    listed = client.get("/api/v1/followups/?party=FRA&ordering=-next_action").json()
    assert [row["id"] for row in listed["results"]] == [pk]
    assert client.get("/api/v1/followups/?open=true").json()["count"] == 0


def test_bad_input_is_a_400_that_says_why_and_records_nothing(world):
    people, reviews = world
    client = api_client(people["secretariat"])
    response = client.post(
        "/api/v1/followups/",
        {
            "party": "FRA",
            "whom": "mission",
            "kind": "call",
            "held_on": "2024-03-01",
            "subject": "x",
            "review": reviews["DEU"].pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["review"] == ["Choose a review of this party."]
    assert client.post("/api/v1/followups/", {"party": ["FRA"]}, format="json").status_code == 400
    assert client.get("/api/v1/followups/?ordering=nonsense").status_code == 400
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("persona", [None, "reviewed_fp", "outsider"])
def test_nobody_else_reads_or_writes_followups(world, persona):
    people, _reviews = world
    f = actions.record_followup(
        by=people["secretariat"],
        now=NOW,
        party=Party.objects.get(code="FRA"),
        whom="mission",
        kind="call",
        held_on=dt.date(2024, 3, 1),
        subject="s",
        next_action="n",
    )
    client = api_client(people[persona] if persona else None)
    assert client.get("/api/v1/followups/").status_code == 403
    assert client.get(f"/api/v1/followups/{f.pk}/").status_code == 403
    assert client.post(f"/api/v1/followups/{f.pk}/done/").status_code == 403
    assert client.post("/api/v1/followups/", {}, format="json").status_code == 403
    f.refresh_from_db()
    assert f.is_open


def briefing(people, **fields):
    values = {
        "held_on": dt.date(2024, 2, 14),
        "title": "February",
        "kind": "global",
        "online": True,
        "representatives": 193,
        "published": True,
    }
    values.update(fields)
    parties = Party.objects.filter(code__in=["KEN", "MEX"])
    return actions.record_briefing(by=people["secretariat"], now=NOW, parties=parties, **values)


def test_the_secretariat_records_and_changes_briefings(world):
    people, _reviews = world
    client = api_client(people["secretariat"])
    response = client.post(
        "/api/v1/briefings/",
        {
            "held_on": "2024-02-14",
            "title": "Global",
            "kind": "global",
            "languages": ["en", "fr"],
            "online": True,
            "representatives": 193,
            "parties": ["KEN", "MEX", "PAK"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["states"] == 3 and created["parties"] == ["KEN", "MEX", "PAK"]
    assert created["published"] is False
    pk = created["id"]
    response = client.patch(f"/api/v1/briefings/{pk}/", {"published": True}, format="json")
    assert response.status_code == 200 and response.json()["published"] is True
    assert response.json()["states"] == 3 and response.json()["languages"] == ["en", "fr"]
    bad = client.patch(f"/api/v1/briefings/{pk}/", {"parties": "KEN, XXX"}, format="json")
    assert bad.status_code == 400 and "XXX" in bad.json()["parties"][0]
    assert Briefing.objects.get().parties.count() == 3


@pytest.mark.parametrize("persona", [None, "reviewed_fp"])
def test_others_read_the_published_figures_only(world, persona):
    people, _reviews = world
    shown = briefing(people, place="Vienna")
    hidden = briefing(people, published=False)
    client = api_client(people[persona] if persona else None)
    listed = client.get("/api/v1/briefings/").json()["results"]
    hidden_fields = ["kind", "languages", "place", "online", "parties", "published"]
    assert listed == [
        {
            "id": shown.pk,
            "held_on": "2024-02-14",
            "title": "February",
            "representatives": 193,
            "states": 2,
            **dict.fromkeys([*hidden_fields, "created_at", "changed_at"]),
        }
    ]
    assert client.get(f"/api/v1/briefings/{hidden.pk}/").status_code == 404
    assert (
        client.patch(f"/api/v1/briefings/{shown.pk}/", {"title": "x"}, format="json").status_code
        == 403
    )
    assert client.post("/api/v1/briefings/", {}, format="json").status_code == 403
    assert Briefing.objects.get(pk=shown.pk).title == "February"


def test_the_api_lists_stay_flat(world):
    people, _reviews = world
    client = api_client(people["secretariat"])

    def fetch():
        assert client.get("/api/v1/followups/").status_code == 200
        assert client.get("/api/v1/briefings/").status_code == 200

    def grow(n):
        for i in range(n):
            briefing(people, title=f"B{i}")
            actions.record_followup(
                by=people["secretariat"],
                now=NOW,
                party=Party.objects.get(code="KEN"),
                whom="mission",
                kind="call",
                held_on=dt.date(2024, 3, 1),
                subject=f"S{i}",
            )

    grow(1)
    fetch()  # the token's first use is recorded
    few = count_queries(fetch)
    grow(4)
    assert count_queries(fetch) == few
