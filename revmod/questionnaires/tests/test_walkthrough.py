"""Issue 7 from end to end, through the pages a person would use: the party under review answers
part of its questionnaire online and part offline (an XLSX filled in and uploaded), clears and
submits; the reviewing parties give written feedback on the articles assigned to them, clear and
submit; the three parties sign off one list of observations; the secretariat reads the
statistics of the submitted answers; a French machine translation of the English answers
appears, labelled as unofficial."""

import io

import openpyxl
import pytest
from django.utils import timezone

from revmod.accounts.models import Nomination
from revmod.lib.confirm import CONFIRMED
from revmod.questionnaires import feedback
from revmod.questionnaires.models import Answer, Comment, Question
from revmod.questionnaires.tests.test_offline import saved, xlsx_rows
from revmod.questionnaires.tests.test_questionnaires import (
    REVIEWER,
    question,
    url,
)
from revmod.reviews.models import Review
from revmod.translations import actions as translations

pytestmark = pytest.mark.django_db
LABEL = "Unofficial machine translation — not reviewed; the original in English is authoritative."


def test_questionnaire_feedback_observations_statistics_and_translation(client, world):
    review, people = world
    act = "/en/reviews/{}/act/{}/"

    # Online: an expert of France answers one question on the questionnaire page.
    client.force_login(people["expert"])
    page = client.get(url("questionnaires:answers", review.pk)).content.decode()
    assert "Work offline" in page
    online = question("untoc-5-1a")
    answer = {"version": 0, "value": "yes", "text": "Penal Code, art. 450-1."}
    response = client.post(url("questionnaires:save", review.pk, online.pk), answer)
    assert response.status_code == 302

    # Offline: the same expert downloads the questionnaire in English, answers two more
    # questions in the file, and uploads it.
    response = client.get(
        url("questionnaires:offline_download", review.pk, "xlsx") + "?language=en"
    )
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = xlsx_rows(workbook)
    offline = [
        q
        for q in Question.objects.filter(template=online.template, kind="yes_no_partly")
        .exclude(pk=online.pk)
        .order_by("key")
        if q.key in rows
    ][:2]
    sheet = workbook.worksheets[0]
    for q, label in zip(offline, ["Partly", "No"], strict=True):
        sheet[f"E{rows[q.key]}"] = label
        sheet[f"G{rows[q.key]}"] = f"Answered offline: {label}."
    response = client.post(
        url("questionnaires:offline_upload", review.pk),
        {"file": _file(saved(workbook), "answers.xlsx")},
        follow=True,
    )
    assert "2 answers imported" in response.content.decode()
    assert dict(Answer.objects.values_list("question__key", "value")) == {
        online.key: ["yes"],
        offline[0].key: ["partly"],
        offline[1].key: ["no"],
    }

    # Its focal point clears and submits.
    client.force_login(people["reviewed_fp"])
    for action in ("clear", "submit"):
        assert client.post(act.format(review.pk, action), CONFIRMED).status_code == 302
    assert Review.objects.get(pk=review.pk).stage == "written_feedback"

    # Each reviewing party comments on an article assigned to it, then its focal point clears.
    reviewers = {
        n.party.code: n.person
        for n in Nomination.objects.active().filter(scope=REVIEWER, kind="focal_point")
    }
    # The division of tasks agreed at the consultation, recorded by the secretariat: each
    # reviewing party takes one of the three articles answered (in turn).
    client.force_login(people["secretariat"])
    articles = [q.article_id for q in (online, *offline)]
    tasks = [f"{code}:{articles[n % 3]}" for n, code in enumerate(sorted(reviewers))]
    response = client.post(url("questionnaires:feedback_tasks", review.pk), {"task": tasks})
    assert response.status_code == 302
    assigned = feedback.assignments(review)
    assert set(assigned) == set(reviewers)
    for code, person in reviewers.items():
        client.force_login(person)
        mine = [q for q in (online, *offline) if q.article_id in assigned[code]]
        assert mine
        for q in mine:
            comment = {"version": 0, "text": f"{code} asks: is it applied?"}
            response = client.post(url("questionnaires:feedback_save", review.pk, q.pk), comment)
            assert response.status_code == 302
    # Then each focal point clears the joint feedback (a comment saved after a clearance
    # withdraws it), and the last submits it.
    for person in reviewers.values():
        client.force_login(person)
        assert client.post(act.format(review.pk, "clear"), CONFIRMED).status_code == 302
    assert client.post(act.format(review.pk, "submit"), CONFIRMED).status_code == 302
    assert Review.objects.get(pk=review.pk).stage == "observations"
    # Only on their own articles: every comment is on an article assigned to its party.
    comments = list(Comment.objects.select_related("question", "party"))
    assert comments and all(c.question.article_id in assigned[c.party.code] for c in comments)

    # The list of observations: drafted once, signed off by the three parties' focal points.
    client.force_login(people["expert"])
    sections = {
        "gaps": "No register of convictions.",
        "good_practices": "Joint teams.",
        "recommendations": "Keep a register.",
        "assistance": "Training.",
        "summary": "Mostly in place.",
        "based_on": 0,
    }
    assert (
        client.post(url("questionnaires:observations_save", review.pk), sections).status_code == 302
    )
    for person in [people["reviewed_fp"], *reviewers.values()]:
        client.force_login(person)
        sign = {"version": 1, **CONFIRMED}
        response = client.post(url("questionnaires:observations_sign", review.pk), sign)
        assert response.status_code == 302
    client.force_login(people["secretariat"])
    assert client.post(act.format(review.pk, "submit"), CONFIRMED).status_code == 302
    assert Review.objects.get(pk=review.pk).stage == "completed"

    # The secretariat's statistics count the submitted answers.
    page = client.get(url("stats:answers")).content.decode()
    assert (
        "1 submitted questionnaire counted" in page or "1 submitted questionnaires counted" in page
    )
    assert "1 (100" in page

    # A French machine translation of the English answers, asked by the focal point.
    client.force_login(people["reviewed_fp"])
    response = client.post(
        url("translations:new", review.pk), {"source": "answers", "target": "fr"}
    )
    assert response.status_code == 302
    translations.process_due(now=timezone.now())
    page = client.get(response["Location"]).content.decode()
    assert LABEL in page and "Penal Code" in page  # the dummy backend marks, keeps the text
    assert Answer.objects.get(question=online).text == "Penal Code, art. 450-1."


def _file(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
