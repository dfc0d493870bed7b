"""`manage.py senddigest [--month YYYY-MM]`: enqueue the monthly digests of a month (default:
the month before this one). Running it again for the same month stores nothing."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from revmod.notifications.digest import send_digests


def parse_month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError as error:
        raise CommandError(f"--month takes YYYY-MM, not {value!r}.") from error


class Command(BaseCommand):
    help = "Enqueue the monthly digest of each person (default: last month)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="The month, YYYY-MM (default: last month).")

    def handle(self, *args, month=None, **options):
        now = timezone.now()
        if month:
            first = parse_month(month)
        else:
            first = (timezone.localdate(now).replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        stored = send_digests(first, now=now)
        self.stdout.write(f"digests for {first:%Y-%m}: {stored} enqueued")
