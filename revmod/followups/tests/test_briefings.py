"""Briefings: the secretariat records and edits them; everyone sees the published ones' title,
date and attendance figures, and nothing of the others."""

import datetime as dt

import pytest
from django.urls import reverse

from revmod.followups import actions
from revmod.followups.models import Briefing
from revmod.followups.tests.conftest import NOW
from revmod.registry.models import Party
from revmod.test import FORMULA, assert_inert, body, count_queries

pytestmark = pytest.mark.django_db


def briefing(by, codes=("KEN", "MEX"), **fields):
    values = {
        "held_on": dt.date(2024, 2, 14),
        "title": "Briefing on the review mechanism",
        "kind": "global",
        "languages": ["en", "fr"],
        "place": "",
        "online": True,
        "representatives": 193,
        "published": True,
    }
    values.update(fields)
    parties = list(Party.objects.filter(code__in=codes))
    return actions.record_briefing(by=by, now=NOW, parties=parties, **values)


def post_data(**changes):
    data = {
        "held_on": "2024-02-14",
        "title": "February briefing",
        "kind": "regional",
        "languages": ["ar", "en"],
        "place": "Vienna",
        "representatives": "193",
        "parties": "ken, MEX,PAK",
        "published": "on",
    }
    data.update(changes)
    return data


def test_the_secretariat_records_and_edits_a_briefing(client, world):
    people, _reviews = world
    client.force_login(people["secretariat"])
    assert client.get(reverse("followups:briefing-new")).status_code == 200
    response = client.post(reverse("followups:briefing-new"), post_data())
    b = Briefing.objects.get()
    assert response["Location"] == reverse("followups:briefing-detail", args=[b.pk])
    assert sorted(b.parties.values_list("code", flat=True)) == ["KEN", "MEX", "PAK"]
    assert b.languages == ["ar", "en"] and b.created_by == people["secretariat"]
    edit = reverse("followups:briefing-edit", args=[b.pk])
    assert "KEN, MEX, PAK" in client.get(edit).content.decode()
    client.force_login(people["colleague"])
    client.post(edit, post_data(parties="KEN", representatives="12", published=""))
    b.refresh_from_db()
    assert list(b.parties.values_list("code", flat=True)) == ["KEN"]
    assert b.representatives == 12 and not b.published and b.changed_by == people["colleague"]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"place": "", "online": ""}, "Give the place, or say it was held online."),
        ({"parties": "KEN, XXX"}, "No party has this code: XXX."),
        ({"representatives": "-4"}, ""),
        ({"languages": ["pt"]}, ""),
    ],
)
def test_bad_input_says_why_and_changes_nothing(client, world, changes, message):
    people, _reviews = world
    client.force_login(people["secretariat"])
    response = client.post(reverse("followups:briefing-new"), post_data(**changes))
    assert response.status_code == 200 and message in response.content.decode()
    assert 'class="error"' in response.content.decode()
    assert not Briefing.objects.exists()


@pytest.mark.parametrize("persona", [None, "reviewed_fp", "outsider"])
def test_others_see_the_published_figures_only(client, world, persona):
    people, _reviews = world
    shown = briefing(people["secretariat"], place="Vienna", title="Shown")
    hidden = briefing(people["secretariat"], published=False, title="Hidden")
    if persona:
        client.force_login(people[persona])
    listed = client.get(reverse("followups:briefing-list")).content.decode()
    assert "Shown" in listed and "Hidden" not in listed
    page = client.get(reverse("followups:briefing-detail", args=[shown.pk])).content.decode()
    assert "193" in page and "Vienna" not in page and "Kenya" not in page
    assert client.get(reverse("followups:briefing-detail", args=[hidden.pk])).status_code == 404
    for name, args in [("briefing-new", []), ("briefing-edit", [shown.pk])]:
        response = client.get(reverse(f"followups:{name}", args=args))
        assert response.status_code == (404 if persona else 302)
    csv = body(client.get(reverse("followups:briefing-export", args=["csv"]))).decode()
    assert csv.splitlines() == [
        "Date,Title,Representatives,States",
        "2024-02-14,Shown,193,2",
    ]


def test_the_secretariat_sees_every_briefing_in_full(client, world):
    people, _reviews = world
    briefing(people["secretariat"], codes=("KEN", "MEX", "EU"), place="Vienna")
    briefing(people["secretariat"], published=False, title="Hidden", kind="regional")
    client.force_login(people["secretariat"])
    listed = client.get(reverse("followups:briefing-list") + "?kind=regional").content.decode()
    assert "Hidden" in listed and "Briefing on the review mechanism" not in listed
    b = Briefing.objects.with_states().get(published=True)
    assert b.states == 2  # the European Union is no State
    page = client.get(reverse("followups:briefing-detail", args=[b.pk])).content.decode()
    assert "Vienna" in page and "Kenya" in page and "English, French" in page


def test_the_export_cells_are_inert(client, world):
    people, _reviews = world
    briefing(people["secretariat"], title=FORMULA, place=FORMULA)
    for persona in (None, "secretariat"):
        if persona:
            client.force_login(people[persona])
        for fmt in ("csv", "xlsx"):
            assert_inert(client.get(reverse("followups:briefing-export", args=[fmt])), FORMULA)


def test_the_list_and_the_export_stay_flat_as_briefings_grow(client, world):
    people, _reviews = world
    client.force_login(people["secretariat"])

    def fetch():
        assert client.get(reverse("followups:briefing-list")).status_code == 200
        assert client.get(reverse("followups:briefing-export", args=["csv"])).status_code == 200

    briefing(people["secretariat"])
    few = count_queries(fetch)
    for n in range(4):
        briefing(people["secretariat"], codes=("FRA", "DEU", "BRA"), title=f"B{n}")
    assert count_queries(fetch) == few
