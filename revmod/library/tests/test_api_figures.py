"""/api/v1/resources/ (public read of the published, the secretariat's changes) and the
library's figures for the status report."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from revmod.library import actions
from revmod.library.figures import library_figures
from revmod.library.models import Resource
from revmod.library.tests.test_library import NOW, empty_media, pdf, resource  # noqa: F401
from revmod.test import PDF, body, count_queries, make_user, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat():
    return make_user("sec", secretariat=True)


@pytest.fixture
def api():
    return APIClient()


def signed(api, user):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return api


def test_anyone_reads_the_published_resources_without_a_token(api, secretariat):
    made = resource(secretariat, title="Manual", title_fr="Manuel")
    resource(secretariat, title="Draft", published=False)
    actions.add_version(made, by=secretariat, now=NOW, language="pt", file=pdf())
    listed = api.get("/api/v1/resources/", {"lang": "fr"}).json()
    assert [r["title"] for r in listed["results"]] == ["Manuel"]
    version = listed["results"][0]["versions"][0]
    assert (version["language"], version["language_name"], version["number"]) == (
        "pt",
        "Portugais",
        1,
    )
    assert body(api.get(version["download"])) == PDF
    assert api.get("/api/v1/resources/", {"kind": "poem"}).status_code == 400


def test_the_secretariat_creates_updates_publishes_and_adds_versions(api, secretariat):
    api = signed(api, secretariat)
    created = api.post("/api/v1/resources/", {"kind": "guide", "title_en": "Guide"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert not created.json()["published"]
    changed = api.patch(f"/api/v1/resources/{pk}/", {"title_ar": "دليل"}, format="json")
    assert changed.status_code == 200 and changed.json()["title_en"] == "Guide"
    published = api.post(f"/api/v1/resources/{pk}/publish/", {"published": True}, format="json")
    assert published.json()["published"] is True
    added = api.post(
        f"/api/v1/resources/{pk}/versions/",
        {"language": "ar", "file": SimpleUploadedFile("g.pdf", PDF)},
        format="multipart",
    )
    assert added.status_code == 201 and added.json()["number"] == 1
    resource_ = Resource.objects.get()
    assert (resource_.title_ar, resource_.published, resource_.versions.count()) == (
        "دليل",
        True,
        1,
    )


def test_bad_input_is_a_400_and_others_may_not_change_anything(api, secretariat):
    made = resource(secretariat, title="Manual")
    person = make_user("someone")
    assert api.post("/api/v1/resources/", {"kind": "guide", "title_en": "X"}).status_code == 403
    signed(api, person)
    assert api.patch(f"/api/v1/resources/{made.pk}/", {"title_en": "Y"}).status_code == 403
    assert (
        api.post(f"/api/v1/resources/{made.pk}/publish/", {"published": False}).status_code == 403
    )
    signed(api, secretariat)
    bad = api.post("/api/v1/resources/", {"kind": "guide", "title_en": ""}, format="json")
    assert bad.status_code == 400 and "title_en" in bad.json()
    bad = api.post(
        f"/api/v1/resources/{made.pk}/versions/",
        {"language": "xx", "file": SimpleUploadedFile("g.pdf", PDF)},
        format="multipart",
    )
    assert bad.status_code == 400 and "language" in bad.json()
    made.refresh_from_db()
    assert (made.title_en, made.published, made.versions.count()) == ("Manual", True, 0)
    assert Resource.objects.count() == 1


def test_the_figures_count_published_resources_by_kind_and_language_as_of_a_date(secretariat):
    before, after = NOW.date() - dt.timedelta(days=1), NOW.date() + dt.timedelta(days=10)
    guide = resource(secretariat, title="Guide", kind="guide")
    law = resource(secretariat, title="Law", kind="model_law")
    resource(secretariat, title="Draft", kind="guide", published=False)
    actions.add_version(guide, by=secretariat, now=NOW, language="en", file=pdf())
    actions.add_version(guide, by=secretariat, now=NOW, language="en", link="https://e.org/2")
    actions.add_version(law, by=secretariat, now=NOW, language="en", link="https://e.org/1")
    later = NOW + dt.timedelta(days=5)
    actions.add_version(law, by=secretariat, now=later, language="pt", link="https://e.org/pt")
    assert library_figures(before).total == 0
    figures = library_figures(NOW.date())
    assert (figures.total, figures.by_kind, figures.by_language) == (
        2,
        {"guide": 1, "model_law": 1},
        {"en": 2},
    )
    assert library_figures(after).by_language == {"en": 2, "pt": 1}
    assert count_queries(lambda: library_figures(after)) == 2
