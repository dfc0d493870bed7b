from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from revmod.registry import tabular


class Command(BaseCommand):
    help = (
        "Load the registry (regional groups, instruments, articles, clusters, parties, "
        "adherences) from the CSV files of a directory (default: data/), one CSV file, or an "
        "XLSX workbook with a sheet per table. All or nothing; running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="files or directories (default: data/)")

    def handle(self, *args, paths, verbosity, **options):
        try:
            tables = []
            for path in paths or [settings.BASE_DIR / "data"]:
                tables += tabular.read_path(Path(path))
            reports = tabular.load(tables)
        except tabular.LoadError as error:
            raise CommandError(f"{error}\nNothing was loaded.") from None
        for report in reports:
            for line in report.lines(verbose=verbosity > 1):
                self.stdout.write(line)
