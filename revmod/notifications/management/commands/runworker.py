"""`manage.py runworker`: send the outbox's messages. Runs until stopped (SIGTERM or Ctrl-C end
it after the message being sent); `--once` sends what is due and exits (for cron). The loop also
enqueues the day's reminders once a day (`sendreminders`; idempotent, so several workers or a
cron job doing it too send nothing twice), and on the first day of a month last month's digests
(`senddigest`, likewise); `--no-daily` leaves both to cron. Each round (and `--once`) first
runs the machine translations due (`translations.actions.process_due`)."""

import datetime as dt
import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from revmod.notifications import delivery
from revmod.notifications.digest import send_digests
from revmod.notifications.reminders import send_reminders
from revmod.translations import actions as translations

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send the e-mail messages waiting in the outbox (a loop; --once for cron)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Send what is due, then exit.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds to wait when nothing is due."
        )
        parser.add_argument(
            "--no-daily", action="store_true", help="Do not enqueue the daily reminders."
        )

    def handle(self, *args, once=False, interval=5.0, no_daily=False, **options):
        if once:
            self.translate(timezone.now())
            outcome = delivery.deliver_all_due(now=timezone.now())
            self.stdout.write(self._summary(outcome))
            return
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("revmod worker: sending the outbox (stop with Ctrl-C).")
        last_daily = None
        while not stopping:
            # A long-lived process: drop database connections that are too old or broken, as
            # Django does between requests.
            close_old_connections()
            now = timezone.now()
            if not no_daily and timezone.localdate(now) != last_daily:
                last_daily = timezone.localdate(now)
                self.daily(last_daily, now)
            translated = self.translate(now)
            outcome = delivery.deliver_due(now=timezone.now())
            if outcome.claimed:
                self.stdout.write(self._summary(outcome))
            elif not translated:
                # Nothing due: wait, waking early to stop.
                deadline = time.monotonic() + interval
                while not stopping and time.monotonic() < deadline:
                    time.sleep(0.2)
        self.stdout.write("revmod worker: stopped.")

    def translate(self, now) -> int:
        """Machine translations due (before the mail, so a "ready" message goes out in the same
        round); the number claimed. A failure is logged; the loop goes on sending."""
        try:
            outcome = translations.process_due(now=now)
        except Exception:
            log.exception("machine translation failed")
            return 0
        if outcome.claimed:
            self.stdout.write(
                f"translations: claimed {outcome.claimed}, done {outcome.done}, "
                f"to retry {outcome.retried}, failed {outcome.failed}"
            )
        return outcome.claimed

    def daily(self, today, now) -> None:
        """Once a day: the day's reminders; on the first of a month, last month's digests. A
        failure is logged; the loop goes on sending."""
        try:
            stored = send_reminders(today, now=now)
            self.stdout.write(f"reminders for {today.isoformat()}: {stored} enqueued")
            if today.day == 1:
                last_month = (today - dt.timedelta(days=1)).replace(day=1)
                stored = send_digests(last_month, now=now)
                self.stdout.write(f"digests for {last_month:%Y-%m}: {stored} enqueued")
        except Exception:
            log.exception("the daily work of %s failed", today)

    @staticmethod
    def _summary(outcome) -> str:
        return (
            f"claimed {outcome.claimed}, sent {outcome.sent}, "
            f"to retry {outcome.retried}, failed {outcome.failed}"
        )
