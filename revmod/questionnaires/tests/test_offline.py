"""The questionnaire's offline round trip: download as XLSX or DOCX in a working language, fill
the file as a ministry would, upload it; every answer checked, nothing imported until the file
is right."""

import datetime as dt
import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from revmod.accounts.models import Nomination
from revmod.lib import cells
from revmod.questionnaires import actions
from revmod.questionnaires.models import Answer, Choice, Question, QuestionnaireTemplate
from revmod.reviews import actions as reviews
from revmod.test import FORMULA, assert_inert, count_queries, zip_bomb

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2021, 2, 1, 9, tzinfo=dt.UTC)
OWN, REVIEWER = Nomination.Scope.OWN, Nomination.Scope.REVIEWER
# The review of `world` (conftest) works in French and Arabic here.
WORKING_LANGUAGES = ("fr", "ar")


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


def question(key):
    return Question.objects.get(key=key, template__published=True)


def french(key, value):
    return Choice.objects.get(question=question(key), value=value).label_fr


def download(client, review, fmt, language="fr"):
    response = client.get(
        url("questionnaires:offline_download", review.pk, fmt) + f"?language={language}"
    )
    assert response.status_code == 200, response.status_code
    return io.BytesIO(response.content)


def upload(client, review, content: bytes, name="answers.xlsx"):
    return client.post(
        url("questionnaires:offline_upload", review.pk),
        {"file": SimpleUploadedFile(name, content)},
    )


def saved(workbook_or_document) -> bytes:
    out = io.BytesIO()
    workbook_or_document.save(out)
    return out.getvalue()


def xlsx_rows(workbook) -> dict:
    """Question key -> row number of the questionnaire sheet."""
    ws = workbook.worksheets[0]
    return {ws[f"A{r}"].value: r for r in range(4, ws.max_row + 1) if ws[f"A{r}"].value}


def docx_tables(document) -> dict:
    """Question key -> its table."""
    return {t.cell(0, 0).text: t for t in document.tables}


def answers_in_db() -> list:
    return list(
        Answer.objects.order_by("pk").values_list(
            "question__key", "value", "citations", "text", "version"
        )
    )


def test_xlsx_round_trip_in_french(client, world):
    review, people = world
    expert = people["expert"]
    kept = question("untoc-6-1")
    actions.save_answer(review, kept, by=expert, now=NOW, version=0, value=["no"], text="Non.")
    client.force_login(expert)
    workbook = openpyxl.load_workbook(download(client, review, "xlsx"))
    ws = workbook.worksheets[0]
    rows = xlsx_rows(workbook)
    # In French, pre-filled with the current answer, a drop-down of the options.
    assert ws["E3"].value == "Réponse"
    assert question("untoc-2-b").text_fr in ws[f"C{rows['untoc-2-b']}"].value
    assert ws[f"E{rows['untoc-6-1']}"].value == "Non"
    assert ws.column_dimensions["A"].hidden and ws.protection.sheet
    assert any(f"E{rows['untoc-2-b']}" in str(v.sqref) for v in ws.data_validations.dataValidation)
    # Filled as a person would: labels in French, any case and spacing.
    ws[f"E{rows['untoc-5-1a']}"] = "  en PARTIE "
    ws[f"F{rows['untoc-5-1a']}"] = "Code pénal, art. 450-1"
    ws[f"G{rows['untoc-5-1a']}"] = "Entente seulement."
    ws[f"E{rows['untoc-2-b']}"] = french("untoc-2-b", "list")
    form = "untoc-5-1a-form"
    ws[f"E{rows[form]}"] = f"{french(form, 'participation')}; {french(form, 'agreement')}"
    ws[f"G{rows['untoc-2-c']}"] = "Voir le code pénal."
    response = upload(client, review, saved(workbook))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "4 answers imported, " in page
    assert "<dd>5 / " in page  # the progress counts them
    a = Answer.objects.get(question__key="untoc-5-1a")
    assert (a.value, a.citations, a.text, a.version) == (
        ["partly"],
        "Code pénal, art. 450-1",
        "Entente seulement.",
        1,
    )
    assert Answer.objects.get(question__key="untoc-2-b").value == ["list"]
    assert Answer.objects.get(question__key=form).value == ["agreement", "participation"]
    assert Answer.objects.get(question__key="untoc-2-c").text == "Voir le code pénal."
    assert Answer.objects.get(question=kept).version == 1  # unchanged: not saved again
    # The same file again changes nothing.
    response = upload(client, review, saved(workbook))
    assert "0 answers imported" in client.get(response["Location"]).content.decode()


def test_docx_round_trip_in_french(client, world):
    review, people = world
    client.force_login(people["reviewed_fp"])
    document = docx.Document(download(client, review, "docx"))
    tables = docx_tables(document)
    number = list(tables).index("untoc-5-1a") + 1
    assert tables["untoc-5-1a"].cell(0, 1).text.startswith(f"{number}. ")
    assert tables["untoc-5-1a"].cell(1, 0).text.startswith("Réponse")
    assert "En partie" in tables["untoc-5-1a"].cell(1, 0).text  # the options listed
    tables["untoc-5-1a"].cell(1, 1).text = "oui"
    tables["untoc-5-1a"].cell(2, 1).text = "Loi 12"
    tables["untoc-5-1a"].cell(3, 1).text = "Premier paragraphe."
    tables["untoc-5-1a"].cell(3, 1).add_paragraph("Second paragraphe.")
    form = "untoc-5-1a-form"
    tables[form].cell(1, 1).text = f"{french(form, 'agreement')}\n{french(form, 'participation')}"
    tables["untoc-6-2d"].cell(1, 1).text = "Code pénal, art. 113-6"  # a citations question
    response = upload(client, review, saved(document), name="réponses.docx")
    assert response.status_code == 302
    assert "3 answers imported" in client.get(response["Location"]).content.decode()
    a = Answer.objects.get(question__key="untoc-5-1a")
    assert (a.value, a.citations, a.text) == (
        ["yes"],
        "Loi 12",
        "Premier paragraphe.\nSecond paragraphe.",
    )
    assert Answer.objects.get(question__key=form).value == ["agreement", "participation"]
    assert Answer.objects.get(question__key="untoc-6-2d").citations == "Code pénal, art. 113-6"


def test_every_error_is_reported_per_cell_and_nothing_is_imported(client, world):
    review, people = world
    expert = people["expert"]
    actions.save_answer(review, question("untoc-6-1"), by=expert, now=NOW, version=0, value=["yes"])
    before = answers_in_db()
    client.force_login(expert)
    workbook = openpyxl.load_workbook(download(client, review, "xlsx"))
    ws, rows = workbook.worksheets[0], xlsx_rows(workbook)
    ws[f"E{rows['untoc-6-1']}"] = "Non"  # valid: would be imported if the rest were
    ws[f"G{rows['untoc-2-c']}"] = "Valid too."
    ws[f"E{rows['untoc-5-1a']}"] = "Peut-être"
    ws[f"E{rows['untoc-2-b']}"] = f"{french('untoc-2-b', 'list')}; {french('untoc-2-b', 'other')}"
    ws[f"A{rows['untoc-8-1']}"] = "untoc-99"
    response = upload(client, review, saved(workbook))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported from the file" in page
    n = {key: number for number, key in enumerate(rows, start=1)}
    where = f"cell E{rows['untoc-5-1a']} (question {n['untoc-5-1a']})"
    assert f"{where}: “Peut-être” is not one of the options" in page
    where = f"cell E{rows['untoc-2-b']} (question {n['untoc-2-b']})"
    assert f"{where}: choose one option only" in page
    assert f"row {rows['untoc-8-1']}: “untoc-99” is not a question" in page
    assert answers_in_db() == before


def test_text_like_a_formula_is_downloaded_as_text_and_read_back_as_typed(client, world):
    review, people = world
    expert = people["expert"]
    key = "untoc-5-1a"
    actions.save_answer(
        review, question(key), by=expert, now=NOW, version=0, value=["yes"], text=FORMULA
    )
    client.force_login(expert)
    response = client.get(url("questionnaires:offline_download", review.pk, "xlsx"))
    assert_inert(response, FORMULA)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    ws, rows = workbook.worksheets[0], xlsx_rows(workbook)
    # Unchanged in the file: nothing to import, the answer as it was (no quote added).
    response = upload(client, review, saved(workbook))
    assert "0 answers imported" in client.get(response["Location"]).content.decode()
    assert Answer.objects.get(question__key=key).text == FORMULA
    # Typed in the file, as a spreadsheet keeps text typed after a quote: imported as typed.
    cells.set_cell(ws[f"G{rows['untoc-2-c']}"], "-5 years; @ the court's choice")
    cells.set_cell(ws[f"F{rows[key]}"], "+ Code pénal, art. 450-1")
    response = upload(client, review, saved(workbook))
    assert "2 answers imported" in client.get(response["Location"]).content.decode()
    assert Answer.objects.get(question__key="untoc-2-c").text == "-5 years; @ the court's choice"
    answer = Answer.objects.get(question__key=key)
    assert (answer.citations, answer.text) == ("+ Code pénal, art. 450-1", FORMULA)


def test_a_bomb_or_a_file_beyond_the_limits_is_refused_and_nothing_imported(
    client, world, settings
):
    review, people = world
    client.force_login(people["expert"])
    response = upload(client, review, zip_bomb("xlsx"))
    assert response.status_code == 400
    assert "as in a decompression bomb" in response.content.decode()
    # One of ours with a row a million rows down: read as a stream, it stops at the limit.
    workbook = openpyxl.load_workbook(download(client, review, "xlsx"))
    ws, rows = workbook.worksheets[0], xlsx_rows(workbook)
    ws[f"G{rows['untoc-2-c']}"] = "Would be imported with the rest."
    ws["A1000000"] = "untoc-2-c"
    response = upload(client, review, saved(workbook))
    assert response.status_code == 400
    assert "The workbook has more than 20000 rows; it is not read." in response.content.decode()
    settings.REVMOD_MAX_PARAGRAPHS = 50
    document = docx.Document(download(client, review, "docx"))
    docx_tables(document)["untoc-2-c"].cell(1, 1).text = "Would be imported."
    response = upload(client, review, saved(document), name="a.docx")
    assert response.status_code == 400
    assert "more than 50 paragraphs and table cells" in response.content.decode()
    assert not Answer.objects.exists()


def test_a_docx_error_names_the_question_number(client, world):
    review, people = world
    client.force_login(people["expert"])
    document = docx.Document(download(client, review, "docx"))
    tables = docx_tables(document)
    tables["untoc-2-a"].cell(1, 1).text = "Oui"
    tables["untoc-5-1b"].cell(1, 1).text = "Jamais"
    response = upload(client, review, saved(document), name="a.docx")
    assert response.status_code == 400
    number = list(tables).index("untoc-5-1b") + 1
    assert f"question {number}: “Jamais” is not one of the options" in response.content.decode()
    assert not Answer.objects.exists()


def test_a_file_of_another_review_or_version_or_not_ours_is_refused(client, world):
    review, people = world
    deu = type(review).objects.get(party__code="DEU")
    client.force_login(people["secretariat"])
    other = openpyxl.load_workbook(download(client, deu, "xlsx", language="en"))
    client.force_login(people["expert"])
    other.worksheets[0][f"E{xlsx_rows(other)['untoc-2-a']}"] = "Yes"
    response = upload(client, review, saved(other))
    assert response.status_code == 400
    assert "This file is the questionnaire of another review." in response.content.decode()
    # A .exe renamed .xlsx.
    response = upload(client, review, b"MZ\x90\x00\x03" + b"\x00" * 100, name="answers.xlsx")
    assert response.status_code == 400
    assert "The file&#x27;s content is not XLSX, whatever its name says." in (
        response.content.decode()
    )
    # A workbook that is not one of ours.
    foreign = openpyxl.Workbook()
    foreign.active["A4"] = "untoc-2-a"
    response = upload(client, review, saved(foreign))
    assert "This file is not a questionnaire downloaded from this platform" in (
        response.content.decode()
    )
    # A file of the previous version of the questionnaire, once a new one is published.
    mine = openpyxl.load_workbook(download(client, review, "xlsx"))
    draft = actions.new_version(actions.template_for(review))
    QuestionnaireTemplate.objects.filter(pk=draft.pk).update(published=True)
    mine.worksheets[0][f"E{xlsx_rows(mine)['untoc-2-a']}"] = "Oui"
    response = upload(client, review, saved(mine))
    assert f"This file holds version {draft.version - 1} of the questionnaire" in (
        response.content.decode()
    )
    assert not Answer.objects.exists()


def test_an_answer_changed_online_since_the_download_is_a_conflict(client, world):
    review, people = world
    client.force_login(people["expert"])
    workbook = openpyxl.load_workbook(download(client, review, "xlsx"))
    ws, rows = workbook.worksheets[0], xlsx_rows(workbook)
    # Meanwhile expert2 answers two questions online.
    for key in ["untoc-2-a", "untoc-5-2"]:
        actions.save_answer(
            review,
            question(key),
            by=people["expert2"],
            now=NOW,
            version=0,
            value=["no"],
            text="Online.",
        )
    ws[f"E{rows['untoc-2-a']}"] = "Oui"  # edited offline too: a conflict
    ws[f"E{rows['untoc-8-1']}"] = "Oui"
    before = answers_in_db()
    response = upload(client, review, saved(workbook))
    assert response.status_code == 400
    page = response.content.decode()
    assert f"cell E{rows['untoc-2-a']}" in page
    assert "changed online by expert2 after the file was downloaded" in page
    assert "untoc-5-2" not in page and f"cell E{rows['untoc-5-2']}" not in page
    assert answers_in_db() == before
    # Without the conflicting edit, the rest is imported; what expert2 saved online stays.
    ws[f"E{rows['untoc-2-a']}"] = ""
    response = upload(client, review, saved(workbook))
    assert response.status_code == 302
    assert Answer.objects.get(question__key="untoc-8-1").value == ["yes"]
    online = Answer.objects.get(question__key="untoc-2-a")
    assert (online.value, online.text, online.version) == (["no"], "Online.", 1)


def test_arabic_is_right_to_left_and_only_working_languages_are_offered(client, world):
    review, people = world
    client.force_login(people["observer"])  # reading only: may download
    content = download(client, review, "docx", language="ar").getvalue()
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    assert "<w:bidi/>" in xml and "<w:rtl/>" in xml and "<w:bidiVisual" in xml
    assert question("untoc-2-a").text_ar in xml
    workbook = openpyxl.load_workbook(download(client, review, "xlsx", language="ar"))
    assert workbook.worksheets[0].sheet_view.rightToLeft
    # English is not a working language of this review.
    base = url("questionnaires:offline_download", review.pk, "docx")
    assert client.get(base + "?language=en").status_code == 404
    assert client.get(url("questionnaires:offline_download", review.pk, "pdf")).status_code == 404
    # The person's language by default when it is a working one, else the first.
    response = client.get(url("questionnaires:offline_download", review.pk, "docx", language="fr"))
    assert response["Content-Disposition"].endswith('-fr.docx"')
    assert client.get(base)["Content-Disposition"].endswith('-ar.docx"')
    page = client.get(url("questionnaires:answers", review.pk, language="fr")).content.decode()
    assert "?language=fr" in page and "?language=ar" in page and "?language=en" not in page
    assert 'name="file"' not in page  # reading only: no upload form


def test_only_those_who_answer_upload_and_only_at_the_questionnaire_stage(client, world):
    review, people = world
    client.force_login(people["expert"])
    workbook = openpyxl.load_workbook(download(client, review, "xlsx"))
    workbook.worksheets[0][f"E{xlsx_rows(workbook)['untoc-2-a']}"] = "Oui"
    content = saved(workbook)
    assert 'name="file"' in client.get(url("questionnaires:answers", review.pk)).content.decode()
    for name in ["observer", "reviewer_fp", "secretariat"]:
        client.force_login(people[name])
        response = upload(client, review, content)
        assert response.status_code == 403, name
        assert "You may not answer this questionnaire." in response.content.decode()
    client.force_login(people["outsider"])
    assert upload(client, review, content).status_code == 404
    assert client.get(url("questionnaires:offline_download", review.pk, "xlsx")).status_code == 404
    # Reviewers read the answers only once submitted: the download too.
    client.force_login(people["reviewer_fp"])
    assert client.get(url("questionnaires:offline_download", review.pk, "xlsx")).status_code == 404
    assert not Answer.objects.exists()
    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    client.force_login(people["expert"])
    response = upload(client, review, content)
    assert response.status_code == 403
    assert "only at the questionnaire stage" in response.content.decode()
    assert not Answer.objects.exists()


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_the_download_query_count_stays_flat(client, world, fmt):
    review, people = world
    client.force_login(people["expert"])
    link = url("questionnaires:offline_download", review.pk, fmt) + "?language=fr"

    def fetch():
        assert client.get(link).status_code == 200

    questions = actions.questions_for(review, actions.template_for(review))
    actions.save_answer(
        review, questions[0], by=people["expert"], now=NOW, version=0, value=[], text="One."
    )
    few = count_queries(fetch)
    for q in questions[1:]:
        value = ["yes"] if q.kind == "yes_no_partly" else [c.value for c in q.choices.all()][:1]
        actions.save_answer(
            review,
            q,
            by=people["expert"],
            now=NOW,
            version=0,
            value=value,
            citations="Loi 1",
            text="Répondu.",
        )
    assert count_queries(fetch) == few
    # More questions (a new version) for a review without answers yet: still flat.
    client.force_login(people["secretariat"])
    deu = type(review).objects.get(party__code="DEU")
    deu_link = url("questionnaires:offline_download", deu.pk, fmt) + "?language=en"
    before = count_queries(lambda: client.get(deu_link))
    draft = actions.new_version(actions.template_for(review))
    for n, q in enumerate(list(draft.questions.all())):
        q.pk, q.key = None, f"extra-{n}"
        q.save()
    QuestionnaireTemplate.objects.filter(pk=draft.pk).update(published=True)
    assert len(actions.questions_for(deu, actions.template_for(deu))) > 50
    assert count_queries(lambda: client.get(deu_link)) == before


def test_the_secretariat_uploads_a_partys_questionnaire_on_its_behalf(client, world):
    """The digital gap (seed ¶33): a party that cannot use the platform sends its filled file;
    the secretariat uploads it in the party's name, with a reason on the timeline."""
    review, people = world
    client.force_login(people["secretariat"])
    page = client.get(url("questionnaires:answers", review.pk)).content.decode()
    assert "Upload on behalf of France" in page and 'name="reason"' in page
    workbook = openpyxl.load_workbook(download(client, review, "xlsx"))
    rows = xlsx_rows(workbook)
    workbook.worksheets[0][f"E{rows['untoc-2-a']}"] = "Oui"
    workbook.worksheets[0][f"G{rows['untoc-2-c']}"] = "Voir le code pénal."
    content = saved(workbook)
    form = {"file": SimpleUploadedFile("fra.xlsx", content), "on_behalf_of": "FRA"}
    response = client.post(url("questionnaires:offline_upload", review.pk), form)
    assert response.status_code == 400
    assert "Say why the secretariat acts on behalf of the party." in response.content.decode()
    form = {**form, "on_behalf_of": "XYZ", "reason": "No connection."}
    form["file"] = SimpleUploadedFile("fra.xlsx", content)
    assert client.post(url("questionnaires:offline_upload", review.pk), form).status_code == 400
    assert not Answer.objects.exists()
    form = {**form, "on_behalf_of": "FRA", "reason": "The ministry has no connection."}
    form["file"] = SimpleUploadedFile("fra.xlsx", content)
    response = client.post(url("questionnaires:offline_upload", review.pk), form)
    assert response.status_code == 302
    assert {a.question.key: a.updated_by for a in Answer.objects.select_related("question")} == {
        "untoc-2-a": people["secretariat"],
        "untoc-2-c": people["secretariat"],
    }
    event = review.events.get(kind="answers_on_behalf")
    assert event.data["on_behalf_of"] == "FRA" and event.data["reason"].startswith("The ministry")
    assert sorted(event.data["questions"]) == ["untoc-2-a", "untoc-2-c"]
    timeline = client.get(url("reviews:detail", review.pk)).content.decode()
    assert "by the secretariat on the party's behalf: The ministry has no connection." in (timeline)
    # The party's own people still answer as before; a reviewing party is never stood in for.
    bad = client.post(
        f"/api/v1/reviews/{review.pk}/answers/untoc-6-1/",
        {
            "version": 0,
            "value": ["no"],
            "on_behalf_of": review.pairings()[0].reviewer.code,
            "reason": "No connection.",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "Only the party under review" in bad.json()["detail"]
    assert (
        client.post(
            f"/api/v1/reviews/{review.pk}/answers/untoc-6-1/",
            {"version": 0, "value": ["no"]},
            content_type="application/json",
        ).status_code
        == 403
    )
    ok = client.post(
        f"/api/v1/reviews/{review.pk}/answers/untoc-6-1/",
        {"version": 0, "value": ["no"], "on_behalf_of": "FRA", "reason": "No connection."},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["value"] == ["no"]
    assert ok.json()["updated_by"] == "secretariat"
    # Once submitted, nobody changes the answers, the secretariat included.
    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    form["file"] = SimpleUploadedFile("fra.xlsx", content)
    response = client.post(url("questionnaires:offline_upload", review.pk), form)
    assert response.status_code == 403
    assert (
        "Upload on behalf of"
        not in client.get(url("questionnaires:answers", review.pk)).content.decode()
    )
