"""Documents of country reviews: uploads and versions, who may upload what, refused files,
downloads, the uploaded submissions on the submissions page and in its ZIP, the API, and query
counts."""

import datetime as dt
import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from revmod.accounts.models import Nomination
from revmod.documents import actions
from revmod.documents.models import Document, DocumentVersion
from revmod.lib.tests.test_uploads import DOCX
from revmod.reviews.models import Consultation, Review, ReviewEvent
from revmod.test import (
    PDF,
    count_queries,
    fresh,
    make_user,
    make_world,
    nominate,
    pdf_bytes,
    shared_data,
    zip_bomb,
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


def pdf(name="answers.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "documents"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture(autouse=True)
def empty_media():
    """Each test starts and ends without stored documents (MEDIA_ROOT is a temporary folder)."""
    for path in stored_files():
        path.unlink()
    yield
    for path in stored_files():
        path.unlink()


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, reviews = make_world()
        review = reviews["FRA"]
        reviewers = sorted(p.reviewer.code for p in review.pairings())
        people = {
            name: make_user(name)
            for name in [
                "reviewed_fp",
                "expert",
                "observer",
                "reviewer_fp",
                "reviewer_expert",
                "outsider",
            ]
        }
        nominate(people["reviewed_fp"], "FRA", FP, OWN, secretariat)
        nominate(people["expert"], "FRA", EXPERT, OWN, secretariat)
        nominate(people["observer"], "FRA", OBSERVER, OWN, secretariat)
        nominate(people["reviewer_fp"], reviewers[0], FP, REVIEWER, secretariat)
        nominate(people["reviewer_expert"], reviewers[1], EXPERT, REVIEWER, secretariat)
        people["secretariat"] = secretariat
        yield review, reviews, people


@pytest.fixture
def world(shared_world, db):
    return fresh(shared_world)


def upload(review, user, kind="questionnaire_answers", file=None, **kwargs):
    return actions.upload(
        review,
        by=user,
        kind=kind,
        language=kwargs.pop("language", "en"),
        title=kwargs.pop("title", "Answers"),
        file=file or pdf(),
        now=kwargs.pop("now", NOW),
        **kwargs,
    )


# --- Uploads and versions --------------------------------------------------------------------


def test_an_upload_is_stored_under_a_server_name_and_recorded(world):
    review, _reviews, people = world
    version = upload(review, people["expert"], file=pdf("../../etc/Réponses finales.pdf"))
    document = version.document
    assert (document.kind, document.language, document.title) == (
        "questionnaire_answers",
        "en",
        "Answers",
    )
    assert document.side == "reviewed" and document.party.code == "FRA"
    assert document.stage == review.stage and document.uploaded_by == people["expert"]
    assert version.number == 1 and version.size == len(PDF)
    assert version.sha256 == hashlib.sha256(PDF).hexdigest()
    assert version.content_type == "application/pdf"
    assert version.original_name == "Réponses finales.pdf"  # Django keeps the base name only
    assert version.file.name.startswith("documents/2021/02/") and version.file.name.endswith(".pdf")
    assert "Réponses" not in version.file.name
    assert [p.read_bytes() for p in stored_files()] == [PDF]
    event = ReviewEvent.objects.filter(review=review, kind="document_uploaded").get()
    assert event.actor == people["expert"] and event.label == "Document uploaded"
    assert event.data == {
        "document": document.pk,
        "version": 1,
        "kind": "questionnaire_answers",
        "language": "en",
        "material": "answers",
        "party": "FRA",
    }


def test_a_new_upload_adds_a_version_and_keeps_the_old_one(world):
    review, _reviews, people = world
    first = upload(review, people["expert"])
    second = upload(
        review,
        people["reviewed_fp"],
        file=SimpleUploadedFile("answers.docx", DOCX),
        document=first.document,
        kind="ignored",
        title="ignored",
        now=NOW + dt.timedelta(days=1),
    )
    assert second.document == first.document and second.number == 2
    assert second.document.title == "Answers" and second.extension == "docx"
    assert DocumentVersion.objects.count() == 2 and Document.objects.count() == 1
    assert sorted(p.read_bytes() for p in stored_files()) == sorted([PDF, DOCX])
    first.refresh_from_db()
    assert first.file.read() == PDF
    events = ReviewEvent.objects.filter(kind="document_uploaded").order_by("at")
    assert [e.data["version"] for e in events] == [1, 2]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("disguised.pdf", b"MZ\x90\x00\x03 a program", "not PDF"),
        ("program.exe", b"MZ\x90\x00", "cannot be uploaded"),
        ("empty.pdf", b"", "empty"),
        ("big.pdf", PDF + b"x" * 100, "at most"),
    ],
)
def test_a_refused_file_saves_and_stores_nothing(world, settings, name, data, message):
    settings.REVMOD_MAX_UPLOAD_BYTES = len(PDF) + 10
    review, _reviews, people = world
    with pytest.raises(actions.DocumentError, match=message) as refused:
        upload(review, people["reviewed_fp"], file=SimpleUploadedFile(name, data))
    assert refused.value.code == "bad_file"
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not ReviewEvent.objects.filter(kind="document_uploaded").exists()
    assert stored_files() == []


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("bomb.docx", lambda: zip_bomb("docx"), "decompression bomb"),
        ("bomb.xlsx", lambda: zip_bomb("xlsx"), "decompression bomb"),
        ("broken.xlsx", lambda: zip_bomb("xlsx")[:-200] + bytes(200), "not XLSX"),
        ("page.pdf", lambda: b"%PDF-1.4\n<html><script>alert(1)</script></html>", "real PDF"),
    ],
)
def test_a_hostile_file_is_refused_and_stores_nothing(world, name, data, message):
    review, _reviews, people = world
    with pytest.raises(actions.DocumentError, match=message):
        upload(review, people["reviewed_fp"], file=SimpleUploadedFile(name, data()))
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert stored_files() == []


def test_a_failure_after_storing_deletes_the_file(world, monkeypatch):
    review, _reviews, people = world

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(actions.ReviewEvent.objects, "create", broken)
    with pytest.raises(RuntimeError):
        upload(review, people["reviewed_fp"])
    assert not Document.objects.exists() and stored_files() == []


# --- Who may upload what ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "person, kind, allowed",
    [
        ("reviewed_fp", "questionnaire_answers", True),
        ("expert", "questionnaire_answers", True),
        ("reviewer_fp", "questionnaire_answers", False),
        ("reviewed_fp", "written_feedback", False),
        ("reviewer_fp", "written_feedback", True),
        ("reviewer_expert", "written_feedback", True),
        ("reviewed_fp", "list_of_observations", True),
        ("reviewer_expert", "summary", True),
        ("expert", "supporting", True),
        ("reviewer_fp", "note_verbale", True),
        ("secretariat", "questionnaire_answers", True),
        ("secretariat", "written_feedback", True),
        ("observer", "supporting", False),
        ("observer", "questionnaire_answers", False),
        ("outsider", "supporting", False),
    ],
)
def test_who_may_upload_which_kind(world, person, kind, allowed):
    review, _reviews, people = world
    if allowed:
        assert upload(review, people[person], kind=kind).number == 1
    else:
        with pytest.raises(actions.DocumentError) as refused:
            upload(review, people[person], kind=kind)
        assert refused.value.forbidden and "may not upload" in str(refused.value)
        assert not Document.objects.exists() and stored_files() == []


def test_new_versions_of_a_partys_own_document_come_from_that_party(world):
    review, _reviews, people = world
    supporting = upload(review, people["expert"], kind="supporting").document
    with pytest.raises(actions.DocumentError, match="may not add a version"):
        upload(review, people["reviewer_fp"], document=supporting)
    assert upload(review, people["secretariat"], document=supporting).number == 2
    # A list of observations is written jointly: the other side may add a version.
    observations = upload(review, people["reviewed_fp"], kind="list_of_observations").document
    assert upload(review, people["reviewer_expert"], document=observations).number == 2
    with pytest.raises(actions.DocumentError, match="another review"):
        upload(_reviews_other(world), people["secretariat"], document=observations)


def _reviews_other(world):
    _review, reviews, _people = world
    return reviews["DEU"]


# --- Pages -----------------------------------------------------------------------------------


def test_the_page_lists_documents_and_offers_the_form_to_uploaders_only(client, world):
    review, _reviews, people = world
    upload(review, people["expert"], title="Answers to the questionnaire")
    page = url("documents:list", review.pk)
    for name in ["reviewed_fp", "expert", "secretariat"]:
        client.force_login(people[name])
        body = client.get(page).content.decode()
        assert "Answers to the questionnaire" in body and 'enctype="multipart/form-data"' in body
    # A reviewing party uploads too, but sees the answers only once they are submitted.
    client.force_login(people["reviewer_fp"])
    body = client.get(page).content.decode()
    assert "Answers to the questionnaire" not in body and 'enctype="multipart/form-data"' in body
    client.force_login(people["observer"])
    body = client.get(page).content.decode()
    assert "Answers to the questionnaire" in body and "multipart/form-data" not in body
    # The review's workspace shows them too.
    assert (
        "Answers to the questionnaire"
        in client.get(url("reviews:detail", review.pk)).content.decode()
    )
    client.force_login(people["outsider"])
    assert client.get(page).status_code == 404


def test_uploading_through_the_page(client, world):
    review, _reviews, people = world
    client.force_login(people["reviewed_fp"])
    page = url("documents:list", review.pk)
    response = client.post(
        page,
        {"kind": "questionnaire_answers", "language": "fr", "title": "Réponses", "file": pdf()},
    )
    assert response.status_code == 302 and response["Location"] == page
    document = Document.objects.get()
    assert document.language == "fr" and document.versions.get().number == 1
    response = client.post(page, {"document": document.pk, "file": pdf("v2.pdf")}, follow=True)
    assert "Uploaded: Réponses, version 2." in response.content.decode()


def test_a_bad_file_through_the_page_is_a_form_error_and_saves_nothing(client, world):
    review, _reviews, people = world
    client.force_login(people["reviewed_fp"])
    response = client.post(
        url("documents:list", review.pk),
        {
            "kind": "questionnaire_answers",
            "language": "en",
            "title": "Answers",
            "file": SimpleUploadedFile("answers.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 400
    assert "The file&#x27;s content is not PDF" in response.content.decode()
    assert not Document.objects.exists() and stored_files() == []
    response = client.post(url("documents:list", review.pk), {"language": "en"})
    assert response.status_code == 400 and "Give the document a title." in response.content.decode()


def test_observers_and_outsiders_cannot_upload_through_the_page(client, world):
    review, _reviews, people = world
    data = {"kind": "supporting", "language": "en", "title": "Mine"}
    client.force_login(people["observer"])
    response = client.post(url("documents:list", review.pk), {**data, "file": pdf()})
    assert response.status_code == 403
    assert "You may not upload documents in this review." in response.content.decode()
    client.force_login(people["outsider"])
    response = client.post(url("documents:list", review.pk), {**data, "file": pdf()})
    assert response.status_code == 404
    client.force_login(people["reviewer_fp"])  # a kind the reviewing side may not upload
    response = client.post(
        url("documents:list", review.pk),
        {**data, "kind": "questionnaire_answers", "file": pdf()},
    )
    assert response.status_code == 400  # not among the kinds offered to them
    assert not Document.objects.exists() and stored_files() == []


def test_downloads_are_attachments_for_those_who_see_the_review(client, world):
    review, _reviews, people = world
    version = upload(review, people["expert"], title='Réponses "finales" / 2021')
    link = url("documents:download", review.pk, version.document_id, 1)
    client.force_login(people["reviewer_fp"])
    assert client.get(link).status_code == 404  # answers not submitted yet (rule 40)
    for name in ["reviewed_fp", "expert", "observer", "secretariat"]:
        client.force_login(people[name])
        response = client.get(link)
        assert response.status_code == 200, name
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "R%C3%A9ponses-finales-2021-en-v1.pdf" in disposition
        assert "/" not in disposition.split("''", 1)[1] and '"finales' not in disposition
    client.force_login(people["outsider"])
    assert client.get(link).status_code == 404
    assert (
        client.get(url("documents:download", review.pk, version.document_id, 2)).status_code == 404
    )
    client.logout()
    response = client.get(link)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # The stored file is never reachable under MEDIA_URL: no such URL is served.
    assert client.get("/media/" + version.file.name).status_code == 404


def test_a_document_is_downloaded_only_under_its_own_review(client, world):
    review, reviews, people = world
    version = upload(reviews["DEU"], people["secretariat"], kind="summary")
    client.force_login(people["reviewed_fp"])
    # FRA's participant asks for DEU's document through FRA's review: not found.
    assert (
        client.get(url("documents:download", review.pk, version.document_id, 1)).status_code == 404
    )


# --- Submissions and their ZIP ---------------------------------------------------------------


def submitted(world):
    """FRA: answers (2 versions), a list of observations, a summary, two documents that are
    not submissions; DEU: a summary."""
    review, reviews, people = world
    answers = upload(review, people["expert"], title="Answers")
    upload(review, people["reviewed_fp"], document=answers.document, file=pdf(data=PDF + b"%v2"))
    upload(review, people["reviewer_fp"], kind="list_of_observations", title="Observations")
    upload(review, people["secretariat"], kind="summary", title="Summary", language="fr")
    upload(review, people["secretariat"], kind="summary", title="Summary", language="es")
    upload(review, people["reviewer_fp"], kind="written_feedback", title="Feedback")
    upload(review, people["expert"], kind="supporting", title="Law")
    upload(reviews["DEU"], people["secretariat"], kind="summary", title="DEU summary")


def test_the_zip_holds_exactly_the_latest_submissions_of_the_review(client, world):
    review, reviews, people = world
    submitted(world)
    client.force_login(people["observer"])
    response = client.get(url("questionnaires:submissions_zip", review.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="FRA-cluster1-submissions-'
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    # The latest version of each; not the feedback (not yet submitted, so not the party under
    # review's to read) nor the supporting document.
    assert sorted(archive.namelist()) == [
        "uploaded/FRA-cluster1-answers-Answers-en-v2-2021-02-01.pdf",
        "uploaded/FRA-cluster1-observations-Observations-en-v1-2021-02-01.pdf",
        "uploaded/FRA-cluster1-summary-Summary-es-v1-2021-02-01.pdf",
        "uploaded/FRA-cluster1-summary-Summary-fr-v1-2021-02-01.pdf",
    ]
    answers = "uploaded/FRA-cluster1-answers-Answers-en-v2-2021-02-01.pdf"
    assert archive.read(answers) == PDF + b"%v2"
    client.force_login(people["outsider"])
    assert client.get(url("questionnaires:submissions_zip", review.pk)).status_code == 404
    client.force_login(people["reviewed_fp"])
    assert client.get(url("questionnaires:submissions_zip", reviews["DEU"].pk)).status_code == 404


def test_the_submissions_page_shows_what_the_user_may_see(client, world):
    review, reviews, people = world
    submitted(world)
    client.force_login(people["reviewer_fp"])
    body = client.get(url("questionnaires:submissions", review.pk)).content.decode()
    assert "Observations" in body and "Summary" in body and "Feedback" in body
    assert "Answers" not in body  # the review has not submitted its answers yet (rule 40)
    assert "Law" not in body and "DEU summary" not in body
    client.force_login(people["observer"])
    body = client.get(url("questionnaires:submissions", review.pk)).content.decode()
    assert "Answers" in body and "Feedback" not in body  # the feedback: once submitted
    client.force_login(people["secretariat"])
    body = client.get(url("questionnaires:submissions", reviews["DEU"].pk)).content.decode()
    assert "DEU summary" in body
    client.force_login(people["outsider"])
    assert client.get(url("questionnaires:submissions", review.pk)).status_code == 404


# --- API -------------------------------------------------------------------------------------


def api_client(user=None):
    from rest_framework.test import APIClient

    from revmod.test import token_for

    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def test_api_lists_and_uploads_through_the_same_action(world):
    review, _reviews, people = world
    endpoint = f"/api/v1/reviews/{review.pk}/documents/"
    client = api_client(people["reviewed_fp"])
    response = client.post(
        endpoint,
        {"kind": "questionnaire_answers", "language": "ar", "title": "الإجابات", "file": pdf()},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "الإجابات" and body["party"] == "FRA" and body["side"] == "reviewed"
    assert [v["number"] for v in body["versions"]] == [1]
    response = client.post(
        endpoint, {"document": body["id"], "file": pdf("v2.pdf")}, format="multipart"
    )
    assert [v["number"] for v in response.json()["versions"]] == [2, 1]
    listed = api_client(people["observer"]).get(endpoint).json()
    assert listed["count"] == 1 and listed["results"][0]["versions"][0]["sha256"] == (
        hashlib.sha256(PDF).hexdigest()
    )
    download = listed["results"][0]["versions"][0]["download"]
    assert download.endswith(f"/api/v1/reviews/{review.pk}/documents/{body['id']}/versions/2/file/")
    assert ReviewEvent.objects.filter(kind="document_uploaded").count() == 2


def test_uploads_are_in_the_working_languages_once_the_consultation_agreed_them(client, world):
    # Rule 50, seed ¶27-28: the consultation agrees the review's working languages; before
    # it (and when the parties could not agree) any of the six (docs/decisions.md).
    review, _reviews, people = world
    before = upload(review, people["reviewed_fp"], language="ar", title="Note")
    Consultation.objects.create(review=review, held_on=NOW.date(), languages=["en", "fr"])
    # Page and API refuse another language alike, naming the agreed ones; nothing is stored.
    client.force_login(people["expert"])
    data = {"kind": "supporting", "language": "es", "title": "Ley", "file": pdf()}
    page = client.post(url("documents:list", review.pk), data)
    assert page.status_code == 400
    assert "This review works in English, French" in page.content.decode()
    data["file"] = pdf()
    endpoint = f"/api/v1/reviews/{review.pk}/documents/"
    refused = api_client(people["expert"]).post(endpoint, data, format="multipart")
    assert refused.status_code == 400 and refused.json()["code"] == "not_working_language"
    assert Document.objects.count() == 1 and len(stored_files()) == 1
    data.update(language="fr", file=pdf())
    assert api_client(people["expert"]).post(endpoint, data, format="multipart").status_code == 201
    # A version of a document uploaded before the agreement keeps its language.
    version = upload(review, people["reviewed_fp"], document=before.document, file=pdf("v2.pdf"))
    assert (version.number, version.document.language) == (2, "ar")
    # No agreement: no contract, any of the six.
    Consultation.objects.filter(review=review).update(languages=[], no_agreement=True)
    review = Review.objects.get(pk=review.pk)
    assert upload(review, people["secretariat"], kind="summary", language="zh").document


def test_api_refusals(world):
    review, _reviews, people = world
    endpoint = f"/api/v1/reviews/{review.pk}/documents/"
    data = {"kind": "supporting", "language": "en", "title": "Law"}
    bad = SimpleUploadedFile("law.pdf", b"MZ\x90\x00")
    response = api_client(people["expert"]).post(
        endpoint, {**data, "file": bad}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The file's content is not PDF, whatever its name says.",
        "code": "bad_file",
    }
    response = api_client(people["observer"]).post(
        endpoint, {**data, "file": pdf()}, format="multipart"
    )
    assert response.status_code == 403 and "may not upload" in response.json()["detail"]
    response = api_client(people["outsider"]).post(
        endpoint, {**data, "file": pdf()}, format="multipart"
    )
    # A person with no nomination in force: their token gives no access (issue 15).
    assert response.status_code == 403
    assert api_client(people["outsider"]).get(endpoint).status_code == 403
    assert api_client().get(endpoint).status_code == 403
    response = api_client(people["expert"]).post(
        endpoint, {"document": 999, "file": pdf()}, format="multipart"
    )
    assert response.status_code == 404  # as for a document the caller may not see
    assert not Document.objects.exists() and stored_files() == []


def test_api_downloads(world):
    review, _reviews, people = world
    version = upload(review, people["expert"], title="Answers")
    path = f"/api/v1/reviews/{review.pk}/documents/{version.document_id}/versions/1/file/"
    assert api_client(people["reviewer_fp"]).get(path).status_code == 404  # not submitted yet
    response = api_client(people["observer"]).get(path)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="Answers-en-v1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert api_client(people["outsider"]).get(path).status_code == 403  # no nomination
    assert api_client().get(path).status_code == 403
    assert api_client(people["expert"]).get(path.replace("/1/file/", "/2/file/")).status_code == 404


def test_the_openapi_schema_describes_the_documents(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/reviews/{review_pk}/documents/:" in text
    assert "/api/v1/reviews/{review_pk}/documents/{id}/versions/{number}/file/:" in text
    assert "multipart/form-data" in text and "format: binary" in text


# --- Query counts ----------------------------------------------------------------------------


def test_document_lists_query_count_stays_flat(client, world):
    review, _reviews, people = world
    client.force_login(people["reviewed_fp"])
    api = api_client(people["reviewed_fp"])
    pages = [
        url("documents:list", review.pk),
        url("questionnaires:submissions", review.pk),
        url("reviews:detail", review.pk),
    ]

    def fetch():
        for page in pages:
            assert client.get(page).status_code == 200
        assert api.get(f"/api/v1/reviews/{review.pk}/documents/").status_code == 200

    upload(review, people["expert"], title="First")
    fetch()  # the API token records its first use once a minute: not a list's query
    few = count_queries(fetch)
    for n in range(4):
        version = upload(review, people["expert"], kind="summary", title=f"Summary {n}")
        upload(review, people["reviewer_fp"], document=version.document)
        upload(review, people["reviewer_fp"], kind="written_feedback", title=f"Feedback {n}")
    assert Document.objects.count() == 9
    assert count_queries(fetch) == few


def test_questionnaire_answers_reach_the_reviewers_only_once_submitted(client):
    """Rule 40 (seed ¶33): the answers are shared with the participating parties once submitted;
    until then only the party under review's people and the secretariat see them."""
    from revmod.reviews import actions as reviews_actions

    secretariat, reviews = make_world()
    review = reviews["FRA"]
    codes = [p.reviewer.code for p in review.pairings()]
    fra_fp, expert, reviewer = make_user("fra_fp"), make_user("fra_x"), make_user("rev_fp")
    nominate(fra_fp, "FRA", "focal_point", "own", secretariat)
    nominate(expert, "FRA", "expert", "own", secretariat)
    nominate(reviewer, codes[0], "focal_point", "reviewer", secretariat)
    for n, code in enumerate(codes[1:]):
        nominate(make_user(f"fp{n}"), code, "focal_point", "reviewer", secretariat)
    now = dt.datetime(2021, 2, 1, 9, tzinfo=dt.UTC)
    reviews_actions.act(review, "start_consultation", by=fra_fp, now=now)
    reviews_actions.record_consultation(
        review, by=secretariat, now=now, held_on=now.date(), languages=["en"]
    )
    reviews_actions.act(review, "advance", by=fra_fp, now=now)
    version = actions.upload(
        review,
        by=expert,
        kind="questionnaire_answers",
        language="en",
        title="Draft answers",
        file=SimpleUploadedFile("a.pdf", pdf_bytes("draft")),
        now=now,
    )
    download = f"/en/reviews/{review.pk}/documents/{version.document_id}/v{version.number}/"
    page = f"/en/reviews/{review.pk}/documents/"
    client.force_login(reviewer)
    assert "Draft answers" not in client.get(page).content.decode()
    assert client.get(download).status_code == 404
    submissions = f"/en/reviews/{review.pk}/submissions/"
    assert "Draft answers" not in client.get(submissions).content.decode()
    assert not client.get(f"/api/v1/reviews/{review.pk}/documents/").json()["results"]
    client.force_login(fra_fp)
    assert "Draft answers" in client.get(page).content.decode()
    # Submitted: now the reviewing parties see them.
    reviews_actions.act(review, "clear", by=fra_fp, now=now)
    reviews_actions.act(review, "submit", by=fra_fp, now=now)
    client.force_login(reviewer)
    assert "Draft answers" in client.get(page).content.decode()
    assert "Draft answers" in client.get(submissions).content.decode()
    assert client.get(download).status_code == 200
    assert Nomination.objects.filter(person=reviewer).exists()


def test_the_documents_page_pages_and_sorts_its_documents(client, world):
    review, _reviews, people = world
    client.force_login(people["reviewed_fp"])
    for n in range(52):
        upload(review, people["expert"], kind="summary", title=f"Summary {n:03d}")
    titles = re.compile(r'<th scope="row">(Summary \d+)</th>')
    page_url = url("documents:list", review.pk)
    first = client.get(page_url, {"ordering": "title"}).content.decode()
    assert "1–50 of 52" in first and titles.findall(first)[:2] == ["Summary 000", "Summary 001"]
    assert 'aria-sort="ascending"' in first
    assert 'href="?ordering=title&amp;page=2" rel="next"' in first
    reverse = client.get(page_url, {"ordering": "-title"}).content.decode()
    assert titles.findall(reverse)[:2] == ["Summary 051", "Summary 050"]
    assert 'aria-sort="descending"' in reverse
    second = client.get(page_url, {"ordering": "-title", "page": 2}).content.decode()
    assert titles.findall(second) == ["Summary 001", "Summary 000"]
    bad = client.get(page_url, {"ordering": "size"})
    assert bad.status_code == 400 and "Unknown order" in bad.content.decode()


def test_the_api_lists_a_reviews_documents_in_the_pages_order(world):
    review, _reviews, people = world
    for n in range(3):
        upload(review, people["expert"], kind="summary", title=f"Summary {n}")
    api = api_client(people["reviewed_fp"])
    listed = f"/api/v1/reviews/{review.pk}/documents/"
    titles = [d["title"] for d in api.get(listed, {"ordering": "-title"}).json()["results"]]
    assert titles == ["Summary 2", "Summary 1", "Summary 0"]
    answer = api.get(listed, {"ordering": "title"}).json()
    assert answer["count"] == 3 and answer["results"][0]["title"] == "Summary 0"
    bad = api.get(listed, {"ordering": "size"})
    assert bad.status_code == 400 and "ordering" in bad.json()
