"""Country reviews through their actions and pages: access, the workflow, nominations."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from revmod.accounts import actions as accounts
from revmod.accounts.models import Nomination
from revmod.lib.confirm import CONFIRMED
from revmod.lots.models import Pairing
from revmod.reviews import actions
from revmod.reviews.models import DeadlinePeriods, Review, ReviewEvent
from revmod.test import (
    FORMULA,
    assert_inert,
    body,
    count_queries,
    fresh,
    make_people,
    make_user,
    make_world,
    nominate,
    rename,
    shared_data,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2021, 2, 1, 9, tzinfo=dt.UTC)
OWN, REVIEWER = Nomination.Scope.OWN, Nomination.Scope.REVIEWER
FP, EXPERT, OBSERVER = (
    Nomination.Kind.FOCAL_POINT,
    Nomination.Kind.EXPERT,
    Nomination.Kind.OBSERVER,
)


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, reviews = make_world()
        review = reviews["FRA"]
        reviewers = [p.reviewer.code for p in review.pairings()]
        people, _nominations = make_people(secretariat, review, every_reviewer=False)
        yield secretariat, review, reviewers, people


@pytest.fixture
def world(shared_world, db):
    """FRA's review, its personas and only the first reviewing party's focal point."""
    return fresh(shared_world)


def name_all_focal_points(review, reviewers, secretariat):
    for n, code in enumerate(reviewers):
        if not Nomination.objects.active().filter(party__code=code, scope=REVIEWER, kind=FP):
            nominate(make_user(f"fp{n}"), code, FP, REVIEWER, secretariat)


def test_reviews_are_created_from_the_groups_and_pairings():
    _secretariat, reviews = make_world()
    assert set(reviews) == {"FRA", "DEU", "KEN", "BRA"}
    review = reviews["FRA"]
    assert review.stage == "awaiting_nominations"
    assert review.started_on == review.group.starts_on
    assert len(review.pairings()) >= 2
    assert ReviewEvent.objects.filter(review=review, kind="created").count() == 1


def test_who_sees_the_review(client, world):
    secretariat, review, _reviewers, people = world
    detail = url("reviews:detail", review.pk)
    for name in ["reviewed_fp", "expert", "observer", "reviewer_fp"]:
        client.force_login(people[name])
        assert client.get(detail).status_code == 200, name
        assert review.party.label in client.get(url("reviews:list")).content.decode()
    client.force_login(people["outsider"])
    assert client.get(detail).status_code == 404
    assert "No review." in client.get(url("reviews:list")).content.decode()
    client.logout()
    assert client.get(detail).status_code == 302
    client.force_login(secretariat)
    assert client.get(detail).status_code == 200


def test_the_observer_only_reads(client, world):
    _secretariat, review, reviewers, people = world
    client.force_login(people["observer"])
    page = client.get(url("reviews:detail", review.pk)).content.decode()
    assert "What you can do" not in page
    client.post(url("reviews:act", review.pk, "start_consultation"))
    review.refresh_from_db()
    assert review.stage == "awaiting_nominations"


def test_nothing_starts_before_every_focal_point_is_named(world):
    secretariat, review, reviewers, people = world
    with pytest.raises(actions.ReviewError, match="name its focal point"):
        actions.act(review, "start_consultation", by=people["reviewed_fp"], now=NOW)
    review.refresh_from_db()
    assert review.stage == "awaiting_nominations"
    name_all_focal_points(review, reviewers, secretariat)
    actions.act(review, "start_consultation", by=people["reviewed_fp"], now=NOW)
    review.refresh_from_db()
    assert review.stage == "initial_consultation"


def test_a_review_from_nominations_to_completion(client, world):
    secretariat, review, reviewers, people = world
    name_all_focal_points(review, reviewers, secretariat)
    client.force_login(people["reviewed_fp"])
    client.post(url("reviews:act", review.pk, "start_consultation"), CONFIRMED)
    response = client.post(
        url("reviews:consultation", review.pk),
        {"held_on": "2021-01-20", "languages": ["en", "fr"], "agreed_questionnaire": "2021-05-31"},
    )
    assert response.status_code == 302
    client.post(url("reviews:act", review.pk, "advance"), CONFIRMED)
    review.refresh_from_db()
    assert review.stage == "questionnaire"
    assert review.consultation.language_key == "en+fr"
    # The expert drafts; only the focal point clears and submits.
    with pytest.raises(actions.ReviewError):
        actions.act(review, "clear", by=people["expert"], now=NOW)
    actions.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    actions.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    review.refresh_from_db()
    assert review.stage == "written_feedback"
    # The feedback is joint: every reviewing party's focal point clears it.
    fps = {
        n.party.code: n.person
        for n in Nomination.objects.active().filter(scope=REVIEWER, kind=FP).select_related()
    }
    with pytest.raises(actions.ReviewError, match="not cleared it yet"):
        actions.act(review, "submit", by=fps[reviewers[0]], now=NOW)
    for code in reviewers:
        actions.act(review, "clear", by=fps[code], now=NOW)
    actions.act(review, "submit", by=fps[reviewers[0]], now=NOW)
    for person in [people["reviewed_fp"], *[fps[c] for c in reviewers]]:
        actions.act(review, "clear", by=person, now=NOW)
    actions.act(review, "submit", by=secretariat, now=NOW)
    review.refresh_from_db()
    assert review.stage == "completed"
    kinds = list(review.events.values_list("kind", flat=True))
    assert kinds.count("submit") == 3 and "consultation" in kinds
    page = client.get(url("reviews:detail", review.pk)).content.decode()
    assert "Completed" in page and "Submitted" in page


def test_reopening_needs_the_secretariat_and_a_reason(world):
    secretariat, review, reviewers, people = world
    name_all_focal_points(review, reviewers, secretariat)
    actions.act(review, "start_consultation", by=secretariat, now=NOW)
    with pytest.raises(actions.ReviewError):
        actions.act(review, "reopen", by=people["reviewed_fp"], now=NOW, reason="x", to="x")
    with pytest.raises(actions.ReviewError, match="reason"):
        actions.act(
            review, "reopen", by=secretariat, now=NOW, reason=" ", to="initial_consultation"
        )
    actions.act(
        review, "reopen", by=secretariat, now=NOW, reason="Wrong dates", to="initial_consultation"
    )
    event = review.events.get(kind="reopen")
    assert event.data["reason"] == "Wrong dates" and event.actor == secretariat


def test_consultation_languages_follow_rule_50(world):
    secretariat, review, reviewers, people = world
    name_all_focal_points(review, reviewers, secretariat)
    actions.act(review, "start_consultation", by=secretariat, now=NOW)
    record = dict(by=secretariat, now=NOW, held_on=dt.date(2021, 1, 20))
    with pytest.raises(actions.ReviewError, match="exceptional reason"):
        actions.record_consultation(review, languages=["ar", "en", "fr"], **record)
    with pytest.raises(actions.ReviewError, match="six official"):
        actions.record_consultation(review, languages=["de"], **record)
    with pytest.raises(actions.ReviewError, match="or record that none"):
        actions.record_consultation(review, languages=[], **record)
    consultation = actions.record_consultation(
        review, languages=["ar", "en", "fr"], exceptional_reason="Three reviewers", **record
    )
    assert consultation.language_key == "three"
    consultation = actions.record_consultation(review, languages=[], no_agreement=True, **record)
    assert consultation.language_key == "no_agreement"


def test_replacing_a_focal_point_moves_access_at_once(client, world):
    secretariat, review, _reviewers, people = world
    old = people["reviewed_fp"]
    client.force_login(old)
    assert client.get(url("reviews:detail", review.pk)).status_code == 200
    new = make_user("new_fp")
    from revmod.registry.models import Party

    with pytest.raises(accounts.NominationError, match="handover note"):
        accounts.nominate(
            party=Party.objects.get(code="FRA"),
            person=new,
            kind=FP,
            scope=OWN,
            starts_on=dt.date(2022, 3, 1),
            by=secretariat,
            now=NOW,
        )
    nominate(new, "FRA", FP, OWN, secretariat, on=dt.date(2022, 3, 1))
    # The old focal point's session is over, and access with it.
    response = client.get(url("reviews:detail", review.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    old.refresh_from_db()  # signing in again is possible; seeing the review is not
    client.force_login(old)
    assert client.get(url("reviews:detail", review.pk)).status_code == 404
    client.force_login(new)
    assert client.get(url("reviews:detail", review.pk)).status_code == 200
    history = Nomination.objects.filter(party__code="FRA", kind=FP).order_by("starts_on")
    assert [(n.person.username, n.ends_on) for n in history] == [
        ("reviewed_fp", dt.date(2022, 3, 1)),
        ("new_fp", None),
    ]
    assert review.events.filter(kind="focal_point_replaced").exists()


def test_duplicate_and_impossible_nominations_are_refused(world):
    secretariat, _review, _reviewers, people = world
    from revmod.registry.models import Party

    fra = Party.objects.get(code="FRA")
    count = Nomination.objects.count()
    with pytest.raises(accounts.NominationError, match="already holds"):
        accounts.nominate(
            party=fra,
            person=people["expert"],
            kind=EXPERT,
            scope=OWN,
            starts_on=NOW.date(),
            by=secretariat,
            now=NOW,
        )
    with pytest.raises(accounts.NominationError, match="own review only"):
        accounts.nominate(
            party=fra,
            person=people["outsider"],
            kind=OBSERVER,
            scope=REVIEWER,
            starts_on=NOW.date(),
            by=secretariat,
            now=NOW,
        )
    with pytest.raises(accounts.NominationError, match="another party"):
        accounts.nominate(
            party=Party.objects.get(code="DEU"),
            person=people["expert"],
            kind=EXPERT,
            scope=OWN,
            starts_on=NOW.date(),
            by=secretariat,
            now=NOW,
        )
    assert Nomination.objects.count() == count


def test_review_list_query_count_stays_flat(client, world):
    secretariat, _review, _reviewers, _people = world
    client.force_login(secretariat)

    def fetch():
        assert client.get(url("reviews:list")).status_code == 200
        assert client.get(url("reviews:export", "csv")).status_code == 200

    few = count_queries(fetch)
    from revmod.registry.models import Cluster

    actions.create_reviews(Cluster.objects.get(number=4), by=secretariat, now=NOW)
    assert Review.objects.count() == 8
    assert count_queries(fetch) == few


def test_the_export_is_the_secretariats(client, world):
    secretariat, review, _reviewers, people = world
    client.force_login(people["reviewed_fp"])
    assert client.get(url("reviews:export", "csv")).status_code == 404
    client.force_login(secretariat)
    lines = body(client.get(url("reviews:export", "csv"))).decode().splitlines()
    assert len(lines) == 5 and "FRA" in "".join(lines)
    assert body(client.get(url("reviews:export", "xlsx")))[:2] == b"PK"
    assert Pairing.objects.exists()


def test_a_party_name_that_looks_like_a_formula_is_exported_as_text(client, world):
    secretariat, review, _reviewers, _people = world
    rename("parties", review.party.code, FORMULA)  # as a registry import may
    client.force_login(secretariat)
    for fmt in ("csv", "xlsx"):
        assert_inert(client.get(url("reviews:export", fmt)), FORMULA)


# --- API ------------------------------------------------------------------------------------


def api_client(user):
    from rest_framework.test import APIClient

    from revmod.test import token_for

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def test_api_reviews_carry_reviewers_languages_and_deadlines(world):
    secretariat, review, reviewers, people = world
    body = api_client(people["reviewed_fp"]).get("/api/v1/reviews/").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["party"] == "FRA" and item["stage"] == "awaiting_nominations"
    assert [r["party"] for r in item["reviewers"]] == sorted(reviewers)
    assert item["languages"] is None
    steps = {d["step"]: d for d in item["deadlines"]}
    assert steps["focal_points"]["guideline"] == str(review.started_on + dt.timedelta(days=14))
    assert set(steps["questionnaire"]) == {
        "step",
        "guideline",
        "agreed",
        "agreed_reason",
        "due",
        "done_on",
        "delay_days",
        "days_late",
    }
    # A person with no nomination in force: their token gives no access (issue 15).
    assert api_client(people["outsider"]).get("/api/v1/reviews/").status_code == 403
    assert api_client(people["outsider"]).get(f"/api/v1/reviews/{review.pk}/").status_code == 403
    assert api_client(secretariat).get("/api/v1/reviews/").json()["count"] == 4


def test_api_actions_take_the_same_path_as_the_pages(world):
    secretariat, review, reviewers, people = world
    client = api_client(people["reviewed_fp"])
    response = client.post(f"/api/v1/reviews/{review.pk}/actions/start_consultation/")
    assert response.status_code == 409 and "focal point" in response.json()["detail"]
    name_all_focal_points(review, reviewers, secretariat)
    response = client.post(f"/api/v1/reviews/{review.pk}/actions/start_consultation/")
    assert response.status_code == 200 and response.json()["stage"] == "initial_consultation"
    events = client.get(f"/api/v1/reviews/{review.pk}/events/").json()
    assert events[-1]["kind"] == "start_consultation" and events[-1]["actor"] == "reviewed_fp"
    observer = api_client(people["observer"])
    response = observer.post(f"/api/v1/reviews/{review.pk}/actions/advance/")
    assert response.status_code == 409
    assert client.post(f"/api/v1/reviews/{review.pk}/actions/nonsense/").status_code == 404


def test_api_review_list_query_count_stays_flat(world):
    secretariat, _review, _reviewers, _people = world
    client = api_client(secretariat)

    def fetch():
        assert client.get("/api/v1/reviews/").status_code == 200

    fetch()  # the token's first use is recorded (then at most once a minute)
    few = count_queries(fetch)
    from revmod.registry.models import Cluster

    actions.create_reviews(Cluster.objects.get(number=4), by=secretariat, now=NOW)
    assert count_queries(fetch) == few


def test_apitoken_prints_a_working_token(world, capsys):
    from django.core.management import call_command

    _secretariat, _review, _reviewers, people = world
    call_command("apitoken", "reviewed_fp")
    token = capsys.readouterr().out.strip()
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/reviews/").json()["count"] == 1
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no active user"):
        call_command("apitoken", "nobody")


# --- Overdue filter -------------------------------------------------------------------------


def test_the_overdue_filter_lists_reviews_with_a_step_past_due(client, world):
    from unittest import mock

    secretariat, _review, _reviewers, _people = world
    # Focal points are due two weeks after a review starts (seed ¶11): on 10 Dec 2021 the
    # reviews of group 1 (started 1 Dec 2020) are overdue, those of groups 2 and 3 are not.
    today = dt.date(2021, 12, 10)
    late = {r.party.code for r in Review.objects.filter(group__number=1)}
    on_time = {r.party.code for r in Review.objects.exclude(group__number=1)}
    assert late and on_time
    client.force_login(secretariat)
    with mock.patch("django.utils.timezone.localdate", return_value=today):
        page = client.get(url("reviews:list"), {"overdue": "on"}).content.decode()
        csv = body(client.get(url("reviews:export", "csv"), {"overdue": "on"})).decode()
        api = api_client(secretariat).get("/api/v1/reviews/", {"overdue": "true"}).json()
        everything = api_client(secretariat).get("/api/v1/reviews/").json()
    for code in late:
        party = Review.objects.get(party__code=code).party
        assert party.label in page and f",{code}," in csv
    for code in on_time:
        party = Review.objects.get(party__code=code).party
        assert party.label not in page and f",{code}," not in csv
    assert {item["party"] for item in api["results"]} == late
    assert everything["count"] == 4
    # Once group 2's focal points are overdue too, its reviews join the list.
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2021, 12, 16)):
        api = api_client(secretariat).get("/api/v1/reviews/", {"overdue": "true"}).json()
    assert {item["party"] for item in api["results"]} == late | {
        r.party.code for r in Review.objects.filter(group__number=2)
    }


def test_the_overdue_filter_keeps_query_counts_flat(client, world):
    secretariat, _review, _reviewers, _people = world
    client.force_login(secretariat)
    api = api_client(secretariat)

    def fetch():
        assert client.get(url("reviews:list"), {"overdue": "on"}).status_code == 200
        assert client.get(url("reviews:export", "xlsx"), {"overdue": "on"}).status_code == 200
        assert api.get("/api/v1/reviews/", {"overdue": "true"}).status_code == 200

    fetch()  # the API token records its first use once a minute: not a list's query
    few = count_queries(fetch)
    from revmod.registry.models import Cluster

    actions.create_reviews(Cluster.objects.get(number=4), by=secretariat, now=NOW)
    assert Review.objects.count() == 8
    assert count_queries(fetch) == few


# --- Deadline changes (issue 13, item 5) -----------------------------------------------------


def due(client, review, step):
    """The step's due date as the API gives it to the signed-in client."""
    body = client.get(f"/api/v1/reviews/{review.pk}/").json()
    return next(d["due"] for d in body["deadlines"] if d["step"] == step)


def test_the_secretariat_extends_and_pauses_a_deadline_from_the_review_page(client, world):
    secretariat, review, _reviewers, people = world
    page = url("reviews:detail", review.pk)
    change = url("reviews:deadline", review.pk)
    client.force_login(secretariat)
    before = due(client, review, "focal_points")
    assert "Change a deadline" in client.get(page).content.decode()
    # A refused change says why and changes nothing.
    response = client.post(
        change, {"step": "focal_points", "kind": "extension", "reason": "Elections."}, follow=True
    )
    assert "either a new date or a number of days" in response.content.decode()
    no_reason = {"step": "focal_points", "kind": "extension", "new_date": "2021-06-30"}
    response = client.post(change, {**no_reason, "reason": ""}, follow=True)
    assert "The deadline is unchanged." in response.content.decode()
    assert due(client, review, "focal_points") == before
    assert not review.deadline_changes.exists()

    response = client.post(
        change,
        {
            "step": "focal_points",
            "kind": "extension",
            "new_date": "2021-06-30",
            "reason": "Elections in the capital.",
        },
    )
    assert response.status_code == 302
    assert due(client, review, "focal_points") == "2021-06-30"
    client.post(
        change,
        {
            "step": "focal_points",
            "kind": "pause",
            "first_day": "2021-07-01",
            "last_day": "2021-07-10",
            "reason": "Floods.",
        },
    )
    assert due(client, review, "focal_points") == "2021-07-10"  # ten days more
    # Every participant reads the changes and their reasons, and the timeline has them.
    client.force_login(people["reviewer_fp"])
    html = client.get(page).content.decode()
    assert "Elections in the capital." in html and "Floods." in html
    assert "Deadline extended" in html and "Deadline paused" in html
    assert "Change a deadline" not in html  # the form is the secretariat's
    assert (
        client.post(
            change, {"step": "focal_points", "kind": "extension", "days": "5", "reason": "x"}
        ).status_code
        == 404
    )
    assert review.deadline_changes.count() == 2


def test_the_api_changes_deadlines_as_the_page_does(client, world):
    secretariat, review, _reviewers, people = world
    path = f"/api/v1/reviews/{review.pk}/deadline-changes/"
    client.force_login(people["reviewed_fp"])
    body = {"step": "focal_points", "kind": "extension", "days": 30, "reason": "Elections."}
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 403
    client.force_login(secretariat)
    before = dt.date.fromisoformat(due(client, review, "focal_points"))
    bad = client.post(path, {**body, "days": 0}, content_type="application/json")
    assert bad.status_code == 400 and "days" in bad.json()
    refused = client.post(path, {**body, "kind": "pause"}, content_type="application/json")
    assert refused.status_code == 400 and "first and a last day" in refused.json()["detail"]
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 200
    [deadline] = [d for d in response.json()["deadlines"] if d["step"] == "focal_points"]
    assert dt.date.fromisoformat(deadline["due"]) == before + dt.timedelta(days=30)
    client.force_login(people["observer"])
    [listed] = client.get(path).json()
    assert (listed["kind"], listed["days"], listed["reason"]) == ("extension", 30, "Elections.")
    assert listed["recorded_by"] == "secretariat"


def test_the_review_page_lists_deadline_changes_in_flat_queries(client, world):
    secretariat, review, _reviewers, _people = world
    client.force_login(secretariat)
    page = url("reviews:detail", review.pk)

    def change(n):
        actions.change_deadline(
            review,
            by=secretariat,
            now=NOW,
            step="focal_points",
            kind="extension",
            days=n,
            reason=f"Reason {n}.",
        )

    change(1)
    few = count_queries(lambda: client.get(page))
    for n in range(2, 8):
        change(n)
    assert count_queries(lambda: client.get(page)) == few
    assert "Reason 7." in client.get(page).content.decode()


def test_the_workspace_reads_its_pairings_and_nominations_once_in_flat_queries(client, world):
    """The page, the actions it offers and the timeline share one read of the review's pairings
    and people (they were read twice), and more people cost no more queries."""
    secretariat, review, reviewers, people = world
    page = url("reviews:detail", review.pk)

    def tables():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert response.status_code == 200
        # The table each query reads rows of (its first FROM; subqueries come later).
        read = [q["sql"].split(" FROM ", 1)[1].split()[0] for q in queries.captured_queries]
        return len(read), read.count('"lots_pairing"'), read.count('"accounts_nomination"')

    for name in ("reviewer_fp", "expert", "secretariat"):
        client.force_login(people[name])
        few, pairings, nominations = tables()
        # Pairings once; nominations once for the schedule, once for the people shown.
        assert (pairings, nominations) == (1, 2), name
        for n in range(3):
            nominate(make_user(f"more_{name}_{n}"), reviewers[0], EXPERT, REVIEWER, secretariat)
        assert tables()[0] == few, name


# --- Secretariat officers (issue 13, item 4) -------------------------------------------------


def test_officers_are_assigned_on_the_review_page_and_shown_to_participants(client, world):
    secretariat, review, _reviewers, people = world
    colleague = make_user("colleague", secretariat=True)
    page, officers = url("reviews:detail", review.pk), url("reviews:officers", review.pk)
    client.force_login(secretariat)
    assert "None assigned" in client.get(page).content.decode()
    # Only active secretariat accounts can follow a review: nothing changes otherwise.
    response = client.post(officers, {"officers": ["secretariat", "expert"]}, follow=True)
    assert "active accounts" in response.content.decode()
    assert not review.officers.exists()
    client.post(officers, {"officers": ["secretariat", "colleague"]})
    assert set(review.officers.all()) == {secretariat, colleague}
    client.force_login(people["observer"])
    html = client.get(page).content.decode()
    assert "colleague" in html and "Secretariat officers assigned" in html
    assert client.post(officers, {"officers": []}).status_code == 404
    assert review.officers.count() == 2
    event = ReviewEvent.objects.get(review=review, kind="officers_assigned")
    assert event.data == {"officers": ["colleague", "secretariat"]}
    client.force_login(secretariat)
    client.post(officers, {})  # none: the review follows nobody
    assert not review.officers.exists()


def test_officers_are_assigned_in_bulk_and_the_list_filters_by_officer(client, world):
    secretariat, review, _reviewers, _people = world
    make_user("colleague", secretariat=True)
    others = list(Review.objects.exclude(pk=review.pk).order_by("pk"))
    client.force_login(secretariat)
    listing = url("reviews:list")
    assert "Assign to the reviews ticked below" in client.get(listing).content.decode()
    response = client.post(
        url("reviews:assign"), {"officers": ["secretariat"], "query": "stage=awaiting_nominations"}
    )
    assert response["Location"] == listing + "?stage=awaiting_nominations"  # nothing ticked
    assert not Review.officers.through.objects.exists()
    client.post(
        url("reviews:assign"), {"officers": ["secretariat"], "reviews": [review.pk, others[0].pk]}
    )
    client.post(url("reviews:assign"), {"officers": ["colleague"], "reviews": [review.pk]})
    assert {o.username for o in review.officers.all()} == {"secretariat", "colleague"}

    def listed(query):
        html = client.get(f"{listing}?{query}").content.decode()
        return {r.pk for r in Review.objects.all() if f"/reviews/{r.pk}/" in html}

    assert listed("officer=me") == {review.pk, others[0].pk}
    assert listed("officer=colleague") == {review.pk}
    assert listed("officer=none") == {r.pk for r in others[1:]}
    # The API filters the same way and names the officers.
    body = client.get("/api/v1/reviews/?officer=me").json()
    assert {r["id"] for r in body["results"]} == {review.pk, others[0].pk}
    assert {tuple(sorted(r["officers"])) for r in body["results"]} == {
        ("colleague", "secretariat"),
        ("secretariat",),
    }


def test_the_api_assigns_officers_as_the_page_does(client, world):
    secretariat, review, _reviewers, people = world
    path = f"/api/v1/reviews/{review.pk}/officers/"
    client.force_login(people["reviewed_fp"])
    assert (
        client.post(
            path, {"officers": ["secretariat"]}, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(secretariat)
    bad = client.post(path, {"officers": "secretariat"}, content_type="application/json")
    assert bad.status_code == 400 and "list of user names" in bad.json()["officers"][0]
    unknown = client.post(path, {"officers": ["nobody"]}, content_type="application/json")
    assert unknown.status_code == 400 and not review.officers.exists()
    response = client.post(path, {"officers": ["secretariat"]}, content_type="application/json")
    assert response.status_code == 200 and response.json()["officers"] == ["secretariat"]


def test_the_reviews_list_with_officers_keeps_query_counts_flat(client, world):
    secretariat, review, _reviewers, _people = world
    client.force_login(secretariat)
    colleagues = [make_user(f"officer{n}", secretariat=True) for n in range(3)]
    listing = url("reviews:list")
    api = "/api/v1/reviews/?officer=officer0"
    actions.assign_officers([review], officers=colleagues[:1], by=secretariat, now=NOW)
    few, few_api = (
        count_queries(lambda: client.get(listing)),
        count_queries(lambda: client.get(api)),
    )
    actions.assign_officers(
        list(Review.objects.all()), officers=colleagues, by=secretariat, now=NOW, add=True
    )
    assert count_queries(lambda: client.get(listing)) == few
    assert count_queries(lambda: client.get(api)) == few_api


# --- Contacts (issue 13, item 6) --------------------------------------------------------------


def test_participants_find_each_others_contact_details_and_no_one_else_does(client, world):
    secretariat, review, _reviewers, people = world
    fp = people["reviewer_fp"]
    fp.ministry, fp.languages = "justice", ["fr", "es"]
    fp.save(update_fields=["ministry", "languages"])
    actions.assign_officers([review], officers=[secretariat], by=secretariat, now=NOW)
    page = url("reviews:detail", review.pk)
    client.force_login(people["expert"])  # the party under review's expert
    html = client.get(page).content.decode()
    assert "mailto:reviewer_fp@example.org" in html and "Justice" in html
    assert "French, Spanish" in html
    assert "mailto:secretariat@example.org" in html  # the officer assigned
    assert "mailto:observer@example.org" not in html  # observers read; they are not contacts
    client.force_login(people["outsider"])
    assert client.get(page).status_code == 404


def test_the_directory_of_focal_points_is_for_nominated_people(client, world):
    _secretariat, _review, reviewers, people = world
    directory = url("accounts:directory")
    assert client.get(directory).status_code == 302  # the public: sign in first
    client.force_login(people["outsider"])  # signed in, nominated for nothing
    assert client.get(directory).status_code == 404
    client.force_login(people["observer"])
    html = client.get(directory).content.decode()
    assert "mailto:reviewed_fp@example.org" in html and "mailto:reviewer_fp@example.org" in html
    assert "mailto:expert@example.org" not in html  # focal points only
    one = client.get(directory + f"?party={reviewers[0]}").content.decode()
    assert "mailto:reviewer_fp@example.org" in one and "reviewed_fp@" not in one
    assert "No party has this code." in client.get(directory + "?party=ZZZ").content.decode()


def test_the_directory_query_count_stays_flat(client, world):
    secretariat, _review, reviewers, people = world
    client.force_login(people["expert"])
    directory = url("accounts:directory")
    few = count_queries(lambda: client.get(directory))
    name_all_focal_points(_review, reviewers, secretariat)
    assert count_queries(lambda: client.get(directory)) == few


# --- The digital gap (issue 13, item 7) ------------------------------------------------------


def test_the_secretariat_clears_and_submits_on_behalf_of_a_party(client, world, mailoutbox):
    secretariat, review, reviewers, people = world
    name_all_focal_points(review, reviewers, secretariat)
    for action in ("start_consultation",):
        actions.act(review, action, by=secretariat, now=NOW)
    actions.record_consultation(
        review, by=secretariat, now=NOW, held_on=NOW.date(), languages=["fr"]
    )
    actions.act(review, "advance", by=secretariat, now=NOW)
    act = "/en/reviews/{}/act/{}/"
    client.force_login(secretariat)
    assert (
        "Act on behalf of a party" in client.get(url("reviews:detail", review.pk)).content.decode()
    )
    # Without a reason, for a party outside the review, or by anyone else: refused, unchanged.
    page = client.post(act.format(review.pk, "clear"), {"on_behalf_of": "FRA"}, follow=True)
    assert "Say why the secretariat acts on behalf of the party." in page.content.decode()
    page = client.post(
        act.format(review.pk, "clear"),
        {"on_behalf_of": "ZAF" if "ZAF" not in reviewers else "ARG", "reason": "No connection."},
        follow=True,
    )
    assert "This party takes no part in this review." in page.content.decode()
    with pytest.raises(actions.ReviewError, match="Only the secretariat"):
        actions.act(
            review, "clear", by=people["reviewed_fp"], now=NOW, on_behalf_of="FRA", reason="x"
        )
    assert Review.objects.get(pk=review.pk).cleared == []

    reason = "The ministry's network is down since the floods."
    for action in ("clear", "submit"):
        asked = {"on_behalf_of": "FRA", "reason": reason}
        # The confirmation says for whom and why, and carries both to the confirm button.
        page = client.post(act.format(review.pk, action), asked).content.decode()
        assert "On behalf of France, for this reason: " + escape(reason) in page
        assert 'name="on_behalf_of" value="FRA"' in page
        response = client.post(act.format(review.pk, action), {**asked, **CONFIRMED})
        assert response.status_code == 302
    review.refresh_from_db()
    assert review.stage == "written_feedback"
    submitted = ReviewEvent.objects.get(review=review, kind="submit")
    assert (submitted.actor, submitted.data["on_behalf_of"]) == (secretariat, "FRA")
    html = client.get(url("reviews:detail", review.pk)).content.decode()
    assert "by the secretariat on the party" in html and escape(reason) in html
    # The e-mails say who acted and why.
    from revmod.notifications.delivery import deliver_all_due

    deliver_all_due(now=timezone.now())  # the pages enqueued them now
    told = [
        m
        for m in mailoutbox
        if m.to == ["reviewed_fp@example.org"] and "has been submitted" in m.body
    ]
    assert len(told) == 1
    assert "The secretariat did this on behalf of France" in told[0].body
    assert reason in told[0].body


# --- The API for nominations and the consultation (issue 13, item 8) ---------------------------


def test_the_api_records_replaces_and_ends_nominations(client, world):
    secretariat, review, reviewers, people = world
    new = make_user("new_fp")
    client.force_login(secretariat)

    def post(path, body):
        return client.post(path, body, content_type="application/json")

    body = {
        "party": "FRA",
        "person": "new_fp",
        "kind": "focal_point",
        "scope": "own",
        "starts_on": "2021-03-01",
    }
    refused = post("/api/v1/nominations/", body)  # France has a focal point: a handover note
    assert refused.status_code == 400 and refused.json()["detail"]
    assert post("/api/v1/nominations/", {**body, "person": "nobody"}).status_code == 400
    created = post("/api/v1/nominations/", {**body, "handover_note": "Files handed over."})
    assert created.status_code == 201 and created.json()["person"] == "new_fp"
    active = Nomination.objects.active().filter(party__code="FRA", kind=FP, scope=OWN)
    assert [n.person for n in active] == [new]
    ended = post(f"/api/v1/nominations/{created.json()['id']}/end/", {"ends_on": "2021-06-30"})
    assert ended.status_code == 200 and ended.json()["ends_on"] == "2021-06-30"
    client.force_login(people["expert"])
    assert post("/api/v1/nominations/", body).status_code == 403


def test_the_api_records_the_consultation_as_the_page_does(client, world):
    secretariat, review, reviewers, people = world
    name_all_focal_points(review, reviewers, secretariat)
    actions.act(review, "start_consultation", by=secretariat, now=NOW)
    path = f"/api/v1/reviews/{review.pk}/consultation/"
    client.force_login(people["reviewed_fp"])
    bad = client.post(
        path, {"held_on": "2021-02-01", "languages": ["xx"]}, content_type="application/json"
    )
    assert bad.status_code == 400 and "languages" in bad.json()
    three = {"held_on": "2021-02-01", "languages": ["en", "fr", "es"]}
    refused = client.post(path, three, content_type="application/json")
    assert refused.status_code == 409 and "exceptional reason" in refused.json()["detail"]
    body = {
        "held_on": "2021-02-01",
        "languages": ["fr", "en"],
        "agreed_questionnaire": "2030-01-01",
        "division_of_tasks": "By article.",
    }
    # Rule 34 (seed ¶31): the answers within at most six months of the start (1 Dec 2020):
    # a later agreed date is refused without a reason, naming the limit; nothing is stored.
    late = client.post(path, body, content_type="application/json")
    assert late.status_code == 409 and "June 1, 2021" in late.json()["detail"]
    assert not Review.objects.filter(pk=review.pk, consultation__isnull=False).exists()
    body["agreed_reason"] = "The ministry's approval takes a year."
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["languages"] == ["en", "fr"]
    consultation = Review.objects.get(pk=review.pk).consultation
    assert consultation.division_of_tasks == "By article."
    # The reason stands beside the date wherever it is read: the API's deadlines, the page.
    saq = next(d for d in response.json()["deadlines"] if d["step"] == "questionnaire")
    assert saq["agreed"] == "2030-01-01" and saq["agreed_reason"] == body["agreed_reason"]
    page = client.get(url("reviews:detail", review.pk))
    assert "approval takes a year" in page.content.decode()
    client.force_login(people["observer"])  # observers read; they record nothing
    assert client.post(path, body, content_type="application/json").status_code == 409


# --- The steps' periods as versioned settings (issue 13, item 5) -------------------------------


def test_new_periods_apply_to_the_reviews_started_from_their_date(client, world):
    secretariat, review, _reviewers, _people = world
    client.force_login(secretariat)
    start = review.started_on
    assert due(client, review, "focal_points") == str(start + dt.timedelta(days=14))
    add = "/en/admin/reviews/deadlineperiods/add/"
    periods = {
        "focal_points_days": 30,
        "experts_days": 28,
        "consultation_months": 1,
        "questionnaire_months": 6,
        "feedback_months": 6,
        "observations_months": 6,
        "note": "Decision of the Conference.",
    }
    # A version for the reviews starting after this one changes nothing here.
    later = client.post(add, {**periods, "applies_from": str(start + dt.timedelta(days=1))})
    assert later.status_code == 302
    assert due(client, review, "focal_points") == str(start + dt.timedelta(days=14))
    assert client.post(add, {**periods, "applies_from": str(start)}).status_code == 302
    assert due(client, review, "focal_points") == str(start + dt.timedelta(days=30))
    # A version in use is never changed nor deleted.
    version = DeadlinePeriods.objects.get(applies_from=start)
    change = f"/en/admin/reviews/deadlineperiods/{version.pk}/change/"
    client.post(change, {**periods, "focal_points_days": 5, "applies_from": str(start)})
    version.refresh_from_db()
    assert version.focal_points_days == 30
    assert client.post(change.replace("change", "delete"), {"post": "yes"}).status_code == 403


def test_the_api_gives_a_reviews_people_as_its_page_does(client, world):
    secretariat, review, _reviewers, people = world
    actions.assign_officers([review], officers=[secretariat], by=secretariat, now=NOW)
    path = f"/api/v1/reviews/{review.pk}/people/"
    client.force_login(people["outsider"])
    assert client.get(path).status_code == 404
    client.force_login(people["expert"])
    rows = {row["name"]: row for row in client.get(path).json()}
    assert rows["reviewer_fp"]["email"] == "reviewer_fp@example.org"
    assert rows["observer"]["role"] == "observer" and rows["observer"]["email"] is None
    assert rows["secretariat"]["role"] == "secretariat_officer"
    assert "outsider" not in rows


# --- Readable pages (issue 17, item 4) ---------------------------------------------------------


def test_the_review_page_names_languages_parties_and_instruments(client, world):
    """Working languages by name in the page's language, the timeline's parties by name, and
    the instruments' abbreviations explained: the first mention as <abbr> with the official
    title, and a legend."""
    secretariat, review, reviewers, people = world
    name_all_focal_points(review, reviewers, secretariat)
    actions.act(review, "start_consultation", by=secretariat, now=NOW)
    record = dict(by=secretariat, now=NOW, held_on=dt.date(2021, 1, 20))
    actions.record_consultation(review, languages=["ar", "en"], **record)
    actions.act(review, "advance", by=secretariat, now=NOW)
    actions.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    client.force_login(people["reviewer_fp"])
    page = url("reviews:detail", review.pk)
    html = client.get(page).content.decode()
    assert "<dt>Working languages</dt><dd>Arabic, English</dd>" in html
    assert "ar, en" not in html
    # The clearance on the timeline names the party that cleared.
    assert f"Cleared ({escape(review.party.name_en)})" in html and "(FRA)" not in html
    untoc = "United Nations Convention against Transnational Organized Crime"
    assert html.count(f'<abbr title="{untoc}">UNTOC</abbr>') == 2  # the first mention, the legend
    assert "Abbreviations of the instruments" in html
    assert "<dd>Protocol to Prevent, Suppress and Punish Trafficking in Persons" in html
    arabic = client.get(page.replace("/en/", "/ar/")).content.decode()
    assert "العربية، الإنكليزية" in arabic
    assert "اتفاقية الأمم المتحدة لمكافحة الجريمة المنظمة عبر الوطنية" in arabic
