"""Reviews come from the draws (issue 13): publishing a full draw creates the review of every
party it placed, a late-joiner draw the late joiners', a redraw none; on a fresh install, from
the pages, with no demo."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from revmod.lots import actions as lots
from revmod.lots.models import Draw, Meeting, Pairing, ReviewGroup
from revmod.registry.models import Cluster
from revmod.reviews.models import Review, ReviewEvent
from revmod.test import count_queries, make_user

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2020, 11, 16, 12, tzinfo=dt.UTC)
GROUPS = {1: dt.date(2020, 12, 1), 2: dt.date(2021, 11, 1), 3: dt.date(2022, 11, 1)}


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def secretariat(registry):
    for number, day in GROUPS.items():
        ReviewGroup.objects.create(number=number, starts_on=day)
    return make_user("secretariat", secretariat=True)


def hold(draw, now=NOW, by=None):
    draw = lots.enter_entropy(lots.announce(draw, now=now), entropy="3 1 4 1 5", now=now)
    return lots.publish(lots.perform_draw(draw, now=now), now=now, by=by)


def test_publishing_the_full_draw_through_the_pages_creates_every_review(client, secretariat):
    client.force_login(secretariat)
    client.post(url("lots:meeting-list"), {"held_on": "2020-11-16", "title": "Drawing of lots"})
    meeting = Meeting.objects.get()
    client.post(url("lots:draw-prepare"), {"kind": "initial", "meeting": meeting.pk})
    draw = Draw.objects.get()
    for step, data in [("announce", {}), ("entropy", {"entropy": "11 22 33"}), ("draw", {})]:
        client.post(url("lots:draw-step", draw.pk, step), data)
        assert not Review.objects.exists(), "no review before the result is published"
    client.post(url("lots:draw-step", draw.pk, "publish"))
    reviews = Review.objects.select_related("cluster", "group")
    # 187 parties to the Convention on 16 November 2020 (Bhutan and South Sudan joined in 2023).
    assert reviews.count() == Pairing.objects.values("reviewed").distinct().count() == 187
    assert {r.cluster.review_order for r in reviews} == {1}  # the cluster reviewed first
    assert all(r.started_on == GROUPS[r.group.number] for r in reviews)
    assert {r.stage for r in reviews} == {"awaiting_nominations"}
    created = ReviewEvent.objects.filter(kind="created")
    assert created.count() == 187 and {e.actor for e in created} == {secretariat}
    # The secretariat sees them on its reviews page, by group, 50 a page.
    page = client.get(url("reviews:list") + "?group=1").content.decode()
    assert f"Reviews 1–50 of {reviews.filter(group__number=1).count()}" in page
    page += client.get(url("reviews:list") + "?group=1&page=2").content.decode()
    first = [escape(r.party.label) for r in reviews.filter(group__number=1).select_related("party")]
    others = [
        escape(r.party.label) for r in reviews.exclude(group__number=1).select_related("party")
    ]
    assert 60 <= len(first) <= 64 and all(label in page for label in first)
    assert not any(f">{label}<" in page for label in others)


def test_a_late_joiner_gets_its_review_and_a_redraw_none(secretariat):
    meeting = lots.create_meeting(held_on=NOW.date(), title="Drawing of lots")
    hold(lots.prepare_draw(kind="initial", meeting=meeting, by=secretariat, now=NOW))
    before = set(Review.objects.values_list("pk", "party__code"))
    late_day = dt.datetime(2023, 12, 5, 12, tzinfo=dt.UTC)
    meeting = lots.create_meeting(held_on=late_day.date(), title="Late joiners")
    hold(
        lots.prepare_draw(kind="late", meeting=meeting, by=secretariat, now=late_day),
        now=late_day,
        by=secretariat,
    )
    after = set(Review.objects.values_list("pk", "party__code"))
    assert before < after and {code for _pk, code in after - before} == {"BTN", "SSD"}
    late = Review.objects.filter(party__code__in=["BTN", "SSD"]).select_related("group")
    assert {r.group.number for r in late} == {3} and {r.cluster.number for r in late} == {1}
    # A redraw replaces a reviewer; the reviews stay as they are.
    pairing = Pairing.objects.active().filter(reviewed__code="BTN").first()
    request = lots.record_redraw_request(
        pairing=pairing,
        requested_by=pairing.reviewed,
        reason="Conflict of interest.",
        received_on=late_day.date(),
        by=secretariat,
    )
    meeting = lots.create_meeting(held_on=dt.date(2024, 5, 1), title="Redraw")
    redraw = lots.prepare_draw(
        kind="redraw", meeting=meeting, by=secretariat, now=late_day, requests=[request]
    )
    hold(redraw, now=late_day, by=secretariat)
    assert set(Review.objects.values_list("pk", "party__code")) == after


def test_a_failing_hook_publishes_nothing(secretariat, monkeypatch):
    """The reviews are created in the publication's transaction: if creating them fails, the
    draw is not published either (no pairings in force without their reviews)."""
    meeting = lots.create_meeting(held_on=NOW.date(), title="Drawing of lots")
    draw = lots.prepare_draw(kind="initial", meeting=meeting, by=secretariat, now=NOW)
    draw = lots.perform_draw(
        lots.enter_entropy(lots.announce(draw, now=NOW), entropy="2 7 1 8", now=NOW), now=NOW
    )

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(lots.PUBLISHED, "handlers", [*lots.PUBLISHED.handlers, broken])
    with pytest.raises(RuntimeError):
        lots.publish(draw, now=NOW, by=secretariat)
    draw.refresh_from_db()
    assert draw.status == Draw.Status.DRAWN
    assert not Pairing.objects.exists() and not Review.objects.exists()


# --- Starting the next cluster (the 70 % rule, seed ¶25) ---------------------------------------


def started(client, secretariat):
    meeting = lots.create_meeting(held_on=NOW.date(), title="Drawing of lots")
    hold(
        lots.prepare_draw(
            kind="initial",
            meeting=meeting,
            by=secretariat,
            now=NOW,
            reviewed=["KEN", "FRA", "BRA", "JPN", "POL", "UGA"],
            sizes=[2, 2, 2],
        ),
        by=secretariat,
    )
    client.force_login(secretariat)


def test_the_next_cluster_waits_for_the_rule_or_a_recorded_reason(client, secretariat):
    started(client, secretariat)
    page = url("reviews:cycles")
    html = client.get(page).content.decode()
    assert "Cluster 1: Criminalization and jurisdiction" in html and "0%" in html
    group1 = ReviewGroup.objects.get(number=1)
    start = {
        "cluster": Cluster.objects.get(number=4).pk,
        "groups": [group1.pk],
        "starts_on": "2023-01-10",
    }
    response = client.post(page, start)
    assert "has not completed 70% of its reviews of cluster 1" in response.content.decode()
    assert not Review.objects.filter(cluster__number=4).exists()

    response = client.post(page, {**start, "reason": "Decided by the Conference (CTOC/COP)."})
    assert response.status_code == 302
    new = Review.objects.filter(cluster__number=4).select_related("party")
    in_group1 = set(
        Review.objects.filter(cluster__number=1, group=group1).values_list("party__code", flat=True)
    )
    assert {r.party.code for r in new} == in_group1 and len(in_group1) == 2
    assert {r.started_on for r in new} == {dt.date(2023, 1, 10)}
    created = ReviewEvent.objects.get(review=new[0], kind="created")
    assert created.data["reason"] == "Decided by the Conference (CTOC/COP)."
    assert "Cluster 4" in client.get(page).content.decode()
    again = client.post(page, {**start, "reason": "Again."})
    assert "already have their review of this cluster" in again.content.decode()


def test_the_share_is_a_setting_and_parties_can_be_chosen(client, secretariat, settings):
    settings.REVMOD_NEXT_CLUSTER_SHARE = 0
    started(client, secretariat)
    group2 = ReviewGroup.objects.get(number=2)
    one = Review.objects.filter(cluster__number=1, group=group2).first().party.code
    response = client.post(
        url("reviews:cycles"),
        {
            "cluster": Cluster.objects.get(number=4).pk,
            "groups": [group2.pk],
            "parties": f"{one.lower()}, ",
            "starts_on": "2023-01-10",
        },
    )
    assert response.status_code == 302
    assert list(Review.objects.filter(cluster__number=4).values_list("party__code", flat=True)) == [
        one
    ]
    form = {
        "cluster": Cluster.objects.get(number=4).pk,
        "groups": [group2.pk],
        "parties": "ZZZ",
        "starts_on": "2023-01-10",
    }
    bad = client.post(url("reviews:cycles"), form)
    assert "No party has this code: ZZZ." in bad.content.decode()


def test_the_cycles_page_query_count_stays_flat(client, secretariat):
    started(client, secretariat)  # Uganda joined Protocols since: a draw is proposed
    page = url("reviews:cycles")
    few = count_queries(lambda: client.get(page))
    lots_more = lots.create_meeting(held_on=dt.date(2023, 12, 5), title="Late joiners")
    hold(lots.prepare_draw(kind="late", meeting=lots_more, by=secretariat, now=NOW), by=secretariat)
    assert Review.objects.count() > 6
    assert count_queries(lambda: client.get(page)) == few


def test_a_protocol_joiners_draw_is_on_the_timelines_and_in_the_e_mails(client, secretariat):
    """Uganda joined TIP and SOM in March 2024, after its reviewers were drawn: the draw of
    its missing reviewers is told to its focal point and the focal points of the reviewing
    parties concerned, and written on its review's timeline."""
    from revmod.accounts.models import Nomination
    from revmod.notifications.models import Message
    from revmod.test import nominate

    meeting = lots.create_meeting(held_on=NOW.date(), title="Drawing of lots")
    hold(lots.prepare_draw(kind="initial", meeting=meeting, by=secretariat, now=NOW))
    own = make_user("uga_fp")
    nominate(own, "UGA", Nomination.Kind.FOCAL_POINT, Nomination.Scope.OWN, secretariat)
    client.force_login(secretariat)
    assert "Uganda" in client.get(url("reviews:cycles")).content.decode()
    day = dt.datetime(2024, 4, 2, 9, tzinfo=dt.UTC)
    meeting = lots.create_meeting(held_on=day.date(), title="Protocol joiners")
    draw = hold(
        lots.prepare_draw(
            kind="protocol", meeting=meeting, by=secretariat, now=day, reviewed=["UGA"]
        ),
        now=day,
        by=secretariat,
    )
    new = list(draw.pairings.select_related("reviewer"))
    assert new and {p.reviewed.code for p in new} == {"UGA"}
    review = Review.objects.get(party__code="UGA")
    event = ReviewEvent.objects.get(review=review, kind="reviewers_changed")
    assert event.actor == secretariat and event.data["draw"] == draw.pk
    assert {c["reviewer"] for c in event.data["changes"]} == {p.reviewer.code for p in new}
    page = client.get(url("reviews:detail", review.pk)).content.decode()
    assert "Reviewing parties changed by a draw" in page
    message = Message.objects.get(kind="reviewers_added", recipient=own)
    for pairing in new:
        assert pairing.reviewer.label in message.text
    # The instruments by name in the e-mail, not by code.
    assert "Trafficking in Persons Protocol" in message.text
    for code in {code for pairing in new for code in pairing.instruments}:
        assert not re.search(rf"\b{code}\b", message.text), code
    assert not ReviewEvent.objects.filter(kind="reviewers_changed").exclude(review=review)
