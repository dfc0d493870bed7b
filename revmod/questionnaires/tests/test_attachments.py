"""Files attached to answers: attached and taken off with the answer's save, refused files
leaving nothing behind, the documents' readers (rule 40) for downloads, the freeze, and the
page's query count."""

import datetime as dt
from pathlib import Path

import docx
import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from revmod.documents.models import Document
from revmod.questionnaires import actions
from revmod.questionnaires.models import Answer, AnswerAttachment, AnswerSubmission
from revmod.questionnaires.tests.test_exports import (
    export_url,
    pdf_text,
    read_docx,
    squeezed,
    text_of,
)
from revmod.questionnaires.tests.test_offline import (
    docx_tables,
    download,
    saved,
    upload,
    xlsx_rows,
)
from revmod.questionnaires.tests.test_questionnaires import question, url
from revmod.reviews import actions as reviews
from revmod.reviews.models import ReviewEvent
from revmod.test import PDF, count_queries

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2021, 2, 1, 9, tzinfo=dt.UTC)


def pdf(name="penal-code.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / "documents"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def save(client, review, q, **data):
    data.setdefault("version", 0)
    data.setdefault("language", "en")
    return client.post(url("questionnaires:save", review.pk, q.pk), data)


def test_a_file_is_attached_with_the_answer_and_read_by_those_who_read_the_answers(client, world):
    review, people = world
    q = question("untoc-5-1a")
    client.force_login(people["expert"])
    response = save(
        client,
        review,
        q,
        value="partly",
        citations="Penal Code, art. 450-1",
        attachment=[pdf(), pdf("decree.pdf")],
        language="en",
    )
    assert response.status_code == 302
    answer = Answer.objects.get(question=q)
    files = list(answer.attachments.select_related("version__document"))
    assert [f.version.original_name for f in files] == ["penal-code.pdf", "decree.pdf"]
    document = files[0].version.document
    # A document of the review like any other: the answers' kind, its language, who uploaded.
    assert (document.kind, document.language, document.party.code) == (
        "questionnaire_answers",
        "en",
        "FRA",
    )
    assert document.title == "untoc-5-1a · penal-code.pdf"
    assert (
        ReviewEvent.objects.filter(
            review=review, kind="document_uploaded", data__question="untoc-5-1a"
        ).count()
        == 2
    )
    page = url("questionnaires:answers", review.pk)
    download = url("documents:download", review.pk, document.pk, 1)
    assert download in client.get(page).content.decode()
    assert b"".join(client.get(download).streaming_content) == PDF
    # The observer of the party under review reads it; a reviewer only once the answers are
    # submitted (rule 40, seed ¶33); someone outside the review never.
    client.force_login(people["observer"])
    assert download in client.get(page).content.decode()
    assert client.get(download).status_code == 200
    client.force_login(people["reviewer_fp"])
    assert "penal-code.pdf" not in client.get(page).content.decode()
    assert client.get(download).status_code == 404
    client.force_login(people["outsider"])
    assert client.get(download).status_code == 404
    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    client.force_login(people["reviewer_fp"])
    assert download in client.get(page).content.decode()
    assert client.get(download).status_code == 200


def test_an_attached_file_answers_a_question_on_its_own(client, world):
    review, people = world
    client.force_login(people["expert"])
    q = question("untoc-2-c")  # a free-text question, one of article 2's three
    assert q.kind == "text"
    before = client.get(url("questionnaires:answers", review.pk)).content.decode()
    assert "0 of 3 questions answered" in before
    assert save(client, review, q, attachment=[pdf()]).status_code == 302
    after = client.get(url("questionnaires:answers", review.pk)).content.decode()
    assert "1 of 3 questions answered" in after


def test_taking_a_file_off_an_answer_keeps_the_document(client, world):
    review, people = world
    q = question("untoc-6-1")
    client.force_login(people["expert"])
    save(client, review, q, value="yes", attachment=[pdf()])
    attachment = AnswerAttachment.objects.get()
    response = save(client, review, q, version=1, value="yes", detach=[attachment.pk])
    assert response.status_code == 302
    assert not AnswerAttachment.objects.exists()
    assert Answer.objects.get(question=q).version == 2
    # Nothing lost: the file is still among the review's documents, and the history says so.
    assert Document.objects.filter(review=review, title__endswith="penal-code.pdf").exists()
    event = ReviewEvent.objects.get(review=review, kind="attachment_removed")
    assert event.data["question"] == "untoc-6-1"
    documents = client.get(url("documents:list", review.pk)).content.decode()
    assert "untoc-6-1 · penal-code.pdf" in documents


def test_a_refused_file_refuses_the_whole_save_and_stores_nothing(client, world):
    review, people = world
    q = question("untoc-6-1")
    client.force_login(people["expert"])
    before = stored_files()
    exe = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = save(
        client, review, q, value="yes", text="Kept for another try.", attachment=[pdf(), exe]
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "virus.pdf" in page
    assert "Kept for another try." in page  # the text typed is in the form again
    assert not Answer.objects.filter(question=q).exists()
    assert not Document.objects.exists()
    assert stored_files() == before
    # A file is in one of the six languages; another file's attachment is not this answer's.
    response = save(client, review, q, value="yes", attachment=[pdf()], language="xx")
    assert response.status_code == 400
    assert "Choose the language of the attached files." in response.content.decode()
    # ... and in a working language agreed at the consultation (English here; rule 50).
    response = save(client, review, q, value="yes", attachment=[pdf()], language="fr")
    assert response.status_code == 400
    assert "This review works in English" in response.content.decode()
    save(client, review, question("untoc-5-1a"), value="yes", attachment=[pdf()])
    other = AnswerAttachment.objects.get()
    response = save(client, review, q, value="yes", detach=[other.pk])
    assert response.status_code == 400
    assert "This file is not attached to this answer." in response.content.decode()
    assert AnswerAttachment.objects.count() == 1
    assert not Answer.objects.filter(question=q).exists()
    assert stored_files() - before == {Path(settings.MEDIA_ROOT) / other.version.file.name}


def test_a_failure_after_the_files_are_stored_deletes_them(world):
    review, people = world
    q = question("untoc-6-1")
    before = stored_files()
    actions.save_answer(review, q, by=people["expert"], now=NOW, version=0, value=["yes"])
    # Stale (version 0 after a save): refused after the files were checked and stored.
    with pytest.raises(actions.StaleAnswer):
        actions.save_answer(
            review,
            q,
            by=people["expert2"],
            now=NOW,
            version=0,
            value=["no"],
            attach=[pdf()],
            language="en",
        )
    assert stored_files() == before
    assert not Document.objects.exists()


def test_only_those_who_answer_attach_and_not_once_submitted(client, world):
    review, people = world
    q = question("untoc-6-1")
    for name in ["observer", "reviewer_fp", "secretariat"]:
        client.force_login(people[name])
        assert save(client, review, q, value="yes", attachment=[pdf()]).status_code == 403, name
    client.force_login(people["outsider"])
    assert save(client, review, q, value="yes", attachment=[pdf()]).status_code == 404
    assert not Document.objects.exists()
    fp = people["reviewed_fp"]
    client.force_login(fp)
    save(client, review, q, value="yes", attachment=[pdf()])
    reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=fp, now=NOW)
    attachment = AnswerAttachment.objects.get()
    response = save(
        client,
        review,
        q,
        version=1,
        value="yes",
        detach=[attachment.pk],
        attachment=[pdf("late.pdf")],
    )
    assert response.status_code == 403
    assert list(AnswerAttachment.objects.all()) == [attachment]
    assert Document.objects.count() == 1


def test_the_submission_freezes_the_files_attached(world):
    review, people = world
    fp = people["reviewed_fp"]
    q = question("untoc-6-1")
    actions.save_answer(
        review, q, by=fp, now=NOW, version=0, value=["yes"], attach=[pdf()], language="en"
    )
    version = AnswerAttachment.objects.get().version
    reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=fp, now=NOW)
    submission = AnswerSubmission.objects.get()
    [answer] = submission.snapshot["answers"]
    assert answer["attachments"] == [
        {
            "document": version.document_id,
            "version": 1,
            "name": "penal-code.pdf",
            "sha256": version.sha256,
        }
    ]
    assert submission.sha256 == actions.digest(submission.snapshot)


def test_at_most_so_many_files_per_answer(world, monkeypatch):
    review, people = world
    monkeypatch.setattr(actions, "MAX_ATTACHMENTS", 2)
    q = question("untoc-6-1")
    expert = people["expert"]
    actions.save_answer(
        review,
        q,
        by=expert,
        now=NOW,
        version=0,
        value=["yes"],
        attach=[pdf(), pdf("b.pdf")],
        language="en",
    )
    with pytest.raises(actions.AnswerError, match="at most 2 files"):
        actions.save_answer(
            review,
            q,
            by=expert,
            now=NOW,
            version=1,
            value=["yes"],
            attach=[pdf("c.pdf")],
            language="en",
        )
    assert AnswerAttachment.objects.count() == 2


def test_the_answers_page_stays_flat_with_more_files(client, world):
    review, people = world
    expert = people["expert"]
    client.force_login(expert)
    page = url("questionnaires:answers", review.pk)
    questions = actions.questions_for(review, actions.template_for(review))
    actions.save_answer(
        review,
        questions[0],
        by=expert,
        now=NOW,
        version=0,
        value=[],
        text="One.",
        attach=[pdf()],
        language="en",
    )
    few = count_queries(lambda: client.get(page))
    for q in questions[1:6]:
        actions.save_answer(
            review,
            q,
            by=expert,
            now=NOW,
            version=0,
            value=[],
            text="Two.",
            attach=[pdf("a.pdf"), pdf("b.pdf")],
            language="en",
        )
    assert count_queries(lambda: client.get(page)) == few
    assert client.get(page).content.decode().count("b.pdf") == 5


def test_the_offline_files_list_the_files_and_an_upload_keeps_them(client, world):
    review, people = world
    client.force_login(people["expert"])
    q = question("untoc-5-1a")
    save(client, review, q, value="yes", attachment=[pdf()])
    workbook = openpyxl.load_workbook(download(client, review, "xlsx", language="en"))
    ws = workbook.worksheets[0]
    row = xlsx_rows(workbook)["untoc-5-1a"]
    assert ws[f"H{row}"].value == "penal-code.pdf"
    assert ws[f"H{row}"].protection.locked  # shown, not for editing
    ws[f"G{row}"] = "Edited offline."
    response = upload(client, review, saved(workbook))
    assert response.status_code == 302
    answer = Answer.objects.get(question=q)
    assert (answer.text, answer.attachments.count()) == ("Edited offline.", 1)
    document = docx.Document(download(client, review, "docx", language="en"))
    assert any("penal-code.pdf" in p.text for p in document.paragraphs)
    docx_tables(document)["untoc-5-1a"].rows[-1].cells[1].text = "Edited in Word."
    response = upload(client, review, saved(document), name="answers.docx")
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.text, answer.attachments.count()) == ("Edited in Word.", 1)


def test_the_exports_list_the_files_as_drafted_and_as_submitted(client, world):
    review, people = world
    fp = people["reviewed_fp"]
    client.force_login(fp)
    save(client, review, question("untoc-5-1a"), value="yes", attachment=[pdf()])
    sha = AnswerAttachment.objects.get().version.sha256
    draft = text_of(read_docx(client.get(export_url(review, "answers", "docx", lang="en"))))
    assert f"penal-code.pdf (SHA-256 {sha[:16]}…)" in draft
    reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=fp, now=NOW)
    client.force_login(people["reviewer_fp"])
    submitted = pdf_text(client.get(export_url(review, "answers", "pdf", lang="en")))
    assert squeezed(f"penal-code.pdf (SHA-256 {sha[:16]}…)") in submitted
