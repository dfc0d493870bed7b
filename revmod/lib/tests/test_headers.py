"""Security headers: a strict Content-Security-Policy on every response, and no-store on what a
signed-in person is served. The permission matrix (test_permissions) checks the same on every
URL × persona; these name the cases."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from revmod.documents.actions import upload
from revmod.lib.tests.headers import inline_problems, no_store, policy, policy_problems
from revmod.test import fresh, make_people, make_world, shared_data

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, reviews = make_world()
        review = reviews["FRA"]
        people, _nominations = make_people(secretariat, review, every_reviewer=False)
        document = upload(
            review,
            by=people["reviewed_fp"],
            kind="supporting",
            language="en",
            title="Legislation",
            file=SimpleUploadedFile("law.txt", b"Article 1."),
            now=NOW,
        ).document
        yield people, review, document


@pytest.fixture
def world(shared_world, db):
    return fresh(shared_world)


def test_a_page_an_api_answer_and_the_admin_carry_a_strict_policy(client, world):
    people, _review, _document = world
    for path in ["/en/", "/ar/parties/", "/api/v1/parties/", "/en/accounts/login/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert policy_problems(response) == [], path
    client.force_login(people["secretariat"])
    response = client.get("/en/admin/")
    assert response.status_code == 200
    assert policy_problems(response) == []
    found = policy(response)
    assert "'unsafe-inline'" not in found["script-src"] | found["default-src"]
    assert "'unsafe-eval'" not in found["script-src"]


def test_the_api_documentation_runs_no_inline_script(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert policy_problems(response) == [] and inline_problems(response) == []
    # Its script comes from the same URL, as a file the policy allows.
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_inline_code_is_found_where_there_is_some(rf):
    """The crawl's check (headers.inline_problems) finds each kind of inline code."""
    from django.http import HttpResponse

    page = HttpResponse(
        '<script>alert(1)</script><script type="application/json">{"a": 1}</script>'
        '<script src="/static/x.js"></script><button onclick="go()">Go</button>'
        '<a href="javascript:go()">Go</a><style>p {}</style><p style="width: 5%">x</p>'
    )
    problems = inline_problems(page)
    assert len(problems) == 4, problems


def test_what_a_signed_in_person_is_served_is_never_stored(client, world):
    people, review, document = world
    client.force_login(people["reviewed_fp"])
    page = client.get(f"/en/reviews/{review.pk}/")
    assert page.status_code == 200 and no_store(page)
    api = client.get(f"/api/v1/reviews/{review.pk}/")
    assert api.status_code == 200 and no_store(api)
    download = client.get(f"/api/v1/reviews/{review.pk}/documents/{document.pk}/versions/1/file/")
    assert download.status_code == 200 and no_store(download)
    export = client.get("/en/lots/pairings.csv")
    assert export.status_code == 200 and no_store(export)


def test_public_pages_for_anonymous_visitors_may_be_cached(client):
    response = client.get("/en/parties/")
    assert response.status_code == 200 and not no_store(response)
