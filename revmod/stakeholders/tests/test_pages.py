import datetime as dt

import pytest
from django.urls import reverse

from revmod.stakeholders import actions
from revmod.stakeholders.models import Dialogue, Observation, Outreach, Pilot, Stakeholder
from revmod.stakeholders.tests.conftest import NOW, dialogue, pilot, stakeholder
from revmod.test import FORMULA, assert_inert, count_queries, make_user

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"stakeholders:{name}", args=args)


def test_the_secretariat_registers_a_stakeholder_and_changes_it(client, world):
    users, _reviews = world
    client.force_login(users["secretariat"])
    data = {
        "name": "Academy of Law",
        "kind": "academic",
        "country": "KEN",
        "contact_name": "Ada Njeri",
        "contact_email": "ada@example.org",
        "consent_on": "",
    }
    response = client.post(url("stakeholder-new"), data)
    stakeholder = Stakeholder.objects.get()
    assert response.status_code == 302 and response["Location"] == url(
        "stakeholder-detail", stakeholder.pk
    )
    assert stakeholder.created_by == users["secretariat"] and stakeholder.consent_on is None
    page = client.get(response["Location"]).content.decode()
    assert "Kenya" in page and "ada@example.org" in page
    response = client.post(
        url("stakeholder-edit", stakeholder.pk), {**data, "consent_on": "2024-01-10"}
    )
    assert response.status_code == 302
    stakeholder.refresh_from_db()
    assert stakeholder.consent_on == dt.date(2024, 1, 10)


def test_a_country_is_named_in_the_page_language(client, world):
    users, _reviews = world
    s = stakeholder(users["secretariat"], country="DEU")
    client.force_login(users["secretariat"])
    page = client.get(f"/fr{url('stakeholder-detail', s.pk)[3:]}").content.decode()
    assert "Allemagne" in page
    stakeholder(users["secretariat"], name="Campus", kind="academic", country="KEN")
    listed = client.get(f"/fr{url('stakeholder-list')[3:]}", {"kind": "ngo"}).content.decode()
    assert "Allemagne" in listed and "Campus" not in listed and "Kenya" not in listed


def test_bad_input_says_why_and_records_nothing(client, world):
    users, _reviews = world
    client.force_login(users["secretariat"])
    response = client.post(
        url("stakeholder-new"),
        {"name": "X", "kind": "ngo", "country": "XXX", "contact_email": "not-an-address"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and Stakeholder.objects.count() == 0
    assert "Select a valid choice" in page and "Enter a valid email address" in page
    # A pilot cannot be under way before the consent, nor completed before it started.
    review = world[1]["KEN"]
    response = client.post(
        url("pilot-new"),
        {
            "review": review.pk,
            "consent_on": "2023-06-01",
            "consent_note": "NV",
            "started_on": "2023-05-01",
            "completed_on": "2023-04-01",
        },
    )
    page = response.content.decode()
    assert "A pilot cannot be under way before the consent." in page
    assert Pilot.objects.count() == 0


def test_the_register_is_the_secretariats_alone(client, world):
    users, _reviews = world
    s = stakeholder(users["secretariat"], contact_email="c@example.org")
    for persona in ("reviewed_fp", "observer", "outsider"):
        client.force_login(users[persona])
        for name, args in [("stakeholder-list", ()), ("stakeholder-detail", (s.pk,))]:
            assert client.get(url(name, *args)).status_code == 404
        assert client.get(url("stakeholder-export", "csv")).status_code == 404
    client.logout()
    assert client.get(url("stakeholder-list")).status_code == 302


def test_a_dialogue_counts_its_participants_and_shows_no_stakeholder_to_the_public(client, world):
    users, _reviews = world
    secretariat = users["secretariat"]
    ngo = stakeholder(secretariat, name="Hidden Voice NGO")
    uni = stakeholder(secretariat, name="University X", kind="academic")
    client.force_login(secretariat)
    response = client.post(
        url("dialogue-new"),
        {
            "held_on": "2023-06-14",
            "title": "Constructive dialogue 2023",
            "session": "Working groups, June 2023",
            "format": "hybrid",
            "stakeholders": [ngo.pk, uni.pk],
            "parties": "ken, MEX",
            "other_ngo": "298",
            "other_academic": "14",
            "other_private": "14",
            "other_igo": "1",
            "other_states": "70",
        },
    )
    d = Dialogue.objects.get()
    assert response.status_code == 302
    assert sorted(d.parties.values_list("code", flat=True)) == ["KEN", "MEX"]
    client.post(url("observation-new", d.pk), {"text": "First."})
    client.post(url("observation-new", d.pk), {"text": "Second."})
    assert list(d.observations.values_list("number", "text")) == [(1, "First."), (2, "Second.")]
    page = client.get(url("dialogue-detail", d.pk)).content.decode()
    assert "Hidden Voice NGO" in page and ">328<" in page and ">72<" in page
    # Not published: nobody else sees it.
    client.logout()
    assert client.get(url("dialogue-detail", d.pk)).status_code == 404
    assert "Constructive dialogue 2023" not in client.get(url("dialogue-list")).content.decode()
    actions.save_dialogue(d, {"published": True}, by=secretariat, now=NOW)
    page = client.get(url("dialogue-detail", d.pk)).content.decode()
    assert ">299<" in page and ">328<" in page and "Second." in page and "Kenya" in page
    assert "Hidden Voice NGO" not in page


def test_an_observation_number_is_never_used_twice(client, world):
    users, _reviews = world
    d = dialogue(users["secretariat"])
    client.force_login(users["secretariat"])
    client.post(url("observation-new", d.pk), {"number": "3", "text": "Three."})
    response = client.post(url("observation-new", d.pk), {"number": "3", "text": "Again."})
    assert "Another observation of this dialogue has this number." in response.content.decode()
    assert list(Observation.objects.values_list("text", flat=True)) == ["Three."]


def test_yearly_figures_are_public_and_one_per_programme_and_year(client, world):
    users, _reviews = world
    client.force_login(users["secretariat"])
    data = {"programme": "se4u", "year": "2023", "people": "3300", "countries": "136"}
    assert client.post(url("outreach-new"), data).status_code == 302
    response = client.post(url("outreach-new"), {**data, "people": "1"})
    assert "This programme has figures for this year already." in response.content.decode()
    assert list(Outreach.objects.values_list("people", flat=True)) == [3300]
    client.logout()
    assert "3,300" in client.get(url("outreach-list")).content.decode()
    assert client.get(url("outreach-new")).status_code == 302  # to sign in


def test_a_pilot_is_seen_by_its_reviews_participants_and_when_published_by_all(client, world):
    users, reviews = world
    secretariat = users["secretariat"]
    secret = stakeholder(secretariat, name="Quiet NGO", contact_email="quiet@example.org")
    open_ = stakeholder(
        secretariat,
        name="Open NGO",
        contact_email="open@example.org",
        consent_on=dt.date(2023, 1, 1),
    )
    client.force_login(secretariat)
    response = client.post(
        url("pilot-new"),
        {
            "review": reviews["FRA"].pk,
            "consent_on": "2023-06-01",
            "consent_note": "NV/2023/17",
            "stakeholders": [secret.pk, open_.pk],
        },
    )
    p = Pilot.objects.get()
    assert response.status_code == 302 and p.consent_recorded_by == secretariat
    assert p.status == Pilot.Status.STARTING
    client.post(url("activity-new", p.pk), {"held_on": "2023-07-01", "description": "Workshop"})
    for persona in ("reviewed_fp", "observer", "reviewer_fp"):
        client.force_login(users[persona])
        page = client.get(url("pilot-detail", p.pk)).content.decode()
        assert "Workshop" in page and "Quiet NGO" in page and "open@example.org" in page
        assert "quiet@example.org" not in page
    client.force_login(users["outsider"])
    assert client.get(url("pilot-detail", p.pk)).status_code == 404
    assert "France" not in client.get(url("pilot-list")).content.decode()
    actions.save_pilot(p, {"published": True}, by=secretariat, now=NOW)
    client.logout()
    assert client.get(url("pilot-detail", p.pk)).status_code == 200
    assert client.get(url("pilot-edit", p.pk)).status_code == 302  # to sign in


def test_each_download_writes_text_as_text(client, world):
    users, reviews = world
    secretariat = users["secretariat"]
    s = stakeholder(secretariat, name=FORMULA)
    d = dialogue(secretariat, title=FORMULA, stakeholders=[s])
    actions.save_observation(None, {"text": FORMULA}, dialogue=d, by=secretariat, now=NOW)
    actions.save_outreach(
        None,
        {"programme": "se4u", "year": 2023, "people": 1, "countries": 1, "note": FORMULA},
        by=secretariat,
        now=NOW,
    )
    pilot(secretariat, reviews["KEN"], consent_note=FORMULA)
    client.force_login(secretariat)
    for fmt in ("csv", "xlsx"):
        assert_inert(client.get(url("stakeholder-export", fmt)), FORMULA)
        assert_inert(client.get(url("dialogue-export", fmt)), FORMULA)
        assert_inert(client.get(url("observation-export", d.pk, fmt)), FORMULA)
        assert_inert(client.get(url("outreach-export", fmt)), FORMULA)
        assert_inert(client.get(url("pilot-export", fmt)), FORMULA)
    assert client.get(url("pilot-export", "csv"), {"ordering": "nope"}).status_code == 400


def test_an_unpublished_dialogue_is_in_nobody_elses_download(client, world):
    users, _reviews = world
    dialogue(users["secretariat"], title="Unpublished one")
    dialogue(users["secretariat"], title="Published one", published=True)
    client.force_login(users["reviewed_fp"])
    text = b"".join(client.get(url("dialogue-export", "csv")).streaming_content).decode()
    assert "Published one" in text and "Unpublished one" not in text


def grow(secretariat, reviews, n):
    """n more of every record, linked to each other."""
    for i in range(n):
        s = stakeholder(secretariat, name=f"S{n}-{i}", country="KEN")
        d = dialogue(
            secretariat, title=f"D{n}-{i}", stakeholders=[s], parties=["KEN"], published=True
        )
        actions.save_observation(None, {"text": "o"}, dialogue=d, by=secretariat, now=NOW)
        actions.save_outreach(
            None,
            {"programme": "se4u", "year": 2000 + len(Outreach.objects.all()), "people": 1,
             "countries": 1},
            by=secretariat,
            now=NOW,
        )  # fmt: skip
    code = ["KEN", "DEU", "BRA"][Pilot.objects.count()]
    p = pilot(
        secretariat, reviews[code], stakeholders=list(Stakeholder.objects.all()), published=True
    )
    actions.save_activity(
        None, {"held_on": dt.date(2024, 1, 1), "description": "a"}, pilot=p, by=secretariat, now=NOW
    )


@pytest.mark.parametrize("persona", ["secretariat", "reviewed_fp"])
def test_the_lists_and_downloads_query_count_stays_flat(client, world, persona):
    users, reviews = world
    client.force_login(users[persona])
    names = ["dialogue", "outreach", "pilot"] + (
        ["stakeholder"] if persona == "secretariat" else []
    )
    pages = [url(f"{n}-list") for n in names] + [url(f"{n}-export", "csv") for n in names]
    grow(users["secretariat"], reviews, 1)
    few = [count_queries(lambda p=p: client.get(p)) for p in pages]
    grow(users["secretariat"], reviews, 4)
    assert [count_queries(lambda p=p: client.get(p)) for p in pages] == few
    page = client.get(url("dialogue-list")).content.decode()
    assert "D4-3" in page and "D1-0" in page
    pilots = client.get(url("pilot-list")).content.decode()
    assert "Kenya" in pilots and "Germany" in pilots


def test_whoever_changes_the_consent_is_recorded_with_it(client, world):
    users, reviews = world
    p = pilot(users["secretariat"], reviews["KEN"])
    other = make_user("second_officer", secretariat=True)
    client.force_login(other)
    data = {"review": reviews["KEN"].pk, "consent_on": "2023-06-01", "consent_note": "NV/2023/1"}
    client.post(url("pilot-edit", p.pk), {**data, "published": "on"})
    p.refresh_from_db()
    assert p.published and p.consent_recorded_by == users["secretariat"]
    assert p.changed_by == other
    client.post(url("pilot-edit", p.pk), {**data, "consent_note": "NV/2023/2"})
    p.refresh_from_db()
    assert p.consent_recorded_by == other and p.consent_note == "NV/2023/2"


def test_a_dialogue_and_a_pilot_page_query_count_stays_flat(client, world):
    users, reviews = world
    secretariat = users["secretariat"]
    d = dialogue(secretariat, published=True)
    p = pilot(secretariat, reviews["FRA"])
    client.force_login(users["reviewed_fp"])

    def grow(n, codes):
        people = [
            stakeholder(secretariat, name=f"S{n}-{i}", consent_on=NOW.date()) for i in range(n)
        ]
        data = {"stakeholders": [*d.stakeholders.all(), *people], "parties": codes}
        actions.save_dialogue(d, data, by=secretariat, now=NOW)
        actions.save_pilot(p, {"stakeholders": data["stakeholders"]}, by=secretariat, now=NOW)
        for i in range(n):
            actions.save_observation(
                None, {"text": f"O{n}-{i}"}, dialogue=d, by=secretariat, now=NOW
            )
            actions.save_activity(
                None, {"held_on": NOW.date(), "description": f"A{n}-{i}"}, pilot=p, by=secretariat,
                now=NOW,
            )  # fmt: skip

    pages = [url("dialogue-detail", d.pk), url("pilot-detail", p.pk)]
    grow(1, ["KEN"])
    few = [count_queries(lambda p=p: client.get(p)) for p in pages]
    grow(4, ["KEN", "MEX", "PAK", "AGO"])
    assert [count_queries(lambda p=p: client.get(p)) for p in pages] == few
    page = client.get(pages[1]).content.decode()
    assert "A4-3" in page and "S4-3" in page
    assert "Angola" in client.get(pages[0]).content.decode()
