"""`manage.py runworker`: send the outbox's messages, do the machine translations and make the PDFs
asked for, in three loops that never wait for each other (`notifications.worker`). Runs until
stopped (SIGTERM or Ctrl-C end it after the message being sent; a translation under way is put
back in the queue); `--once` does what is due and exits (for cron). The mail loop also enqueues
the day's reminders once a day (`sendreminders`; idempotent, so several workers or a cron job
doing it too send nothing twice), and on the first day of a month last month's digests
(`senddigest`, likewise); `--no-daily` leaves both to cron. `--only mail`, `--only translations`
or `--only documents` runs one loop, for a process (or a machine) of its own."""

import signal
import threading

from django.core.management.base import BaseCommand

from revmod.notifications import worker


class Command(BaseCommand):
    help = (
        "Send the e-mail messages waiting in the outbox, do the machine translations and make "
        "the PDFs asked for (three loops; --once for cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Do what is due, then exit.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds to wait when nothing is due."
        )
        parser.add_argument(
            "--no-daily", action="store_true", help="Do not enqueue the daily reminders."
        )
        parser.add_argument(
            "--only", choices=worker.NAMES, help="Run only this loop (default: both)."
        )

    def handle(self, *args, once=False, interval=5.0, no_daily=False, only=None, **options):
        names = [only] if only else list(worker.NAMES)
        if once:
            worker.once(names, write=self.stdout.write)
            return
        stop = threading.Event()

        def stopping(signum, frame):
            stop.set()

        signal.signal(signal.SIGTERM, stopping)
        signal.signal(signal.SIGINT, stopping)
        self.stdout.write(f"revmod worker: {', '.join(names)} (stop with Ctrl-C).")
        loops = worker.loops(
            names, interval=interval, daily=not no_daily, stop=stop, write=self.stdout.write
        )
        worker.run(loops, stop)
        self.stdout.write("revmod worker: stopped.")
