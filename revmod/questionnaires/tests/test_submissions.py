"""A review's submissions page (issue 17, item 8): what was submitted online (the frozen
answers, the written feedback, the signed versions of the list of observations), each as a PDF
and a DOCX made on request in each working language from the frozen submission, beside the
uploaded documents; the ZIP of exactly that; only what the reader may read (404 otherwise);
a flat number of queries. The PDFs need the fonts of `manage.py fetchfonts`."""

import io
import zipfile

import docx as python_docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from docx.oxml.ns import qn

from revmod.accounts.models import Nomination
from revmod.documents import actions as documents
from revmod.lots.models import Pairing
from revmod.questionnaires import actions, feedback, observations
from revmod.questionnaires.models import AnswerSubmission, FeedbackSubmission
from revmod.questionnaires.tests.test_observations import SECTIONS
from revmod.questionnaires.tests.test_questionnaires import NOW, question, url
from revmod.reviews import actions as reviews
from revmod.reviews.models import ReadRecord
from revmod.test import PDF, count_queries, make_user, nominate, pdf_bytes

pytestmark = pytest.mark.django_db
# Two working languages: a document of each submission in each.
WORKING_LANGUAGES = ("en", "fr")


def upload(review, user, kind, title, data=PDF, language="en"):
    file = SimpleUploadedFile(f"{title}.pdf", data, content_type="application/pdf")
    return documents.upload(
        review, by=user, kind=kind, language=language, title=title, file=file, now=NOW
    )


def page_of(client, review) -> str:
    response = client.get(url("questionnaires:submissions", review.pk))
    assert response.status_code == 200
    return response.content.decode()


def file_url(review, what, number, fmt, lang="en"):
    return url("questionnaires:submission_file", review.pk, what, number, fmt) + f"?lang={lang}"


def docx_text(response) -> str:
    assert response.status_code == 200, response.status_code
    document = python_docx.Document(io.BytesIO(response.content))
    return "\n".join(
        "".join(t.text or "" for t in p.iter(qn("w:t")))
        for p in document.element.body.iter(qn("w:p"))
    )


def archive_of(response) -> zipfile.ZipFile:
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def submit_feedback(review, people, text="Is conspiracy covered?"):
    feedback.save_comment(
        review, question("untoc-5-1a"), by=people["main_fp"], now=NOW, version=0, text=text
    )
    for fp in people["all_fps"]:
        reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=people["main_fp"], now=NOW)
    review.refresh_from_db()


def test_the_page_lists_the_answers_submitted_online_beside_the_uploads(client, fb):
    review, people, _first, _others = fb
    law = pdf_bytes("law")
    upload(review, people["expert"], "questionnaire_answers", "Law of 2020", data=law)
    upload(review, people["expert"], "supporting", "Annual report")  # not a submission
    client.force_login(people["main_fp"])
    body = page_of(client, review)
    assert "Questionnaire answers" in body and "by reviewed_fp" in body
    for lang in WORKING_LANGUAGES:  # a PDF and a DOCX in each working language
        for fmt in ("pdf", "docx"):
            assert file_url(review, "answers", 1, fmt, lang).replace("&", "&amp;") in body
    assert "Law of 2020" in body and f"{len(law)}" in body.replace("\xa0", " ")
    assert "Annual report" not in body
    assert "/submissions/feedback/" not in body  # nothing submitted yet
    assert url("questionnaires:submissions_zip", review.pk) in body
    # Linked from the review's page and its documents page.
    link = f'href="{url("questionnaires:submissions", review.pk)}"'
    assert link in client.get(url("reviews:detail", review.pk)).content.decode()
    assert link in client.get(url("documents:list", review.pk)).content.decode()


def test_the_document_is_the_frozen_submission_not_a_later_draft(client, fb):
    review, people, _first, _others = fb
    submission = AnswerSubmission.objects.get()
    client.force_login(people["main_fp"])
    text = docx_text(client.get(file_url(review, "answers", 1, "docx", lang="fr")))
    assert "Penal Code <art. 450-1>." in text and submission.sha256 in text
    assert "reviewed_fp" in text  # who submitted
    # Reopened and changed: the submission's document still says what was submitted.
    reviews.act(
        review, "reopen", by=people["secretariat"], now=NOW, reason="More.", to="questionnaire"
    )
    review.refresh_from_db()
    actions.save_answer(
        review,
        question("untoc-5-1a"),
        by=people["expert"],
        now=NOW,
        version=1,
        value=["no"],
        text="Changed.",
    )
    client.force_login(people["observer"])
    text = docx_text(client.get(file_url(review, "answers", 1, "docx")))
    assert "Penal Code <art. 450-1>." in text and "Changed." not in text
    # The reviewing parties read the answers only while they stand submitted (rule 40).
    client.force_login(people["main_fp"])
    assert client.get(file_url(review, "answers", 1, "docx")).status_code == 404
    assert "/submissions/answers/" not in page_of(client, review)
    assert ReadRecord.objects.filter(how="export", material="answers").count() == 2


def test_others_get_404_and_nothing_they_may_not_read_is_listed(client, fb):
    review, people, _first, _others = fb
    # A reviewing party's focal point of another review, and someone taking part in none.
    others = {p.reviewer.code for p in Pairing.objects.active().filter(reviewed__code="DEU")}
    code = sorted(others - {p.reviewer.code for p in review.pairings()} - {"FRA"})[0]
    stranger = make_user("stranger")
    nominate(stranger, code, "focal_point", Nomination.Scope.REVIEWER, people["secretariat"])
    paths = [
        url("questionnaires:submissions", review.pk),
        file_url(review, "answers", 1, "docx"),
        url("questionnaires:submissions_zip", review.pk),
    ]
    for person in (stranger, people["outsider"]):
        client.force_login(person)
        assert [client.get(p).status_code for p in paths] == [404, 404, 404]
    # The party under review does not read the feedback before it is submitted.
    feedback.save_comment(
        review, question("untoc-5-1a"), by=people["main_fp"], now=NOW, version=0, text="Draft."
    )
    upload(review, people["main_fp"], "written_feedback", "Our feedback")
    client.force_login(people["reviewed_fp"])
    assert "Our feedback" not in page_of(client, review)
    assert client.get(file_url(review, "feedback", 1, "docx")).status_code == 404
    # Wrong addresses: 404, never a 500.
    for path in [
        file_url(review, "answers", 2, "docx"),
        file_url(review, "answers", 1, "docx", lang="ar"),
        file_url(review, "summary", 1, "docx"),
        url("questionnaires:submission_file", review.pk, "answers", 1, "txt"),
    ]:
        assert client.get(path).status_code == 404, path


def test_the_feedback_and_signed_lists_of_observations_are_listed(client, fb):
    review, people, _first, _others = fb
    submit_feedback(review, people)
    observations.save_version(review, by=people["expert"], now=NOW, based_on=0, sections=SECTIONS)
    observations.save_version(review, by=people["expert"], now=NOW, based_on=1, sections=SECTIONS)
    observations.sign_off(review, by=people["reviewed_fp"], now=NOW, number=2)
    client.force_login(people["observer"])
    body = page_of(client, review)
    assert "Written feedback" in body and f"by {people['main_fp'].username}" in body
    assert "signed off for France by reviewed_fp" in body
    assert "/submissions/observations/2." in body and "/submissions/observations/1." not in body
    text = docx_text(client.get(file_url(review, "feedback", 1, "docx")))
    assert "Is conspiracy covered?" in text and FeedbackSubmission.objects.get().sha256 in text
    assert client.get(file_url(review, "observations", 1, "docx")).status_code == 404
    text = docx_text(client.get(file_url(review, "observations", 2, "docx", lang="fr")))
    assert "Adopt a law." in text


def test_the_zip_holds_the_documents_made_and_the_uploaded_files(client, fb):
    """Makes the answers as a PDF and a DOCX in two languages (about 3 s on an idle machine):
    what the ZIP is for."""
    review, people, _first, _others = fb
    upload(review, people["expert"], "questionnaire_answers", "../Réponses: finales", data=PDF)
    upload(review, people["reviewed_fp"], "summary", "Summary", language="fr")
    upload(review, people["expert"], "supporting", "Annual report")
    client.force_login(people["main_fp"])
    response = client.get(url("questionnaires:submissions_zip", review.pk))
    assert response["Content-Disposition"].startswith(
        'attachment; filename="FRA-cluster1-submissions-'
    )
    archive = archive_of(response)
    assert sorted(archive.namelist()) == [
        "online/FRA-cluster1-answers-v1-2021-02-01-en.docx",
        "online/FRA-cluster1-answers-v1-2021-02-01-en.pdf",
        "online/FRA-cluster1-answers-v1-2021-02-01-fr.docx",
        "online/FRA-cluster1-answers-v1-2021-02-01-fr.pdf",
        "uploaded/FRA-cluster1-answers-Réponses-finales-en-v1-2021-02-01.pdf",
        "uploaded/FRA-cluster1-summary-Summary-fr-v1-2021-02-01.pdf",
    ]
    assert archive.read("online/FRA-cluster1-answers-v1-2021-02-01-fr.pdf").startswith(b"%PDF")
    document = python_docx.Document(
        io.BytesIO(archive.read("online/FRA-cluster1-answers-v1-2021-02-01-en.docx"))
    )
    assert any("Penal Code <art. 450-1>." in c.text for t in document.tables for c in t._cells)
    assert archive.read("uploaded/FRA-cluster1-summary-Summary-fr-v1-2021-02-01.pdf") == PDF
    # Read: the answers, and the summary (every participant's material, recorded too).
    records = ReadRecord.objects.filter(how="zip", reader=people["main_fp"])
    assert sorted(records.values_list("material", flat=True)) == ["answers", "observations"]


def test_no_zip_when_there_is_nothing_to_download(client, world):
    review, people = world
    upload(review, people["expert"], "supporting", "Annual report")
    client.force_login(people["reviewed_fp"])
    body = page_of(client, review)
    assert "Nothing to download yet." in body
    assert url("questionnaires:submissions_zip", review.pk) not in body
    response = client.get(url("questionnaires:submissions_zip", review.pk))
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert "There is nothing to download for this review yet" in response.content.decode()


@override_settings(REVMOD_MAX_ZIP_BYTES=1000)
def test_a_zip_past_the_limit_is_refused_with_a_reason(client, world):
    review, people = world
    upload(review, people["expert"], "questionnaire_answers", "Answers", data=pdf_bytes("x" * 800))
    client.force_login(people["reviewed_fp"])
    body = page_of(client, review)
    assert "more than one ZIP file may hold" in body
    assert url("questionnaires:submissions_zip", review.pk) not in body
    response = client.get(url("questionnaires:submissions_zip", review.pk))
    assert response.status_code == 409
    assert "Download them one by one" in response.content.decode()
    assert not ReadRecord.objects.exists()


def test_the_page_takes_a_flat_number_of_queries(client, fb):
    review, people, _first, _others = fb
    client.force_login(people["secretariat"])
    path = url("questionnaires:submissions", review.pk)

    def sign_a_new_version():
        number = observations.latest(review).number + 1 if observations.latest(review) else 1
        observations.save_version(
            review, by=people["expert"], now=NOW, based_on=number - 1, sections=SECTIONS
        )
        observations.sign_off(review, by=people["reviewed_fp"], now=NOW, number=number)

    submit_feedback(review, people)
    sign_a_new_version()
    upload(review, people["expert"], "questionnaire_answers", "Law")
    few = count_queries(lambda: client.get(path))
    # More of everything: the answers and the feedback submitted again, signed versions, uploads.
    reviews.act(
        review, "reopen", by=people["secretariat"], now=NOW, reason="More.", to="questionnaire"
    )
    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    review.refresh_from_db()
    for fp in people["all_fps"]:
        reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=people["main_fp"], now=NOW)
    review.refresh_from_db()
    sign_a_new_version()
    sign_a_new_version()
    for n in range(3):
        upload(review, people["reviewed_fp"], "summary", f"Summary {n}")
    assert count_queries(lambda: client.get(path)) == few
    body = page_of(client, review)
    assert body.count("/submissions/answers/2.pdf") == len(WORKING_LANGUAGES)
    assert body.count("/submissions/feedback/2.docx") == len(WORKING_LANGUAGES)
    assert "/submissions/observations/3.docx" in body and "Summary 2" in body
