"""Written feedback: who writes and reads, the division of tasks, concurrent edits, the joint
clearance and the freeze on submission."""

import pytest
from django.utils.html import escape

from revmod.accounts.models import Nomination
from revmod.lots.models import Pairing
from revmod.questionnaires import actions, feedback
from revmod.questionnaires.models import Comment, FeedbackSubmission
from revmod.questionnaires.tests.test_questionnaires import (
    NOW,
    question,
    url,
)
from revmod.reviews import actions as reviews
from revmod.reviews.models import ReviewEvent
from revmod.reviews.schedule import Loaded
from revmod.test import count_queries

pytestmark = pytest.mark.django_db


def post(client, review, q, **data):
    data.setdefault("version", 0)
    return client.post(url("questionnaires:feedback_save", review.pk, q.pk), data)


def test_reviewers_write_and_the_party_under_review_reads_only_once_submitted(client, fb):
    review, people, first, others = fb
    q = question("untoc-5-1a")
    page = url("questionnaires:feedback", review.pk)
    client.force_login(people["reviewer_expert"])
    assert "Penal Code &lt;art. 450-1&gt;." in client.get(page).content.decode()
    assert post(client, review, q, text="Is <b>conspiracy</b> covered?").status_code == 302
    comment = Comment.objects.get()
    assert (comment.party.code, comment.version) == (first, 1)
    client.force_login(people["main_fp"])
    assert post(client, review, q, version=1, text="Is conspiracy covered?").status_code == 302
    # Each reviewing party writes its own comment.
    client.force_login(people["main2_fp"])
    assert post(client, review, q, text="Second reviewer.").status_code == 302
    assert Comment.objects.count() == 2
    # Nobody else writes.
    for name in ["reviewed_fp", "expert", "observer", "secretariat"]:
        client.force_login(people[name])
        assert post(client, review, q, text="No.").status_code == 403, name
    # The party under review and its observers read nothing until submitted.
    for name in ["reviewed_fp", "observer"]:
        client.force_login(people[name])
        body = client.get(page).content.decode()
        assert "Is conspiracy covered?" not in body and "once the reviewing parties" in body
    client.force_login(people["secretariat"])
    assert "Is conspiracy covered?" in client.get(page).content.decode()
    client.force_login(people["outsider"])
    assert client.get(page).status_code == 404
    assert post(client, review, q, text="x").status_code == 404
    client.logout()
    assert client.get(page).status_code == 302
    for fp in people["all_fps"]:
        reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=people["main_fp"], now=NOW)
    for name in ["reviewed_fp", "observer", "expert"]:
        client.force_login(people[name])
        body = client.get(page).content.decode()
        assert "Is conspiracy covered?" in body and "Second reviewer." in body


def test_a_party_writes_only_on_the_articles_given_to_it(client, fb):
    review, people, first, others = fb
    article5 = question("untoc-5-1a").article_id
    # The first reviewer takes article 5 only; the others are left with every article.
    client.force_login(people["secretariat"])
    response = client.post(
        url("questionnaires:feedback_tasks", review.pk), {"task": [f"{first}:{article5}"]}
    )
    assert response.status_code == 302
    assert feedback.assignments(review) == {first: {article5}}
    assert ReviewEvent.objects.filter(kind="division_of_tasks").exists()
    client.force_login(people["main_fp"])
    assert post(client, review, question("untoc-5-1a"), text="Mine.").status_code == 302
    response = post(client, review, question("untoc-23-a"), text="Not mine.")
    assert response.status_code == 400
    assert "given to another reviewing party" in response.content.decode()
    client.force_login(people["main2_fp"])
    assert post(client, review, question("untoc-23-a"), text="Theirs.").status_code == 302
    # Observers and experts do not divide tasks; nor does anyone after the submission.
    with pytest.raises(feedback.FeedbackError):
        feedback.divide_tasks(review, by=people["reviewer_expert"], now=NOW, tasks={})
    with pytest.raises(feedback.FeedbackError, match="reviewing parties only"):
        feedback.divide_tasks(review, by=people["secretariat"], now=NOW, tasks={"FRA": []})


def test_a_stale_comment_is_refused_and_overwrites_nothing(client, fb):
    review, people, first, others = fb
    q = question("untoc-5-1a")
    client.force_login(people["reviewer_expert"])
    assert post(client, review, q, text="Theirs.").status_code == 302
    client.force_login(people["main_fp"])
    response = post(client, review, q, version=0, text="Mine.")
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this comment after you opened it." in body
    assert "Theirs." in body and "Mine." in body
    assert 'name="version" value="1"' in body
    assert Comment.objects.get().text == "Theirs."


def test_submission_freezes_the_feedback_and_a_change_withdraws_clearances(fb):
    review, people, first, others = fb
    q = question("untoc-5-1a")
    feedback.save_comment(review, q, by=people["main_fp"], now=NOW, version=0, text="A.")
    reviews.act(review, "clear", by=people["main_fp"], now=NOW)
    feedback.save_comment(review, q, by=people["reviewer_expert"], now=NOW, version=1, text="B.")
    review.refresh_from_db()
    assert review.cleared == []
    for fp in people["all_fps"]:
        reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=people["main_fp"], now=NOW)
    submission = FeedbackSubmission.objects.get()
    assert submission.sha256 == actions.digest(submission.snapshot)
    assert submission.snapshot["comments"][0]["text"] == "B."
    assert ReviewEvent.objects.get(kind="feedback_frozen").data["sha256"] == submission.sha256
    with pytest.raises(feedback.FeedbackError, match="only at the written feedback stage"):
        feedback.save_comment(review, q, by=people["main_fp"], now=NOW, version=2, text="C.")
    assert Comment.objects.get().text == "B."


def test_the_feedback_page_query_count_stays_flat(client, fb):
    review, people, first, others = fb
    client.force_login(people["main_fp"])
    page = url("questionnaires:feedback", review.pk)
    questions = actions.questions_for(review, actions.template_for(review))

    def fetch():
        assert client.get(page).status_code == 200

    feedback.save_comment(
        review, questions[0], by=people["main_fp"], now=NOW, version=0, text="One."
    )
    few = count_queries(fetch)
    covers = feedback.coverage(review, Loaded([review]))
    saved = 0
    for q in questions[1:]:
        for name, code in [("main_fp", first), ("main2_fp", others[0])]:
            if feedback.assigned({}, covers, code, q.article):
                feedback.save_comment(review, q, by=people[name], now=NOW, version=0, text="x")
                saved += 1
    assert saved > 20
    assert count_queries(fetch) == few


def test_by_default_a_party_comments_on_the_instruments_it_was_drawn_for():
    class Instrument:
        def __init__(self, code):
            self.code = code

    class Article:
        def __init__(self, pk, code):
            self.pk, self.instrument = pk, Instrument(code)

    covers = {"MCO": {"UNTOC", "SOM"}, "HRV": {"FIR"}}
    untoc, fir = Article(1, "UNTOC"), Article(2, "FIR")
    assert feedback.assigned({}, covers, "MCO", untoc)
    assert not feedback.assigned({}, covers, "HRV", untoc)  # an additional reviewer, firearms
    assert feedback.assigned({}, covers, "HRV", fir)
    # The division of tasks, once recorded for a party, narrows it, never widens it.
    assert not feedback.assigned({"HRV": {1}}, covers, "HRV", untoc)
    assert not feedback.assigned({"MCO": {2}}, covers, "MCO", untoc)
    assert feedback.assigned({"MCO": {1}}, covers, "MCO", untoc)


def test_a_reviewer_drawn_for_some_instruments_reads_every_answer_but_reviews_its_own(client, fb):
    """Rule (docs/decisions.md, issue 21 item 6): the submitted answers are shared with the
    review's participating parties (rule 40, seed ¶34), every instrument's, so a reviewing
    party drawn for the Firearms Protocol only reads the Convention's answers too (the
    Protocols are read together with the Convention, art. 1 of each); but a party is reviewed
    for each instrument only by parties to it, an additional reviewer for the instruments the
    others lack only (domain.md "Drawing of lots" 2-3, UNODC), so its feedback tasks — the
    default, the division of tasks, a comment — are the articles of its pairing's
    instruments."""
    review, people, first, others = fb
    # The first reviewing party is drawn for the Firearms Protocol only, as an additional one.
    Pairing.objects.active().filter(reviewed=review.party, reviewer__code=first).update(
        instruments=["FIR"], role="additional"
    )
    untoc, fir = question("untoc-5-1a"), question("fir-5-1a")
    client.force_login(people["reviewer_expert"])
    page = url("questionnaires:feedback", review.pk)
    body = client.get(page).content.decode()
    assert "Penal Code &lt;art. 450-1&gt;." in body  # the Convention's answer, read
    assert f'value="{first}:{untoc.article_id}"' not in body  # not offered in the division
    response = client.get(f"/api/v1/reviews/{review.pk}/answers/")
    assert response.status_code == 200 and "450-1" in response.content.decode()
    response = post(client, review, untoc, text="Not ours.")
    assert response.status_code == 400
    assert "not drawn to review this instrument" in response.content.decode()
    assert post(client, review, fir, text="Ours.").status_code == 302
    # Nobody may give it the Convention's articles, nor the other party the Protocol's when it
    # is not drawn for it: nothing is recorded.
    with pytest.raises(feedback.FeedbackError, match="instruments it was drawn to review"):
        feedback.divide_tasks(
            review, by=people["secretariat"], now=NOW, tasks={first: [untoc.article_id]}
        )
    assert feedback.assignments(review) == {}
    feedback.divide_tasks(review, by=people["main2_fp"], now=NOW, tasks={first: [fir.article_id]})
    assert feedback.assignments(review) == {first: {fir.article_id}}


def test_reviewers_do_not_read_the_answers_here_before_they_are_submitted(client, world):
    review, people = world
    actions.save_answer(
        review,
        question("untoc-5-1a"),
        by=people["expert"],
        now=NOW,
        version=0,
        value=["yes"],
        text="Not yet submitted.",
    )
    page = url("questionnaires:feedback", review.pk)
    client.force_login(people["reviewer_fp"])
    body = client.get(page).content.decode()
    assert "Not yet submitted." not in body and "Division of tasks" in body
    client.force_login(people["expert"])
    assert "Not yet submitted." not in client.get(page).content.decode()  # no feedback yet
    client.force_login(people["secretariat"])
    assert "Not yet submitted." in client.get(page).content.decode()


def test_reviewers_read_each_answer_in_labelled_parts_and_the_parties_by_name(client, world):
    """The written feedback page shows an answer as its options' labels in the page's language,
    its citations and its explanation each under its own label (not "list Statistics…", the
    option's key run together with the text), and the parties by name (not "Comment of FRA")."""
    review, people = world

    def answer(key, **fields):
        fields.setdefault("value", [])
        q = question(key)
        actions.save_answer(review, q, by=people["expert"], now=NOW, version=0, **fields)

    answer("untoc-2-b", value=["list"], text="Statistics of the courts.")
    answer("untoc-10-2", value=["criminal", "civil"])
    answer("untoc-5-1a", value=["yes"], citations="Law on organized crime, art. 3")
    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    party = Nomination.objects.get(person=people["reviewer_fp"]).party
    others = [p.reviewer for p in review.pairings() if p.reviewer != party]
    client.force_login(people["reviewer_fp"])
    page = url("questionnaires:feedback", review.pk)
    body = client.get(page).content.decode()
    assert "<dt>Answer</dt><dd>By a list of offences</dd>" in body
    assert "<dt>Explanation</dt><dd>Statistics of the courts.</dd>" in body
    assert "list Statistics" not in body and "<dd>list</dd>" not in body
    assert "<li>Criminal</li><li>Civil</li>" in body and "criminal, civil" not in body
    assert "<dt>Answer</dt><dd>Yes</dd>" in body
    assert "<dt>Citations of legislation</dt><dd>Law on organized crime, art. 3</dd>" in body
    assert f"Comment of {escape(party.name_en)}" in body
    assert f"Comment of {party.code}" not in body
    assert f'<th scope="col">{escape(others[0].name_en)}</th>' in body  # the division of tasks
    assert f'<th scope="col">{others[0].code}</th>' not in body
    french = client.get(page.replace("/en/", "/fr/")).content.decode()
    assert "<dt>Réponse</dt><dd>Par une liste d&#x27;infractions</dd>" in french
    assert "<li>Pénale</li><li>Civile</li>" in french
    assert "<dt>Explication</dt><dd>Statistics of the courts.</dd>" in french
    assert f"Commentaire de {escape(party.name_fr)}" in french
