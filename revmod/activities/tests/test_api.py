import datetime as dt

import pytest

from revmod.activities import actions
from revmod.activities.models import Completion, Event, Participant, TrainingSession
from revmod.activities.tests.helpers import (
    NOW,
    add_participant,
    make_event,
    make_people,
    make_session,
    party,
)
from revmod.test import count_queries, fresh, shared_data

pytestmark = pytest.mark.django_db

EVENT = {
    "kind": "national",
    "title": "National workshop",
    "starts_on": "2023-08-14",
    "ends_on": "2023-08-16",
    "place": "Nairobi",
    "languages": ["en"],
    "parties": ["KEN"],
    "women": 20,
    "men": 18,
    "other": 2,
    "published": True,
}


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        from revmod.test import load_registry

        load_registry()
        yield make_people()


@pytest.fixture
def people(shared_world, db):
    return fresh(shared_world)


def test_the_secretariat_records_and_replaces_an_event(client, people):
    client.force_login(people["secretariat"])
    created = client.post("/api/v1/events/", EVENT, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["parties"] == ["KEN"]
    pk = created.json()["id"]
    replaced = client.put(
        f"/api/v1/events/{pk}/",
        {**EVENT, "parties": ["KEN", "UGA"]},
        content_type="application/json",
    )
    assert replaced.status_code == 200 and replaced.json()["parties"] == ["KEN", "UGA"]
    event = Event.objects.get()
    assert event.changed_by == people["secretariat"] and event.participants == 40


def test_bad_input_is_a_400_that_names_the_field_and_changes_nothing(client, people):
    client.force_login(people["secretariat"])
    response = client.post(
        "/api/v1/events/", {**EVENT, "ends_on": "2023-08-01"}, content_type="application/json"
    )
    assert response.status_code == 400 and "ends_on" in response.json()
    response = client.post(
        "/api/v1/events/", {**EVENT, "women": [1]}, content_type="application/json"
    )
    assert response.status_code == 400 and "women" in response.json()
    assert not Event.objects.exists()


@pytest.mark.parametrize("who", [None, "outsider", "fra", "deu"])
def test_only_the_secretariat_records(client, people, who):
    if who:
        client.force_login(people[who])
    response = client.post("/api/v1/events/", EVENT, content_type="application/json")
    assert response.status_code == 403
    session = client.post(
        "/api/v1/training-sessions/",
        {"title": "T", "held_on": "2024-01-01", "kind": "training", "online": True},
        content_type="application/json",
    )
    assert session.status_code == 403
    assert not Event.objects.exists() and not TrainingSession.objects.exists()


def test_each_persona_reads_what_access_allows(client, people):
    secretariat = people["secretariat"]
    make_event(secretariat, title="FRA only", parties=["FRA"])
    make_event(secretariat, title="Public", parties=["DEU"], published=True)
    session = make_session(secretariat)
    add_participant(session, secretariat, "Jean Dupont", "FRA")
    add_participant(session, secretariat, "Hans Muster", "DEU")
    expected = {
        None: ({"Public"}, 403, set()),
        "outsider": ({"Public"}, 200, set()),
        "fra": ({"Public", "FRA only"}, 200, {"Jean Dupont"}),
        "deu": ({"Public"}, 200, {"Hans Muster"}),
        "secretariat": ({"Public", "FRA only"}, 200, {"Jean Dupont", "Hans Muster"}),
    }
    for who, (events, status, participants) in expected.items():
        client.logout()
        if who:
            client.force_login(people[who])
        assert {e["title"] for e in client.get("/api/v1/events/").json()["results"]} == events
        response = client.get("/api/v1/training-participants/")
        assert response.status_code == status, who
        if status == 200:
            assert {p["name"] for p in response.json()["results"]} == participants, who
            sessions = client.get("/api/v1/training-sessions/").json()["count"]
            assert sessions == (1 if participants else 0), who


def test_participants_and_completions_through_the_api(client, people):
    secretariat = people["secretariat"]
    session = make_session(secretariat)
    client.force_login(secretariat)
    created = client.post(
        "/api/v1/training-participants/",
        {
            "session": session.pk,
            "name": "Ana Silva",
            "party": "AGO",
            "gender": "woman",
            "language": "pt",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert Participant.objects.get().official == "AGO|ana silva"
    completion = {
        "party": "AGO",
        "gender": "man",
        "language": "pt",
        "module": "RevMod",
        "completed_on": "2023-05-02",
    }
    response = client.post(
        "/api/v1/elearning-completions/", completion, content_type="application/json"
    )
    assert response.status_code == 201 and Completion.objects.count() == 1
    bad = client.post(
        "/api/v1/elearning-completions/",
        {**completion, "completed_on": "02/05/2023"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "completed_on" in bad.json()
    assert client.get("/api/v1/elearning-completions/", {"ordering": "x"}).status_code == 400


def test_api_lists_query_counts_stay_flat(client, people):
    secretariat = people["secretariat"]
    client.force_login(people["fra"])
    lists = [
        "/api/v1/events/",
        "/api/v1/training-sessions/",
        "/api/v1/training-participants/",
        "/api/v1/elearning-completions/",
    ]

    def grow(n):
        for i in range(n):
            make_event(secretariat, title=f"E{i}", parties=["FRA", "DEU"], published=True)
            session = make_session(secretariat, title=f"S{i}")
            add_participant(session, secretariat, f"P{i}", "FRA")
            data = {
                "party": party("FRA"),
                "gender": "woman",
                "language": "fr",
                "ministry": "",
                "module": "M",
                "completed_on": dt.date(2023, 1, 1),
            }
            actions.save_completion(None, data, by=secretariat, now=NOW)

    grow(1)
    few = [count_queries(lambda p=p: client.get(p)) for p in lists]
    grow(5)
    assert [count_queries(lambda p=p: client.get(p)) for p in lists] == few


def test_an_events_documents_are_listed_to_those_who_may_see_them(client, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from revmod.test import PDF

    secretariat = people["secretariat"]
    event = make_event(secretariat, parties=["FRA"], published=True)
    for title, published in (("Agenda", True), ("Draft report", False)):
        actions.add_document(
            event,
            kind="agenda",
            title=title,
            file=SimpleUploadedFile("a.pdf", PDF),
            published=published,
            by=secretariat,
            now=NOW,
        )
    for who, titles in [
        (None, ["Agenda"]),
        ("deu", ["Agenda"]),
        ("fra", ["Agenda", "Draft report"]),
    ]:
        client.logout()
        if who:
            client.force_login(people[who])
        documents = client.get(f"/api/v1/events/{event.pk}/").json()["documents"]
        assert [d["title"] for d in documents] == titles, who
        assert client.get(documents[-1]["download"]).status_code == 200
