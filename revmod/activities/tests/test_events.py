import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from revmod.activities import figures
from revmod.activities.models import Event, EventDocument
from revmod.activities.tests.helpers import NOW, make_event, make_people, url
from revmod.test import FORMULA, PDF, assert_inert, body, count_queries, fresh, shared_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        from revmod.test import load_registry

        load_registry()
        yield make_people()


@pytest.fixture
def people(shared_world, db):
    return fresh(shared_world)


EVENT_POST = {
    "kind": "regional",
    "title": "Regional workshop",
    "starts_on": "2022-09-20",
    "ends_on": "2022-09-22",
    "place": "Abidjan",
    "organisers": "UNODC",
    "languages": ["fr", "en"],
    "parties": ["CIV", "SEN"],
    "women": "12",
    "men": "15",
    "other": "0",
}


def test_the_secretariat_records_and_changes_an_event(client, people):
    client.force_login(people["secretariat"])
    response = client.post(url("activities:event-new"), EVENT_POST)
    event = Event.objects.get()
    assert response.status_code == 302
    assert sorted(p.code for p in event.parties.all()) == ["CIV", "SEN"]
    assert event.participants == 27 and event.created_by == people["secretariat"]
    assert not event.published
    client.post(url("activities:event-edit", event.pk), {**EVENT_POST, "published": "on"})
    event.refresh_from_db()
    assert event.published and event.changed_by == people["secretariat"]
    page = client.get(url("activities:event-detail", event.pk)).content.decode()
    assert "Regional workshop" in page and "Côte d" in page


@pytest.mark.parametrize(
    "change, message",
    [
        ({"ends_on": "2022-09-01"}, "The event cannot end before it starts."),
        ({"place": ""}, "Give the place, or tick"),
        ({"women": "-3"}, "greater than or equal to 0"),
        ({"parties": ["XXX"]}, "Select a valid choice"),
    ],
)
def test_bad_input_says_why_and_records_nothing(client, people, change, message):
    client.force_login(people["secretariat"])
    response = client.post(url("activities:event-new"), {**EVENT_POST, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Event.objects.exists()


def test_who_sees_an_event(client, people):
    hidden = make_event(people["secretariat"], title="Unpublished FRA", parties=["FRA"])
    shown = make_event(
        people["secretariat"], title="Published DEU", parties=["DEU"], published=True
    )
    for who, sees in [
        (None, {"Published DEU"}),
        ("outsider", {"Published DEU"}),
        ("deu", {"Published DEU"}),
        ("fra", {"Published DEU", "Unpublished FRA"}),
        ("secretariat", {"Published DEU", "Unpublished FRA"}),
    ]:
        client.logout()
        if who:
            client.force_login(people[who])
        page = client.get(url("activities:event-list")).content.decode()
        assert {t for t in ("Published DEU", "Unpublished FRA") if t in page} == sees, who
        detail = client.get(url("activities:event-detail", hidden.pk))
        expected = 200 if "Unpublished FRA" in sees else (302 if who is None else 404)
        assert detail.status_code == expected, who
        assert client.get(url("activities:event-detail", shown.pk)).status_code == 200


def test_documents_reach_the_public_only_when_published(client, people, settings):
    secretariat = people["secretariat"]
    event = make_event(secretariat, published=True)
    client.force_login(secretariat)
    for title, published in (("Agenda", "on"), ("Draft report", "")):
        client.post(
            url("activities:document-new", event.pk),
            {
                "kind": "agenda",
                "title": title,
                "published": published,
                "file": SimpleUploadedFile("a.pdf", PDF),
            },
        )
    agenda, draft = EventDocument.objects.order_by("pk")
    fetched = client.get(url("activities:document-file", event.pk, draft.pk))
    assert fetched.status_code == 200 and body(fetched) == PDF
    assert "attachment" in fetched["Content-Disposition"]
    client.logout()
    page = client.get(url("activities:event-detail", event.pk)).content.decode()
    assert "Agenda" in page and "Draft report" not in page
    assert client.get(url("activities:document-file", event.pk, agenda.pk)).status_code == 200
    assert client.get(url("activities:document-file", event.pk, draft.pk)).status_code == 302
    client.force_login(people["fra"])  # the event involves France: all its documents
    assert client.get(url("activities:document-file", event.pk, draft.pk)).status_code == 200
    client.force_login(people["deu"])
    assert client.get(url("activities:document-file", event.pk, draft.pk)).status_code == 404


def test_a_file_that_is_not_what_it_says_is_refused(client, people):
    event = make_event(people["secretariat"])
    client.force_login(people["secretariat"])
    response = client.post(
        url("activities:document-new", event.pk),
        {"kind": "report", "title": "Report", "file": SimpleUploadedFile("r.pdf", b"MZ\x90\x00")},
        follow=True,
    )
    assert "The file&#x27;s content is not PDF" in response.content.decode()
    assert not EventDocument.objects.exists()


def test_the_export_holds_the_visible_events_and_its_cells_are_inert(client, people):
    make_event(people["secretariat"], title=FORMULA, published=True)
    make_event(people["secretariat"], title="Unpublished")
    for fmt in ("csv", "xlsx"):
        response = client.get(url("activities:event-export", fmt))
        assert_inert(response, FORMULA)
    assert b"Unpublished" not in body(client.get(url("activities:event-export", "csv")))
    bad = client.get(url("activities:event-export", "csv"), {"ordering": "nope"})
    assert bad.status_code == 400 and b"Unknown order" in bad.content


def test_the_list_and_export_query_counts_stay_flat(client, people):
    client.force_login(people["fra"])
    make_event(people["secretariat"], parties=["FRA", "DEU"])
    few = count_queries(lambda: client.get(url("activities:event-list")))
    few_export = count_queries(lambda: client.get(url("activities:event-export", "csv")))
    for n in range(6):
        make_event(people["secretariat"], title=f"E{n}", parties=["FRA", "KEN"], published=n % 2)
    assert count_queries(lambda: client.get(url("activities:event-list"))) == few
    assert count_queries(lambda: client.get(url("activities:event-export", "csv"))) == few_export


def test_events_by_kind_as_of_a_date(people):
    secretariat = people["secretariat"]
    make_event(secretariat, kind="national", starts_on=dt.date(2022, 1, 18))
    make_event(
        secretariat, kind="regional", starts_on=dt.date(2022, 5, 3), ends_on=dt.date(2022, 5, 4)
    )
    make_event(secretariat, kind="side", starts_on=dt.date(2024, 6, 1), ends_on=dt.date(2024, 6, 1))
    counted = figures.events(dt.date(2024, 4, 16))
    assert counted.total == 2
    assert counted.by_kind == {"national": 1, "regional": 1, "side": 0}
    assert count_queries(lambda: figures.events(NOW.date())) == 1


# The events the paper names (¶45), as the secretariat would record them: a national event for
# each State, the first one for two States together.
PAPER_EVENTS = [
    ("regional", "2022-01-25", ["BIH", "SRB"]),
    ("national", "2022-05-10", ["MEX"]),
    ("national", "2022-09-13", ["CIV"]),
    ("national", "2022-09-27", ["PAK"]),
    ("national", "2023-08-15", ["KEN"]),
    ("national", "2024-01-23", ["MKD"]),
]


def test_the_papers_events_recorded_through_the_api_are_counted(client, people):
    client.force_login(people["secretariat"])
    for kind, day, parties in PAPER_EVENTS:
        response = client.post(
            "/api/v1/events/",
            {
                "kind": kind,
                "title": f"Event in {' and '.join(parties)}",
                "starts_on": day,
                "ends_on": day,
                "place": "Capital",
                "parties": parties,
                "published": True,
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
    counted = figures.events(dt.date(2024, 4, 16))
    assert counted.by_kind == {"national": 5, "regional": 1, "side": 0}
    assert figures.events(dt.date(2022, 12, 31)).total == 4
    client.logout()
    page = client.get(url("activities:figures"), {"as_of": "2024-04-16"}).content.decode()
    assert "National event" in page and "<td>5</td>" in page


def test_the_pages_speak_the_visitors_language(client, people):
    make_event(people["secretariat"], published=True)
    page = client.get(url("activities:event-list", language="ar")).content.decode()
    assert 'dir="rtl"' in page and "الفعاليات" in page and "فعالية وطنية" in page
    page = client.get(url("activities:figures", language="fr")).content.decode()
    assert "Événements et formation : chiffres" in page
