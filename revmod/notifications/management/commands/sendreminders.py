"""`manage.py sendreminders [--today YYYY-MM-DD]`: enqueue the deadline reminders due today
(once a day, from cron or the worker loop; running it again the same day sends nothing more)."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from revmod.notifications.reminders import send_reminders


class Command(BaseCommand):
    help = "Enqueue the reminders of nominations and review steps due today."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="The day to remind for (YYYY-MM-DD)."
        )

    def handle(self, *args, today=None, **options):
        now = timezone.now()
        today = today or timezone.localdate(now)
        stored = send_reminders(today, now=now)
        self.stdout.write(f"reminders for {today.isoformat()}: {stored} enqueued")
