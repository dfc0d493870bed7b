"""The worker (`manage.py runworker`): three loops, each in a thread of its own in one process,
so that none ever waits for another.

- `mail`: once a day the reminders and, on the first of a month, last month's digests; then a
  batch of the outbox (`delivery.deliver_due`: each message claimed just before it is sent,
  each SMTP exchange bounded by EMAIL_TIMEOUT).
- `translations`: the machine translations due (`translations.actions.process_due`: each
  request claimed just before its work, which has a time limit, REVMOD_MT_JOB_SECONDS).
- `documents`: the PDFs asked for and not yet made (`lots.generated.documents.make_next`: one
  document per claim; seconds of CPU each, never in a request).

A translation server that hangs holds the translations loop for one request's time limit at
most, and the mail not at all: the mail loop never calls it and waits for nothing of the other
loop's (a translation ready is an outbox message like any other, sent by the mail loop's next
batch). Each loop has its own database connection (Django's are per thread). A round that fails
is logged; its loop goes on after its interval. `once` does the same work one round at a time,
for cron."""

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import close_old_connections, connections
from django.utils import timezone

from revmod.lib import generated
from revmod.lots.generated import documents
from revmod.notifications import delivery
from revmod.notifications.digest import send_digests
from revmod.notifications.reminders import send_reminders
from revmod.translations import actions as translations

log = logging.getLogger(__name__)
NAMES = ("mail", "translations", "documents")
Write = Callable[[str], None]


@dataclass
class Loop:
    """`round` does one round of work and returns how much it claimed; when nothing, the loop
    waits `interval` seconds (and stops at once when told to)."""

    name: str
    round: Callable[[], int]
    interval: float

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                # A long-lived thread: drop database connections too old or broken, as Django
                # does between requests.
                close_old_connections()
                try:
                    claimed = self.round()
                except Exception:
                    log.exception("the %s loop's round failed", self.name)
                    claimed = 0
                if not claimed:
                    stop.wait(self.interval)
        finally:
            connections.close_all()  # this thread's own


def run(loops: Sequence[Loop], stop: threading.Event) -> None:
    """Run each of `loops` in its own thread until `stop` is set, then wait for each to end its
    round: the mail after the message being sent, a translation put back in the queue."""
    threads = [
        threading.Thread(target=loop.run, args=(stop,), name=f"revmod-{loop.name}", daemon=True)
        for loop in loops
    ]
    for thread in threads:
        thread.start()
    # The caller's thread stays free to take signals (they set `stop`).
    while any(thread.is_alive() for thread in threads) and not stop.wait(0.5):
        pass
    for thread in threads:
        thread.join()


def loops(
    names: Sequence[str], *, interval: float, daily: bool, stop: threading.Event, write: Write
) -> list[Loop]:
    """The loops named (of NAMES), as `runworker` runs them."""
    made = {
        "mail": lambda: mail_loop(interval=interval, daily=daily, write=write),
        "translations": lambda: translation_loop(interval=interval, stop=stop, write=write),
        "documents": lambda: Loop("documents", lambda: make_documents(write).claimed, interval),
    }
    return [made[name]() for name in names]


def mail_loop(*, interval: float, daily: bool, write: Write) -> Loop:
    last_daily: list[dt.date] = []

    def round() -> int:
        today = timezone.localdate()
        if daily and today not in last_daily:
            last_daily[:] = [today]
            daily_work(today, timezone.now(), write)
        outcome = delivery.deliver_due(now=timezone.now)
        if outcome.claimed:
            write(mail_summary(outcome))
        return outcome.claimed

    return Loop("mail", round, interval)


def translation_loop(*, interval: float, stop: threading.Event, write: Write) -> Loop:
    def round() -> int:
        return translate(write, stop=stop).claimed

    return Loop("translations", round, interval)


def once(names: Sequence[str], *, write: Write) -> None:
    """What is due now, then return (for cron): the mail first, so that nothing waits for a
    translation server; then one round of translations (each within its time limit); then the
    mail they posted (a translation ready or failed)."""
    sent = delivery.Outcome()
    if "mail" in names:
        sent = delivery.deliver_all_due(now=timezone.now)
    if "translations" in names:
        outcome = translate(write)
        if "mail" in names and (outcome.done or outcome.failed):
            sent += delivery.deliver_all_due(now=timezone.now)
    if "mail" in names:
        write(mail_summary(sent))
    if "documents" in names:
        make_documents(write, all_due=True)


def translate(write: Write, *, stop: threading.Event | None = None) -> translations.Outcome:
    """One round of machine translations. A failure is logged (nothing claimed)."""
    try:
        outcome = translations.process_due(now=timezone.now, stop=stop)
    except Exception:
        log.exception("machine translation failed")
        return translations.Outcome()
    if outcome.claimed:
        write(
            f"translations: claimed {outcome.claimed}, done {outcome.done}, "
            f"to retry {outcome.retried}, failed {outcome.failed}"
        )
    return outcome


def make_documents(write: Write, *, all_due: bool = False) -> generated.Outcome:
    """The next document due (every one with `all_due`). A failure is logged (nothing claimed);
    a maker's failure is the job's, logged and retried by the queue."""
    try:
        if all_due:
            outcome = documents.make_all_due(now=timezone.now)
        else:
            outcome = documents.make_next(now=timezone.now)
    except Exception:
        log.exception("making documents failed")
        return generated.Outcome()
    if outcome.claimed:
        write(
            f"documents: claimed {outcome.claimed}, made {outcome.done}, "
            f"to retry {outcome.retried}, failed {outcome.failed}"
        )
    return outcome


def daily_work(today: dt.date, now: dt.datetime, write: Write) -> None:
    """Once a day: the day's reminders; on the first of a month, last month's digests. A
    failure is logged; the loop goes on sending."""
    try:
        stored = send_reminders(today, now=now)
        write(f"reminders for {today.isoformat()}: {stored} enqueued")
        if today.day == 1:
            last_month = (today - dt.timedelta(days=1)).replace(day=1)
            stored = send_digests(last_month, now=now)
            write(f"digests for {last_month:%Y-%m}: {stored} enqueued")
    except Exception:
        log.exception("the daily work of %s failed", today)


def mail_summary(outcome: delivery.Outcome) -> str:
    return (
        f"mail: claimed {outcome.claimed}, sent {outcome.sent}, "
        f"to retry {outcome.retried}, failed {outcome.failed}"
    )
