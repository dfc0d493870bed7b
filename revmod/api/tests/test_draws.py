"""A draw held through the API with a token, as a secretariat's script would (issue 13, item
8): a meeting, prepare, commit, entropy, draw, publish; then the reviews it created, found
through the reviews list's filters."""

import datetime as dt

import pytest

from revmod.accounts.models import User
from revmod.lots.models import Draw, ReviewGroup
from revmod.reviews.models import Review
from revmod.test import make_user, nominate, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, registry):
    """A client speaking JSON with the secretariat's token; the review groups set up."""
    for number, day in [(1, "2020-12-01"), (2, "2021-11-01"), (3, "2022-11-01")]:
        ReviewGroup.objects.create(number=number, starts_on=day)
    secretariat = make_user("secretariat", secretariat=True)
    token = token_for(secretariat)

    def call(method, path, body=None, token=token):
        return getattr(client, method)(
            path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
        )

    return call


def test_a_whole_draw_through_the_api_creates_the_reviews(api):
    meeting = api("post", "/api/v1/meetings/", {"held_on": "2020-11-16", "title": "Lots"})
    assert meeting.status_code == 201
    reviewed = ["KEN", "FRA", "BRA", "JPN", "POL", "NGA"]
    body = {
        "kind": "initial",
        "meeting": meeting.json()["id"],
        "reviewed": reviewed,
        "sizes": [2, 2, 2],
    }
    prepared = api("post", "/api/v1/draws/", body)
    assert prepared.status_code == 201, prepared.json()
    draw = prepared.json()
    assert draw["status"] == "prepared" and draw["secret"] is None and draw["commitment"]
    steps = f"/api/v1/draws/{draw['id']}/"
    # Out of order: said, and nothing changes.
    refused = api("post", steps + "publish/")
    assert refused.status_code == 400 and refused.json()["detail"]
    assert api("post", steps + "commit/").json()["status"] == "announced"
    assert api("post", steps + "entropy/", {}).status_code == 400
    assert api("post", steps + "entropy/", {"entropy": "17 4 92 33"}).status_code == 200
    drawn = api("post", steps + "draw/").json()
    assert drawn["status"] == "drawn" and drawn["secret"]
    assert not Review.objects.exists()
    published = api("post", steps + "publish/")
    assert published.json()["status"] == "published"

    reviews = api("get", "/api/v1/reviews/?cluster=1").json()
    assert sorted(r["party"] for r in reviews["results"]) == sorted(reviewed)
    [kenya] = api("get", "/api/v1/reviews/?party=KEN").json()["results"]
    assert kenya["stage"] == "awaiting_nominations" and len(kenya["reviewers"]) >= 2
    assert api("get", "/api/v1/reviews/?cluster=4").json()["count"] == 0
    # A filter the API does not know is refused, never silently ignored.
    unknown = api("get", "/api/v1/reviews/?country=KEN")
    assert unknown.status_code == 400 and "Unknown parameter" in unknown.json()["country"][0]
    assert api("get", "/api/v1/reviews/?party=XXX").status_code == 400


def test_only_the_secretariat_holds_draws(api):
    meeting = api("post", "/api/v1/meetings/", {"held_on": "2020-11-16", "title": "Lots"})
    fp = make_user("fp")
    nominate(fp, "KEN", "focal_point", "own", User.objects.get(username="secretariat"))
    focal_point = token_for(fp)
    body = {"kind": "initial", "meeting": meeting.json()["id"]}
    assert api("post", "/api/v1/draws/", body, token=focal_point).status_code == 403
    assert (
        api(
            "post", "/api/v1/meetings/", {"held_on": "2021-01-01", "title": "x"}, token=focal_point
        ).status_code
        == 403
    )
    assert api("post", "/api/v1/draws/", {**body, "kind": "lottery"}).status_code == 400
    assert api("post", "/api/v1/draws/", {**body, "reviewed": ["ZZZ"]}).status_code == 400
    assert not Draw.objects.exists()
    prepared = api("post", "/api/v1/draws/", body).json()
    # A prepared draw is the secretariat's own until its commitment is published.
    response = api("post", f"/api/v1/draws/{prepared['id']}/commit/", token=focal_point)
    assert response.status_code == 404
    assert Draw.objects.get().status == Draw.Status.PREPARED
    assert dt.date.fromisoformat(
        api("get", "/api/v1/meetings/").json()["results"][0]["held_on"]
    ) == dt.date(2020, 11, 16)
