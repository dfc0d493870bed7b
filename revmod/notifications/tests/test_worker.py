"""The worker's two loops (notifications.worker): a translation server that hangs delays no
e-mail. The loops run in threads of their own with their own database connections, so the test
data is committed (flushed after each test, not rolled back): a module apart from those that
share data (docs/testing.md)."""

import math
import threading
import time

import pytest
from django.db import connections, transaction
from django.utils import timezone

from revmod.notifications import delivery, worker
from revmod.notifications.models import Message
from revmod.notifications.tests.test_delivery import figures, queue
from revmod.test import make_user, make_world
from revmod.translations.backends import Backend
from revmod.translations.models import TranslationRequest

E_MAILS = 200


class Hanging(Backend):
    """A translation server that accepts every request and answers none until `release` is set
    (the test's end)."""

    name = "hanging"
    entered = threading.Event()
    release = threading.Event()
    returned = threading.Event()

    def translate(self, texts, source, target):
        Hanging.entered.set()
        Hanging.release.wait()
        Hanging.returned.set()
        return [f"[{target}] {text}" for text in texts]


def wait_for(condition, seconds=60) -> bool:
    """Whether `condition()` came true within `seconds` (a bound, not a measure)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def start(loop: worker.Loop, stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=loop.run, args=(stop,), daemon=True)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_two_hundred_e_mails_go_out_while_a_translation_hangs(smtp, settings, monkeypatch):
    settings.REVMOD_MT_BACKEND = f"{__name__}.Hanging"
    settings.REVMOD_MT_JOB_SECONDS = 3600  # the translation outlasts the whole test
    for event in (Hanging.entered, Hanging.release, Hanging.returned):
        event.clear()
    secretariat, reviews = make_world(reviewed=("FRA", "DEU"))
    with transaction.atomic():
        expected = {m.message_id for m in queue(make_user("ana"), E_MAILS)}
    now = timezone.now()
    request = TranslationRequest.objects.create(
        review=reviews["FRA"],
        kind=TranslationRequest.Kind.ANSWERS,
        answers=TranslationRequest.Answers.DRAFT,
        source_key="draft:test",
        source={"template": None, "answers": [{"question": "q", "text": "Hello."}]},
        source_language="en",
        target_language="fr",
        requested_by=secretariat,
        requested_at=now,
        next_attempt_at=now,
    )
    rounds = []  # the mail loop's rounds that sent something
    deliver_due = delivery.deliver_due

    def counted(**options):
        outcome = deliver_due(**options)
        if outcome.claimed:
            rounds.append(outcome.sent)
        return outcome

    monkeypatch.setattr(delivery, "deliver_due", counted)
    out: list[str] = []
    stop_mail, stop_translations = threading.Event(), threading.Event()
    translations = start(
        worker.translation_loop(interval=0.05, stop=stop_translations, write=out.append),
        stop_translations,
    )
    mail = None
    try:
        # The translations loop has claimed the request and waits for the server; only then
        # does the mail loop start (one writer at a time on SQLite's shared test database).
        assert Hanging.entered.wait(60)
        mail = start(worker.mail_loop(interval=0.05, daily=False, write=out.append), stop_mail)
        delivered = wait_for(lambda: expected <= set(smtp.message_ids()))
        hanging = not Hanging.returned.is_set()
    finally:
        stop_mail.set()
        if mail is not None:
            mail.join(60)
        stop_translations.set()
        translations.join(60)
        Hanging.release.set()
        connections.close_all()
    received = smtp.message_ids()
    print(
        f"{E_MAILS} e-mails, translation server hanging: {figures(expected, received)}; "
        f"mail rounds {len(rounds)}; the translation call still waiting: {hanging}"
    )
    assert delivered and hanging  # all the mail went out while the translation call hung
    assert len(received) == len(set(received)) == E_MAILS
    # As many rounds as with no translation at all: one per batch.
    assert len(rounds) == math.ceil(E_MAILS / settings.REVMOD_MAIL_BATCH)
    assert Message.objects.filter(status="sent").count() == E_MAILS
    # The worker stopping put the translation back in the queue, due at once.
    request.refresh_from_db()
    assert (request.status, request.attempts) == (TranslationRequest.Status.QUEUED, 1)
    assert not mail.is_alive() and not translations.is_alive()


def test_a_loop_whose_round_hangs_does_not_hold_the_others():
    stuck, rounds = threading.Event(), []

    def hanging_round() -> int:
        stuck.wait()
        return 0

    def counting_round() -> int:
        rounds.append(1)
        if len(rounds) == 5:
            stop.set()
        return 1

    stop = threading.Event()
    loops = [worker.Loop("stuck", hanging_round, 0.01), worker.Loop("busy", counting_round, 0.01)]
    runner = threading.Thread(target=worker.run, args=(loops, stop), daemon=True)
    runner.start()
    try:
        assert wait_for(stop.is_set)  # the busy loop made its five rounds
    finally:
        stuck.set()
        runner.join(60)
    assert not runner.is_alive() and len(rounds) == 5
