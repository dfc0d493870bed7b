"""What the actions put in the outbox: the right people, only them, in their language, in the
action's transaction."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from revmod.accounts import actions as onboarding
from revmod.accounts.models import Nomination
from revmod.lots import actions as lots
from revmod.lots.models import Pairing
from revmod.notifications.delivery import deliver_all_due
from revmod.notifications.models import Message
from revmod.notifications.outbox import enqueue
from revmod.registry.models import Party
from revmod.reviews import actions as reviews
from revmod.test import PDF, make_user, nominate

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)


def to_questionnaire(review, people):
    secretariat = people["secretariat"]
    reviews.act(review, "start_consultation", by=secretariat, now=NOW)
    reviews.record_consultation(
        review, by=secretariat, now=NOW, held_on=NOW.date(), languages=["en", "fr"]
    )
    reviews.act(review, "advance", by=secretariat, now=NOW)


def recipients(kind) -> set[str]:
    return {m.recipient.username for m in Message.objects.filter(kind=kind)}


def test_clear_submit_reopen_reach_the_reviews_people_and_only_them(world):
    review, people = world
    to_questionnaire(review, people)
    assert not Message.objects.filter(kind__startswith="step_").exists()
    reviewer_fps = {name for name in people if name.startswith("reviewer_fp")}

    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    # The focal points act next; the one who cleared is not told what they did.
    assert recipients("step_cleared") == reviewer_fps

    reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    assert recipients("step_submitted") == reviewer_fps | {"expert", "observer"}

    reviews.act(
        review, "reopen", by=people["secretariat"], now=NOW, reason="Incomplete", to="questionnaire"
    )
    assert recipients("step_reopened") == reviewer_fps | {"reviewed_fp", "expert", "observer"}

    everyone = set(Message.objects.values_list("recipient__username", flat=True))
    assert "outsider" not in everyone and "secretariat" not in everyone
    # Each in their own language: Arabic for the focal point of the party under review.
    message = Message.objects.get(kind="step_reopened", recipient=people["reviewed_fp"])
    assert message.language == "ar" and '<html lang="ar" dir="rtl">' in message.html
    assert "Incomplete" in message.text
    for message in Message.objects.select_related("recipient"):
        assert message.language == message.recipient.preferred_language
        assert message.address == message.recipient.email


def test_the_officers_following_a_review_are_told(world):
    review, people = world
    officer = make_user("officer", secretariat=True, language="fr")
    review.officers.add(officer)
    to_questionnaire(review, people)
    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    assert "officer" in recipients("step_cleared")


def test_a_replaced_focal_point_hears_of_the_handover_and_nothing_about_the_review(world):
    review, people = world
    successor = make_user("successor", language="es")
    nominate(
        successor, "FRA", Nomination.Kind.FOCAL_POINT, Nomination.Scope.OWN, people["secretariat"]
    )
    old = Message.objects.filter(recipient=people["reviewed_fp"]).latest("pk")
    assert old.kind == "focal_point_replaced" and old.language == "ar"
    told_old = Message.objects.filter(recipient=people["reviewed_fp"]).count()
    new = Message.objects.get(recipient=successor)
    assert new.kind == "focal_point_handover" and "Handed over the files." in new.text
    before = Message.objects.count()

    to_questionnaire(review, people)
    reviews.act(review, "clear", by=successor, now=NOW)
    reviews.act(review, "submit", by=successor, now=NOW)
    reviews.act(review, "reopen", by=people["secretariat"], now=NOW, reason="r", to="questionnaire")
    assert Message.objects.count() > before
    assert Message.objects.filter(recipient=people["reviewed_fp"]).count() == told_old
    assert not Message.objects.filter(recipient=people["outsider"]).exists()
    assert Message.objects.filter(recipient=successor, kind="step_reopened").exists()


def test_a_nomination_is_told_to_the_person(world):
    _review, people = world
    person = make_user("newexpert", language="zh-hans")
    nominate(person, "FRA", Nomination.Kind.EXPERT, Nomination.Scope.OWN, people["secretariat"])
    (message,) = Message.objects.filter(recipient=person)
    assert message.kind == "nomination_recorded" and message.language == "zh-hans"
    assert "法国" in message.subject  # France, in Chinese


def test_a_rolled_back_action_enqueues_nothing(world):
    review, people = world
    to_questionnaire(review, people)
    before = Message.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
        assert Message.objects.count() > before  # enqueued in the action's transaction...
        raise RuntimeError("something later in the same request failed")
    assert Message.objects.count() == before  # ...and gone with it
    # A refused action enqueues nothing either.
    with pytest.raises(reviews.ReviewError):
        reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    assert Message.objects.count() == before


def test_enqueue_is_idempotent_per_key(world):
    _review, people = world
    person = people["outsider"]
    context = {"nomination": Nomination.objects.first(), "party": Party.objects.get(code="FRA")}
    first = enqueue("nomination_recorded", person, context, key="k:1", now=NOW)
    again = enqueue("nomination_recorded", person, context, key="k:1", now=NOW)
    assert first.pk == again.pk and Message.objects.filter(key="k:1").count() == 1
    other = enqueue("nomination_recorded", person, context, key="k:2", now=NOW)
    assert other.pk != first.pk and other.message_id != first.message_id


def test_a_published_redraw_reaches_the_focal_points_concerned(world):
    review, people = world
    secretariat = people["secretariat"]
    pairing = Pairing.objects.active().get(
        reviewed=review.party, reviewer__code=people["reviewer_fp"].party.code
    )
    request = lots.record_redraw_request(
        pairing=pairing,
        requested_by=pairing.reviewer,
        reason="Workload",
        received_on=NOW.date(),
        by=secretariat,
    )
    meeting = lots.create_meeting(held_on=dt.date(2024, 5, 1), title="Redraw")
    draw = lots.prepare_draw(
        kind="redraw", meeting=meeting, by=secretariat, now=NOW, requests=[request]
    )
    draw = lots.enter_entropy(lots.announce(draw, now=NOW), entropy="5 6 7 8", now=NOW)
    lots.publish(lots.perform_draw(draw, now=NOW), now=NOW)
    # The focal points of the party under review and of the reviewer replaced (the one drawn
    # has none in this world); nobody else.
    assert recipients("redraw_published") == {"reviewed_fp", "reviewer_fp"}
    message = Message.objects.get(kind="redraw_published", recipient=people["reviewer_fp"])
    assert message.language == "fr" and "/fr/lots/draws/" in message.text


def test_the_activation_link_goes_through_the_outbox_and_is_not_kept(world, mailoutbox):
    _review, people = world
    with transaction.atomic():
        onboarding.register(
            email="nour@example.org",
            first_name="Nour",
            last_name="Haddad",
            party=Party.objects.get(code="FRA"),
            kind=Nomination.Kind.EXPERT,
            scope=Nomination.Scope.OWN,
            language="ar",
            note_verbale=SimpleUploadedFile("note.pdf", PDF),
            received_on=NOW.date(),
            by=people["secretariat"],
            now=NOW,
            site_url="http://testserver/",
        )
    message = Message.objects.get(kind="activation")
    assert "http://testserver/ar/people/activate/" in message.text and message.language == "ar"
    assert mail.outbox == []  # nothing is sent by the action itself
    deliver_all_due(now=NOW)
    (sent,) = [m for m in mail.outbox if m.to == ["nour@example.org"]]
    assert "/ar/people/activate/" in sent.body and sent.extra_headers["Message-ID"]
    message.refresh_from_db()
    # The link is a secret (only its hash is stored with the registration): not kept once sent.
    assert message.status == "sent" and message.text == "" and message.html == ""


def _registered_and_activated(people, *, kind, scope):
    registration = onboarding.register(
        email="nour@example.org",
        first_name="Nour",
        last_name="Haddad",
        party=Party.objects.get(code="FRA"),
        kind=kind,
        scope=scope,
        language="fr",
        note_verbale=SimpleUploadedFile("note.pdf", PDF),
        received_on=NOW.date(),
        by=people["secretariat"],
        now=NOW,
        site_url="http://testserver/",
    )
    link = Message.objects.get(kind="activation", recipient=registration.person).text
    token = link.split("/people/activate/", 1)[1].split("/", 1)[0]
    return onboarding.activate(
        token,
        password="a long pass phrase 2024",
        gender="female",
        ministry="justice",
        languages=["fr"],
        preferred_language="fr",
        now=NOW,
    )


def test_an_approval_is_one_message_saying_the_account_and_the_nomination(world):
    _review, people = world
    registration = _registered_and_activated(
        people, kind=Nomination.Kind.EXPERT, scope=Nomination.Scope.OWN
    )
    assert not Message.objects.filter(recipient=registration.person).exclude(kind="activation")
    before = set(Message.objects.values_list("pk", flat=True))
    onboarding.approve(registration, by=people["secretariat"], now=NOW)
    (message,) = Message.objects.filter(recipient=registration.person).exclude(kind="activation")
    assert message.kind == "account_approved" and message.language == "fr"
    assert registration.person.get_username() in message.text
    assert "/fr/accounts/login/" in message.text and "France" in message.text
    # Nobody else hears of it: the nomination of an expert concerns only them.
    assert list(Message.objects.exclude(pk__in=before)) == [message]


def test_an_approved_focal_point_gets_the_handover_and_the_one_replaced_is_told(world):
    _review, people = world
    registration = _registered_and_activated(
        people, kind=Nomination.Kind.FOCAL_POINT, scope=Nomination.Scope.OWN
    )
    onboarding.approve(
        registration, by=people["secretariat"], now=NOW, handover_note="The file is in room 4."
    )
    message = Message.objects.get(recipient=registration.person, kind="account_approved")
    assert "The file is in room 4." in message.text
    replaced = Message.objects.get(kind="focal_point_replaced")
    assert replaced.recipient == people["reviewed_fp"] and replaced.language == "ar"


def test_a_review_starting_is_told_on_its_first_day_to_its_people_once(world):
    from revmod.notifications.reminders import STARTED_CATCH_UP_DAYS, send_reminders

    review, people = world
    reviewer_fps = {name for name in people if name.startswith("reviewer_fp")}
    before = review.started_on - dt.timedelta(days=1)
    send_reminders(before, now=NOW)
    assert not Message.objects.filter(kind="review_started").exists()

    send_reminders(review.started_on, now=NOW)
    assert recipients("review_started") == reviewer_fps | {"reviewed_fp", "expert", "observer"}
    message = Message.objects.get(kind="review_started", recipient=people["reviewed_fp"])
    assert message.language == "ar" and '<html lang="ar" dir="rtl">' in message.html
    reviewer = Message.objects.get(kind="review_started", recipient=people["reviewer_fp"])
    # Who reviews whom and the first step due, in French.
    for pairing in review.pairings():
        assert pairing.reviewer.name_fr in reviewer.text
    assert f"/fr/reviews/{review.pk}/" in reviewer.text and "Première étape" in reviewer.text
    count = Message.objects.filter(kind="review_started").count()
    # Again the same day, or the next days (a worker down on the day catches up): nothing more.
    for late in range(STARTED_CATCH_UP_DAYS + 2):
        send_reminders(review.started_on + dt.timedelta(days=late), now=NOW)
    assert Message.objects.filter(kind="review_started").count() == count


def test_a_review_created_after_its_first_day_is_announced_at_once(world):
    from revmod.registry.models import Cluster

    review, people = world
    later = dt.datetime(2024, 6, 3, 9, tzinfo=dt.UTC)
    (created,) = [
        r
        for r in reviews.create_reviews(
            Cluster.objects.get(number=2), by=people["secretariat"], now=later
        )
        if r.party_id == review.party_id
    ]
    assert created.started_on <= later.date()
    started = Message.objects.filter(kind="review_started")
    assert {m.recipient.username for m in started if f"{created.pk}:" in m.key} >= {
        "reviewed_fp",
        "expert",
        "observer",
    }
    assert "outsider" not in recipients("review_started")
