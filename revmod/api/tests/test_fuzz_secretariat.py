"""The API fuzzed as the secretariat, who may call every operation (fuzzing.py): the schema's
examples, schemathesis' coverage cases (every parameter's and field's boundaries and wrong
types) and 25 generated requests per operation (another 25 on PostgreSQL in CI), none answered
with a server error or otherwise than the schema says. Also the malformed requests once
answered with a 500."""

import json

import pytest
from hypothesis import settings

from revmod.api.tests import fuzzing
from revmod.lots.models import Draw
from revmod.reviews.models import Review, ReviewEvent

pytestmark = pytest.mark.django_db
schema = fuzzing.load(coverage=True)


# Parametrized even for one persona: pytest names each operation's test only so (with pytest 9,
# schemathesis' tests of a function without parameters all share one id, and pytest-xdist
# runs one of them).
@pytest.mark.parametrize("persona", ["secretariat"])
@schema.parametrize()
@settings(max_examples=fuzzing.examples(25), **fuzzing.SETTINGS)
def test_the_secretariat_gets_no_server_error_and_what_the_schema_says(
    case, fuzz_world, in_process, persona
):
    """One operation, about 100 requests (most of them the coverage phase's): one to a few
    seconds each; the budget is in docs/testing.md."""
    fuzzing.call(case, fuzz_world[0], persona)


def api(client, method, path, tokens, persona="secretariat", body=None):
    return getattr(client, method)(
        path,
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {tokens[persona]}",
    )


@pytest.mark.parametrize("body", [[], "x", 1])
def test_a_json_body_that_is_not_an_object_is_a_400_that_says_so(client, fuzz_world, body):
    """Found by schemathesis: `[]` posted to a review's action was a 500."""
    tokens, ids = fuzz_world
    path = f"/api/v1/reviews/{ids['review']}/actions/draft/"
    events = ReviewEvent.objects.count()
    for persona in ["secretariat", "reviewed_fp"]:
        refused = api(client, "post", path, tokens, persona, json.dumps(body))
        assert refused.status_code == 400
        assert refused.json() == {
            "detail": "Send a JSON object whose fields are named in the API's schema."
        }
    assert ReviewEvent.objects.count() == events  # nothing happened


def test_a_list_where_a_field_takes_one_value_is_a_400_that_names_the_field(client, fuzz_world):
    tokens, ids = fuzz_world
    stage = Review.objects.get(pk=ids["review"]).stage
    path = f"/api/v1/reviews/{ids['review']}/actions/reopen/"
    refused = api(client, "post", path, tokens, body={"reason": ["a", "b"], "to": "questionnaire"})
    assert refused.status_code == 400
    assert refused.json() == {
        "reason": ["Give one value (a text or a number), not a list or an object."]
    }
    assert Review.objects.get(pk=ids["review"]).stage == stage
    meeting = api(client, "post", "/api/v1/meetings/", tokens, body={"held_on": [None, None]})
    assert meeting.status_code == 400 and list(meeting.json()) == ["held_on"]


def test_a_document_id_that_is_not_a_number_is_a_404_as_one_not_there(client, fuzz_world):
    """Found by schemathesis: `false` as a document's id in a download's path was a 500."""
    tokens, ids = fuzz_world
    review = ids["review"]
    for persona in ["secretariat", "reviewed_fp", "observer"]:
        for document in ["false", "1.0", "²", "99999999"]:
            path = f"/api/v1/reviews/{review}/documents/{document}/versions/1/file/"
            assert api(client, "get", path, tokens, persona).status_code == 404
    path = f"/api/v1/reviews/{review}/documents/{ids['document']}/versions/1/file/"
    assert api(client, "get", path, tokens, "reviewed_fp").status_code == 200


def test_an_id_too_large_for_the_database_is_refused_as_one_not_there(client, fuzz_world):
    """Found by schemathesis: a redraw request's id past 2**63 in a draw's inputs was a 500."""
    tokens, _ids = fuzz_world
    meeting = api(client, "get", "/api/v1/meetings/", tokens).json()["results"][0]["id"]
    draws = Draw.objects.count()
    for requests in [[2**63], ["-1"], ["x"]]:
        body = {"kind": "redraw", "meeting": meeting, "requests": requests}
        refused = api(client, "post", "/api/v1/draws/", tokens, body=body)
        assert refused.status_code == 400
        assert list(refused.json()) == ["requests"]
    assert Draw.objects.count() == draws
