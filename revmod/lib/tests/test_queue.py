"""The leased queue (revmod.lib.queue) on a real model, the outbox's Message, with a queue of
its own (not the outbox worker's): claims in order and up to a limit, a lease that runs out,
a late record refused, retries after a backoff and giving up. Time is passed in."""

import datetime as dt
from dataclasses import dataclass

import pytest

from revmod.lib.queue import LeasedQueue, Outcome, backoff, clock, drain
from revmod.notifications.models import Message

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=15)
SECOND = dt.timedelta(seconds=1)
Status = Message.Status
QUEUE = LeasedQueue(
    Message,
    due_field="send_after",
    queued=Status.QUEUED,
    working=Status.SENDING,
    failed=Status.FAILED,
    settings_prefix="REVMOD_MAIL",
)


def row(n: int, *, due: dt.datetime) -> Message:
    return Message.objects.create(
        address=f"person{n}@example.org",
        language="en",
        kind="test",
        subject="Subject",
        text="Text",
        key=f"queue-test:{n}",
        message_id=f"<{n}@test>",
        created_at=NOW,
        send_after=due,
    )


def claim(now: dt.datetime, limit: int = 10) -> list[Message]:
    return QUEUE.claim(now=now, limit=limit, lease=LEASE)


def test_a_claim_takes_the_oldest_due_rows_up_to_its_limit():
    recent = row(1, due=NOW - dt.timedelta(minutes=1))
    oldest = row(2, due=NOW - dt.timedelta(hours=1))
    older = row(3, due=NOW - dt.timedelta(minutes=10))
    older_too = row(4, due=NOW - dt.timedelta(minutes=10))  # the same time: by creation
    row(5, due=NOW + SECOND)  # not due yet
    first = claim(NOW, limit=3)
    assert [r.pk for r in first] == [oldest.pk, older.pk, older_too.pk]
    for claimed in first:
        assert (claimed.status, claimed.attempts, claimed.lease_until) == (
            Status.SENDING,
            1,
            NOW + LEASE,
        )
    # A claimed row is not claimed again while its lease lasts; the rest is.
    assert [r.pk for r in claim(NOW)] == [recent.pk]
    assert claim(NOW) == []


def test_the_rows_of_a_lease_that_ran_out_are_claimed_again_as_a_new_attempt():
    waiting = row(1, due=NOW)
    [first] = claim(NOW)  # a worker that then dies
    assert claim(NOW + LEASE - SECOND) == []
    [again] = claim(NOW + LEASE)
    assert again.pk == first.pk == waiting.pk
    assert (again.status, again.attempts, again.lease_until) == (
        Status.SENDING,
        2,
        NOW + 2 * LEASE,
    )


def test_a_late_record_after_another_worker_took_the_row_is_refused():
    row(1, due=NOW)
    [stale] = claim(NOW)  # a worker that hangs past its lease
    [current] = claim(NOW + LEASE)
    assert not QUEUE.record(stale, status=Status.FAILED, last_error="late")
    assert QUEUE.record(current, status=Status.SENT, last_error="")
    assert current.status == Status.SENT and current.lease_until is None
    # The hung worker wakes up again: the finished row is not touched.
    assert not QUEUE.record(stale, status=Status.QUEUED, last_error="later still")
    stored = Message.objects.get()
    assert (stored.status, stored.attempts, stored.last_error, stored.lease_until) == (
        Status.SENT,
        2,
        "",
        None,
    )
    assert claim(NOW + 10 * LEASE) == []  # finished: never claimed again


def test_a_record_after_the_lease_ran_out_stands_while_nobody_took_the_row():
    row(1, due=NOW)
    [slow] = claim(NOW)
    # The lease has run out but no other worker has claimed the row: the attempt is still ours.
    assert QUEUE.record(slow, status=Status.SENT)
    assert not QUEUE.record(slow, status=Status.FAILED)  # recorded once, not twice
    assert Message.objects.get().status == Status.SENT


def test_backoff_doubles_from_its_base_and_is_capped():
    waits = [backoff(attempts, base=60, cap=300) for attempts in range(7)]
    assert [wait.total_seconds() for wait in waits] == [60, 60, 120, 240, 300, 300, 300]


def test_transient_failures_are_retried_after_the_backoff_then_given_up(settings):
    settings.REVMOD_MAIL_RETRY_SECONDS = 10
    settings.REVMOD_MAIL_RETRY_MAX_SECONDS = 15
    settings.REVMOD_MAIL_MAX_ATTEMPTS = 3
    row(1, due=NOW)
    now, waits = NOW, []
    for _attempt in range(2):
        [claimed] = claim(now)
        final, changes = QUEUE.failed_attempt(claimed, OSError("busy"), now=now, permanent=False)
        assert not final and QUEUE.record(claimed, **changes)
        stored = Message.objects.get()
        assert (stored.status, stored.last_error) == (Status.QUEUED, "busy")
        waits.append(stored.send_after - now)
        assert claim(stored.send_after - SECOND) == []  # backing off
        now = stored.send_after
    assert waits == [dt.timedelta(seconds=10), dt.timedelta(seconds=15)]  # 20 capped at 15
    [last] = claim(now)
    final, changes = QUEUE.failed_attempt(last, OSError("busy"), now=now, permanent=False)
    assert final and QUEUE.record(last, **changes)
    stored = Message.objects.get()
    assert (stored.status, stored.attempts, stored.last_error) == (Status.FAILED, 3, "busy")
    assert claim(now + dt.timedelta(days=30)) == []


def test_a_permanent_failure_gives_up_at_the_first_attempt():
    row(1, due=NOW)
    [claimed] = claim(NOW)
    final, changes = QUEUE.failed_attempt(claimed, "refused", now=NOW, permanent=True)
    assert final and QUEUE.record(claimed, **changes)
    stored = Message.objects.get()
    assert (stored.status, stored.attempts, stored.last_error) == (Status.FAILED, 1, "refused")


@dataclass
class Sent(Outcome):
    sent: int = 0


def test_drain_runs_batches_until_nothing_is_due_and_sums_their_outcomes():
    for n in range(5):
        row(n, due=NOW)

    def batch() -> Sent:
        claimed = QUEUE.claim(now=NOW, limit=2, lease=LEASE)
        sent = sum(QUEUE.record(r, status=Status.SENT) for r in claimed)
        return Sent(claimed=len(claimed), sent=sent)

    assert drain(batch) == Sent(claimed=5, sent=5)
    assert not Message.objects.exclude(status=Status.SENT).exists()


def test_progress_is_saved_while_the_row_is_ours_and_keeps_the_lease():
    row(1, due=NOW)
    [stale] = claim(NOW)
    assert QUEUE.save(stale, text="half done")
    stored = Message.objects.get()
    assert (stored.status, stored.text) == (Status.SENDING, "half done")
    assert stored.lease_until == NOW + LEASE
    [current] = claim(NOW + LEASE)  # the lease ran out: another worker has the row now
    assert not QUEUE.save(stale, text="late")
    assert QUEUE.save(current, text="the next one's")
    assert Message.objects.get().text == "the next one's"


def test_an_attempt_that_made_progress_is_retried_soon_and_never_the_last(settings):
    settings.REVMOD_MAIL_RETRY_SECONDS = 10
    settings.REVMOD_MAIL_MAX_ATTEMPTS = 2
    row(1, due=NOW)
    now = NOW
    for _attempt in range(3):  # past the maximum: each attempt did part of the work
        [claimed] = claim(now)
        final, changes = QUEUE.failed_attempt(
            claimed, "cut short", now=now, permanent=False, progress=True
        )
        assert not final and QUEUE.record(claimed, **changes)
        assert Message.objects.get().send_after == now + 10 * SECOND  # the first backoff
        now += 10 * SECOND
    [claimed] = claim(now)
    final, _changes = QUEUE.failed_attempt(claimed, "none", now=now, permanent=False)
    assert final  # no progress, and past the maximum
    final, _changes = QUEUE.failed_attempt(
        claimed, "refused", now=now, permanent=True, progress=True
    )
    assert final  # a refusal is final whatever was done


def test_the_time_comes_as_a_time_or_a_clock():
    assert clock(NOW)() == NOW
    times = iter([NOW, NOW + SECOND])
    ticking = clock(lambda: next(times))
    assert (ticking(), ticking()) == (NOW, NOW + SECOND)
