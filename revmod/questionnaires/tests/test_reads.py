"""Reads of confidential material are recorded (issue 16): the answers (page, API, offline
questionnaire, export, files, the ZIP, machine translation), the written feedback and the list
of observations; who, what, how, which object, when, one INSERT a read; nothing for the
material every participant shares nor for someone refused. The secretariat lists them per
review and downloads them as CSV; nobody else sees them."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revmod.documents import actions as documents
from revmod.questionnaires import feedback, observations
from revmod.questionnaires.tests.test_questionnaires import NOW, question, url
from revmod.reviews import actions as reviews
from revmod.reviews.models import ReadRecord
from revmod.reviews.reads import record_read
from revmod.test import body, count_queries, token_for
from revmod.translations import actions as translations

pytestmark = pytest.mark.django_db


def api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def reads(**filters) -> list[tuple]:
    return list(
        ReadRecord.objects.filter(**filters)
        .order_by("pk")
        .values_list("reader__username", "material", "how", "target")
    )


def upload(review, user, kind, title):
    text = SimpleUploadedFile(f"{title}.txt", b"Some text.\n", content_type="text/plain")
    return documents.upload(
        review, by=user, kind=kind, language="en", title=title, file=text, now=NOW
    )


def test_each_way_to_the_answers_is_recorded_once(client, fb):
    review, people, _first, _others = fb
    reader = people["main_fp"]
    attached = upload(review, people["expert"], "questionnaire_answers", "Law")
    client.force_login(reader)
    pages = [
        url("questionnaires:answers", review.pk),
        url("questionnaires:offline_download", review.pk, "xlsx"),
        url("questionnaires:export", review.pk, "answers", "docx"),
        url("documents:download", review.pk, attached.document_id, 1),
        url("questionnaires:submissions_zip", review.pk),
    ]
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200, page
        inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "reviews_readrecord"')]
        assert len(inserts) == 1, page
    api_path = f"/api/v1/reviews/{review.pk}/answers/"
    assert api(reader).get(api_path).status_code == 200
    file = f"/api/v1/reviews/{review.pk}/documents/{attached.document_id}/versions/1/file/"
    assert api(reader).get(file).status_code == 200
    version = f"documents.documentversion:{attached.pk}"
    name = reader.username
    assert reads() == [
        (name, "answers", "page", ""),
        (name, "answers", "offline", ""),
        (name, "answers", "export", ""),
        (name, "answers", "file", version),
        (name, "answers", "zip", ""),
        (name, "answers", "api", ""),
        (name, "answers", "file", version),
    ]
    record = ReadRecord.objects.get(how="export")
    assert (record.review, record.detail) == (review, "DOCX, en")


def test_what_every_participant_shares_and_what_is_refused_leave_no_record(client, fb):
    review, people, _first, _others = fb
    shared = upload(review, people["expert"], "supporting", "Report")
    client.force_login(people["main_fp"])
    assert (
        client.get(url("documents:download", review.pk, shared.document_id, 1)).status_code == 200
    )
    assert client.get(url("reviews:detail", review.pk)).status_code == 200
    client.force_login(people["outsider"])
    assert client.get(url("questionnaires:answers", review.pk)).status_code == 404
    assert client.get(url("questionnaires:export", review.pk, "answers", "docx")).status_code == 404
    assert not ReadRecord.objects.exists()


def test_the_feedback_and_the_observations_are_recorded(client, fb):
    review, people, _first, _others = fb
    feedback.save_comment(
        review, question("untoc-5-1a"), by=people["main_fp"], now=NOW, version=0, text="Good."
    )
    client.force_login(people["main2_fp"])
    assert client.get(url("questionnaires:feedback", review.pk)).status_code == 200
    # The feedback page shows the answers beside the comments: both, in one INSERT.
    assert sorted(reads()) == [
        (people["main2_fp"].username, "answers", "page", ""),
        (people["main2_fp"].username, "feedback", "page", ""),
    ]
    for fp in people["all_fps"]:
        reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=people["main_fp"], now=NOW)
    observations.save_version(
        review, by=people["expert"], now=NOW, based_on=0, sections={"summary": "Draft."}
    )
    client.force_login(people["observer"])
    assert client.get(url("questionnaires:observations", review.pk)).status_code == 200
    export = url("questionnaires:export", review.pk, "feedback", "docx")
    assert client.get(export).status_code == 200
    assert reads(reader=people["observer"]) == [
        ("observer", "observations", "page", ""),
        ("observer", "feedback", "export", ""),
    ]


def test_reading_a_machine_translation_of_the_answers_is_recorded(client, fb):
    review, people, _first, _others = fb
    made, _created = translations.request_answers(
        review, by=people["main_fp"], target="fr", now=NOW
    )
    client.force_login(people["main_fp"])
    detail = url("translations:detail", review.pk, made.pk)
    assert client.get(detail).status_code == 200
    assert not ReadRecord.objects.exists()  # not translated yet: nothing read
    translations.process_due(now=NOW)
    assert client.get(detail).status_code == 200
    assert client.get(url("translations:download", review.pk, made.pk)).status_code == 200
    target = f"translations.translationrequest:{made.pk}"
    assert reads() == [(people["main_fp"].username, "answers", "translation", target)] * 2


def test_the_secretariat_lists_and_downloads_who_read_what(client, fb):
    review, people, _first, _others = fb
    client.force_login(people["main_fp"])
    client.get(url("questionnaires:answers", review.pk))
    client.force_login(people["secretariat"])
    detail = client.get(url("reviews:detail", review.pk)).content.decode()
    assert url("reviews:reads", review.pk) in detail
    page = client.get(url("reviews:reads", review.pk)).content.decode()
    assert people["main_fp"].username in page and "Questionnaire answers" in page
    response = client.get(url("reviews:reads_export", review.pk))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body(response).decode())))
    assert rows[0][:5] == ["When (UTC)", "User name", "Name", "Material", "How"]
    assert [row[1:5] for row in rows[1:]] == [[people["main_fp"].username, "", "answers", "page"]]
    # A participant does not see who read what (the page does not even exist for them).
    client.force_login(people["reviewed_fp"])
    assert client.get(url("reviews:reads", review.pk)).status_code == 404
    assert (
        url("reviews:reads", review.pk)
        not in client.get(url("reviews:detail", review.pk)).content.decode()
    )


def test_the_reads_page_query_count_stays_flat(client, fb):
    review, people, _first, _others = fb
    readers = [people["main_fp"], people["main2_fp"], people["reviewed_fp"]]
    client.force_login(people["secretariat"])
    page = url("reviews:reads", review.pk)
    export = url("reviews:reads_export", review.pk)

    def fetch():
        assert client.get(page).status_code == 200
        assert client.get(export).status_code == 200

    record_read(readers[0], review, "answers", how="page")
    few = count_queries(fetch)
    for reader in readers * 5:
        record_read(reader, review, ["answers", "feedback"], how="page")
    assert count_queries(fetch) == few


def test_the_download_of_a_filtered_reads_list_holds_its_rows(client, fb):
    """Issue 17, item 5: the CSV link of the list filtered on one material carries it, and
    holds the rows the page shows, in its order."""
    import html
    import re

    review, people, _first, _others = fb
    record_read(people["main_fp"], review, "answers", how="page")
    record_read(people["reviewed_fp"], review, "feedback", how="api")
    record_read(people["main2_fp"], review, ["feedback", "answers"], how="page")
    client.force_login(people["secretariat"])
    page = client.get(url("reviews:reads", review.pk), {"material": "feedback"}).content.decode()
    (link,) = re.findall(r'href="([^"]*/reads\.csv[^"]*)"', page)
    assert link.endswith("?material=feedback")
    shown = re.findall(r'<span class="muted"><bdi>([^<]+)</bdi>', page)
    rows = list(csv.reader(io.StringIO(body(client.get(html.unescape(link))).decode())))
    assert [row[1] for row in rows[1:]] == shown
    assert {row[3] for row in rows[1:]} == {"feedback"} and len(shown) == 2
