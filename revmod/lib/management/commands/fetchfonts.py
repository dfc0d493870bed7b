import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from revmod.lib import fonts


class Command(BaseCommand):
    help = (
        "Fetch the fonts of PDF documents (Noto Sans, IBM Plex Sans Arabic, Noto Sans SC; SIL OFL) "
        "from the npm registry into REVMOD_FONT_DIR (default var/fonts), and those of pages into "
        "its web/ folder (static files: run collectstatic after). Does nothing when they are "
        "already there at the pinned versions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="fetch even when up to date")

    def handle(self, *args, force, **options):
        directory = settings.REVMOD_FONT_DIR
        # fontTools reports every WOFF2 file it unpacks at INFO level.
        logging.getLogger("fontTools").setLevel(logging.WARNING)
        try:
            fetched = fonts.fetch(directory, force=force)
        except fonts.FontError as error:
            raise CommandError(str(error)) from None
        if fetched:
            self.stdout.write(f"Fonts written to {directory}.")
        else:
            self.stdout.write(f"Fonts in {directory} are up to date.")
