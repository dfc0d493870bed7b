import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from revmod.activities import actions, figures
from revmod.activities.models import Completion, Participant, TrainingSession
from revmod.activities.tests.helpers import (
    NOW,
    add_participant,
    make_people,
    make_session,
    party,
    url,
)
from revmod.test import (
    FORMULA,
    assert_inert,
    body,
    count_queries,
    fresh,
    shared_data,
    zip_bomb,
)

pytestmark = pytest.mark.django_db

QUOTED = '"' + FORMULA.replace('"', '""') + '"'  # a CSV cell
HEADER = "State,Gender,Language,Ministry,Module,Completed on\n"


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        from revmod.test import load_registry

        load_registry()
        yield make_people()


@pytest.fixture
def people(shared_world, db):
    return fresh(shared_world)


def test_the_secretariat_records_a_session_and_its_participants(client, people):
    client.force_login(people["secretariat"])
    response = client.post(
        url("activities:session-new"),
        {
            "title": "Briefing",
            "held_on": "2024-02-07",
            "kind": "briefing",
            "languages": ["pt"],
            "online": "on",
        },
    )
    session = TrainingSession.objects.get()
    assert response.status_code == 302 and session.languages == ["pt"]
    posted = {
        "name": "Ana  Silva",
        "party": "AGO",
        "gender": "woman",
        "language": "pt",
        "ministry": "Justice",
    }
    client.post(url("activities:participant-new", session.pk), posted)
    participant = Participant.objects.get()
    assert (
        participant.official == "AGO|ana silva" and participant.created_by == people["secretariat"]
    )
    client.post(
        url("activities:participant-edit", session.pk, participant.pk),
        {**posted, "ministry": "Interior"},
    )
    participant.refresh_from_db()
    assert participant.ministry == "Interior"
    page = client.get(url("activities:session-detail", session.pk)).content.decode()
    assert "Ana  Silva" in page and "Portuguese" in page


def test_a_session_needs_a_place_or_online(client, people):
    client.force_login(people["secretariat"])
    response = client.post(
        url("activities:session-new"), {"title": "T", "held_on": "2024-02-07", "kind": "training"}
    )
    assert response.status_code == 400 and "Give the place" in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_a_partys_people_see_only_their_partys_participants(client, people):
    secretariat = people["secretariat"]
    shared = make_session(secretariat, title="Shared session")
    add_participant(shared, secretariat, "Jean Dupont", "FRA")
    add_participant(shared, secretariat, "Hans Muster", "DEU")
    german = make_session(secretariat, title="German session")
    add_participant(german, secretariat, "Greta Klein", "DEU")
    client.force_login(people["fra"])
    listed = client.get(url("activities:session-list")).content.decode()
    assert "Shared session" in listed and "German session" not in listed
    page = client.get(url("activities:session-detail", shared.pk)).content.decode()
    assert "Jean Dupont" in page and "Hans Muster" not in page
    assert client.get(url("activities:session-detail", german.pk)).status_code == 404
    exported = body(client.get(url("activities:participant-export", "csv"))).decode()
    assert "Jean Dupont" in exported and "Hans" not in exported and "Greta" not in exported
    client.force_login(people["outsider"])
    assert client.get(url("activities:session-detail", shared.pk)).status_code == 404
    assert "Shared session" not in client.get(url("activities:session-list")).content.decode()
    client.logout()
    assert client.get(url("activities:session-list")).status_code == 302
    figures_page = client.get(url("activities:figures"), {"as_of": "2024-04-16"}).content.decode()
    assert "3 officials from 2 States." in figures_page and "Jean" not in figures_page


def test_officials_are_counted_once_across_sessions(people):
    secretariat = people["secretariat"]
    first = make_session(secretariat, held_on=dt.date(2021, 5, 1))
    second = make_session(secretariat, held_on=dt.date(2023, 5, 1))
    add_participant(first, secretariat, "Jean Dupont", "FRA", language="fr")
    add_participant(second, secretariat, "jean  DUPONT", "FRA", language="en")
    add_participant(second, secretariat, "Jean Dupont", "BEL", gender="man", language="fr")
    add_participant(second, secretariat, "Amina Diallo", "SEN", gender="other", language="fr")
    actions.save_completion(
        None,
        {
            "party": party("KEN"),
            "gender": "woman",
            "language": "en",
            "ministry": "",
            "module": "RevMod",
            "completed_on": dt.date(2022, 1, 1),
        },
        by=secretariat,
        now=dt.datetime(2022, 1, 1, tzinfo=dt.UTC),
    )
    early = figures.training(dt.date(2022, 12, 31))
    assert (early.officials, early.states) == (2, 2)
    counted = figures.training(dt.date(2024, 4, 16))
    assert (counted.officials, counted.states) == (4, 4)
    assert counted.by_gender == {"woman": 2, "man": 1, "other": 1}
    assert counted.by_language == {"fr": 3, "en": 2}  # Jean Dupont of France in both
    assert count_queries(lambda: figures.training(dt.date(2024, 4, 16))) == 7


COMPLETION = {
    "gender": "woman",
    "language": "fr",
    "ministry": "Justice",
    "module": "RevMod",
    "completed_on": dt.date(2023, 1, 5),
}


def csv_file(text, name="completions.csv"):
    return SimpleUploadedFile(name, text.encode())


def xlsx_file(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("completions.xlsx", out.getvalue())


def test_completions_are_imported_from_csv_and_xlsx(client, people):
    client.force_login(people["secretariat"])
    text = HEADER + "fra,woman,fr,Justice,RevMod,2023-01-05\nKEN,man,zh-hans,,Module 1,2023-02-01\n"
    response = client.post(url("activities:completion-import"), {"file": csv_file(text)})
    assert response.status_code == 302
    assert Completion.objects.count() == 2
    assert set(Completion.objects.values_list("party__code", "language")) == {
        ("FRA", "fr"),
        ("KEN", "zh"),
    }
    rows = [
        HEADER.strip().split(","),
        ["SEN", "other", "pt", "Interior", "RevMod", dt.datetime(2023, 3, 1)],
    ]
    response = client.post(url("activities:completion-import"), {"file": xlsx_file(rows)})
    assert response.status_code == 302
    assert Completion.objects.filter(party__code="SEN", completed_on=dt.date(2023, 3, 1)).exists()


def test_a_file_with_a_bad_row_imports_nothing_and_says_which(client, people):
    client.force_login(people["secretariat"])
    text = (
        HEADER
        + "FRA,woman,fr,J,M,2023-01-05\nZZZ,woman,fr,J,M,2023-01-05\nKEN,robot,en,J,M,05/01/2023\n"
    )
    response = client.post(url("activities:completion-import"), {"file": csv_file(text)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in page
    assert "Row 3: State:" in page
    assert "Row 4: Gender:" in page and "Row 4: Completed on:" in page
    assert "Row 2" not in page
    assert not Completion.objects.exists()


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("c.exe", b"MZ"), "Import a CSV or XLSX file."),
        (SimpleUploadedFile("c.csv", "é".encode("latin-1")), "not in UTF-8"),
        (SimpleUploadedFile("c.xlsx", b"not a workbook"), "is not XLSX"),
        (SimpleUploadedFile("c.xlsx", zip_bomb("xlsx")), "decompression bomb"),
        (SimpleUploadedFile("c.csv", b'"' + b"x" * 200_000 + b'"\n'), "not a CSV file of text"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused(client, people, upload, message):
    client.force_login(people["secretariat"])
    response = client.post(url("activities:completion-import"), {"file": upload})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Completion.objects.exists()


def test_too_many_rows_are_refused(client, people, settings):
    settings.REVMOD_MAX_ROWS = 3
    client.force_login(people["secretariat"])
    text = HEADER + "FRA,woman,fr,J,M,2023-01-05\n" * 3
    response = client.post(url("activities:completion-import"), {"file": csv_file(text)})
    assert response.status_code == 400 and "more than 3 rows" in response.content.decode()
    assert not Completion.objects.exists()


def test_completions_list_export_and_access(client, people):
    client.force_login(people["secretariat"])
    text = (
        HEADER + f"FRA,woman,fr,{QUOTED},RevMod,2023-01-05\nDEU,man,en,J,Other module,2023-01-05\n"
    )
    client.post(url("activities:completion-import"), {"file": csv_file(text)})
    for fmt in ("csv", "xlsx"):
        assert_inert(client.get(url("activities:completion-export", fmt)), FORMULA)
    client.force_login(people["fra"])
    page = client.get(url("activities:completion-list")).content.decode()
    assert "RevMod" in page and "Other module" not in page
    assert b"Other module" not in body(client.get(url("activities:completion-export", "csv")))
    completion = Completion.objects.get(party__code="FRA")
    assert client.get(url("activities:completion-edit", completion.pk)).status_code == 404


def test_training_lists_query_counts_stay_flat(client, people):
    secretariat = people["secretariat"]
    client.force_login(people["fra"])
    session = make_session(secretariat)
    add_participant(session, secretariat, "A", "FRA")
    actions.import_completions([{**COMPLETION, "party": party("FRA")}], by=secretariat, now=NOW)
    pages = [
        url("activities:session-list"),
        url("activities:completion-list"),
        url("activities:session-detail", session.pk),
        url("activities:participant-export", "csv"),
    ]
    few = [count_queries(lambda p=p: client.get(p)) for p in pages]
    for n in range(5):
        other = make_session(secretariat, title=f"S{n}")
        add_participant(other, secretariat, f"P{n}", "FRA")
        add_participant(session, secretariat, f"Q{n}", "FRA")
    client.force_login(secretariat)
    client.post(
        url("activities:completion-import"),
        {"file": csv_file(HEADER + "FRA,woman,fr,J,M,2023-01-05\n" * 5)},
    )
    client.force_login(people["fra"])
    assert [count_queries(lambda p=p: client.get(p)) for p in pages] == few
