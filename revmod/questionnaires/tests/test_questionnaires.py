"""The self-assessment questionnaire: the shipped template, answering online, who may read and
answer, concurrent edits, and the freeze on submission."""

import datetime as dt
import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import formats, translation

from revmod.accounts.models import Nomination
from revmod.lib.i18n import SUFFIXES
from revmod.questionnaires import actions
from revmod.questionnaires.models import (
    Answer,
    AnswerSubmission,
    Question,
    QuestionnaireTemplate,
)
from revmod.questionnaires.views.answers import draft_saved
from revmod.registry.models import Cluster
from revmod.reviews import actions as reviews
from revmod.reviews.models import ReviewEvent
from revmod.test import DATA_DIR, count_queries, make_world

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2021, 2, 1, 9, tzinfo=dt.UTC)
OWN, REVIEWER = Nomination.Scope.OWN, Nomination.Scope.REVIEWER
FP, EXPERT, OBSERVER = "focal_point", "expert", "observer"


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def load_questionnaire():
    call_command("loadquestionnaire", stdout=StringIO())


def question(key):
    return Question.objects.get(key=key, template__published=True)


def post(client, review, q, **data):
    data.setdefault("version", 0)
    return client.post(url("questionnaires:save", review.pk, q.pk), data)


def test_the_shipped_template_covers_every_article_of_cluster_1(capsys):
    make_world()
    call_command("loadquestionnaire")
    call_command("loadquestionnaire")  # idempotent
    out = capsys.readouterr().out
    assert "loaded" in out and "unchanged" in out
    template = QuestionnaireTemplate.objects.get()
    shipped = json.loads((DATA_DIR / "questionnaires" / "cluster1.json").read_text())
    assert template.published and template.version == shipped["version"]
    cluster = Cluster.objects.get(number=1)
    covered = set(template.questions.values_list("article", flat=True))
    assert covered == set(cluster.articles.values_list("pk", flat=True))
    for q in template.questions.prefetch_related("choices"):
        # Shipped in the six languages.
        assert all(getattr(q, f"text_{suffix}").strip() for suffix in SUFFIXES.values()), q.key
        assert bool(q.choices.all()) == (q.kind in {"single", "multiple"}), q.key
    assert set(template.questions.values_list("kind", flat=True)) == set(Question.Kind.values)


def test_a_published_version_is_never_changed_by_the_loader(tmp_path):
    make_world()
    load_questionnaire()
    data = json.loads((DATA_DIR / "questionnaires" / "cluster1.json").read_text())
    data["questions"][0]["text"]["en"] = "Changed."
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="give the file a new version"):
        call_command("loadquestionnaire", str(changed))
    assert Question.objects.filter(text_en="Changed.").count() == 0
    assert QuestionnaireTemplate.objects.count() == 1


def test_a_new_draft_version_copies_the_questions():
    make_world()
    load_questionnaire()
    published = QuestionnaireTemplate.objects.get()
    draft = actions.new_version(published)
    assert (draft.version, draft.published) == (published.version + 1, False)
    assert draft.questions.count() == published.questions.count()
    assert QuestionnaireTemplate.objects.current(published.cluster) == published


def test_questions_are_those_of_the_instruments_the_party_is_party_to(client, world):
    review, people = world
    client.force_login(people["expert"])
    page = client.get(url("questionnaires:answers", review.pk)).content.decode()
    assert "Firearms Protocol" in page  # FRA is party to it
    assert "Trafficking in Persons Protocol" not in page  # FRA is not (data/adherences.csv)
    assert post(client, review, question("tip-5-1"), value="yes").status_code == 404


def test_answering_and_progress_per_article(client, world):
    review, people = world
    client.force_login(people["expert"])
    response = post(
        client,
        review,
        question("untoc-5-1a"),
        value="partly",
        citations="Penal Code, art. 450-1",
        text="Conspiracy only.",
    )
    assert response.status_code == 302
    client.force_login(people["reviewed_fp"])
    post(client, review, question("untoc-5-1a-form"), value=["agreement", "participation"])
    answer = Answer.objects.get(question__key="untoc-5-1a")
    assert (answer.value, answer.version, answer.updated_by) == (["partly"], 1, people["expert"])
    assert answer.citations == "Penal Code, art. 450-1"
    page = client.get(url("questionnaires:answers", review.pk)).content.decode()
    assert "2 of 4 questions answered" in page  # article 5 has four questions
    assert "Conspiracy only." in page
    # A value outside the options is refused.
    response = post(client, review, question("untoc-2-b"), value="maybe")
    assert response.status_code == 400
    assert "Choose among the options offered." in response.content.decode()
    # Saving with the answer's version updates it.
    response = post(client, review, question("untoc-5-1a"), version=1, value="yes")
    assert response.status_code == 302
    assert Answer.objects.get(question__key="untoc-5-1a").version == 2


def test_who_reads_and_who_answers(client, world):
    review, people = world
    q = question("untoc-6-1")
    page = url("questionnaires:answers", review.pk)
    for name in ["reviewed_fp", "expert"]:
        client.force_login(people[name])
        version = Answer.objects.filter(question=q).values_list("version", flat=True).first()
        assert (
            post(
                client, review, q, value="yes", text=f"By {name}.", version=version or 0
            ).status_code
            == 302
        ), name
    for name in ["observer", "secretariat", "reviewer_fp"]:
        client.force_login(people[name])
        assert post(client, review, q, value="no", version=2).status_code == 403, name
        assert client.get(page).status_code == 200
    assert Answer.objects.get(question=q).text == "By expert."
    client.force_login(people["observer"])
    assert "By expert." in client.get(page).content.decode()
    # Reviewers read the answers only once submitted (rule 40, seed ¶33).
    client.force_login(people["reviewer_fp"])
    assert "By expert." not in client.get(page).content.decode()
    client.force_login(people["outsider"])
    assert client.get(page).status_code == 404
    assert post(client, review, q, value="no").status_code == 404
    client.logout()
    assert client.get(page).status_code == 302
    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    client.force_login(people["reviewer_fp"])
    assert "By expert." in client.get(page).content.decode()


def test_a_stale_save_is_refused_and_overwrites_nothing(client, world):
    review, people = world
    q = question("untoc-23-a")
    client.force_login(people["expert"])
    opened = client.get(url("questionnaires:answers", review.pk)).content.decode()
    assert 'name="version" value="0"' in opened
    # expert2 saves first, from the same page state.
    client.force_login(people["expert2"])
    assert (
        post(client, review, q, value="yes", citations="Law 12", text="Theirs.").status_code == 302
    )
    client.force_login(people["expert"])
    response = post(client, review, q, value="no", text="Mine.")
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this answer after you opened it." in page
    assert "Theirs." in page and "Law 12" in page and "Mine." in page  # both, to merge
    assert 'name="version" value="1"' in page  # saving again is a deliberate choice
    answer = Answer.objects.get(question=q)
    assert (answer.text, answer.version, answer.updated_by) == ("Theirs.", 1, people["expert2"])
    with pytest.raises(actions.StaleAnswer):
        actions.save_answer(review, q, by=people["expert"], now=NOW, version=0, value=["no"])


def test_submission_freezes_the_answers(world):
    review, people = world
    fp, expert = people["reviewed_fp"], people["expert"]
    q = question("untoc-15-2")
    actions.save_answer(review, q, by=expert, now=NOW, version=0, value=["by-national"])
    reviews.act(review, "clear", by=fp, now=NOW)
    # A change after clearance withdraws it: the clearance approved another text.
    actions.save_answer(review, q, by=expert, now=NOW, version=1, value=["by-national", "none"])
    review.refresh_from_db()
    assert review.cleared == []
    reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=fp, now=NOW)
    submission = AnswerSubmission.objects.get()
    assert submission.sha256 == actions.digest(submission.snapshot)
    assert submission.snapshot["answers"][0]["value"] == ["by-national", "none"]
    event = ReviewEvent.objects.get(review=review, kind="questionnaire_frozen")
    assert event.data["sha256"] == submission.sha256
    with pytest.raises(actions.AnswerError, match="only at the questionnaire stage"):
        actions.save_answer(review, q, by=fp, now=NOW, version=2, value=["none"])
    assert Answer.objects.get(question=q).value == ["by-national", "none"]


def test_submitting_without_answers_freezes_nothing(world):
    review, people = world
    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    assert not AnswerSubmission.objects.exists()


def test_the_answers_page_query_count_stays_flat(client, world):
    review, people = world
    client.force_login(people["expert"])
    page = url("questionnaires:answers", review.pk)
    questions = actions.questions_for(review, actions.template_for(review))

    def fetch():
        assert client.get(page).status_code == 200

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
            citations="Law 1",
            text="Answered.",
        )
    assert count_queries(fetch) == few
    # More questions (a new version) for a review that has no answers yet: still flat.
    client.force_login(people["secretariat"])
    deu = type(review).objects.get(party__code="DEU")
    deu_page = url("questionnaires:answers", deu.pk)
    before = count_queries(lambda: client.get(deu_page))
    draft = actions.new_version(actions.template_for(review))
    for n, q in enumerate(list(draft.questions.all())):
        q.pk, q.key = None, f"extra-{n}"
        q.save()
    QuestionnaireTemplate.objects.filter(pk=draft.pk).update(published=True)
    assert len(actions.questions_for(deu, actions.template_for(deu))) > 50
    assert count_queries(lambda: client.get(deu_page)) == before


def test_the_secretariat_edits_drafts_in_the_admin_never_a_published_version(client):
    secretariat, _reviews = make_world()
    load_questionnaire()
    published = QuestionnaireTemplate.objects.get()
    q = published.questions.first()
    client.force_login(secretariat)
    base = "/en/admin/questionnaires/"
    page = client.get(f"{base}questionnairetemplate/{published.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(f"{base}question/{q.pk}/change/", {"text_en": "Changed."})
    assert response.status_code == 403
    response = client.post(
        f"{base}questionnairetemplate/",
        {"action": "new_draft", "_selected_action": [published.pk]},
    )
    assert response.status_code == 302
    draft = QuestionnaireTemplate.objects.get(version=published.version + 1)
    assert not draft.published
    page = client.get(f"{base}questionnairetemplate/{draft.pk}/change/")
    assert 'name="_save"' in page.content.decode()
    draft_q = draft.questions.get(key=q.key)
    assert client.get(f"{base}question/{draft_q.pk}/change/").status_code == 200
    client.post(
        f"{base}questionnairetemplate/", {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert QuestionnaireTemplate.objects.current(published.cluster) == draft


def test_a_reopened_questionnaire_is_answered_and_frozen_again(world):
    review, people = world
    fp, expert = people["reviewed_fp"], people["expert"]
    q = question("som-5")
    actions.save_answer(review, q, by=expert, now=NOW, version=0, value=["yes"])
    reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=fp, now=NOW)
    reason = "Typo in the law's name."
    reviews.act(
        review, "reopen", by=people["secretariat"], now=NOW, reason=reason, to="questionnaire"
    )
    actions.save_answer(review, q, by=expert, now=NOW, version=1, value=["partly"])
    reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=fp, now=NOW)
    first, second = AnswerSubmission.objects.all()
    assert first.snapshot["answers"][0]["value"] == ["yes"]  # the first submission is kept
    assert second.snapshot["answers"][0]["value"] == ["partly"]
    assert first.sha256 != second.sha256


def test_an_untranslated_question_is_shown_in_english_with_a_note(client, world):
    review, people = world
    client.force_login(people["expert"])
    q = question("untoc-5-1a")
    # A question whose Russian text is not written yet (a secretariat draft, say).
    Question.objects.filter(pk=q.pk).update(text_ru="")
    with translation.override("ru"):  # English, with the note
        page = client.get(reverse("questionnaires:answers", args=[review.pk])).content.decode()
    assert q.text_en.split("?")[0] in page
    assert page.count('class="muted untranslated"') == 1
    with translation.override("fr"):  # shipped in French
        page = client.get(reverse("questionnaires:answers", args=[review.pk])).content.decode()
    assert q.text_fr.split("?")[0].replace("'", "&#x27;") in page
    assert 'class="muted untranslated"' not in page


@pytest.mark.parametrize("language", ["en", "fr", "es", "ru", "ar", "zh-hans"])
def test_the_autosave_line_ends_once_in_every_language(language):
    """ "Draft saved at 10:47 a.m.." ended twice in English: the time ends the line."""
    with translation.override(language):
        for hour, minute in ((10, 47), (22, 47), (12, 0)):
            line = draft_saved(dt.datetime(2024, 5, 1, hour, minute, tzinfo=dt.UTC))
            assert not re.search(r"[.。]\s*[.。]$", line), line
            assert formats.time_format(dt.time(hour, minute), "TIME_FORMAT") in line
            if language != "en":  # translated, not the English line
                assert not line.startswith("Draft saved"), line


def test_drafts_save_themselves_through_the_same_checks(client, world):
    """The page's autosave posts the form asking for JSON: the new version and a line to show,
    or the error with the status a save with the button would have."""
    review, people = world
    q = question("untoc-6-1")
    client.force_login(people["expert"])
    page = client.get(url("questionnaires:answers", review.pk)).content.decode()
    assert "autosave.js" in page and "data-autosave" in page

    def autosave(**data):
        data.setdefault("version", 0)
        return client.post(
            url("questionnaires:save", review.pk, q.pk),
            data,
            headers={"Accept": "application/json"},
        )

    response = autosave(value="yes", text="Half writ")
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert response.json()["message"].startswith("Draft saved at ")
    assert ".." not in response.json()["message"]
    response = autosave(version=1, value="yes", text="Half written.")
    assert response.json()["version"] == 2
    assert Answer.objects.get(question=q).text == "Half written."
    # Someone else's save in between: refused, nothing overwritten.
    response = autosave(version=1, value="no", text="Stale.")
    assert response.status_code == 409
    assert "save with the button" in response.json()["error"]
    assert Answer.objects.get(question=q).text == "Half written."
    assert autosave(version=2, value="maybe").status_code == 400
    client.force_login(people["observer"])
    assert autosave(version=2, value="no").status_code == 403
    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    client.force_login(people["expert"])
    response = autosave(version=2, value="no")
    assert response.status_code == 403
    assert "only at the questionnaire stage" in response.json()["error"]
    assert (
        "autosave.js" not in client.get(url("questionnaires:answers", review.pk)).content.decode()
    )
    assert Answer.objects.get(question=q).value == ["yes"]


def test_the_api_reads_and_writes_answers_with_the_pages_version_check(client, world):
    """Issue 13, item 8: the answers through the API, as on the page (rule 40, stale saves)."""
    review, people = world
    path = f"/api/v1/reviews/{review.pk}/answers/"
    client.force_login(people["reviewer_fp"])
    assert client.get(path).status_code == 403  # the reviewers read them once submitted
    client.force_login(people["expert"])
    rows = {row["question"]: row for row in client.get(path).json()}
    assert rows["untoc-5-1a"]["version"] == 0 and rows["untoc-5-1a"]["article"] == "UNTOC 5"
    body = {"version": 0, "value": ["yes"], "text": "Penal Code, art. 450-1."}
    saved = client.post(path + "untoc-5-1a/", body, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["version"] == 1
    # Someone who opened version 0 meanwhile is refused and shown what is saved now.
    client.force_login(people["expert2"])
    stale = client.post(
        path + "untoc-5-1a/", {**body, "value": ["no"]}, content_type="application/json"
    )
    assert stale.status_code == 409 and stale.json()["current"]["value"] == ["yes"]
    assert (
        client.post(path + "no-such-question/", body, content_type="application/json").status_code
        == 404
    )
    assert (
        client.post(
            path + "untoc-5-1a/", {"value": "yes"}, content_type="application/json"
        ).status_code
        == 400
    )
    client.force_login(people["observer"])  # reads, never writes
    assert client.get(path).status_code == 200
    refused = client.post(
        path + "untoc-5-1a/", {**body, "version": 1}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert Answer.objects.get(question__key="untoc-5-1a").value == ["yes"]
