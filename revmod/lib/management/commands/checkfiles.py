"""manage.py checkfiles: missing and orphaned stored files (lib.storedfiles)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from revmod.lib import storedfiles


class Command(BaseCommand):
    help = (
        "List the stored files that rows name but are missing on disk, the files under "
        "MEDIA_ROOT that no row names (orphans, left by killed uploads) and the temporary "
        "files of uploads. --delete-orphans removes the orphans and temporary files older "
        "than the grace period (an upload in progress is never removed). --checksums also "
        "reads every document's file and compares it with the SHA-256 recorded at upload. "
        "Exits with status 1 when a file is missing or changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-orphans",
            action="store_true",
            help="remove orphans and temporary files older than the grace period",
        )
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=storedfiles.GRACE.total_seconds() / 3600,
            help="how old an orphan must be to be removed (default: %(default)s)",
        )
        parser.add_argument(
            "--checksums", action="store_true", help="compare files with their recorded SHA-256"
        )

    def handle(self, *args, delete_orphans, grace_hours, checksums, **options):
        if grace_hours < 0:
            raise CommandError("--grace-hours cannot be negative.")
        grace = dt.timedelta(hours=grace_hours)
        report = storedfiles.check(checksums=checksums)
        write = self.stdout.write
        write(f"{report.named} files named by rows, {report.stored} stored.")
        sections = [
            ("Missing (named by a row, not on disk)", report.missing),
            ("Changed (not the SHA-256 recorded at upload)", report.changed),
        ]
        for title, rows in sections:
            write(f"{title}: {len(rows)}")
            for row in rows:
                write(f"  {row}")
        for title, files in [
            ("Orphans (on disk, named by no row)", report.orphans),
            ("Temporary files of uploads", report.temporary),
        ]:
            write(f"{title}: {len(files)}")
            for f in files:
                write(f"  {f.name} ({filesizeformat(f.size)}, {f.modified:%Y-%m-%d %H:%M} UTC)")
        removable = report.removable(now=timezone.now(), grace=grace)
        if delete_orphans:
            removed = storedfiles.remove(removable)
            write(
                f"Removed {removed} orphans and temporary files older than {grace_hours:g} hours "
                f"({filesizeformat(sum(f.size for f in removable))})."
            )
        elif removable:
            write(
                f"{len(removable)} of them older than {grace_hours:g} hours: --delete-orphans "
                "removes them."
            )
        if report.missing or report.changed:
            raise CommandError(
                f"{len(report.missing)} files missing, {len(report.changed)} changed: restore "
                "them from a backup (docs/operations.md)."
            )
