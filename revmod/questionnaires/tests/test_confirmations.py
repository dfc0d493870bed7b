"""Irreversible steps are confirmed (issue 17, item 3): clearing and submitting the
questionnaire and the written feedback, signing off and publishing the list of observations,
completing and reopening a review. The first request changes nothing and says what will be sent
(answers counted, the unanswered questions listed and linked), what is missing and what follows,
to whom; only the confirmation acts, and a stale one is refused."""

import pytest
from django.utils.html import escape

from revmod.lib.confirm import CONFIRMED
from revmod.questionnaires import actions, observations
from revmod.questionnaires.models import (
    AnswerSubmission,
    Comment,
    FeedbackSubmission,
    PublicationDecision,
    QuestionnaireTemplate,
    SignOff,
)
from revmod.questionnaires.tests.test_observations import SECTIONS, obs  # noqa: F401
from revmod.questionnaires.tests.test_questionnaires import NOW, question, url
from revmod.reviews import actions as reviews
from revmod.reviews.models import Review, ReviewEvent
from revmod.test import count_queries, token_for

pytestmark = pytest.mark.django_db
STALE = "The review has changed since you opened this page"


def answer(review, people, q, **fields):
    value = ["yes"] if q.kind == "yes_no_partly" else [c.value for c in q.choices.all()][:1]
    fields = {"value": value, "citations": "Law 1", "text": "Answered.", **fields}
    return actions.save_answer(review, q, by=people["expert"], now=NOW, version=0, **fields)


def unchanged(review, events):
    """Nothing happened to `review` since it had `events` events (and its stage, version and
    clearances are those of `review`)."""
    now = Review.objects.get(pk=review.pk)
    assert (now.stage, now.version, now.cleared) == (review.stage, review.version, review.cleared)
    assert ReviewEvent.objects.filter(review=review).count() == events


def test_submitting_the_questionnaire_says_what_is_sent_and_acts_only_once_confirmed(client, world):
    review, people = world
    questions = actions.questions_for(review, actions.template_for(review))
    answered = [q for q in questions if q.kind == "yes_no_partly"][:2]
    for q in answered:
        answer(review, people, q)
    client.force_login(people["reviewed_fp"])
    act = url("reviews:act", review.pk, "clear")
    events = ReviewEvent.objects.filter(review=review).count()
    page = client.post(act, {"version": review.version})
    html = page.content.decode()
    assert page.status_code == 200
    unchanged(review, events)
    total, missing = len(questions), len(questions) - 2
    assert "Clear the answers of France" in html
    assert f"2 of {total} questions answered" in html
    assert f"{missing} questions are not answered (listed below)" in html
    assert 'class="warning" role="alert"' in html
    # The unanswered, numbered as on the questionnaire's page, linked to their forms.
    first = next(n for n, q in enumerate(questions, start=1) if q not in answered)
    q = questions[first - 1]
    link = f'<a href="{url("questionnaires:answers", review.pk)}#q{q.pk}">{first}. '
    assert link in html and escape(q.label[:40]) in html
    assert html.count(f"{url('questionnaires:answers', review.pk)}#q") == missing
    assert "The clearance of France is recorded" in html
    # The confirmation carries the version and the explicit confirm field; "Go back" leads
    # back to the review.
    assert f'name="version" value="{review.version}"' in html
    assert 'name="confirm" value="yes"' in html
    assert f'<a href="{url("reviews:detail", review.pk)}">Go back</a>' in html
    response = client.post(act, {"version": review.version, **CONFIRMED})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.cleared == ["FRA"]

    # Submitting: the same counts; the answers are frozen only once confirmed.
    submit = url("reviews:act", review.pk, "submit")
    html = client.post(submit, {"version": review.version}).content.decode()
    assert "Submit the self-assessment questionnaire" in html
    assert f"2 of {total} questions answered" in html
    assert "cannot be filled afterwards" in html
    assert "The reviewing parties&#x27; focal points and experts will be notified" in html
    assert not AnswerSubmission.objects.exists()
    assert Review.objects.get(pk=review.pk).stage == "questionnaire"
    client.post(submit, {"version": review.version, **CONFIRMED})
    assert Review.objects.get(pk=review.pk).stage == "written_feedback"
    assert AnswerSubmission.objects.get().snapshot["answers"]


def test_a_complete_questionnaire_is_confirmed_without_a_warning(client, world):
    review, people = world
    questions = actions.questions_for(review, actions.template_for(review))
    for q in questions:
        answer(review, people, q)
    client.force_login(people["reviewed_fp"])
    html = client.post(url("reviews:act", review.pk, "clear")).content.decode()
    assert f"{len(questions)} of {len(questions)} questions answered" in html
    assert "not answered" not in html and 'class="warning"' not in html


def test_a_stale_confirmation_is_refused_and_changes_nothing(client, world):
    review, people = world
    client.force_login(people["reviewed_fp"])
    act = url("reviews:act", review.pk, "clear")
    seen = review.version
    assert client.post(act, {"version": seen}).status_code == 200
    # Confirmed in another tab (or by a double click): the review moved on since.
    assert client.post(act, {"version": seen, **CONFIRMED}).status_code == 302
    events = ReviewEvent.objects.filter(review=review).count()
    review.refresh_from_db()
    page = client.post(act, {"version": seen, **CONFIRMED}, follow=True).content.decode()
    assert STALE in page
    unchanged(review, events)
    # A first request from a stale page is refused at once, without a confirmation page.
    response = client.post(url("reviews:act", review.pk, "submit"), {"version": seen})
    assert response.status_code == 302
    assert STALE in client.get(response["Location"]).content.decode()
    unchanged(review, events)


def test_a_link_asks_for_the_confirmation_and_nobody_else_gets_one(client, world):
    review, people = world
    client.force_login(people["reviewed_fp"])
    act = url("reviews:act", review.pk, "clear")
    html = client.get(act).content.decode()
    assert "Clear the answers of France" in html
    assert f'name="version" value="{review.version}"' in html
    assert Review.objects.get(pk=review.pk).cleared == []
    # Those who may not take the action are told why, on the review's page; nothing shown.
    for name in ["expert", "observer", "reviewer_fp"]:
        client.force_login(people[name])
        response = client.post(act)
        assert response.status_code == 302, name
    client.force_login(people["outsider"])
    assert client.post(act).status_code == 404
    assert client.post(act, CONFIRMED).status_code == 404
    assert Review.objects.get(pk=review.pk).cleared == []


def test_reopening_says_what_is_withdrawn_and_carries_the_reason(client, world):
    review, people = world
    client.force_login(people["secretariat"])
    act = url("reviews:act", review.pk, "reopen")
    asked = {
        "version": review.version,
        "reason": "A <new> focal point.",
        "to": "initial_consultation",
    }
    html = client.post(act, asked).content.decode()
    assert "Reopen the review" in html
    assert (
        "The review moves from “Self-assessment questionnaire” to “Initial consultation”." in html
    )
    assert "Reason: A &lt;new&gt; focal point." in html
    assert "The record of the initial consultation is dropped" in html
    assert 'name="reason" value="A &lt;new&gt; focal point."' in html
    assert 'name="to" value="initial_consultation"' in html
    assert Review.objects.get(pk=review.pk).stage == "questionnaire"
    client.post(act, {**asked, **CONFIRMED})
    assert Review.objects.get(pk=review.pk).stage == "initial_consultation"


def test_the_confirmation_page_query_count_stays_flat(client, world):
    """As questions grow (a questionnaire of twice as many), and as answers grow (one, then
    eleven)."""
    review, people = world
    client.force_login(people["reviewed_fp"])
    act = url("reviews:act", review.pk, "clear")

    def confirmation():
        assert client.post(act).status_code == 200

    before = count_queries(confirmation)
    draft = actions.new_version(actions.template_for(review))
    for n, q in enumerate(list(draft.questions.all())):
        q.pk, q.key = None, f"extra-{n}"
        q.save()
    QuestionnaireTemplate.objects.filter(pk=draft.pk).update(published=True)
    questions = actions.questions_for(review, actions.template_for(review))
    assert len(questions) > 80
    assert count_queries(confirmation) == before
    answer(review, people, questions[0])
    few = count_queries(confirmation)
    for q in questions[1:12]:
        answer(review, people, q)
    assert count_queries(confirmation) == few


def test_the_feedback_confirmation_lists_the_articles_without_a_comment(client, fb):
    review, people, first, others = fb
    q = question("untoc-5-1a")
    feedback_page = url("questionnaires:feedback", review.pk)
    client.force_login(people["main_fp"])
    client.post(
        url("questionnaires:feedback_save", review.pk, q.pk), {"version": 0, "text": "Why?"}
    )
    act = url("reviews:act", review.pk, "clear")
    html = client.post(act).content.decode()
    assert "Clear the written feedback of" in html
    assert "comments on 1 of the" in html and "(comments written: 1)" in html
    assert "Articles without a comment" in html and f"{feedback_page}#a" in html
    assert f"{feedback_page}#a{q.article_id}" not in html  # commented
    assert "You may clear the feedback without them." in html
    assert Review.objects.get(pk=review.pk).cleared == []
    client.post(act, CONFIRMED)
    assert Review.objects.get(pk=review.pk).cleared == [first]
    for fp in people["all_fps"]:
        if fp != people["main_fp"]:
            reviews.act(review, "clear", by=fp, now=NOW)
    # Submitting: every reviewing party's line; frozen only once confirmed.
    submit = url("reviews:act", review.pk, "submit")
    html = client.post(submit).content.decode()
    assert "Submit the written feedback" in html
    assert html.count("articles given to it") == 1 + len(others)
    assert "The written feedback is frozen as submitted" in html
    assert not FeedbackSubmission.objects.exists()
    client.post(submit, CONFIRMED)
    assert Review.objects.get(pk=review.pk).stage == "observations"
    assert FeedbackSubmission.objects.get().snapshot["comments"][0]["text"] == "Why?"
    assert Comment.objects.count() == 1


def test_signing_off_and_completing_are_confirmed(client, obs):  # noqa: F811
    review, people = obs
    observations.save_version(review, by=people["expert"], now=NOW, based_on=0, sections=SECTIONS)
    sign = url("questionnaires:observations_sign", review.pk)
    fp = people["fps"][0]
    client.force_login(fp)
    html = client.post(sign, {"version": 1}).content.decode()
    assert "Sign off version 1 of the list of observations" in html
    assert "These sections are empty: Good practices; Technical-assistance needs." in html
    assert "Sections filled: Gaps and challenges; Recommendations; Summary" in html
    assert "Signed off so far by: —" in html
    assert 'name="version" value="1"' in html
    assert not SignOff.objects.exists()
    client.post(sign, {"version": 1, **CONFIRMED})
    assert SignOff.objects.get().by == fp
    for other in people["fps"][1:]:
        observations.sign_off(review, by=other, now=NOW, number=1)
    # Completing the review: what is published, and that no decision is recorded yet.
    client.force_login(people["secretariat"])
    submit = url("reviews:act", review.pk, "submit")
    html = client.post(submit).content.decode()
    assert "Complete the review" in html
    assert "Version 1 of the list of observations, signed off by every party" in html
    assert "recorded no publication decision: only the summary will be published" in html
    assert Review.objects.get(pk=review.pk).stage == "observations"
    client.post(submit, CONFIRMED)
    assert Review.objects.get(pk=review.pk).stage == "completed"


def test_a_publication_decision_is_confirmed_and_a_stale_one_refused(client, obs):  # noqa: F811
    review, people = obs
    target = url("questionnaires:observations_publication", review.pk)
    client.force_login(people["reviewed_fp"])
    asked = {"choice": "part", "section": ["recommendations", "gaps"], "based_on": 0}
    html = client.post(target, asked).content.decode()
    assert "Published: the summary and these sections: Gaps and challenges; Recommendations." in (
        html
    )
    assert "Once the review is completed, the public page of France shows this" in html
    assert html.count('name="section"') == 2 and 'name="based_on" value="0"' in html
    assert not PublicationDecision.objects.exists()
    client.post(target, {**asked, **CONFIRMED})
    decision = PublicationDecision.objects.get()
    assert decision.sections == ["gaps", "recommendations"]
    # The same confirmation again, from the page that showed no decision in force: refused.
    page = client.post(target, {**asked, "choice": "none", **CONFIRMED}, follow=True)
    assert "Another publication decision was recorded after you opened this page" in (
        page.content.decode()
    )
    assert PublicationDecision.objects.count() == 1
    client.post(target, {"choice": "none", "based_on": decision.pk, **CONFIRMED})
    assert observations.in_force(review).choice == "none"


def test_the_api_says_what_an_action_would_send_and_acts_without_a_confirm_field(client, world):
    """docs/decisions.md: a script's call is its confirmation; a client that asks its user to
    confirm reads the same summary as the page first (GET), which changes nothing."""
    review, people = world
    questions = actions.questions_for(review, actions.template_for(review))
    answer(review, people, questions[0])
    auth = {"HTTP_AUTHORIZATION": f"Token {token_for(people['reviewed_fp'])}"}
    path = f"/api/v1/reviews/{review.pk}/actions/clear/"
    summary = client.get(path, **auth).json()
    assert summary["title"] == "Clear the answers of France"
    assert summary["sent"] == [f"1 of {len(questions)} questions answered"]
    assert len(summary["missing"]) == len(questions) - 1
    assert summary["missing"][0]["url"].startswith("http://testserver/")
    assert summary["missing"][0]["url"].endswith(f"#q{questions[1].pk}")
    assert summary["version"] == review.version
    assert Review.objects.get(pk=review.pk).cleared == []
    refused = client.get(f"/api/v1/reviews/{review.pk}/actions/submit/", **auth)
    assert refused.status_code == 409 and "not cleared it yet" in refused.json()["detail"]
    done = client.post(path, {"version": review.version}, content_type="application/json", **auth)
    assert done.status_code == 200 and Review.objects.get(pk=review.pk).cleared == ["FRA"]


def test_the_questionnaire_page_offers_clearing_through_the_confirmation(client, world):
    """A task list's "clear and submit the answers" leads to the questionnaire's page: the
    button to clear is there, posting to the confirmation, and only for those who may clear."""
    review, people = world
    act = url("reviews:act", review.pk, "clear")
    client.force_login(people["reviewed_fp"])
    html = client.get(url("questionnaires:answers", review.pk)).content.decode()
    assert f'action="{act}"' in html and "Clear for my party" in html
    events = ReviewEvent.objects.filter(review=review).count()
    page = client.post(act, {"version": review.version})
    assert "Clear the answers of France" in page.content.decode()
    unchanged(review, events)
    # The party's expert writes answers but clearing is its focal point's.
    client.force_login(people["expert"])
    page = client.get(url("questionnaires:answers", review.pk))
    assert page.status_code == 200 and f'action="{act}"' not in page.content.decode()
