"""The answers, the written feedback and the list of observations as PDF and DOCX: in the
review's working languages (right to left in Arabic), as submitted or marked as a draft, only
for those who may read them on their page, in a flat number of queries. The PDFs need the fonts
of `manage.py fetchfonts`."""

import io

import docx as python_docx
import pytest
from django.template.loader import render_to_string
from django.utils import translation
from docx.oxml.ns import qn
from pypdf import PdfReader

from revmod.lots.tests.test_pdf import arabic_words, left_edge, lines
from revmod.questionnaires import actions, exports, feedback, observations
from revmod.questionnaires.models import Answer, AnswerSubmission, FeedbackSubmission
from revmod.questionnaires.tests.test_observations import SECTIONS
from revmod.questionnaires.tests.test_questionnaires import (
    NOW,
    question,
    url,
)
from revmod.registry.models import Party
from revmod.reviews import actions as reviews
from revmod.reviews.schedule import Loaded
from revmod.test import count_queries

pytestmark = pytest.mark.django_db


def export_url(review, what, fmt, **query):
    path = url("questionnaires:export", review.pk, what, fmt)
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def bilingual(world):
    """The questionnaire review working in Arabic and French (the consultation amended through
    a reopening), with two answers saved by an expert."""
    review, people = world
    reviews.act(
        review,
        "reopen",
        by=people["secretariat"],
        now=NOW,
        reason="Languages amended.",
        to="initial_consultation",
    )
    reviews.record_consultation(
        review, by=people["reviewed_fp"], now=NOW, held_on=NOW.date(), languages=["fr", "ar"]
    )
    reviews.act(review, "advance", by=people["reviewed_fp"], now=NOW)
    review.refresh_from_db()
    expert = people["expert"]
    actions.save_answer(
        review,
        question("untoc-2-b"),
        by=expert,
        now=NOW,
        version=0,
        value=["penalty"],
        text="Code pénal, article 131-1.",
    )
    actions.save_answer(
        review,
        question("untoc-5-1a"),
        by=expert,
        now=NOW,
        version=0,
        value=["partly"],
        citations="Penal Code art. 450-1",
        text="Voir \x0bl'article 450-1.",
    )
    return review, people


def read_docx(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == exports.DOCX
    return python_docx.Document(io.BytesIO(response.content))


def paragraphs(document):
    """Every paragraph of the body, tables included."""
    body = document.element.body
    return [p for p in body.iter(qn("w:p"))]


def text_of(document) -> str:
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paragraphs(document))


def pdf_text(response) -> str:
    """The text of a PDF without white space (lines wrap anywhere), read glyph by glyph through
    each font's ToUnicode map (pypdf's extract_text reads WeasyPrint's own encodings as NULs)."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 1
    return "".join("".join(text for _x, text in lines(response)).split())


def squeezed(text: str) -> str:
    return "".join(text.split())


def test_the_french_docx_has_the_french_questions_and_choices(client, bilingual):
    review, people = bilingual
    client.force_login(people["expert"])
    response = client.get(export_url(review, "answers", "docx", lang="fr"))
    assert response["Content-Disposition"] == (
        'attachment; filename="FRA-cluster1-answers-fr.docx"'
    )
    document = read_docx(response)
    text = text_of(document)
    q = question("untoc-2-b")
    assert q.text_fr in text and q.text_en not in text
    assert q.choices.get(value="penalty").label_fr in text  # the chosen option, in French
    assert "Code pénal, article 131-1." in text and "Penal Code art. 450-1" in text
    assert "Voir l'article 450-1." in text  # a control character pasted in is dropped
    with translation.override("fr"):
        assert translation.gettext("Partly") in text
        # A draft says so on every page.
        assert document.sections[0].header.paragraphs[0].text == translation.gettext("Draft")
    assert "France" in text  # the party under review, on the title page
    assert document.core_properties.language == "fr-FR"
    assert not any(
        p.find(qn("w:pPr") + "/" + qn("w:bidi")) is not None for p in paragraphs(document)
    )


def test_the_arabic_docx_reads_right_to_left(client, bilingual):
    review, people = bilingual
    client.force_login(people["reviewed_fp"])
    document = read_docx(client.get(export_url(review, "answers", "docx", lang="ar")))
    text = text_of(document)
    assert question("untoc-5-1a").text_ar in text
    every = paragraphs(document)
    assert len(every) > 50
    assert all(p.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None for p in every)
    arabic_runs = [
        r
        for p in every
        for r in p.iter(qn("w:r"))
        if any("\u0600" <= c <= "\u06ff" for t in r.iter(qn("w:t")) for c in t.text or "")
    ]
    assert arabic_runs and all(
        r.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None for r in arabic_runs
    )
    # Nothing forces a side: a bidi paragraph starts, and so aligns, on the right.
    assert not any(p.find(f"{qn('w:pPr')}/{qn('w:jc')}") is not None for p in every)
    assert all(
        t.table_direction == python_docx.enum.table.WD_TABLE_DIRECTION.RTL for t in document.tables
    )
    assert document.sections[0]._sectPr.find(qn("w:bidi")) is not None
    assert document.core_properties.language == "ar-SA"


def test_the_arabic_pdf_is_right_to_left_with_readable_arabic(client, bilingual):
    review, people = bilingual
    client.force_login(people["expert"])
    response = client.get(export_url(review, "answers", "pdf", lang="ar"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    words = arabic_words(response)
    q = question("untoc-5-1a")
    assert set(q.text_ar.replace("،", " ").split()) & words  # the question, letter for letter
    assert {"فرنسا"} <= words  # France, the party under review
    # Right to left: the label ("Party under review") stands right of its value.
    assert left_edge(response, "الطرف المستعرَض") > left_edge(response, "فرنسا")
    loaded = Loaded([review])
    document = exports.build(review, "answers", "ar", loaded=loaded)
    with translation.override("ar"):
        html = render_to_string("questionnaires/export_pdf.html", {"export": document})
    assert '<html lang="ar" dir="rtl">' in html


def test_the_french_pdf_has_the_french_questions(client, bilingual):
    review, people = bilingual
    client.force_login(people["reviewed_fp"])
    # By default the reader's language, when it is a working language...
    text = pdf_text(client.get(export_url(review, "answers", "pdf").replace("/en/", "/fr/")))
    assert squeezed(question("untoc-2-b").text_fr) in text
    assert squeezed(question("untoc-2-b").choices.get(value="penalty").label_fr) in text
    # ... else the first one (English is not one here): Arabic.
    response = client.get(export_url(review, "answers", "docx"))
    assert response["Content-Disposition"].endswith('-answers-ar.docx"')


def test_reviewers_read_the_answers_only_once_submitted(client, bilingual):
    review, people = bilingual
    reviewer = people["reviewer_fp"]
    client.force_login(reviewer)
    for fmt in exports.FORMATS:
        assert client.get(export_url(review, "answers", fmt, lang="fr")).status_code == 404
    page = client.get(url("questionnaires:answers", review.pk)).content.decode()
    assert "export/answers" not in page
    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    submission = AnswerSubmission.objects.get()
    document = read_docx(client.get(export_url(review, "answers", "docx", lang="fr")))
    text = text_of(document)
    assert submission.sha256 in text and "Code pénal, article 131-1." in text
    assert document.sections[0].header.paragraphs[0].text == ""  # not a draft
    assert squeezed(submission.sha256) in pdf_text(
        client.get(export_url(review, "answers", "pdf", lang="fr"))
    )
    # The page now offers the documents, in each working language.
    page = client.get(url("questionnaires:answers", review.pk)).content.decode()
    for lang in ["ar", "fr"]:
        for fmt in exports.FORMATS:
            assert export_url(review, "answers", fmt, lang=lang).replace("&", "&amp;") in page


def test_outsiders_and_wrong_addresses_get_404(client, bilingual):
    review, people = bilingual
    client.force_login(people["outsider"])
    for what in exports.WHATS:
        for fmt in exports.FORMATS:
            assert client.get(export_url(review, what, fmt, lang="fr")).status_code == 404
    client.force_login(people["expert"])
    for path in [
        export_url(review, "answers", "xlsx", lang="fr"),
        export_url(review, "minutes", "pdf", lang="fr"),
        export_url(review, "answers", "pdf", lang="ru"),  # not a working language
        export_url(review, "answers", "docx", lang="xx"),
        export_url(review, "observations", "docx", lang="fr", version="x"),
        export_url(review, "observations", "docx", lang="fr", version=3),
    ]:
        assert client.get(path).status_code == 404, path
    client.logout()
    response = client.get(export_url(review, "answers", "docx", lang="fr"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_party_under_review_reads_the_feedback_only_once_submitted(client, fb):
    review, people, first, others = fb
    q = question("untoc-5-1a")
    feedback.save_comment(
        review, q, by=people["main_fp"], now=NOW, version=0, text="Is conspiracy covered?"
    )
    feedback.save_comment(
        review, q, by=people["main2_fp"], now=NOW, version=0, text="Second reviewer."
    )
    client.force_login(people["reviewed_fp"])
    for fmt in exports.FORMATS:
        assert client.get(export_url(review, "feedback", fmt)).status_code == 404
    assert (
        "export/feedback"
        not in client.get(url("questionnaires:feedback", review.pk)).content.decode()
    )
    client.force_login(people["reviewer_expert"])
    document = read_docx(client.get(export_url(review, "feedback", "docx")))
    text = text_of(document)
    assert "Is conspiracy covered?" in text and "Second reviewer." in text
    assert q.text_en in text and document.sections[0].header.paragraphs[0].text == "Draft"
    # Each comment beside its reviewing party's name.
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert [Party.objects.get(code=first).name_en, "Is conspiracy covered?"] in rows
    assert [Party.objects.get(code=others[0]).name_en, "Second reviewer."] in rows
    # Submitted: the party under review reads it, as frozen.
    for fp in people["all_fps"]:
        reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=people["main_fp"], now=NOW)
    client.force_login(people["observer"])
    text = text_of(read_docx(client.get(export_url(review, "feedback", "docx"))))
    assert FeedbackSubmission.objects.get().sha256 in text and "Second reviewer." in text
    text = pdf_text(client.get(export_url(review, "feedback", "pdf")))
    assert "Isconspiracycovered?" in text
    assert (
        "export/feedback" in client.get(url("questionnaires:feedback", review.pk)).content.decode()
    )


@pytest.fixture
def obs(fb):
    review, people, first, others = fb
    for fp in people["all_fps"]:
        reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=people["main_fp"], now=NOW)
    review.refresh_from_db()
    people["fps"] = [people["reviewed_fp"], *people["all_fps"]]
    return review, people


def test_the_observations_export_a_version_and_its_sign_offs(client, obs):
    review, people = obs
    page = url("questionnaires:observations", review.pk)
    client.force_login(people["observer"])
    assert "export/observations" not in client.get(page).content.decode()  # nothing saved yet
    v1 = observations.save_version(
        review, by=people["expert"], now=NOW, based_on=0, sections=SECTIONS
    )
    v2 = observations.save_version(
        review,
        by=people["expert"],
        now=NOW,
        based_on=1,
        sections={**SECTIONS, "summary": "Second summary."},
    )
    observations.sign_off(review, by=people["reviewed_fp"], now=NOW, number=2)
    assert (
        export_url(review, "observations", "docx", lang="en") in client.get(page).content.decode()
    )
    document = read_docx(client.get(export_url(review, "observations", "docx")))
    text = text_of(document)
    assert "Second summary." in text and "Adopt a law." in text
    assert "No law on <script>alert(1)</script>." in text
    assert v2.sha256 in text and v1.sha256 not in text
    assert document.sections[0].header.paragraphs[0].text == "Draft"  # not everyone signed
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    signed = [r for r in rows if r[0] == "France" and r[1] == "reviewed_fp"]
    assert signed and signed[0][3:] == ["2", v2.sha256]
    assert sum(r[1] == "Not yet signed off" for r in rows) == len(people["all_fps"])
    # An earlier version on request.
    text = text_of(read_docx(client.get(export_url(review, "observations", "docx", version=1))))
    assert "Mostly in place." in text and "Second summary." not in text and v1.sha256 in text
    text = pdf_text(client.get(export_url(review, "observations", "pdf")))
    assert "Secondsummary." in text and v2.sha256 in text
    # Everyone signed: no longer a draft.
    for fp in people["all_fps"]:
        observations.sign_off(review, by=fp, now=NOW, number=2)
    document = read_docx(client.get(export_url(review, "observations", "docx")))
    assert document.sections[0].header.paragraphs[0].text == ""
    assert "Not yet signed off" not in text_of(document)


def test_the_draft_answers_export_takes_a_flat_number_of_queries(client, bilingual):
    review, people = bilingual
    client.force_login(people["expert"])
    path = export_url(review, "answers", "docx", lang="fr")
    few = count_queries(lambda: client.get(path))
    for q in actions.questions_for(review, actions.template_for(review)):
        if q.key not in {"untoc-2-b", "untoc-5-1a"}:
            value = ["yes"] if q.kind == "yes_no_partly" else [c.value for c in q.choices.all()][:1]
            actions.save_answer(
                review,
                q,
                by=people["expert"],
                now=NOW,
                version=0,
                value=value,
                citations="Law 1",
                text="Answered.",
            )
    assert count_queries(lambda: client.get(path)) == few
    assert text_of(read_docx(client.get(path))).count("Answered.") > 30


def test_each_export_takes_a_flat_number_of_queries(client, obs):
    review, people = obs
    client.force_login(people["secretariat"])
    paths = [export_url(review, what, "docx") for what in exports.WHATS]

    def counts():
        result = []
        for path in paths:
            result.append(count_queries(lambda p=path: client.get(p)))
            assert client.get(path).status_code == 200
        return result

    observations.save_version(review, by=people["expert"], now=NOW, based_on=0, sections=SECTIONS)
    few = counts()
    # More answers (on a reopened questionnaire), comments, versions and sign-offs.
    reviews.act(
        review, "reopen", by=people["secretariat"], now=NOW, reason="More.", to="questionnaire"
    )
    review.refresh_from_db()
    questions = actions.questions_for(review, actions.template_for(review))
    saved = set(Answer.objects.values_list("question_id", flat=True))
    for q in questions:
        if q.pk not in saved:
            value = ["yes"] if q.kind == "yes_no_partly" else [c.value for c in q.choices.all()][:1]
            actions.save_answer(
                review,
                q,
                by=people["expert"],
                now=NOW,
                version=0,
                value=value,
                citations="Law 1",
                text="Answered.",
            )
    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    review.refresh_from_db()
    for q in questions[:20]:
        for fp in [people["main_fp"], people["main2_fp"]]:
            try:
                feedback.save_comment(review, q, by=fp, now=NOW, version=0, text="A comment.")
            except feedback.FeedbackError:
                pass  # an article of the other party's instruments
    for fp in people["all_fps"]:
        reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=people["main_fp"], now=NOW)
    for n in range(1, 5):
        observations.save_version(
            review,
            by=people["expert"],
            now=NOW,
            based_on=n,
            sections={**SECTIONS, "summary": str(n)},
        )
        for fp in people["fps"]:
            observations.sign_off(review, by=fp, now=NOW, number=n + 1)
    assert len(actions.questions_for(review, actions.template_for(review))) > 30
    assert counts() == few
