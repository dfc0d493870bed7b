"""A party's public profile (`/parties/<code>/`, public.profile): what a visitor reads of a
party's reviews (their stage, the day each step was completed, the reviewing parties), of the
reviews it takes part in as reviewer, and of what it published; never a draft, an answer, a
comment or a focal point's address. (Who sees the focal points: the permission matrix.)"""

import datetime as dt

import pytest
from django.utils import translation

from revmod.accounts.models import Nomination
from revmod.lots.models import Pairing
from revmod.questionnaires import actions as answering
from revmod.questionnaires import feedback, observations
from revmod.questionnaires.models import Question
from revmod.recommendations import actions as recommendations
from revmod.registry.models import Cluster
from revmod.reviews import actions as reviews
from revmod.test import (
    count_queries,
    fresh,
    load_questionnaire,
    make_people,
    make_user,
    make_world,
    nominate,
    shared_data,
    to_questionnaire,
)

pytestmark = pytest.mark.django_db

CONSULTED = dt.datetime(2021, 2, 1, 9, tzinfo=dt.UTC)
ANSWERED = dt.datetime(2021, 5, 3, 9, tzinfo=dt.UTC)
COMMENTED = dt.datetime(2021, 9, 1, 9, tzinfo=dt.UTC)
COMPLETED = dt.datetime(2022, 1, 10, 9, tzinfo=dt.UTC)
# What the review's people wrote: only the summary and the recommendations are published.
ANSWER = "Article 450-1 of the Penal Code answers it."
COMMENT = "The answer cites no case law."
DRAFT = "A first draft of the summary."
SECTIONS = {
    "gaps": "No register of seized assets.",
    "good_practices": "",
    "recommendations": "Create the register.",
    "assistance": "",
    "summary": "Largely in place.",
}
DRAFT_ANSWER = "Germany's answer, still a draft."
EVIDENCE = "The law was adopted on 1 March."
UNPUBLISHED = "Drafting the bill, not public yet."


def follow_up(secretariat, fp, party, number, **fields):
    adopted = recommendations.create_recommendation(
        by=secretariat,
        now=COMPLETED,
        session="Working group on trafficking in persons, 13th session",
        number=number,
        adopted_on=COMPLETED.date(),
        addressee="both",
        text_en="Name the focal points.",
        published=True,
    )
    return recommendations.record_follow_up(
        adopted, party=party, by=fp, now=COMPLETED, link="", on=COMPLETED.date(), **fields
    )


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    """FRA's review completed through every step on its own day (an answer, a comment, a draft
    of the list then the version signed, part of it published), a follow-up published and one
    not; DEU's review at the questionnaire with a draft answer."""
    with shared_data(request, django_db_blocker):
        secretariat, made = make_world()
        load_questionnaire()
        review = made["FRA"]
        people, _nominations = make_people(secretariat, review)
        fp = people["reviewed_fp"]
        to_questionnaire(review, fp, now=CONSULTED)
        question = Question.objects.get(key="untoc-5-1a", template__published=True)
        answering.save_answer(
            review,
            question,
            by=people["expert"],
            now=ANSWERED,
            version=0,
            value=["yes"],
            text=ANSWER,
        )
        reviews.act(review, "clear", by=fp, now=ANSWERED)
        reviews.act(review, "submit", by=fp, now=ANSWERED)
        fp_of = {
            n.party.code: n.person
            for n in Nomination.objects.active().filter(scope="reviewer", kind="focal_point")
        }
        reviewers = [fp_of[p.reviewer.code] for p in review.pairings()]
        feedback.save_comment(
            review, question, by=reviewers[0], now=COMMENTED, version=0, text=COMMENT
        )
        for reviewer in reviewers:
            reviews.act(review, "clear", by=reviewer, now=COMMENTED)
        reviews.act(review, "submit", by=reviewers[0], now=COMMENTED)
        observations.save_version(
            review, by=fp, now=COMPLETED, based_on=0, sections={**SECTIONS, "summary": DRAFT}
        )
        observations.save_version(review, by=fp, now=COMPLETED, based_on=1, sections=SECTIONS)
        for signer in [fp, *reviewers]:
            observations.sign_off(review, by=signer, now=COMPLETED, number=2)
        reviews.act(review, "submit", by=secretariat, now=COMPLETED)
        observations.decide_publication(
            review, by=fp, now=COMPLETED, choice="part", sections=["recommendations"]
        )
        follow_up(
            secretariat,
            fp,
            review.party,
            1,
            status="implemented",
            evidence=EVIDENCE,
            published=True,
        )
        follow_up(
            secretariat,
            fp,
            review.party,
            2,
            status="in_progress",
            evidence=UNPUBLISHED,
            published=False,
        )
        # Germany's review at the questionnaire, its answer a draft.
        other = made["DEU"]
        people["deu_fp"] = make_user("deu_fp")
        nominate(people["deu_fp"], "DEU", "focal_point", "own", secretariat)
        for pairing in other.pairings():
            if pairing.reviewer.code not in fp_of:
                code = pairing.reviewer.code
                fp_of[code] = make_user(f"fp_{code}")
                nominate(fp_of[code], code, "focal_point", "reviewer", secretariat)
        to_questionnaire(other, people["deu_fp"], now=CONSULTED)
        answering.save_answer(
            other,
            question,
            by=people["deu_fp"],
            now=ANSWERED,
            version=0,
            value=["yes"],
            text=DRAFT_ANSWER,
        )
        yield review, other, people


@pytest.fixture
def world(shared_world, db):
    return fresh(shared_world)


def page(client, code, language="en") -> str:
    response = client.get(f"/{language}/parties/{code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_visitor_follows_the_review_and_reads_only_what_was_published(client, world):
    review, other, people = world
    html = page(client, "FRA")
    # The stage and the day each step was completed, as <time> elements.
    assert "Completed" in html
    for day, step in [
        ("2021-01-04", "Focal points named"),
        ("2021-02-01", "Initial consultation held"),
        ("2021-05-03", "Questionnaire answers submitted"),
        ("2021-09-01", "Written feedback completed"),
        ("2022-01-10", "List of observations and summary completed"),
    ]:
        assert step in html
        assert f'<time datetime="{day}">' in html, step
    # The reviewing parties in force, linked to their own profiles.
    for pairing in review.pairings():
        assert f'href="/en/parties/{pairing.reviewer.code}/"' in html
    # What was published: the summary, the recommendations, the published follow-up.
    assert SECTIONS["summary"] in html and SECTIONS["recommendations"] in html
    assert EVIDENCE in html
    assert "Answers the party published" in html
    assert "The party has published none of its answers." in html
    # Nothing else: the answer, the comment, the draft, the unpublished section and follow-up,
    # the focal points' addresses.
    for secret in [ANSWER, COMMENT, DRAFT, SECTIONS["gaps"], UNPUBLISHED]:
        assert secret not in html, secret
    assert "@example.org" not in html
    assert "focal-points-title" not in html
    # Germany's review at the questionnaire: its stage, no date for what is not done, no draft.
    html = page(client, "DEU")
    assert "Self-assessment questionnaire" in html
    assert '<time datetime="2021-02-01">' in html  # its consultation
    assert "Questionnaire answers submitted</th><td>not yet" in html
    assert DRAFT_ANSWER not in html and "@example.org" not in html


def test_a_reviewing_party_lists_the_reviews_it_takes_part_in(client, world):
    review, _other, _people = world
    pairing = Pairing.objects.active().filter(reviewed=review.party).first()
    html = page(client, pairing.reviewer.code)
    section = html[html.index("Reviews in which this party is a reviewing party") :]
    assert f'href="/en/parties/{review.party.code}/"' in section
    assert pairing.get_role_display() in section
    assert "No country review of this party has started." in html  # not under review itself


def test_a_step_reopened_shows_no_date_until_submitted_again(client, world):
    review, _other, people = world
    reviews.act(
        review,
        "reopen",
        by=people["secretariat"],
        now=COMPLETED,
        reason="The summary must be redone.",
        to="written_feedback",
    )
    html = page(client, "FRA")
    assert '<time datetime="2021-05-03">' in html  # the answers, still submitted
    assert '<time datetime="2021-09-01">' not in html  # the feedback, reopened
    assert "Written feedback completed</th><td>not yet" in html


@pytest.mark.parametrize("language", ["ar", "zh-hans", "en", "fr", "ru", "es"])
def test_the_profile_in_each_language(client, world, language):
    html = page(client, "FRA", language)
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    with translation.override(language):
        from django.utils.translation import gettext

        for text in [
            "Country reviews",
            "Steps completed",
            "Reviews in which this party is a reviewing party",
            "Answers the party published",
            "Follow-up of the recommendations",
        ]:
            assert gettext(text) in html
            assert language == "en" or gettext(text) != text, text


def test_the_profile_query_count_stays_flat(client, world):
    """As the party's reviews (clusters), their events, its pairings, follow-ups and the
    parties' people grow: the same queries, at most 15, for a visitor and a participant."""
    review, _other, people = world
    reviewer = Pairing.objects.active().filter(reviewed=review.party).first().reviewer.code
    participant = people["reviewer_fp"]

    def counts():
        client.logout()
        found = [count_queries(lambda code=code: page(client, code)) for code in ("FRA", reviewer)]
        client.force_login(participant)
        found += [count_queries(lambda code=code: page(client, code)) for code in ("FRA", reviewer)]
        assert "@example.org" in page(client, "FRA")
        return found

    few = counts()
    assert max(few) <= 15, few
    secretariat = people["secretariat"]
    for cluster in Cluster.objects.exclude(reviews__isnull=False):
        started = reviews.start_cluster(
            cluster,
            groups=[review.group],
            by=secretariat,
            now=COMPLETED,
            starts_on=COMPLETED.date(),
            parties=[review.party.code],
            reason="Ready early.",
        )
        to_questionnaire(started[0], people["reviewed_fp"], now=COMPLETED)
    for number in range(3, 7):
        follow_up(
            secretariat,
            people["reviewed_fp"],
            review.party,
            number,
            status="implemented",
            evidence="Done.",
            published=True,
        )
    for n in range(4):
        nominate(make_user(f"extra_{n}"), "FRA", "expert", "own", secretariat)
    assert counts() == few
