"""Per person and kind: at once, only in the digest, or off; the kinds about one's account or
role cannot be changed."""

import datetime as dt

import pytest
from django.db import transaction

from revmod.accounts.models import Nomination
from revmod.notifications.delivery import deliver_all_due
from revmod.notifications.models import Message, Preference
from revmod.notifications.outbox import KINDS, MANDATORY_KINDS, enqueue
from revmod.reviews.models import STAGE_LABELS
from revmod.reviews.workflow import Stage
from revmod.test import make_user

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)
URL = "/en/outbox/preferences/"


def send(kind, person, key, review):
    if kind in MANDATORY_KINDS:
        nomination = Nomination.objects.active().filter(party=review.party).first()
        context = {"nomination": nomination, "party": review.party, "replaced": nomination}
    else:
        context = {
            "review": review,
            "from_stage": STAGE_LABELS[Stage.QUESTIONNAIRE],
            "to_stage": STAGE_LABELS[Stage.WRITTEN_FEEDBACK],
            "party": review.party,
            "reason": "",
        }
    with transaction.atomic():
        return enqueue(kind, person, context, key=key, now=NOW)


def test_without_a_choice_every_kind_is_sent_at_once(world):
    review, people = world
    message = send("step_submitted", people["expert"], "k1", review)
    assert message.status == Message.Status.QUEUED


def test_off_stores_nothing_and_digest_is_kept_from_the_worker(world, mailoutbox):
    review, people = world
    person = people["expert"]
    deliver_all_due(now=NOW)  # the nominations' messages of the fixture
    mailoutbox.clear()
    Preference.objects.create(user=person, kind="step_submitted", mode="off")
    Preference.objects.create(user=person, kind="step_reopened", mode="digest")
    assert send("step_submitted", person, "k1", review) is None
    assert not Message.objects.filter(key="k1").exists()
    kept = send("step_reopened", person, "k2", review)
    assert kept.status == Message.Status.DIGEST
    # Idempotent still: the same key returns the row kept.
    assert send("step_reopened", person, "k2", review).pk == kept.pk
    # The worker never sends it on its own.
    outcome = deliver_all_due(now=NOW + dt.timedelta(days=40))
    assert outcome.claimed == 0 and mailoutbox == []
    kept.refresh_from_db()
    assert kept.status == Message.Status.DIGEST


def test_mandatory_kinds_ignore_a_stored_choice(world):
    review, people = world
    person = people["reviewed_fp"]
    # A row forged into the table (the page never writes one) changes nothing.
    Preference.objects.create(user=person, kind="focal_point_replaced", mode="off")
    message = send("focal_point_replaced", person, "k1", review)
    assert message is not None and message.status == Message.Status.QUEUED


def test_the_page_shows_every_kind_and_saves_choices(client):
    person = make_user("someone")
    client.force_login(person)
    page = client.get(URL).content.decode()
    assert page.count("cannot be switched off") == len(MANDATORY_KINDS)
    for kind in set(KINDS) - MANDATORY_KINDS:
        assert f'name="{kind}" value="digest"' in page
    response = client.post(
        URL,
        {
            "step_submitted": "digest",
            "redraw_published": "off",
            "step_cleared": "nonsense",  # refused: left as it was
            "activation": "off",  # mandatory: ignored
        },
    )
    assert response.status_code == 302 and response["Location"] == URL
    saved = dict(Preference.objects.filter(user=person).values_list("kind", "mode"))
    assert saved == {"step_submitted": "digest", "redraw_published": "off"}
    page = client.get(URL).content.decode()
    assert 'name="redraw_published" value="off" checked' in page
    # Someone else's choices are their own.
    other = make_user("other")
    client.force_login(other)
    assert 'name="redraw_published" value="now" checked' in client.get(URL).content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
