"""Recommendations and their follow-up: the actions, who sees and records what, the pages."""

import datetime as dt

import pytest

from revmod.recommendations.models import FollowUp, Recommendation
from revmod.recommendations.tests.conftest import NOW, follow_up, recommendation
from revmod.registry.models import Party
from revmod.test import count_queries

pytestmark = pytest.mark.django_db
LATER = NOW + dt.timedelta(days=1)


def parties():
    return Party.objects.get(code="FRA"), Party.objects.get(code="DEU")


def test_each_update_is_kept_and_the_latest_is_in_force(people):
    fra, _deu = parties()
    rec = recommendation(people["secretariat"])
    first = follow_up(rec, people["fra_fp"], fra, "not_started", published=True)
    second = follow_up(rec, people["fra_fp"], fra, "in_progress", now=LATER)
    first.refresh_from_db()
    assert FollowUp.objects.filter(recommendation=rec, party=fra).count() == 2
    assert (first.latest, first.latest_published) == (False, True)
    assert (second.latest, second.latest_published) == (True, False)
    assert first.recorded_by == people["fra_fp"] and second.recorded_at == LATER


def test_a_party_sees_its_own_unpublished_follow_up_others_only_published(client, people):
    fra, deu = parties()
    rec = recommendation(people["secretariat"])
    follow_up(rec, people["fra_fp"], fra, "implemented", evidence="Public evidence", published=True)
    follow_up(rec, people["fra_fp"], fra, "in_progress", evidence="Private draft", now=LATER)
    follow_up(rec, people["deu_fp"], deu, "in_progress", evidence="German secret")
    path = f"/en/recommendations/{rec.pk}/"
    for name, sees, hidden in [
        ("fra_expert", ["Private draft"], ["Public evidence", "German secret"]),
        ("deu_fp", ["Public evidence", "German secret"], ["Private draft"]),
        ("outsider", ["Public evidence"], ["Private draft", "German secret"]),
        ("secretariat", ["Private draft", "German secret"], ["Public evidence"]),
        (None, ["Public evidence"], ["Private draft", "German secret"]),
    ]:
        client.logout()
        if name:
            client.force_login(people[name])
        page = client.get(path).content.decode()
        assert all(text in page for text in sees), name
        assert not any(text in page for text in hidden), name
    # The history page: an outsider sees the published update only, even asking for all.
    client.force_login(people["outsider"])
    page = client.get("/en/recommendations/follow-ups/?history=on").content.decode()
    assert "Public evidence" in page and "Private draft" not in page


def test_the_public_sees_published_recommendations_only(client, people):
    shown = recommendation(people["secretariat"], text_en="Shown text", text_fr="Texte montré")
    draft = recommendation(people["secretariat"], number=2, published=False, text_en="Draft text")
    page = client.get("/en/recommendations/").content.decode()
    assert "Shown text" in page and "Draft text" not in page
    assert "Texte montré" in client.get("/fr/recommendations/").content.decode()
    # No Russian text: the English one.
    assert "Shown text" in client.get("/ru/recommendations/").content.decode()
    assert client.get(f"/en/recommendations/{draft.pk}/").status_code == 404
    assert client.get(f"/en/recommendations/{shown.pk}/").status_code == 200
    client.force_login(people["secretariat"])
    assert "Draft text" in client.get("/en/recommendations/").content.decode()


def test_the_list_counts_parties_by_published_status(client, people):
    fra, deu = parties()
    rec = recommendation(people["secretariat"])
    follow_up(rec, people["fra_fp"], fra, "implemented", published=True)
    follow_up(rec, people["deu_fp"], deu, "implemented")  # not published: not counted
    follow_up(rec, people["secretariat"], None, "in_progress", published=True)
    response = client.get("/en/recommendations/")
    (row,) = response.context["recommendations"]
    assert dict(row.tally)["Implemented"] == 1
    assert row.secretariat.get_status_display() == "In progress"


def test_filters_and_search(client, people):
    recommendation(people["secretariat"], addressee="secretariat", text_en="Fund the work")
    recommendation(people["secretariat"], number=2, session="WG 2024", addressee="parties")
    found = client.get("/en/recommendations/?q=fund").context["recommendations"]
    assert [r.text_en for r in found] == ["Fund the work"]
    found = client.get("/en/recommendations/?session=WG+2024").context["recommendations"]
    assert [r.session for r in found] == ["WG 2024"]
    found = client.get("/en/recommendations/?addressee=parties").context["recommendations"]
    assert [r.number for r in found] == [2]
    assert client.get("/en/recommendations/?ordering=nonsense").status_code == 400


def test_the_secretariat_records_and_edits_a_recommendation(client, people):
    client.force_login(people["secretariat"])
    data = {
        "session": "WG 2023",
        "number": "3",
        "adopted_on": "2023-06-01",
        "addressee": "parties",
        "text_en": "Name focal points.",
        "text_fr": "Nommer des points de contact.",
        "published": "on",
    }
    response = client.post("/en/recommendations/new/", data)
    rec = Recommendation.objects.get()
    assert response.status_code == 302 and rec.text_fr == "Nommer des points de contact."
    assert rec.created_by == people["secretariat"]
    # The same number in the same session: refused, with a message, nothing added.
    response = client.post("/en/recommendations/new/", {**data, "text_en": "Other"})
    assert response.status_code == 200 and Recommendation.objects.count() == 1
    assert "already exists" in response.content.decode()
    response = client.post(f"/en/recommendations/{rec.pk}/edit/", {**data, "text_en": "Changed."})
    rec.refresh_from_db()
    assert response.status_code == 302 and rec.text_en == "Changed."
    # No English text: refused, the recommendation unchanged.
    response = client.post(f"/en/recommendations/{rec.pk}/edit/", {**data, "text_en": ""})
    rec.refresh_from_db()
    assert response.status_code == 200 and rec.text_en == "Changed."


def test_a_focal_point_records_and_publishes_its_partys_follow_up(client, people):
    fra, deu = parties()
    rec = recommendation(people["secretariat"])
    client.force_login(people["fra_fp"])
    data = {"party": "FRA", "status": "implemented", "evidence": "Law passed", "on": "2024-03-01"}
    response = client.post(f"/en/recommendations/{rec.pk}/follow-up/", data)
    assert response.status_code == 302
    recorded = FollowUp.objects.get()
    assert (recorded.party, recorded.published, recorded.recorded_by) == (
        fra,
        False,
        people["fra_fp"],
    )
    # Not for another party: refused, nothing recorded.
    response = client.post(f"/en/recommendations/{rec.pk}/follow-up/", {**data, "party": "DEU"})
    assert response.status_code == 400 and FollowUp.objects.count() == 1
    # Bad input: no evidence, a date that is not one.
    response = client.post(
        f"/en/recommendations/{rec.pk}/follow-up/", {**data, "evidence": "", "on": "soon"}
    )
    assert response.status_code == 400 and FollowUp.objects.count() == 1
    client.post(f"/en/recommendations/follow-ups/{recorded.pk}/publish/", {"published": "1"})
    recorded.refresh_from_db()
    assert recorded.published and recorded.latest_published
    # Germany's focal point sees it now, but may not withdraw it.
    client.force_login(people["deu_fp"])
    response = client.post(f"/en/recommendations/follow-ups/{recorded.pk}/publish/", {})
    assert response.status_code == 404
    recorded.refresh_from_db()
    assert recorded.published


def test_who_may_open_the_follow_up_form(client, people):
    rec = recommendation(people["secretariat"], addressee="parties")
    to_secretariat = recommendation(people["secretariat"], number=2, addressee="secretariat")
    path = f"/en/recommendations/{rec.pk}/follow-up/"
    for name, status in [("fra_expert", 404), ("outsider", 404), ("fra_fp", 200)]:
        client.force_login(people[name])
        assert client.get(path).status_code == status, name
    assert client.get(f"/en/recommendations/{to_secretariat.pk}/follow-up/").status_code == 404
    client.logout()
    assert client.get(path).status_code == 302


def test_the_secretariat_records_its_own_action_only_where_addressed(client, people):
    to_parties = recommendation(people["secretariat"], addressee="parties")
    to_secretariat = recommendation(people["secretariat"], number=2, addressee="secretariat")
    client.force_login(people["secretariat"])
    data = {"party": "", "status": "implemented", "evidence": "Guide issued", "on": "2024-03-01"}
    response = client.post(f"/en/recommendations/{to_parties.pk}/follow-up/", data)
    assert response.status_code == 400 and not FollowUp.objects.exists()
    assert "not addressed to the secretariat" in response.content.decode()
    response = client.post(f"/en/recommendations/{to_secretariat.pk}/follow-up/", data)
    assert response.status_code == 302
    assert FollowUp.objects.get().party is None
    # And any party's, for a recommendation addressed to the parties.
    response = client.post(
        f"/en/recommendations/{to_parties.pk}/follow-up/", {**data, "party": "DEU"}
    )
    assert response.status_code == 302 and FollowUp.objects.count() == 2


def test_only_the_secretariat_opens_the_recommendation_forms(client, people):
    rec = recommendation(people["secretariat"])
    for name in ["fra_fp", "outsider"]:
        client.force_login(people[name])
        assert client.get("/en/recommendations/new/").status_code == 404
        assert client.get(f"/en/recommendations/{rec.pk}/edit/").status_code == 404


def test_the_detail_pages_query_count_stays_flat(client, people):
    rec = recommendation(people["secretariat"])
    everyone = list(Party.objects.order_by("code")[:12])
    client.force_login(people["fra_fp"])

    def fetch():
        assert client.get(f"/en/recommendations/{rec.pk}/").status_code == 200

    for party in everyone[:2]:
        follow_up(rec, people["secretariat"], party, published=True)
    few = count_queries(fetch)
    for party in everyone[2:]:
        follow_up(rec, people["secretariat"], party, published=True)
    assert count_queries(fetch) == few
