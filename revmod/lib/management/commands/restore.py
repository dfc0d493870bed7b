"""manage.py restore ARCHIVE: an archive of `manage.py backup` into an empty installation."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from revmod.lib import backup


class Command(BaseCommand):
    help = (
        "Restore an archive made by `manage.py backup`: every row and every stored file, into "
        "an installation whose database is new (only `migrate` has run, at the archive's "
        "migrations) and whose MEDIA_ROOT holds no other file under the archive's names. Every "
        "checksum is verified first: a damaged archive, or an installation that is not empty, "
        "is refused and nothing is changed. Stop the web server and the worker first. With "
        "--check, only verify the archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--check",
            action="store_true",
            help="only verify the archive's checksums and manifest; change nothing",
        )

    def handle(self, *args, archive, check, **options):
        try:
            manifest = backup.verify(archive) if check else backup.restore(archive)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        database, files = manifest["database"], manifest["files"]
        summary = (
            f"{database['rows']} rows in {len(database['tables'])} tables and "
            f"{files['count']} files, made {manifest['created_at']} on {database['vendor']}"
        )
        if check:
            self.stdout.write(f"{archive} is intact: {summary}.")
        else:
            self.stdout.write(f"Restored {archive}: {summary}.")
