"""`manage.py runworker`: send the outbox's messages. Runs until stopped (SIGTERM or Ctrl-C end
it after the message being sent); `--once` sends what is due and exits (for cron)."""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from revmod.notifications import delivery


class Command(BaseCommand):
    help = "Send the e-mail messages waiting in the outbox (a loop; --once for cron)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Send what is due, then exit.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds to wait when nothing is due."
        )

    def handle(self, *args, once=False, interval=5.0, **options):
        if once:
            outcome = delivery.deliver_all_due(now=timezone.now())
            self.stdout.write(self._summary(outcome))
            return
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("revmod worker: sending the outbox (stop with Ctrl-C).")
        while not stopping:
            # A long-lived process: drop database connections that are too old or broken, as
            # Django does between requests.
            close_old_connections()
            outcome = delivery.deliver_due(now=timezone.now())
            if outcome.claimed:
                self.stdout.write(self._summary(outcome))
            else:
                # Nothing due: wait, waking early to stop.
                deadline = time.monotonic() + interval
                while not stopping and time.monotonic() < deadline:
                    time.sleep(0.2)
        self.stdout.write("revmod worker: stopped.")

    @staticmethod
    def _summary(outcome) -> str:
        return (
            f"claimed {outcome.claimed}, sent {outcome.sent}, "
            f"to retry {outcome.retried}, failed {outcome.failed}"
        )
