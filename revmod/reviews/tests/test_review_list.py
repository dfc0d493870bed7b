"""The secretariat's reviews list, its downloads and the API list (issue 17, items 5 and 6):
search, filters, sort on every column, paging with counts; the step due, its due date and days
late, kept on the review's row by the actions (Review.due_step, due_on, first_open_due_on)."""

import csv
import datetime as dt
import importlib
import io
import re
from dataclasses import astuple
from unittest import mock

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from revmod.accounts import actions as accounts
from revmod.accounts.models import Nomination
from revmod.registry.models import Cluster
from revmod.reviews import actions, tasks
from revmod.reviews.deadlines import Step
from revmod.reviews.forms import SORTS
from revmod.reviews.models import Review
from revmod.reviews.schedule import Loaded, with_schedule_data
from revmod.test import (
    body,
    count_queries,
    fresh,
    make_people,
    make_user,
    make_world,
    nominate,
    shared_data,
    token_for,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2022, 12, 20)  # group 1's focal points are 735 days late, group 3's 5 days
NOW = dt.datetime(2022, 12, 20, 9, tzinfo=dt.UTC)


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, reviews = make_world()
        people, _nominations = make_people(secretariat, reviews["FRA"], every_reviewer=False)
        yield secretariat, reviews, people


@pytest.fixture
def world(shared_world, db):
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield fresh(shared_world)


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def on_page(client, **params) -> list[int]:
    """The reviews of the list page, in its order (their ids)."""
    response = client.get(url("reviews:list"), params)
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'id="choose-(\d+)"', response.content.decode())]


def in_download(client, fmt="csv", **params) -> list[int]:
    """The reviews of the download, in its order (their ids, from the parties' codes)."""
    response = client.get(url("reviews:export", fmt), params)
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body(response).decode())))
    else:
        sheet = load_workbook(io.BytesIO(body(response)), read_only=True).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    ids = dict(Review.objects.values_list("party__code", "pk"))
    return [ids[row[1]] for row in rows[1:]]


def in_api(user, **params) -> list[int]:
    response = api(user).get("/api/v1/reviews/", {**params, "page_size": 500})
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def assert_stored_is_computed():
    """Every review's due columns are what its schedule says now (tasks.due_of)."""
    rows = list(with_schedule_data(Review.objects.order_by("pk")))
    loaded = Loaded(rows)
    for review in rows:
        stored = (review.due_step, review.due_on, review.first_open_due_on)
        assert stored == astuple(tasks.due_of(review, loaded)), review.party.code


# --- The columns the list sorts on, kept by the actions --------------------------------------


def test_the_due_columns_follow_every_action(client, world):
    secretariat, reviews, people = world
    review = reviews["FRA"]
    assert_stored_is_computed()
    review.refresh_from_db()
    assert review.due_step == Step.FOCAL_POINTS
    assert review.due_on == review.started_on + dt.timedelta(days=14)
    # Every focal point named: the consultation is due next.
    for n, pairing in enumerate(review.pairings()):
        if n:
            nominate(
                make_user(f"fp{n}"), pairing.reviewer.code, "focal_point", "reviewer", secretariat
            )
    assert_stored_is_computed()
    review.refresh_from_db()
    assert review.due_step == Step.INITIAL_CONSULTATION
    actions.act(review, "start_consultation", by=people["reviewed_fp"], now=NOW)
    agreed = dt.date(2023, 3, 1)
    actions.record_consultation(
        review,
        by=people["reviewed_fp"],
        now=NOW,
        held_on=TODAY,
        languages=["en"],
        agreed={Step.QUESTIONNAIRE: agreed},
        agreed_reason="The consultation was held after the six months had passed.",
    )
    assert_stored_is_computed()
    review.refresh_from_db()
    assert (review.due_step, review.due_on) == (Step.QUESTIONNAIRE, agreed)
    actions.change_deadline(
        review, by=secretariat, now=NOW, step="questionnaire", kind="extension", days=10, reason="x"
    )
    review.refresh_from_db()
    assert review.due_on == agreed + dt.timedelta(days=10)
    # A focal point's nomination ends: the focal points' step is open again.
    ended = Nomination.objects.get(person=people["reviewer_fp"])
    accounts.end_nomination(ended, on=TODAY, by=secretariat, now=NOW)
    assert_stored_is_computed()
    # New periods for the reviews started from a day (the admin) move their due dates.
    client.force_login(secretariat)
    periods = {
        "focal_points_days": 30,
        "experts_days": 28,
        "consultation_months": 1,
        "questionnaire_months": 6,
        "feedback_months": 6,
        "observations_months": 6,
        "note": "Decision of the Conference.",
        "applies_from": "2020-01-01",
    }
    assert client.post("/en/admin/reviews/deadlineperiods/add/", periods).status_code == 302
    assert_stored_is_computed()
    deu = Review.objects.get(party__code="DEU")
    assert deu.due_on == deu.started_on + dt.timedelta(days=30)


def test_the_backfill_writes_what_the_actions_keep(world):
    before = list(Review.objects.order_by("pk").values_list("due_step", "due_on"))
    Review.objects.update(due_step="", due_on=None, first_open_due_on=None)
    migration = importlib.import_module("revmod.reviews.migrations.0008_review_due_backfill")
    migration.backfill(apps, None)
    assert list(Review.objects.order_by("pk").values_list("due_step", "due_on")) == before
    assert_stored_is_computed()


def test_an_open_step_past_its_due_date_counts_its_days_late(client, world):
    secretariat, reviews, _people = world
    review = reviews["FRA"]
    late = (TODAY - review.started_on - dt.timedelta(days=14)).days
    client.force_login(secretariat)
    detail = client.get(url("reviews:detail", review.pk)).content.decode()
    assert f"<td>{late}</td>" in detail  # the focal points' step, still open
    listing = client.get(url("reviews:list"), {"party": "FRA"}).content.decode()
    assert f'<strong class="error">{late}</strong>' in listing
    item = api(secretariat).get(f"/api/v1/reviews/{review.pk}/").json()
    assert item["due_step"] == "focal_points" and item["days_late"] == late
    steps = {d["step"]: d for d in item["deadlines"]}
    assert steps["focal_points"]["days_late"] == late
    assert steps["focal_points"]["delay_days"] is None  # done - due: not done
    assert steps["written_feedback"]["days_late"] is None  # no due date yet


# --- Search, sort, paging -----------------------------------------------------------------------


def test_a_party_is_found_by_its_name_in_any_language_or_its_code(client, world):
    secretariat, reviews, _people = world
    client.force_login(secretariat)
    deu = reviews["DEU"]
    party = deu.party
    assert party.name_fr == "Allemagne" and party.name_ar
    for text in ("allemagne", party.name_ar, "Allem", "deu", "DEU"):
        assert on_page(client, q=text) == [deu.pk], text
        assert in_download(client, q=text) == [deu.pk]
        assert in_api(secretariat, q=text) == [deu.pk]
    # Found from a page in French too, where the list shows the French name.
    page = client.get(url("reviews:list", language="fr"), {"q": party.name_ar}).content
    assert "Allemagne" in page.decode()
    assert on_page(client, q="Atlantis") == [] and in_api(secretariat, q="Atlantis") == []
    assert "No review." in client.get(url("reviews:list"), {"q": "Atlantis"}).content.decode()


def expected(reviews, key):
    rows = sorted(reviews, key=lambda r: (r.group.number, r.party.label, r.pk))
    return [r.pk for r in sorted(rows, key=key)]


def test_the_list_sorts_on_the_due_date_and_the_days_late_both_ways(client, world):
    secretariat, reviews, _people = world
    client.force_login(secretariat)
    # Distinct due dates, and one review not late: its days late are blank.
    kenya = reviews["KEN"]
    actions.change_deadline(
        kenya,
        by=secretariat,
        now=NOW,
        step="focal_points",
        kind="extension",
        new_date=TODAY + dt.timedelta(days=3),
        reason="Elections",
    )
    rows = list(Review.objects.select_related("party", "group"))
    assert len({r.due_on for r in rows}) >= 3
    by_due = expected(rows, lambda r: r.due_on)
    by_due_desc = expected(rows, lambda r: -r.due_on.toordinal())
    cases = {
        "due_on": by_due,
        "-due_on": by_due_desc,
        "days_late": by_due_desc,  # the fewest days late first: the latest due date
        "-days_late": by_due,
    }
    for ordering, ids in cases.items():
        assert on_page(client, ordering=ordering) == ids, ordering
        assert in_download(client, ordering=ordering) == ids
        assert in_download(client, "xlsx", ordering=ordering) == ids
        assert in_api(secretariat, ordering=ordering) == ids
    page = client.get(url("reviews:list"), {"ordering": "-days_late"}).content.decode()
    assert 'aria-sort="descending"><a href="?ordering=days_late">Days late' in page
    kenya_row = page[page.index(f'id="choose-{kenya.pk}"') :].split("</tr>")[0]
    assert "Focal points named" in kenya_row and "<td>—</td><td>" in kenya_row


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("column", list(SORTS))
def test_every_column_sorts_both_ways(client, world, column, descending):
    secretariat, _reviews, _people = world
    actions.assign_officers(
        [Review.objects.get(party__code="BRA")], officers=[secretariat], by=secretariat, now=NOW
    )
    client.force_login(secretariat)
    ordering = f"-{column}" if descending else column
    page = client.get(url("reviews:list"), {"ordering": ordering}).content.decode()
    states = re.findall(r'aria-sort="(\w+)"><a href="\?ordering=(-?\w+)"', page)
    assert len(states) == len(SORTS)
    for state, link in states:
        if link.lstrip("-") == column:
            assert state == ("descending" if descending else "ascending")
            assert link == (column if descending else f"-{column}")  # a click reverses it
        else:
            assert state == "none" and not link.startswith("-")
    ids = on_page(client, ordering=ordering)
    assert len(ids) == 4
    assert in_download(client, ordering=ordering) == ids
    assert in_api(secretariat, ordering=ordering) == ids
    reverse_ids = on_page(client, ordering=column if descending else f"-{column}")
    if column == "party":  # distinct values: the reverse order is the reverse
        assert reverse_ids == ids[::-1]


def test_the_list_is_paged_with_counts_and_the_download_holds_every_page(
    client, world, monkeypatch
):
    secretariat, _reviews, _people = world
    monkeypatch.setattr("revmod.reviews.views.PAGE_SIZE", 3)
    client.force_login(secretariat)
    params = {"ordering": "-party", "stage": "awaiting_nominations"}
    first = client.get(url("reviews:list"), params).content.decode()
    assert "Reviews 1–3 of 4" in first
    assert 'href="?ordering=-party&amp;stage=awaiting_nominations&amp;page=2" rel="next"' in first
    downloads = re.findall(r'href="([^"]*/reviews\.csv[^"]*)"', first)
    assert downloads == [
        url("reviews:export", "csv") + "?ordering=-party&amp;stage=awaiting_nominations"
    ]
    second = client.get(url("reviews:list"), {**params, "page": 2}).content.decode()
    assert "Review 4–4 of 4" in second or "Reviews 4–4 of 4" in second
    ids = on_page(client, **params) + on_page(client, **params, page=2)
    assert in_download(client, **params) == ids == in_api(secretariat, **params)
    assert on_page(client, **params, page=99) == ids[3:]  # the last page
    assert on_page(client, **params, page="x") == ids[:3]  # the first
    response = api(secretariat).get("/api/v1/reviews/", {**params, "page_size": 3, "page": 2})
    body = response.json()
    assert body["count"] == 4 and [r["id"] for r in body["results"]] == ids[3:]


@pytest.mark.parametrize("ordering", ["officer", "-due_on", "party", "-stage"])
def test_pages_of_one_review_follow_the_order_of_the_whole_list(
    client, world, monkeypatch, ordering
):
    # A page's reviews are read as their keys first, then whole (lib.lists.NarrowPaginator):
    # page after page, the list is the download's, on the API as on the page.
    secretariat, _reviews, _people = world
    actions.assign_officers(
        [Review.objects.get(party__code="BRA")], officers=[secretariat], by=secretariat, now=NOW
    )
    monkeypatch.setattr("revmod.reviews.views.PAGE_SIZE", 1)
    client.force_login(secretariat)
    pages = [on_page(client, ordering=ordering, page=n) for n in range(1, 5)]
    assert all(len(ids) == 1 for ids in pages)
    whole = in_download(client, ordering=ordering)
    assert [pk for ids in pages for pk in ids] == whole
    reviews = api(secretariat)
    in_pages = [
        reviews.get("/api/v1/reviews/", {"ordering": ordering, "page_size": 1, "page": n}).json()[
            "results"
        ][0]["id"]
        for n in range(1, 5)
    ]
    assert in_pages == whole


def test_bad_parameters_get_a_clear_message_not_an_error(client, world):
    secretariat, _reviews, _people = world
    client.force_login(secretariat)
    for params in ({"ordering": "nonsense"}, {"ordering": "--party"}, {"group": "x"}):
        page = client.get(url("reviews:list"), params)
        assert page.status_code == 400
        text = page.content.decode()
        assert "Unknown order" in text or "Select a valid choice" in text
        download = client.get(url("reviews:export", "csv"), params)
        assert download.status_code == 400
        assert download["Content-Type"].startswith("text/plain")
        response = api(secretariat).get("/api/v1/reviews/", params)
        assert response.status_code == 400
        assert set(response.json()) == set(params)
    body = api(secretariat).get("/api/v1/reviews/", {"ordering": "due"}).json()
    assert "Unknown order “due”" in body["ordering"][0] and "due_on" in body["ordering"][0]
    assert api(secretariat).get("/api/v1/reviews/", {"sort": "party"}).status_code == 400
    assert client.get(url("reviews:list"), {"q": "x" * 101}).status_code == 400


def test_participants_still_see_only_their_reviews(client, world):
    secretariat, reviews, people = world
    fra = reviews["FRA"].pk
    client.force_login(people["reviewed_fp"])
    page = client.get(url("reviews:list"), {"ordering": "-days_late"}).content.decode()
    assert reviews["FRA"].party.label in page
    for code in ("DEU", "KEN", "BRA"):
        assert reviews[code].party.label not in page
        found = client.get(url("reviews:list"), {"q": code}).content.decode()
        assert reviews[code].party.label not in found
        assert in_api(people["reviewed_fp"], q=code) == []
    assert in_api(people["reviewed_fp"], ordering="-due_on") == [fra]
    assert client.get(url("reviews:export", "csv")).status_code == 404


def test_the_list_the_download_and_the_api_keep_query_counts_flat(client, world):
    secretariat, reviews, _people = world
    client.force_login(secretariat)
    token = api(secretariat)
    params = {"q": "a", "ordering": "-days_late", "overdue": "on", "officer": "me"}

    def fetch():
        for ordering in ("-days_late", "officer", "step", "party"):
            query = {**params, "ordering": ordering}
            assert client.get(url("reviews:list"), query).status_code == 200
            assert client.get(url("reviews:export", "xlsx"), query).status_code == 200
            assert token.get("/api/v1/reviews/", {**query, "overdue": "true"}).status_code == 200

    def assign_all():
        everything = list(Review.objects.all())
        actions.assign_officers(everything, officers=[secretariat], by=secretariat, now=NOW)

    assign_all()
    fetch()  # the token records its first use once a minute: not a list's query
    few = count_queries(fetch)
    actions.create_reviews(Cluster.objects.get(number=4), by=secretariat, now=NOW)
    assign_all()
    assert Review.objects.count() == 8
    assert count_queries(fetch) == few
