"""The list of observations and its summary: numbered versions, concurrent saves, the diff,
sign-off of one frozen version, completion, and the publication decision."""

import pytest
from django.db import connection
from django.utils.html import escape

from revmod.lib.appendonly import maintenance
from revmod.lib.confirm import CONFIRMED
from revmod.questionnaires import observations
from revmod.questionnaires.models import ObservationVersion, PublicationDecision, SignOff
from revmod.questionnaires.tests.test_questionnaires import (
    NOW,
    url,
)
from revmod.reviews import actions as reviews
from revmod.reviews.models import Review, ReviewEvent
from revmod.test import count_queries

pytestmark = pytest.mark.django_db
SECTIONS = {
    "gaps": "No law on <script>alert(1)</script>.",
    "good_practices": "",
    "recommendations": "Adopt a law.",
    "assistance": "",
    "summary": "Mostly in place.",
}


@pytest.fixture
def obs(fb):
    """The review at the observations stage (the feedback submitted); its focal points."""
    review, people, first, others = fb
    fps = people["all_fps"]
    for fp in fps:
        reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=people["main_fp"], now=NOW)
    review.refresh_from_db()
    assert review.stage == "observations"
    people["fps"] = [people["reviewed_fp"], *fps]
    return review, people


def save(client, review, based_on, **sections):
    return client.post(
        url("questionnaires:observations_save", review.pk),
        {**SECTIONS, **sections, "based_on": based_on},
    )


def test_every_save_is_a_new_version_and_a_stale_one_is_refused(client, obs):
    review, people = obs
    client.force_login(people["expert"])  # the party under review's expert
    assert save(client, review, 0).status_code == 302
    client.force_login(people["reviewer_expert"])
    assert save(client, review, 1, recommendations="Adopt a law.\nTrain judges.").status_code == 302
    first, second = ObservationVersion.objects.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert first.sections["recommendations"] == "Adopt a law."  # never overwritten
    assert second.sha256 == observations.digest(second.sections) != first.sha256
    # A save based on version 1 after version 2 exists is refused, showing version 2.
    client.force_login(people["reviewed_fp"])
    response = save(client, review, 1, summary="My summary.")
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved a new version after you opened this one." in body
    assert "Train judges." in body and "My summary." in body
    assert 'name="based_on" value="2"' in body
    assert ObservationVersion.objects.count() == 2
    # Observers and the secretariat read, and do not draft.
    for name in ["observer", "secretariat"]:
        client.force_login(people[name])
        assert save(client, review, 2).status_code == 403, name
        assert (
            "Train judges."
            in client.get(url("questionnaires:observations", review.pk)).content.decode()
        )
    client.force_login(people["outsider"])
    assert client.get(url("questionnaires:observations", review.pk)).status_code == 404
    assert save(client, review, 2).status_code == 404


def test_the_diff_is_readable_and_escaped(client, obs):
    review, people = obs
    by = people["expert"]
    observations.save_version(review, by=by, now=NOW, based_on=0, sections=SECTIONS)
    observations.save_version(
        review, by=by, now=NOW, based_on=1, sections={**SECTIONS, "gaps": "No law on <b>x</b>."}
    )
    client.force_login(people["reviewer_fp"])
    diff = url("questionnaires:observations_diff", review.pk)
    assert client.get(diff).status_code == 200  # the choice of versions
    body = client.get(diff, {"a": 1, "b": 2}).content.decode()
    assert "<del>− No law on &lt;script&gt;alert(1)&lt;/script&gt;.</del>" in body
    assert "<ins>+ No law on &lt;b&gt;x&lt;/b&gt;.</ins>" in body
    assert "<script>alert(1)" not in body
    assert client.get(diff, {"a": 1, "b": 9}).status_code == 404
    client.force_login(people["outsider"])
    assert client.get(diff, {"a": 1, "b": 2}).status_code == 404


def test_completion_needs_every_party_to_sign_the_same_version(client, obs):
    review, people = obs
    fps, secretariat = people["fps"], people["secretariat"]
    v1 = observations.save_version(
        review, by=people["expert"], now=NOW, based_on=0, sections=SECTIONS
    )
    # The generic "clear" does not stand in for a sign-off, and is not offered either.
    with pytest.raises(reviews.ReviewError, match="Sign off"):
        reviews.act(review, "clear", by=fps[0], now=NOW)
    assert "clear" not in reviews.allowed(review, fps[0])
    client.force_login(fps[0])
    page = client.get(url("reviews:detail", review.pk)).content.decode()
    assert url("reviews:act", review.pk, "clear") not in page
    for fp in fps[:-1]:
        observations.sign_off(review, by=fp, now=NOW, number=1)
    # A new version before the last party signs: the sign-offs were of another text.
    v2 = observations.save_version(
        review,
        by=people["reviewer_expert"],
        now=NOW,
        based_on=1,
        sections={**SECTIONS, "summary": "Changed."},
    )
    review.refresh_from_db()
    assert review.cleared == []
    with pytest.raises(observations.ObservationError, match="latest version"):
        observations.sign_off(review, by=fps[-1], now=NOW, number=1)
    observations.sign_off(review, by=fps[-1], now=NOW, number=2)
    with pytest.raises(reviews.ReviewError):
        reviews.act(review, "submit", by=secretariat, now=NOW)
    with pytest.raises(observations.ObservationError, match="Only a focal point"):
        observations.sign_off(review, by=people["expert"], now=NOW, number=2)
    client.force_login(fps[0])
    sign = {"version": 2, **CONFIRMED}
    response = client.post(url("questionnaires:observations_sign", review.pk), sign)
    assert response.status_code == 302
    for fp in fps[1:-1]:
        observations.sign_off(review, by=fp, now=NOW, number=2)
    with pytest.raises(observations.ObservationError, match="already signed"):
        observations.sign_off(review, by=fps[0], now=NOW, number=2)
    assert set(SignOff.objects.filter(version=v1).values_list("by", flat=True)) == {
        fp.pk for fp in fps[:-1]
    }
    page = client.get(url("questionnaires:observations", review.pk)).content.decode()
    assert v2.sha256 in page
    reviews.act(review, "submit", by=secretariat, now=NOW)
    review.refresh_from_db()
    assert review.stage == "completed"
    assert ReviewEvent.objects.filter(kind="observations_signed").count() == 2 * len(fps) - 1
    with pytest.raises(observations.ObservationError, match="only at the observations stage"):
        observations.save_version(
            review, by=people["expert"], now=NOW, based_on=2, sections=SECTIONS
        )


def test_the_party_under_review_decides_on_publication(client, obs):
    review, people = obs
    target = url("questionnaires:observations_publication", review.pk)
    for name in ["reviewer_fp", "expert", "observer", "secretariat"]:
        client.force_login(people[name])
        client.post(target, {"choice": "full"})
    assert not PublicationDecision.objects.exists()
    with pytest.raises(observations.ObservationError, match="which parts"):
        observations.decide_publication(review, by=people["reviewed_fp"], now=NOW, choice="part")
    with pytest.raises(observations.ObservationError, match="among the sections"):
        observations.decide_publication(
            review,
            by=people["reviewed_fp"],
            now=NOW,
            choice="part",
            sections=["summary", "secrets"],
        )
    client.force_login(people["reviewed_fp"])
    client.post(
        target,
        {
            "choice": "part",
            "section": ["recommendations", "good_practices"],
            "parts": "Paragraph 3 left out.",
            **CONFIRMED,
        },
    )
    decision = PublicationDecision.objects.get()
    assert (decision.choice, decision.sections, decision.parts, decision.by) == (
        "part",
        ["good_practices", "recommendations"],
        "Paragraph 3 left out.",
        people["reviewed_fp"],
    )
    assert decision.at is not None
    page = client.get(url("questionnaires:observations", review.pk)).content.decode()
    assert "Good practices; Recommendations (Paragraph 3 left out.)" in page
    assert "recorded by reviewed_fp" in page
    full = observations.decide_publication(
        review, by=people["reviewed_fp"], now=NOW, choice="full", sections=["gaps"]
    )
    assert full.sections == observations.PUBLISHABLE


def complete(review, people, sections):
    """Save `sections` as the list of observations, every party signs it, the review completes."""
    observations.save_version(review, by=people["expert"], now=NOW, based_on=0, sections=sections)
    for fp in people["fps"]:
        observations.sign_off(review, by=fp, now=NOW, number=1)
    reviews.act(review, "submit", by=people["secretariat"], now=NOW)
    review.refresh_from_db()
    assert review.stage == "completed"


@pytest.mark.parametrize(
    "choice, sections, shown, hidden",
    [
        (None, [], ["Mostly in place."], ["No law on", "Adopt a law."]),
        ("none", [], ["Mostly in place."], ["No law on", "Adopt a law."]),
        ("part", ["recommendations"], ["Mostly in place.", "Adopt a law."], ["No law on"]),
        ("full", [], ["Mostly in place.", "Adopt a law.", "No law on"], []),
    ],
)
def test_the_public_reads_what_the_party_under_review_published(
    client, obs, choice, sections, shown, hidden
):
    review, people = obs
    public = url("party-detail", "FRA")
    # Nothing while the three parties are still drafting, whatever is decided already.
    observations.save_version(
        review,
        by=people["expert"],
        now=NOW,
        based_on=0,
        sections={**SECTIONS, "summary": "Draft summary."},
    )
    observations.decide_publication(review, by=people["reviewed_fp"], now=NOW, choice="full")
    page = client.get(public).content.decode()
    assert "Draft summary." not in page and "No law on" not in page
    assert "No country review of this party is completed yet." in page
    observations.save_version(review, by=people["expert"], now=NOW, based_on=1, sections=SECTIONS)
    for fp in people["fps"]:
        observations.sign_off(review, by=fp, now=NOW, number=2)
    reviews.act(review, "submit", by=people["secretariat"], now=NOW)
    # Each case decides (or not) after completion: the decisions are append-only, taken away
    # through the maintenance door (lib.appendonly).
    with maintenance(connection, "test"):
        PublicationDecision.objects.all().delete()
    if choice:
        observations.decide_publication(
            review, by=people["reviewed_fp"], now=NOW, choice=choice, sections=sections
        )
    client.logout()
    page = client.get(public).content.decode()
    assert all(text in page for text in shown), shown
    assert not any(text in page for text in hidden), hidden
    assert "Draft summary." not in page
    assert "&lt;script&gt;" in page or "No law on" not in page  # escaped when shown


def test_the_public_party_page_query_count_stays_flat(client, obs):
    review, people = obs
    public = url("party-detail", "FRA")
    complete(review, people, SECTIONS)
    observations.decide_publication(review, by=people["reviewed_fp"], now=NOW, choice="none")
    few = count_queries(lambda: client.get(public))
    for choice in ["part", "full", "none", "full"]:
        observations.decide_publication(
            review, by=people["reviewed_fp"], now=NOW, choice=choice, sections=["gaps"]
        )
    assert count_queries(lambda: client.get(public)) == few
    assert "No law on" in client.get(public).content.decode()  # the latest decision: full


def test_the_observations_pages_query_counts_stay_flat(client, obs):
    review, people = obs
    client.force_login(people["reviewer_fp"])
    page = url("questionnaires:observations", review.pk)
    diff = url("questionnaires:observations_diff", review.pk)
    observations.save_version(review, by=people["expert"], now=NOW, based_on=0, sections=SECTIONS)
    observations.save_version(
        review, by=people["expert"], now=NOW, based_on=1, sections={**SECTIONS, "summary": "1"}
    )
    observations.sign_off(review, by=people["reviewed_fp"], now=NOW, number=2)
    few = (
        count_queries(lambda: client.get(page)),
        count_queries(lambda: client.get(diff, {"a": 1, "b": 2})),
    )
    for n in range(2, 8):
        observations.save_version(
            review,
            by=people["expert"],
            now=NOW,
            based_on=n,
            sections={**SECTIONS, "summary": str(n)},
        )
        for fp in people["fps"]:
            observations.sign_off(review, by=fp, now=NOW, number=n + 1)
    many = (
        count_queries(lambda: client.get(page)),
        count_queries(lambda: client.get(diff, {"a": 1, "b": 8})),
    )
    assert many == few


def test_the_secretariat_signs_off_on_behalf_of_a_party_that_cannot(client, obs):
    """Seed ¶33 (the digital gap): with a reason, recorded and shown."""
    review, people = obs
    observations.save_version(review, by=people["expert"], now=NOW, based_on=0, sections=SECTIONS)
    code = review.pairings().order_by("reviewer__code").first().reviewer.code
    page = url("questionnaires:observations", review.pk)
    sign = url("questionnaires:observations_sign", review.pk)
    client.force_login(people["secretariat"])
    assert "Act on behalf of a party" in client.get(page).content.decode()
    refused = client.post(sign, {"version": 1, "on_behalf_of": code}, follow=True)
    assert "Say why the secretariat acts on behalf of the party." in refused.content.decode()
    assert not SignOff.objects.exists()
    done = client.post(
        sign,
        {"version": 1, "on_behalf_of": code, "reason": "No access to the Internet.", **CONFIRMED},
        follow=True,
    )
    assert "Signed off on the party" in done.content.decode()
    signed = SignOff.objects.get()
    assert (signed.party.code, signed.by) == (code, people["secretariat"])
    event = ReviewEvent.objects.get(review=review, kind="observations_signed")
    assert event.data["on_behalf_of"] == code and event.data["reason"]
    assert code in Review.objects.get(pk=review.pk).cleared
    # An observer cannot, whatever the form says.
    client.force_login(people["observer"])
    client.post(sign, {"version": 1, "on_behalf_of": review.party.code, "reason": "x"})
    assert SignOff.objects.count() == 1


def test_the_sign_offs_name_the_parties(client, obs):
    """Who signed off, who has not, and the secretariat's choice of a party to act for: by the
    parties' names, not their codes."""
    review, people = obs
    observations.save_version(review, by=people["expert"], now=NOW, based_on=0, sections=SECTIONS)
    signer = review.pairings().order_by("reviewer__code").first().reviewer
    observations.sign_off(
        review, by=people["secretariat"], now=NOW, number=1, on_behalf_of=signer.code, reason="x"
    )
    client.force_login(people["secretariat"])
    page = client.get(url("questionnaires:observations", review.pk)).content.decode()
    name, own = escape(signer.name_en), escape(review.party.name_en)
    assert f"<li>{name}: signed off this version</li>" in page
    assert f"<li>{own}: not yet</li>" in page
    assert f'<option value="{review.party.code}">{own}</option>' in page
    assert f"<li>{signer.code}:" not in page and f">{review.party.code}</option>" not in page
