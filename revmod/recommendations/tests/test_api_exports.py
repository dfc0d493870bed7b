"""Recommendations through the API, in the downloads, in the status report's figures, and the
query counts of their lists."""

import csv
import datetime as dt
import io

import pytest

from revmod.recommendations.figures import figures
from revmod.recommendations.models import FollowUp, Recommendation
from revmod.recommendations.tests.conftest import NOW, follow_up, recommendation
from revmod.registry.models import Party
from revmod.test import assert_inert, body, count_queries, token_for

pytestmark = pytest.mark.django_db


def fra():
    return Party.objects.get(code="FRA")


def test_the_api_reads_published_ones_without_a_token(client, people):
    shown = recommendation(people["secretariat"], text_en="Shown", text_es="Mostrado")
    recommendation(people["secretariat"], number=2, published=False)
    follow_up(shown, people["fra_fp"], fra(), "implemented", evidence="Published", published=True)
    follow_up(shown, people["deu_fp"], Party.objects.get(code="DEU"), evidence="Unpublished")
    listed = client.get("/api/v1/recommendations/?lang=es").json()
    assert [(r["number"], r["text"]) for r in listed["results"]] == [(1, "Mostrado")]
    follow_ups = client.get("/api/v1/recommendation-follow-ups/").json()["results"]
    assert [(f["party"], f["evidence"]) for f in follow_ups] == [("FRA", "Published")]
    assert client.get("/api/v1/recommendations/?ordering=bad").status_code == 400
    # Germany's focal point reads its own unpublished follow-up with its token.
    mine = client.get(
        "/api/v1/recommendation-follow-ups/?party=DEU",
        HTTP_AUTHORIZATION=f"Token {token_for(people['deu_fp'])}",
    )
    assert [f["evidence"] for f in mine.json()["results"]] == ["Unpublished"]


def test_the_secretariat_records_recommendations_through_the_api(client, people):
    body = {
        "session": "WG 2023",
        "number": 4,
        "adopted_on": "2023-06-01",
        "addressee": "both",
        "text_en": "Train experts.",
        "published": True,
    }
    client.force_login(people["fra_fp"])
    assert client.post("/api/v1/recommendations/", body, "application/json").status_code == 403
    client.force_login(people["secretariat"])
    created = client.post("/api/v1/recommendations/", body, "application/json")
    assert created.status_code == 201, created.json()
    again = client.post("/api/v1/recommendations/", body, "application/json")
    assert again.status_code == 400 and Recommendation.objects.count() == 1
    pk = created.json()["id"]
    changed = client.patch(
        f"/api/v1/recommendations/{pk}/", {"text_fr": "Former."}, "application/json"
    )
    assert changed.status_code == 200 and changed.json()["text_en"] == "Train experts."
    assert Recommendation.objects.get().text_fr == "Former."


def test_focal_points_record_follow_ups_through_the_api(client, people):
    rec = recommendation(people["secretariat"])
    body = {
        "recommendation": rec.pk,
        "party": "FRA",
        "status": "in_progress",
        "evidence": "Drafting",
        "on": "2024-03-01",
    }
    client.force_login(people["deu_fp"])
    refused = client.post("/api/v1/recommendation-follow-ups/", body, "application/json")
    assert refused.status_code == 400 and not FollowUp.objects.exists()
    client.force_login(people["fra_fp"])
    bad = client.post(
        "/api/v1/recommendation-follow-ups/", {**body, "status": "done"}, "application/json"
    )
    assert bad.status_code == 400 and "status" in bad.json()
    created = client.post("/api/v1/recommendation-follow-ups/", body, "application/json")
    assert created.status_code == 201 and created.json()["published"] is False
    pk = created.json()["id"]
    published = client.post(
        f"/api/v1/recommendation-follow-ups/{pk}/publish/", {"published": True}, "application/json"
    )
    assert published.status_code == 200 and FollowUp.objects.get().published
    client.logout()
    assert (
        client.post("/api/v1/recommendation-follow-ups/", body, "application/json").status_code
        == 403
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_downloads_hold_inert_cells(client, people, fmt):
    rec = recommendation(people["secretariat"], text_en='=HYPERLINK("http://x","y")')
    follow_up(rec, people["fra_fp"], fra(), evidence="@SUM(1)", published=True)
    assert_inert(client.get(f"/en/recommendations/export.{fmt}"), '=HYPERLINK("http://x","y")')
    assert_inert(client.get(f"/en/recommendations/follow-ups.{fmt}"), "@SUM(1)")


def test_the_downloads_hold_what_the_user_sees(client, people):
    rec = recommendation(people["secretariat"])
    recommendation(people["secretariat"], number=2, published=False, text_en="Secret draft")
    follow_up(rec, people["fra_fp"], fra(), evidence="Unpublished evidence")
    assert b"Secret draft" not in b"".join(client.get("/en/recommendations/export.csv"))
    assert b"Unpublished" not in b"".join(client.get("/en/recommendations/follow-ups.csv"))
    client.force_login(people["fra_expert"])
    assert b"Unpublished" in b"".join(client.get("/en/recommendations/follow-ups.csv"))
    assert client.get("/en/recommendations/export.csv?ordering=x").status_code == 400


def test_figures_as_of_a_date(people):
    secretariat, party = people["secretariat"], fra()
    for number in range(1, 18):
        recommendation(secretariat, number=number)
    recommendation(secretariat, number=18, adopted_on=dt.date(2024, 6, 1))
    recommendation(secretariat, number=19, published=False)
    first = Recommendation.objects.get(number=1)
    follow_up(first, people["fra_fp"], party, "in_progress", published=True)
    follow_up(first, secretariat, None, "implemented", published=True)
    # Recorded after the date: the earlier update is the one in force then.
    follow_up(
        first, people["fra_fp"], party, "implemented", published=True, now=NOW.replace(month=5)
    )
    result = figures(dt.date(2024, 4, 16))
    assert result.adopted == 17
    assert result.parties_by_status == {
        "not_started": 0,
        "in_progress": 1,
        "implemented": 0,
        "not_applicable": 0,
    }
    assert result.secretariat_by_status["implemented"] == 1
    assert figures(dt.date(2024, 6, 1)).parties_by_status["implemented"] == 1
    assert figures(dt.date(2024, 6, 1)).adopted == 18


def grow(people, start, n):
    parties = list(Party.objects.order_by("code")[:n])
    for i in range(n):
        rec = recommendation(people["secretariat"], number=start + i)
        follow_up(rec, people["secretariat"], parties[i], published=True)
        follow_up(rec, people["secretariat"], None, published=True)


@pytest.mark.parametrize(
    "path",
    [
        "/en/recommendations/",
        "/en/recommendations/follow-ups/?history=on",
        "/api/v1/recommendations/",
        "/api/v1/recommendation-follow-ups/",
        "/en/recommendations/follow-ups.csv",
    ],
)
def test_the_lists_query_count_stays_flat(client, people, path):
    client.force_login(people["fra_expert"])

    def fetch():
        response = client.get(path)
        assert response.status_code == 200
        b"".join(response) if response.streaming else response.content

    grow(people, 1, 2)
    few = count_queries(fetch)
    grow(people, 10, 12)
    assert count_queries(fetch) == few


def test_publishing_through_the_api_needs_a_clear_answer(client, people):
    rec = recommendation(people["secretariat"])
    recorded = follow_up(rec, people["fra_fp"], fra(), published=True)
    path = f"/api/v1/recommendation-follow-ups/{recorded.pk}/publish/"
    client.force_login(people["fra_fp"])
    for sent in [{}, {"published": "perhaps"}]:
        response = client.post(path, sent, "application/json")
        assert response.status_code == 400 and "published" in response.json()
    recorded.refresh_from_db()
    assert recorded.published
    # Another party's focal point sees the published update but may not withdraw it.
    client.force_login(people["deu_fp"])
    assert client.post(path, {"published": False}, "application/json").status_code == 404
    recorded.refresh_from_db()
    assert recorded.published


def test_follow_ups_of_an_unpublished_recommendation_stay_with_the_secretariat(client, people):
    draft = recommendation(people["secretariat"], published=False)
    recorded = follow_up(draft, people["secretariat"], fra(), published=True)
    client.force_login(people["fra_fp"])
    assert client.get(f"/api/v1/recommendation-follow-ups/{recorded.pk}/").status_code == 404
    assert client.get("/api/v1/recommendation-follow-ups/").json()["count"] == 0
    assert client.get(f"/en/recommendations/{draft.pk}/follow-up/").status_code == 404
    too_big = client.get("/en/recommendations/follow-ups/?recommendation=99999999999999999999")
    assert too_big.status_code == 400


def test_the_download_holds_the_six_texts_under_their_languages(client, people):
    recommendation(people["secretariat"], text_en="In English", text_ru="По-русски")
    rows = list(
        csv.reader(io.StringIO(body(client.get("/fr/recommendations/export.csv")).decode()))
    )
    header, row = rows
    assert row[header.index("Texte (Russe)")] == "По-русски"
    assert row[header.index("Texte (Anglais)")] == "In English"
