"""The worker against a real SMTP server on localhost (aiosmtpd): delivery, retries with
backoff, permanent failures, a worker killed between sending and recording, and 1,000 messages
through random failures. Time is passed in, never waited for."""

import datetime as dt
import random
import re
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command

from revmod.accounts.models import Nomination
from revmod.notifications import delivery
from revmod.notifications.models import Message, message_id_for
from revmod.notifications.outbox import enqueue
from revmod.registry.models import Party
from revmod.test import make_user

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=900)


@pytest.fixture
def person(registry):
    return make_user("ana", language="ar")


def queue(person, n=1, *, address=None) -> list[Message]:
    party = Party.objects.get(code="FRA")
    nomination = Nomination(
        party=party, person=person, kind="expert", scope="own", starts_on=NOW.date()
    )
    if address:
        person.email = address
    messages = [
        enqueue(
            "nomination_recorded",
            person,
            {"nomination": nomination, "party": party},
            key=f"test:{person.pk}:{i}",
            now=NOW,
        )
        for i in range(n)
    ]
    return messages


def run_until_done(now, *, step=dt.timedelta(hours=7), rounds=50):
    """Run the worker, moving time on, until nothing is left to send."""
    for _ in range(rounds):
        delivery.deliver_all_due(now=now)
        if not Message.objects.filter(status__in=["queued", "sending"]).exists():
            return now
        now += step
    raise AssertionError("messages still waiting")


def test_a_message_arrives_with_its_message_id_text_and_html(person, smtp):
    (message,) = queue(person)
    outcome = delivery.deliver_all_due(now=NOW)
    assert (outcome.sent, outcome.failed) == (1, 0)
    (received,) = smtp.received
    assert received["Message-ID"] == message.message_id == message_id_for(message.key)
    assert received["To"] == "ana@example.org" and received["Content-Language"] == "ar"
    parts = {part.get_content_type(): part for part in received.walk()}
    assert {"text/plain", "text/html"} <= set(parts)
    html = parts["text/html"].get_payload(decode=True).decode()
    assert '<html lang="ar" dir="rtl">' in html
    message.refresh_from_db()
    assert message.status == "sent" and message.sent_at == NOW and message.attempts == 1
    # Sent is final: later runs send nothing more.
    assert delivery.deliver_all_due(now=NOW + dt.timedelta(days=1)).claimed == 0


def test_nothing_is_sent_before_its_time(person, smtp):
    (message,) = queue(person)
    Message.objects.filter(pk=message.pk).update(send_after=NOW + dt.timedelta(hours=1))
    assert delivery.deliver_all_due(now=NOW).claimed == 0 and smtp.received == []
    assert delivery.deliver_all_due(now=NOW + dt.timedelta(hours=1)).sent == 1


def test_transient_failures_are_retried_with_backoff_and_delivered_once(person, smtp):
    failures = iter(["451 4.3.0 Try again later", "421 4.7.0 Busy", "452 4.3.1 Full"])
    smtp.fail = lambda envelope: next(failures, None)
    (message,) = queue(person)
    now, waits = NOW, []
    for _ in range(3):
        assert delivery.deliver_all_due(now=now).retried == 1
        message.refresh_from_db()
        assert message.status == "queued" and message.last_error
        waits.append(message.send_after - now)
        # Not due before its backoff has passed.
        assert (
            delivery.deliver_all_due(now=message.send_after - dt.timedelta(seconds=1)).claimed == 0
        )
        now = message.send_after
    assert waits == [dt.timedelta(seconds=60), dt.timedelta(seconds=120), dt.timedelta(seconds=240)]
    assert delivery.deliver_all_due(now=now).sent == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 4 and message.last_error == ""
    assert smtp.message_ids() == [message.message_id]


def test_an_unreachable_server_is_a_transient_error(person, settings):
    from revmod.notifications.tests.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 5
    (message,) = queue(person)
    assert delivery.deliver_all_due(now=NOW).retried == 1
    message.refresh_from_db()
    assert message.status == "queued" and "Connection" in message.last_error


@pytest.mark.parametrize(
    "error, kind",
    [
        (smtplib.SMTPServerDisconnected("gone"), delivery.Transient),
        (smtplib.SMTPConnectError(554, b"no"), delivery.Transient),
        (smtplib.SMTPResponseException(421, b"busy"), delivery.Transient),
        (smtplib.SMTPDataError(451, b"later"), delivery.Transient),
        (smtplib.SMTPRecipientsRefused({"a@b": (450, b"later")}), delivery.Transient),
        (ConnectionResetError(), delivery.Transient),
        (smtplib.SMTPDataError(554, b"rejected"), delivery.Permanent),
        (smtplib.SMTPRecipientsRefused({"a@b": (550, b"no such user")}), delivery.Permanent),
        (smtplib.SMTPSenderRefused(553, b"bad sender", "x@y"), delivery.Permanent),
        (ValueError("Header values can't contain newlines"), delivery.Permanent),
    ],
)
def test_errors_are_classified(error, kind):
    assert delivery.classify(error) is kind


def test_a_permanent_failure_is_recorded_for_the_secretariat(person, smtp, client):
    (message,) = queue(person, address="nobody@example.org")
    assert delivery.deliver_all_due(now=NOW).failed == 1
    message.refresh_from_db()
    assert message.status == "failed" and "550" in message.last_error and message.attempts == 1
    assert delivery.deliver_all_due(now=NOW + dt.timedelta(days=30)).claimed == 0
    secretariat = make_user("secretariat", secretariat=True)
    client.force_login(secretariat)
    page = client.get("/en/outbox/?status=failed").content.decode()
    assert "nobody@example.org" in page and "550" in page
    client.force_login(person)
    assert client.get("/en/outbox/").status_code == 404


def test_too_many_transient_failures_end_as_failed(person, smtp, settings):
    settings.REVMOD_MAIL_MAX_ATTEMPTS = 3
    smtp.fail = lambda envelope: "451 4.3.0 Try again later"
    (message,) = queue(person)
    run_until_done(NOW)
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 3 and smtp.received == []


class Killed(BaseException):
    """The worker process dying (not an error it could handle)."""


def test_a_worker_killed_after_sending_is_replaced_and_the_message_keeps_its_id(
    person, smtp, monkeypatch
):
    (message,) = queue(person)
    real_mark_sent = delivery.mark_sent

    def die(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(delivery, "mark_sent", die)
    with pytest.raises(Killed):
        delivery.deliver_due(now=NOW)
    assert len(smtp.received) == 1  # the server has it; the outbox does not know
    message.refresh_from_db()
    assert message.status == "sending"
    monkeypatch.setattr(delivery, "mark_sent", real_mark_sent)
    # Another worker leaves it alone while the dead one's lease lasts...
    assert delivery.deliver_all_due(now=NOW + LEASE - dt.timedelta(seconds=1)).claimed == 0
    # ...and takes it once the lease has run out.
    assert delivery.deliver_all_due(now=NOW + LEASE).sent == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2
    assert smtp.message_ids() == [message.message_id, message.message_id]


def test_a_claimed_message_is_not_claimed_again(person):
    queue(person, 3)
    first = delivery.claim(now=NOW, limit=2, lease=LEASE)
    second = delivery.claim(now=NOW, limit=10, lease=LEASE)
    assert len(first) == 2 and len(second) == 1
    assert not {m.pk for m in first} & {m.pk for m in second}
    assert delivery.claim(now=NOW, limit=10, lease=LEASE) == []


def test_a_thousand_messages_through_random_failures_none_lost(person, smtp, monkeypatch):
    rng = random.Random(20240501)
    smtp.fail = lambda envelope: "451 4.3.0 Try later" if rng.random() < 0.2 else None
    messages = queue(person, 1000)
    expected = {m.message_id for m in messages}
    assert len(expected) == 1000
    real_mark_sent = delivery.mark_sent
    killed = []

    def sometimes_die(message, **kwargs):
        if rng.random() < 0.02:
            killed.append(message.message_id)
            raise Killed
        real_mark_sent(message, **kwargs)

    monkeypatch.setattr(delivery, "mark_sent", sometimes_die)
    now = NOW
    for _round in range(200):
        try:
            delivery.deliver_all_due(now=now)
        except Killed:
            pass  # the worker died; a new one starts at once, or a little later
        if not Message.objects.exclude(status="sent").exists():
            break
        now += dt.timedelta(minutes=rng.choice([1, 5, 20]))
    assert Message.objects.filter(status="sent").count() == 1000
    received = smtp.message_ids()
    print(f"1,000 messages, {len(killed)} kills: {figures(expected, received)}")
    assert set(received) == expected  # nothing lost
    duplicates = len(received) - len(set(received))
    # Duplicates only from the kill window, each a resend of the same message (same id).
    assert duplicates == len(killed) > 0
    assert {i for i in received if received.count(i) > 1} == set(killed)


class Clock:
    """The test's time: it moves only when told."""

    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


class SlowSMTP(BaseEmailBackend):
    """An e-mail backend of which each message takes `SECONDS` of the test's clock (`SLOW`),
    during which the other worker (`SLOW["meanwhile"]`, if any) sends one too: two workers side
    by side, interleaved the same way at every run. Keeps the Message-ID of every copy."""

    SECONDS = 4

    def send_messages(self, email_messages):
        for email in email_messages:
            SLOW["received"].append(email.extra_headers["Message-ID"])
            if SLOW["busy"]:  # the other worker: its send takes the same four seconds
                continue
            SLOW["busy"] = True
            try:
                SLOW["clock"].now += dt.timedelta(seconds=self.SECONDS)
                if SLOW["meanwhile"]:
                    SLOW["meanwhile"]()
            finally:
                SLOW["busy"] = False
        return len(email_messages)


SLOW: dict = {}


def figures(expected: set[str], received: list[str]) -> str:
    once = sum(1 for i in expected if received.count(i) == 1)
    duplicates = len(received) - len(set(received))
    lost = len(expected - set(received))
    return f"sent once {once}, duplicates {duplicates}, lost {lost}"


def test_a_slow_batch_is_never_sent_twice_by_two_workers(person, settings):
    """A batch of 20 takes 80 s against a lease of 10 s; each message is claimed only when it is
    sent, so the other worker never takes one this worker is about to send."""
    settings.EMAIL_BACKEND = f"{__name__}.SlowSMTP"
    settings.REVMOD_MAIL_BATCH = 20
    lease = dt.timedelta(seconds=10)
    expected = {m.message_id for m in queue(person, 60)}
    clock = Clock(NOW)
    other = delivery.Outcome()

    def other_worker():
        nonlocal other
        other += delivery.deliver_due(now=clock, limit=1, lease=lease)

    SLOW.update(clock=clock, received=[], busy=False, meanwhile=other_worker)
    this = delivery.deliver_all_due(now=clock, lease=lease)
    received = SLOW["received"]
    print(f"two workers, a slow batch: {figures(expected, received)}")
    assert len(received) == len(set(received)) == 60 and set(received) == expected
    assert this.sent > 0 and other.sent > 0 and this.sent + other.sent == 60
    # Nothing claimed twice: every message was sent at its first attempt.
    assert set(Message.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_runworker_once_sends_what_is_due(person, smtp, capsys):
    queue(person, 3)
    call_command("runworker", "--once")
    assert "sent 3" in capsys.readouterr().out and len(smtp.received) == 3


def test_the_outbox_page_lists_failures_first_in_flat_queries(person, client):
    from revmod.test import count_queries

    secretariat = make_user("secretariat", secretariat=True)
    client.force_login(secretariat)
    queue(person, 2)
    Message.objects.filter(pk=Message.objects.latest("pk").pk).update(
        status="failed", last_error="SMTPDataError: (554, b'rejected')"
    )
    page = client.get("/en/outbox/").content.decode()
    assert page.index("554") < page.index("<tr><td>Queued</td>")
    assert "Failed (1)" in page and "Queued (1)" in page
    few = count_queries(lambda: client.get("/en/outbox/"))
    queue(person, 40)
    assert count_queries(lambda: client.get("/en/outbox/")) == few


def test_the_outbox_pages_fifty_at_a_time_sorted_on_a_column(person, client):

    client.force_login(make_user("secretariat", secretariat=True))
    messages = queue(person, 55)
    for n, message in enumerate(messages):
        Message.objects.filter(pk=message.pk).update(
            send_after=NOW + dt.timedelta(minutes=n), subject=f"Message {n:03d}"
        )
    subjects = re.compile(r"<td>(Message \d+)<br>")
    first = client.get("/en/outbox/", {"status": "queued"}).content.decode()
    assert "1–50 of 55" in first and subjects.findall(first)[:2] == ["Message 000", "Message 001"]
    assert 'href="?status=queued&amp;page=2" rel="next"' in first
    latest = client.get("/en/outbox/", {"status": "queued", "ordering": "-next"}).content.decode()
    assert subjects.findall(latest)[:2] == ["Message 054", "Message 053"]
    assert 'aria-sort="descending"' in latest
    assert 'href="?status=queued&amp;ordering=-next&amp;page=2" rel="next"' in latest
    last = client.get("/en/outbox/", {"status": "queued", "ordering": "-next", "page": 2})
    assert subjects.findall(last.content.decode()) == [f"Message {n:03d}" for n in range(4, -1, -1)]
    bad = client.get("/en/outbox/", {"ordering": "size"})
    assert bad.status_code == 400 and "Unknown order" in bad.content.decode()
    assert client.get("/en/outbox/", {"status": "sent"}).status_code == 400
