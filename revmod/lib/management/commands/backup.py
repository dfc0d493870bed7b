"""manage.py backup DEST: the database and every stored file in one archive (lib.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from revmod.lib import backup


class Command(BaseCommand):
    help = (
        "Write one archive (tar) with every row of the database and every stored file, with a "
        "manifest of row counts and SHA-256 checksums. DEST is a folder (the archive is named "
        "revmod-backup-<UTC time>.tar in it) or the archive's path. Safe while the web server "
        "and the worker run: the rows come from one snapshot of the database. The archive is "
        "readable by its owner only: it holds every document and the password hashes."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest", type=Path, help="a folder, or the archive's path")

    def handle(self, *args, dest, **options):
        try:
            result = backup.backup(dest, now=timezone.now())
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        files = result.manifest["files"]
        self.stdout.write(
            f"{result.path}: {result.rows} rows in "
            f"{len(result.manifest['database']['tables'])} tables, {files['count']} files "
            f"({filesizeformat(files['bytes'])}), {filesizeformat(result.path.stat().st_size)} "
            "in all."
        )
