"""Publication of the answers by consent (issue 20, item 2): the party under review's focal
point publishes all, some sections or none of its submitted answers and their files; the public
reads exactly what the decision in force publishes, as frozen when submitted; a new decision
revokes the previous one; every refusal says why and records nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import translation

from revmod.lib.confirm import CONFIRMED
from revmod.questionnaires import actions, publication
from revmod.questionnaires.models import (
    Answer,
    AnswerAttachment,
    AnswerPublication,
    AnswerSet,
    AnswerSubmission,
)
from revmod.questionnaires.tests.test_questionnaires import NOW, question, url
from revmod.registry.models import Cluster
from revmod.reviews import actions as reviews
from revmod.reviews.models import Review, ReviewEvent
from revmod.test import PDF, count_queries

pytestmark = pytest.mark.django_db
LAW = PDF  # the published file's bytes
SECRET = PDF + b"%secret"  # a file of a section that stays unpublished


def attach(review, people, key, text, data, name):
    actions.save_answer(
        review,
        question(key),
        by=people["expert"],
        now=NOW,
        version=0,
        value=["yes"],
        text=text,
        attach=[SimpleUploadedFile(name, data, content_type="application/pdf")],
        language="en",
    )


@pytest.fixture
def submitted(world):
    """The review's answers submitted: article 5 answered with `law.pdf` attached, article 6
    with `secret.pdf`; the files' (document, version) by section."""
    review, people = world
    attach(review, people, "untoc-5-1a", "Penal Code <art. 450-1>.", LAW, "law.pdf")
    attach(review, people, "untoc-6-1", "Not yet in force.", SECRET, "secret.pdf")
    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    review.refresh_from_db()
    files = {
        a.answer.question.key.split("-")[1]: (a.version.document_id, a.version.number)
        for a in AnswerAttachment.objects.select_related("answer__question", "version")
    }
    return review, people, files


def file_url(review, found):
    return url("questionnaires:published_file", review.pk, *found)


def decide(client, review, **data):
    return client.post(url("questionnaires:answers_publication", review.pk), data)


def test_the_focal_point_publishes_some_sections_and_the_public_gets_exactly_them(
    client, submitted
):
    review, people, files = submitted
    client.force_login(people["reviewed_fp"])
    page = client.get(url("questionnaires:answers_publication", review.pk)).content.decode()
    assert "No decision recorded yet: none of the answers is published." in page
    assert 'value="UNTOC-5"' in page and 'value="UNTOC-6"' in page
    # The first post shows what will be published and changes nothing.
    shown = decide(client, review, choice="some", section="UNTOC-5", based_on=0)
    assert shown.status_code == 200 and "article 5:" in shown.content.decode()
    assert not AnswerPublication.objects.exists()
    confirmed = decide(client, review, choice="some", section="UNTOC-5", based_on=0, **CONFIRMED)
    assert confirmed.status_code == 302
    decision = AnswerPublication.objects.get()
    assert (decision.choice, decision.sections, decision.by) == (
        "some",
        ["UNTOC-5"],
        people["reviewed_fp"],
    )
    assert decision.submission == AnswerSubmission.objects.get()
    event = ReviewEvent.objects.get(kind=publication.EVENT)
    assert event.data["sections"] == ["UNTOC-5"] and event.actor == people["reviewed_fp"]
    # A draft changed afterwards (the ORM: the answers are frozen for people) is not published:
    # the public reads the submission.
    Answer.objects.filter(question=question("untoc-5-1a")).update(text="A later draft.")
    [found] = publication.published_answers(review.party)
    assert [s.key for s in found.sections] == ["UNTOC-5"]
    [answer] = found.sections[0].answers
    assert (answer.question.key, answer.value, answer.text) == (
        "untoc-5-1a",
        ["Yes"],
        "Penal Code <art. 450-1>.",
    )
    assert [(f.name, f.language) for f in answer.files] == [("law.pdf", "en")]
    # The partial the public page includes: escaped, right-to-left ready, a region per table.
    with translation.override("ar"):
        html = render_to_string(
            "questionnaires/_published_answers.html",
            {"published_answers": publication.published_answers(review.party)},
        )
    assert "Penal Code &lt;art. 450-1&gt;." in html and "A later draft." not in html
    assert "Not yet in force." not in html and "secret.pdf" not in html
    assert 'dir="auto"' in html and 'class="table-scroll" role="region" tabindex="0"' in html
    assert f'aria-labelledby="pa{review.pk}-UNTOC-5"' in html
    # Anyone downloads the published file; the other section's is not found.
    client.logout()
    served = client.get(file_url(review, files["5"]))
    assert served.status_code == 200 and b"".join(served.streaming_content) == LAW
    assert client.get(file_url(review, files["6"])).status_code == 404


def test_a_new_decision_revokes_the_previous_one_for_the_future(client, submitted):
    review, people, files = submitted
    fp = people["reviewed_fp"]
    first = publication.decide(review, by=fp, now=NOW, choice="all", sections=["UNTOC-6"])
    assert first.sections == [s.key for s in publication.sections_of(review, first.submission)]
    assert client.get(file_url(review, files["6"])).status_code == 200
    publication.decide(review, by=fp, now=NOW, choice="none", based_on=first.pk)
    assert publication.published_answers(review.party) == []
    assert all(client.get(file_url(review, f)).status_code == 404 for f in files.values())
    assert AnswerPublication.objects.count() == 2  # the history is kept
    client.force_login(fp)
    page = client.get(url("questionnaires:answers_publication", review.pk)).content.decode()
    assert "None of the answers" in page and "Earlier decisions" in page
    # A page opened before the revocation cannot publish again unseen.
    stale = decide(client, review, choice="all", based_on=first.pk, **CONFIRMED)
    assert "Another publication decision was recorded" in client.get(stale.url).content.decode()
    assert AnswerPublication.objects.count() == 2


def test_refusals_say_why_and_record_nothing(client, world):
    review, people = world
    target = url("questionnaires:answers_publication", review.pk)
    # Not submitted yet: even the focal point is refused, with a message.
    client.force_login(people["reviewed_fp"])
    refused = client.post(target, {"choice": "all", **CONFIRMED}, follow=True)
    assert "only once they have been submitted" in refused.content.decode()
    attach(review, people, "untoc-5-1a", "Text.", LAW, "law.pdf")
    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    # Someone else: the expert, the observer, a reviewing party, the secretariat.
    for name in ["expert", "observer", "reviewer_fp", "secretariat"]:
        client.force_login(people[name])
        page = client.post(target, {"choice": "all", **CONFIRMED}, follow=True)
        assert "Only the focal point of the party under review decides" in page.content.decode()
    fp = people["reviewed_fp"]
    for choice, sections, message in [
        ("some", ["UNTOC-99"], "among the sections"),
        ("some", [], "Choose the sections"),
        ("everything", [], "all, some or none"),
    ]:
        with pytest.raises(publication.PublicationError, match=message):
            publication.decide(review, by=fp, now=NOW, choice=choice, sections=sections)
    client.force_login(fp)
    page = client.post(target, {"choice": "some", "section": "UNTOC-99"}, follow=True)
    assert "Choose among the sections of the questionnaire." in page.content.decode()
    assert not AnswerPublication.objects.exists()


def test_the_api_decides_as_the_page_and_refuses_malformed_bodies(client, submitted):
    review, people, _files = submitted
    api = f"/api/v1/reviews/{review.pk}/answers-publication/"

    def post(body):
        return client.post(api, json.dumps(body), content_type="application/json")

    client.force_login(people["expert"])
    assert client.get(api).json()["may_decide"] is False
    assert post({"choice": "all"}).status_code == 403
    client.force_login(people["reviewed_fp"])
    state = client.get(api).json()
    assert state["in_force"] is None and state["may_decide"] is True
    keys = [s["key"] for s in state["sections"]]  # every article of the questionnaire
    assert {"UNTOC-5", "UNTOC-6"} <= set(keys) and len(keys) == len(set(keys))
    for body in [["all"], {"choice": 1}, {"choice": "some", "sections": "UNTOC-5"}]:
        assert post(body).status_code == 400, body
    assert post({"choice": "some", "sections": ["UNTOC-99"]}).status_code == 400
    assert post({"choice": "all", "based_on": 7}).status_code == 409
    assert not AnswerPublication.objects.exists()
    done = post({"choice": "some", "sections": ["UNTOC-6"], "based_on": 0})
    assert done.status_code == 200
    assert done.json()["in_force"]["sections"] == ["UNTOC-6"]
    assert [s.key for s in publication.published_answers(review.party)[0].sections] == ["UNTOC-6"]
    client.force_login(people["outsider"])
    assert client.get(api).status_code == 404


def test_published_answers_query_count_stays_flat_as_reviews_grow(submitted):
    """Other reviews of the party (other clusters, written here through the models: the
    shipped questionnaire is cluster 1's), each with the same answers submitted and
    published."""
    review, people, _files = submitted
    fp = people["reviewed_fp"]
    publication.decide(review, by=fp, now=NOW, choice="all")
    publication.published_answers(review.party)  # what is read once per process
    few = count_queries(lambda: publication.published_answers(review.party))
    submission = AnswerSubmission.objects.select_related("answer_set").get()
    for cluster in Cluster.objects.exclude(pk=review.cluster_id):
        other = Review.objects.create(
            party=review.party,
            cluster=cluster,
            group=review.group,
            started_on=review.started_on,
            stage=review.stage,
            stage_since=NOW,
        )
        answer_set = AnswerSet.objects.create(
            review=other, template=submission.answer_set.template, created_at=NOW
        )
        copy = AnswerSubmission.objects.create(
            answer_set=answer_set,
            at=NOW,
            by=fp,
            sha256=submission.sha256,
            snapshot=submission.snapshot,
        )
        for choice in ["none", "all"]:  # the one in force is the latest
            AnswerPublication.objects.create(
                review=other, submission=copy, choice=choice, sections=["UNTOC-5"], by=fp, at=NOW
            )
    found = publication.published_answers(review.party)
    assert len(found) == Cluster.objects.count() > 1
    assert count_queries(lambda: publication.published_answers(review.party)) == few


def test_the_publication_page_query_count_stays_flat_as_decisions_grow(client, submitted):
    review, people, _files = submitted
    fp = people["reviewed_fp"]
    page = url("questionnaires:answers_publication", review.pk)
    client.force_login(fp)
    publication.decide(review, by=fp, now=NOW, choice="some", sections=["UNTOC-5"])
    client.get(page)  # what is read once per process
    few = count_queries(lambda: client.get(page))
    for choice in ["none", "all", "some", "all"]:
        publication.decide(review, by=fp, now=NOW, choice=choice, sections=["UNTOC-6"])
    assert count_queries(lambda: client.get(page)) == few
    assert "secret.pdf" in client.get(page).content.decode()  # the latest: all
