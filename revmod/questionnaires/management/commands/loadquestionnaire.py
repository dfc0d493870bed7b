from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from revmod.questionnaires.loading import LoadError, load


class Command(BaseCommand):
    help = (
        "Load questionnaire templates from JSON files (default: every file in "
        "data/questionnaires/). Running it twice changes nothing; a loaded version is never "
        "changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="JSON files")

    def handle(self, *args, paths, **options):
        paths = paths or sorted((settings.BASE_DIR / "data" / "questionnaires").glob("*.json"))
        for path in paths:
            try:
                template, created = load(Path(path))
            except LoadError as error:
                raise CommandError(f"{error}\nNothing was loaded from it.") from None
            count = template.questions.count()
            state = "loaded" if created else "unchanged"
            self.stdout.write(f"{template}: {count} questions, {state}.")
