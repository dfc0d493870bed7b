"""The open datasets (/data/, /api/v1/open-data/) and the Atom feed of public events, on a
world where France's review went through every step on known days (through the real actions),
was completed and its publication decided after; and a library resource published."""

import codecs
import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest

from revmod.library import actions as library
from revmod.lots import actions as lots
from revmod.lots.models import Meeting
from revmod.questionnaires import actions as answering
from revmod.questionnaires import feedback, observations, publication
from revmod.questionnaires.models import Question
from revmod.registry.models import Adherence, Instrument
from revmod.reviews import actions as reviews
from revmod.stats import opendata
from revmod.test import (
    FORMULA,
    assert_inert,
    body,
    count_queries,
    fresh,
    load_questionnaire,
    make_party,
    make_people,
    make_world,
    rename,
    shared_data,
    to_questionnaire,
)

pytestmark = pytest.mark.django_db


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text + "T10:00:00+00:00")


# France's steps (every group has started by the first of them).
HELD, ANSWERED, FEEDBACK, COMPLETED, DECIDED = (
    "2023-02-01",
    "2023-06-01",
    "2023-09-01",
    "2024-01-15",
    "2024-02-01",
)
SUMMARY = "Confidential until signed: the summary's text."
SECRET_ANSWER = "Penal Code, article 450-1 (an answer, never in the open data)."


def build():
    secretariat, made = make_world()
    load_questionnaire()
    review = made["FRA"]
    people, _nominations = make_people(secretariat, review)
    fp = people["reviewed_fp"]
    to_questionnaire(review, fp, languages=("en", "fr"), now=at(HELD))
    question = Question.objects.get(key="untoc-5-1a", template__published=True)
    answering.save_answer(
        review, question, by=people["expert"], now=at(ANSWERED), version=0, value=["yes"],
        text=SECRET_ANSWER,
    )  # fmt: skip
    reviews.act(review, "clear", by=fp, now=at(ANSWERED))
    reviews.act(review, "submit", by=fp, now=at(ANSWERED))
    publication.decide(review, by=fp, now=at(ANSWERED), choice="all")
    # Every reviewing party's focal point clears; the first main one comments and submits.
    fp_of = {p.reviewer.code: people[f"reviewer_fp_{n}" if n > 1 else "reviewer_fp"]
             for n, p in enumerate(review.pairings(), start=1)}  # fmt: skip
    reviewer_fps = list(fp_of.values())
    main = fp_of[min(p.reviewer.code for p in review.pairings() if p.role == "main")]
    feedback.save_comment(review, question, by=main, now=at(FEEDBACK), version=0, text="Good.")
    for reviewer in reviewer_fps:
        reviews.act(review, "clear", by=reviewer, now=at(FEEDBACK))
    reviews.act(review, "submit", by=main, now=at(FEEDBACK))
    sections = dict.fromkeys((key for key, _label in observations.SECTIONS), "")
    observations.save_version(
        review, by=fp, now=at(COMPLETED), based_on=0, sections={**sections, "summary": SUMMARY}
    )
    for signer in [fp, *reviewer_fps]:
        observations.sign_off(review, by=signer, now=at(COMPLETED), number=1)
    reviews.act(review, "submit", by=secretariat, now=at(COMPLETED))
    observations.decide_publication(review, by=fp, now=at(DECIDED), choice="full")
    shelf = {}
    for published in (True, False):
        resource = library.save_resource(
            None,
            by=secretariat,
            now=at(DECIDED),
            kind="manual",
            # A vertical tab pasted from Word: XML cannot hold it, the feed leaves it out.
            title_en=f"Manual\x0b {'out' if published else 'draft'}",
            title_fr=f"Manuel {'publié' if published else 'brouillon'}",
        )
        if published:
            library.publish(resource, True, by=secretariat, now=at(DECIDED))
        shelf[published] = resource
    return secretariat, made, people, shelf


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        yield build()


@pytest.fixture
def world(shared_world, db):
    return fresh(shared_world)


def rows_of(response) -> list[list[str]]:
    data = body(response)
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def by_key(rows: list[list[str]], key: str) -> dict[str, dict]:
    header, *rest = rows
    return {row[header.index(key)]: dict(zip(header, row, strict=True)) for row in rest}


def test_each_dataset_as_csv_json_and_api_with_its_dictionary(client, world):
    _secretariat, made, _people, _shelf = world
    for slug, dataset in opendata.DATASETS.items():
        csv_response = client.get(f"/en/data/{slug}.csv")
        assert csv_response.status_code == 200, slug
        assert csv_response["Content-Type"].startswith("text/csv")
        assert 'rel="license"' in csv_response["Link"] and "creativecommons" in csv_response["Link"]
        rows = rows_of(csv_response)
        document = client.get(f"/en/data/{slug}.json").json()
        api = client.get(f"/api/v1/open-data/{slug}/?lang=en").json()
        dictionary = client.get(f"/en/data/{slug}/dictionary.json").json()
        names = [c["name"] for c in dictionary["columns"]]
        # One dictionary for the three: the CSV's header, the JSON's keys, the API's.
        assert rows[0] == names == [c["name"] for c in document["columns"]]
        assert len(rows) - 1 == len(document["rows"]) == len(api["rows"]) > 0, slug
        assert all(list(row) == names for row in document["rows"])
        assert {**api, "generated_at": None} == {**document, "generated_at": None}
        assert document["licence"] == {
            "name": "CC BY 4.0",
            "url": "https://creativecommons.org/licenses/by/4.0/",
        }
        assert document["as_of"] is None and dataset.title == document["title"]
        assert all(c["description"] and c["type"] for c in dictionary["columns"])
    parties = by_key(rows_of(client.get("/fr/data/parties.csv")), "code")
    assert len(parties) == 189
    kenya = parties["KEN"]
    assert (kenya["name_en"], kenya["name_fr"], kenya["regional_group"]) == (
        "Kenya",
        "Kenya",
        "AFR",
    )
    assert kenya["name_ar"] and kenya["name_zh"] and kenya["name_ru"] != kenya["name_en"]
    assert kenya["untoc_action"] and kenya["untoc_date"] == kenya["untoc_date"][:10]
    assert kenya["review_group"] == str(made["KEN"].group.number)
    assert parties["EU"]["kind"] == "reio"
    in_force = rows_of(client.get("/en/data/pairings.csv"))
    france = {
        (r["reviewer_code"], r["status"])
        for r in by_key(in_force, "id").values()
        if r["reviewed_code"] == "FRA"
    }
    assert france == {(p.reviewer.code, "active") for p in made["FRA"].pairings()}
    # Stages and step dates, in the language asked: no content of the review.
    french = client.get("/fr/data/reviews.csv")
    text = body(french).decode("utf-8-sig")
    assert SUMMARY not in text and SECRET_ANSWER not in text and "Good." not in text
    fra = by_key(list(csv.reader(io.StringIO(text))), "party_code")["FRA"]
    assert (fra["stage"], fra["stage_label"], fra["stage_since"]) == (
        "completed",
        "Terminé",
        COMPLETED,
    )
    assert fra["initial_consultation_completed"] == HELD
    assert fra["questionnaire_completed"] == ANSWERED
    assert fra["written_feedback_completed"] == FEEDBACK
    assert fra["observations_completed"] == COMPLETED
    assert (fra["working_languages"], fra["no_language_agreement"]) == ("en;fr", "False")
    assert fra["reviewing_parties"] == ";".join(
        sorted(p.reviewer.code for p in made["FRA"].pairings())
    )
    figures = client.get("/en/data/statistics.json").json()["rows"]
    assert {r["figure"] for r in figures} == {"II", "III", "IV", "V", "VI"}
    completed = [r for r in figures if r["figure"] == "II" and r["series"] == "Completed"]
    assert sum(r["count"] for r in completed) == 1


def test_a_dated_snapshot_gives_each_dataset_as_it_stood_that_day(client, world):
    _secretariat, made, _people, _shelf = world

    def fra(day):
        rows = client.get(f"/en/data/reviews.json?as_of={day}").json()["rows"]
        return next(r for r in rows if r["party_code"] == "FRA")

    before = fra("2023-05-31")
    assert (before["stage"], before["questionnaire_completed"]) == ("questionnaire", None)
    assert before["initial_consultation_completed"] == HELD
    assert fra(ANSWERED)["stage"] == "written_feedback"
    assert fra(ANSWERED)["questionnaire_completed"] == ANSWERED
    assert fra("2024-01-14")["observations_completed"] is None
    first = min(r.started_on for r in made.values())
    snapshot = client.get(f"/api/v1/open-data/reviews/?as_of={first - dt.timedelta(days=1)}")
    assert snapshot.json()["rows"] == [] and snapshot.json()["as_of"] == str(
        first - dt.timedelta(days=1)
    )
    # Bhutan and South Sudan joined the Convention in 2023 (seed fn 2).
    parties = client.get("/en/data/parties.json?as_of=2022-12-31").json()["rows"]
    codes = {r["code"] for r in parties}
    assert len(codes) == 187 and "KEN" in codes and not {"BTN", "SSD"} & codes
    assert len(client.get("/en/data/parties.json?as_of=1900-01-01").json()["rows"]) == 0
    figures = client.get("/en/data/statistics.json?as_of=2024-01-14").json()["rows"]
    completed = [r for r in figures if r["figure"] == "II" and r["series"] == "Completed"]
    assert sum(r["count"] for r in completed) == 0
    named = client.get("/en/data/statistics.csv?as_of=2024-01-14")
    assert named["Content-Disposition"] == 'attachment; filename="statistics-2024-01-14.csv"'
    # Pairings take effect on their day: none before the draw's meeting.
    meeting = Meeting.objects.get().held_on
    for slug in ["pairings", "pairings-history"]:
        day = meeting - dt.timedelta(days=1)
        assert client.get(f"/en/data/{slug}.json?as_of={day}").json()["rows"] == []
        assert client.get(f"/en/data/{slug}.json?as_of={meeting}").json()["rows"]


def test_a_bad_day_or_an_unknown_dataset_is_refused_plainly(client, world):
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    for bad in ["2024-13-01", "yesterday", "20240101", tomorrow.isoformat()]:
        download = client.get(f"/en/data/parties.csv?as_of={bad}")
        assert download.status_code == 400, bad
        assert b"YYYY-MM-DD" in download.content or b"future" in download.content
        api = client.get(f"/api/v1/open-data/parties/?as_of={bad}")
        assert api.status_code == 400 and "as_of" in api.json()
        page = client.get(f"/en/data/?as_of={bad}")
        assert page.status_code == 400 and 'aria-invalid="true"' in page.content.decode()
    for path in [
        "/en/data/secrets.csv",
        "/en/data/parties.xlsx",
        "/en/data/secrets/",
        "/en/data/secrets/dictionary.json",
        "/api/v1/open-data/secrets/",
    ]:
        assert client.get(path).status_code == 404, path


def test_no_cell_of_a_download_runs_as_a_formula(client, world):
    rename("parties", "KEN", FORMULA)
    assert_inert(client.get("/en/data/parties.csv"), FORMULA)
    assert_inert(client.get("/en/data/reviews.csv"), FORMULA)


@pytest.mark.parametrize("language", ["ar", "zh-hans", "en", "fr", "ru", "es"])
def test_the_index_and_a_dictionary_read_in_each_language(client, world, language):
    index = client.get(f"/{language}/data/")
    page = index.content.decode()
    assert index.status_code == 200
    assert f'lang="{language}"' in page and ('dir="rtl"' in page) == (language == "ar")
    assert "CC BY 4.0" in page and 'href="https://creativecommons.org/licenses/by/4.0/"' in page
    for slug in opendata.DATASETS:
        assert f'href="/{language}/data/{slug}.csv"' in page
        assert f'href="/{language}/data/{slug}/"' in page
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert f'href="/{language}/feeds/events.atom"' in page
    english = client.get("/en/data/reviews/").content.decode()
    dictionary = client.get(f"/{language}/data/reviews/").content.decode()
    assert "<code>questionnaire_completed</code>" in dictionary
    if language != "en":  # translated, not English
        assert "The day the answers to the self-assessment" not in dictionary
        assert "The day the answers to the self-assessment" in english
    dated = client.get(f"/{language}/data/?as_of=2024-01-14").content.decode()
    assert f'href="/{language}/data/reviews.json?as_of=2024-01-14"' in dated


def feed_entries(client, language="en"):
    response = client.get(f"/{language}/feeds/events.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(response.content)
    entries = [
        (e.find("a:title", ns).text, e.find("a:link", ns).get("href"), e.find("a:id", ns).text)
        for e in root.findall("a:entry", ns)
    ]
    return entries, response.content.decode()


def test_the_feed_lists_public_events_in_the_language_asked(client, world):
    _secretariat, made, _people, shelf = world
    entries, text = feed_entries(client)
    titles = [title for title, _link, _id in entries]
    # Newest first: the resource and the decision (same day), the completion, ... the starts.
    assert "New in the resources library: Manual out" in titles
    assert "Manual draft" not in text  # unpublished
    completed = "Country review of France completed: its summary is published"
    changed = "List of observations of France: what is published changed"
    assert titles.index(changed) < titles.index(completed)
    assert titles.index(completed) < titles.index("Country review of France started")
    assert "Answers of France: what is published changed" in titles
    assert "Result of a drawing of lots published: Groups and reviewing parties" in titles
    assert len({entry_id for _t, _l, entry_id in entries}) == len(entries)
    assert ("Country review of France started", "http://testserver/en/parties/FRA/") in [
        (t, link) for t, link, _id in entries
    ]
    assert SUMMARY not in text and SECRET_ANSWER not in text and "Good." not in text
    french, _text = feed_entries(client, "fr")
    assert "Nouveau dans la bibliothèque de ressources : Manuel publié" in [t for t, *_ in french]
    # A review reopened by the secretariat no longer shows its completion.
    fra = made["FRA"]
    fra.refresh_from_db()
    reviews.act(
        fra, "reopen", by=_secretariat, now=at("2024-03-01"), reason="A typo.", to="observations"
    )
    entries, _text = feed_entries(client)
    assert completed not in [t for t, *_ in entries]


def grow(secretariat):
    """More of everything the datasets and the feed read: parties with their joinings,
    another draw (pairings, reviews and group assignments), published resources."""
    untoc = Instrument.objects.get(code="UNTOC")
    for n in range(4):
        party = make_party(f"Q{n}X")
        Adherence.objects.create(
            party=party, instrument=untoc, action="accession", date=dt.date(2019, 1, 1)
        )
    meeting = lots.create_meeting(held_on=dt.date(2020, 11, 20), title="Second draw")
    now = at("2020-11-20")
    draw = lots.prepare_draw(
        kind="late",
        meeting=meeting,
        by=secretariat,
        now=now,
        reviewed=["ITA", "JPN", "CAN", "MEX", "NGA", "IND"],
    )
    draw = lots.enter_entropy(lots.announce(draw, now=now), entropy="5 6 7", now=now)
    lots.publish(lots.perform_draw(draw, now=now), now=now, by=secretariat)
    for n in range(3):
        resource = library.save_resource(
            None, by=secretariat, now=now, kind="guide", title_en=f"Guide {n}"
        )
        library.publish(resource, True, by=secretariat, now=now)


def test_query_counts_stay_flat_as_the_data_grows(client, world):
    secretariat, _made, _people, _shelf = world
    paths = [
        "/en/data/",
        "/en/data/reviews/",
        "/en/feeds/events.atom",
        "/api/v1/open-data/",
        *(f"/en/data/{slug}.{fmt}" for slug in opendata.DATASETS for fmt in ("csv", "json")),
        *(f"/en/data/{slug}.csv?as_of=2024-01-14" for slug in opendata.DATASETS),
        *(f"/api/v1/open-data/{slug}/" for slug in opendata.DATASETS),
    ]

    def counts():
        return [count_queries(lambda p=p: body(client.get(p))) for p in paths]

    def sizes():
        return [
            len(client.get(f"/api/v1/open-data/{slug}/").json()["rows"])
            for slug in opendata.DATASETS
        ]

    counts()  # the cache of the statistics filled
    few, small = counts(), sizes()
    grow(secretariat)
    counts()
    # More parties, pairings and reviews (the statistics' rows are the figures' cells).
    assert [a > b for a, b in zip(sizes(), small, strict=True)] == [True, True, True, True, False]
    assert counts() == few
    assert all(n <= 15 for n in few), dict(zip(paths, few, strict=True))


def test_an_empty_database_gives_empty_datasets_and_feed(client, db):
    """From a fresh install (no registry yet): every dataset, its page and the feed answer."""
    for slug in opendata.DATASETS:
        assert client.get(f"/en/data/{slug}/").status_code == 200
        assert rows_of(client.get(f"/en/data/{slug}.csv"))[0], slug  # the header alone
        rows = client.get(f"/api/v1/open-data/{slug}/?as_of=2024-01-01").json()["rows"]
        assert slug == "statistics" or rows == [], slug
        assert all(row["count"] == 0 for row in rows)
    entries, _text = feed_entries(client)
    assert entries == []
