"""Sections IV-VII of the status report (issue 19, item 9): the secretariat's support, training
and resources, stakeholders and recommendations as of a day, from records made through each
app's actions; shown at once when a record changes (the records version); in the API and the
PDF."""

import datetime as dt
import html
import io
import re

import pytest
from django.utils import formats, translation

from revmod.activities import actions as activities
from revmod.activities.models import Participant
from revmod.assistance import actions as assistance
from revmod.followups import actions as followups
from revmod.library import actions as library
from revmod.recommendations import actions as recommendations
from revmod.registry.models import Party
from revmod.stakeholders import actions as stakeholders
from revmod.test import count_queries, fresh, make_world, pdf_made, shared_data

pytestmark = pytest.mark.django_db
DAY = dt.date(2024, 4, 16)
NOW = dt.datetime(2024, 4, 10, 9, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        yield make_world()


@pytest.fixture
def world(shared_world, db, client):
    secretariat, reviews = fresh(shared_world)
    client.force_login(secretariat)
    return secretariat, reviews


def parties(*codes):
    return list(Party.objects.filter(code__in=codes).order_by("code"))


# --- Records, each through its app's actions


def followup(by, code="FRA", kind="call"):
    party = Party.objects.get(code=code)
    return followups.record_followup(
        by=by, now=NOW, party=party, whom="mission", kind=kind, held_on=DAY, subject="Timetable"
    )


def briefing(by, codes=("FRA", "DEU", "KEN"), representatives=1250):
    return followups.record_briefing(
        by=by,
        now=NOW,
        parties=parties(*codes),
        held_on=dt.date(2024, 2, 14),
        title="Global overview",
        kind="global",
        online=True,
        representatives=representatives,
        published=True,
    )


def event(by, kind="national", title="Workshop"):
    data = {
        "kind": kind,
        "title": title,
        "starts_on": dt.date(2022, 1, 18),
        "ends_on": dt.date(2022, 1, 19),
        "online": False,
        "place": "Sarajevo",
        "organisers": "UNODC",
        "languages": ["en"],
        "parties": parties("FRA"),
        "reviews": [],
        "women": 10,
        "men": 8,
        "other": 0,
        "published": False,
    }
    return activities.save_event(None, data, by=by, now=NOW)


def trained(by, name, code="KEN", gender="woman", language="en"):
    session = activities.save_session(
        None,
        {
            "title": "RevMod",
            "held_on": dt.date(2023, 3, 1),
            "kind": "training",
            "languages": [language],
            "online": True,
            "place": "",
        },
        by=by,
        now=NOW,
    )
    data = {
        "name": name,
        "party": Party.objects.get(code=code),
        "gender": gender,
        "language": language,
        "ministry": "Justice",
    }
    return activities.save_participant(Participant(session=session), data, by=by, now=NOW)


def needs(by, code="KEN", asked=("general_training", "revmod_training")):
    survey = assistance.open_survey(
        title="Needs", opens_on=dt.date(2024, 2, 1), closes_on=dt.date(2024, 3, 31), by=by, now=NOW
    )
    return assistance.answer(
        survey,
        Party.objects.get(code=code),
        needs={c: "Help" for c in asked},
        by=by,
        now=dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC),
    )


def resource(by, title="RevMod user manual", language="pt"):
    made = library.save_resource(None, by=by, now=NOW, kind="manual", title_en=title)
    made = library.publish(made, True, by=by, now=NOW)
    library.add_version(made, by=by, now=NOW, language=language, link="https://example.org/m")
    return made


def dialogue(by, ngos=299):
    made = stakeholders.save_dialogue(
        None,
        {
            "held_on": dt.date(2023, 6, 14),
            "title": "Dialogue 2023",
            "format": "hybrid",
            "parties": ["KEN", "MEX"],
            "other_ngo": ngos,
            "other_academic": 15,
        },
        by=by,
        now=NOW,
    )
    stakeholders.save_observation(None, {"text": "Engage"}, dialogue=made, by=by, now=NOW)
    return made


def pilot(by, review):
    data = {"review": review, "consent_on": dt.date(2023, 6, 1), "consent_note": "NV"}
    return stakeholders.save_pilot(None, data, by=by, now=NOW)


def recommendation(by, number=1):
    made = recommendations.create_recommendation(
        by=by,
        now=NOW,
        session="WG 2023",
        number=number,
        adopted_on=dt.date(2023, 6, 1),
        addressee="both",
        text_en="Respect the timetables.",
        published=True,
    )
    recommendations.record_follow_up(
        made,
        party=None,
        by=by,
        now=NOW,
        status="in_progress",
        evidence="Under way.",
        link="",
        on=NOW.date(),
        published=True,
    )
    return made


def every_record(secretariat, reviews, n=1, *, first=0, state="KEN"):
    """`n` records of each kind the sections count (numbered from `first`), and a briefing, a
    survey's answer, a dialogue and a pilot (of `state`'s review)."""
    for i in range(first, first + n):
        followup(secretariat, code=("FRA", "DEU", "KEN")[i % 3])
        event(secretariat, title=f"Workshop {i}")
        trained(secretariat, f"Official {i}")
        resource(secretariat, title=f"Manual {i}")
        recommendation(secretariat, number=i + 1)
    briefing(secretariat)
    needs(secretariat, code=state)
    dialogue(secretariat)
    pilot(secretariat, reviews[state])


def report(client, language="en", day=DAY) -> str:
    """The report's text as a reader reads it (tags dropped, spaces joined)."""
    page = client.get(f"/{language}/statistics/report/?as_of={day}")
    assert page.status_code == 200
    text = re.sub(r"<[^>]+>", " ", page.content.decode())
    # Spaces of the markup joined; the narrow no-break space of French digit groups kept.
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(text))


# --- The sentences


def written(day: dt.date) -> str:
    with translation.override("en"):
        return formats.date_format(day, "DATE_FORMAT")


def test_a_day_without_records_says_so_once_per_section(world, client):
    text = report(client)
    for sentence in [
        "No follow-up with the parties is recorded by this day.",
        "No briefing is recorded by this day.",
        "No national, regional or side event is recorded by this day.",
        "No request for technical assistance is recorded by this day.",
        "No official trained is recorded by this day.",
        "No resource is published in the library by this day.",
        "No constructive dialogue with non-governmental stakeholders is recorded by this day.",
        "No SE4U or WhatsOn figures are recorded by this day.",
        "No pilot initiative is recorded by this day.",
        "No recommendation of the working groups is recorded by this day.",
    ]:
        assert sentence in text
    assert "IV. Secretariat support" in text and "VII. Recommendations" in text


def test_the_sections_give_the_figures_of_the_records(world, client):
    secretariat, reviews = world
    every_record(secretariat, reviews, n=2)
    followup(secretariat, code="FRA", kind="email")
    event(secretariat, kind="regional", title="Regional")
    stakeholders.save_outreach(
        None,
        {"programme": "se4u", "year": 2023, "people": 3300, "countries": 136},
        by=secretariat,
        now=NOW,
    )
    text = report(client)
    assert (
        "The secretariat has recorded 3 follow-ups with the permanent missions and focal points"
        " of 2 parties. By kind: E-mail (1), Call (2)." in text
    )
    assert "1 briefing has been held, for 1,250 representatives of 3 States in all." in text
    assert (
        f"The latest, “Global overview” on {written(dt.date(2024, 2, 14))}, gathered 1,250"
        " representatives of 3 States." in text
    )
    assert "3 events have been held: National event (2), Regional event (1)." in text
    assert "The survey of technical assistance needs has received 2 requests from 1 State," in text
    assert "General training 1 1 " in text  # the table's row: requests, States
    assert "Briefings, training and e-learning have reached 2 officials from 1 State." in text
    assert "By gender: Woman (2). By language: English (2)." in text
    assert "The resources library offers 2 published resources. By kind: Manual (2)." in text
    assert "By language: Portuguese (2)." in text
    assert (
        f"The latest constructive dialogue, “Dialogue 2023” on {written(dt.date(2023, 6, 14))},"
        " brought together"
        " 314 non-governmental stakeholders and 2 States; the chairs recorded 1 observation."
        in text
    )
    assert "SE4U: 3,300 people from 136 countries in 2023." in text
    assert "Starting: Kenya." in text
    assert "The working groups have adopted 2 recommendations so far." in text
    assert "Follow-up by the secretariat: In progress (2)." in text
    # Before the records' days, the sections say there is nothing yet.
    before = report(client, day=dt.date(2021, 1, 1))
    assert "No follow-up with the parties is recorded by this day." in before
    assert "No official trained is recorded by this day." in before


def test_the_sections_in_french_with_its_digit_grouping(world, client):
    secretariat, reviews = world
    briefing(secretariat, representatives=1250)
    dialogue(secretariat, ngos=1299)
    pilot(secretariat, reviews["KEN"])
    text = report(client, "fr")
    with translation.override("fr"):
        heading = translation.gettext("IV. Secretariat support")
    assert heading != "IV. Secretariat support" and heading in text
    assert "1\u202f250" in text and "1\u202f314" in text
    assert "Kenya" in text
    assert "No follow-up with the parties is recorded by this day." not in text


# --- The records version: a change shows at once (the report is cached per version)

CHANGES = {
    "followups": (lambda sec, reviews: followup(sec), "The secretariat has recorded 1 follow-up"),
    "activities": (lambda sec, reviews: event(sec), "1 event has been held"),
    "assistance": (lambda sec, reviews: needs(sec), "has received 2 requests from 1 State,"),
    "library": (lambda sec, reviews: resource(sec), "offers 1 published resource."),
    "stakeholders": (lambda sec, reviews: pilot(sec, reviews["KEN"]), "Starting: Kenya."),
    "recommendations": (lambda sec, reviews: recommendation(sec), "adopted 1 recommendation"),
}


@pytest.mark.parametrize("app", CHANGES)
def test_a_change_through_the_apps_actions_shows_at_once(world, client, app):
    secretariat, reviews = world
    change, sentence = CHANGES[app]
    assert sentence not in report(client)  # read, hence cached
    change(secretariat, reviews)
    assert sentence in report(client)


def test_an_edit_shows_at_once_too(world, client):
    secretariat, _reviews = world
    made = briefing(secretariat, representatives=193)
    assert "for 193 representatives" in report(client)
    followups.edit_briefing(made, by=secretariat, now=NOW, representatives=200)
    assert "for 200 representatives" in report(client)


# --- Queries, API, PDF


def test_the_report_and_the_api_query_counts_stay_flat(world, client):
    secretariat, reviews = world
    pages = [f"/en/statistics/report/?as_of={DAY}", f"/api/v1/stats/status/?as_of={DAY}"]
    every_record(secretariat, reviews, n=1)
    few = [count_queries(lambda u=u: client.get(u)) for u in pages]
    every_record(secretariat, reviews, n=4, first=1, state="BRA")
    assert [count_queries(lambda u=u: client.get(u)) for u in pages] == few


def test_the_api_gives_the_sections_with_labels_in_the_language_asked(world, client):
    secretariat, reviews = world
    every_record(secretariat, reviews, n=2)
    response = client.get(f"/api/v1/stats/status/?as_of={DAY}", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    sections = response.json()["sections"]
    assert sections["as_of"] == DAY.isoformat()
    support = sections["support"]
    assert (support["followups"]["total"], support["followups"]["parties"]) == (2, 2)
    assert support["briefings"]["latest"]["representatives"] == 1250
    assert support["events"]["by_kind"] == [
        {"code": "national", "n": 2, "label": "Événement national"}
    ]
    assert support["assistance"]["requests"] == 2 and len(support["assistance"]["by_category"]) == 7
    assert sections["training"]["officials"] == 2
    assert sections["library"]["resources"] == 2
    assert sections["stakeholders"]["dialogue"]["stakeholders"] == 314
    assert sections["stakeholders"]["pilots"][0]["parties"] == ["KEN"]
    assert sections["recommendations"]["adopted"] == 2
    client.logout()
    assert client.get(f"/api/v1/stats/status/?as_of={DAY}").status_code in (401, 403, 404)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_pdf_carries_the_sections(world, client, language):
    from pypdf import PdfReader

    secretariat, reviews = world
    every_record(secretariat, reviews, n=1)
    briefing(secretariat, representatives=4321)
    response = pdf_made(client, f"/{language}/statistics/report.pdf?as_of={DAY}")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    # The briefing's title is in Latin letters whatever the language; its figures are grouped.
    assert "Global overview" in text
    grouped = {"ar": "4,321", "fr": "4\u202f321"}[language]
    assert grouped.replace("\u202f", "") in text.replace("\u202f", "").replace(" ", "")
    if language == "fr":
        with translation.override("fr"):
            heading = translation.gettext("VII. Recommendations")
        assert heading != "VII. Recommendations" and heading in text


def test_the_schema_documents_the_sections(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    components = schema["components"]["schemas"]
    assert "sections" in components["Status"]["properties"]
    assert {"support", "training", "library", "stakeholders", "recommendations"} <= set(
        components["Sections"]["properties"]
    )
    assert "representatives" in components["SectionBriefings"]["properties"]
