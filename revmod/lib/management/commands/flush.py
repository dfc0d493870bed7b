"""Django's `flush`, through the one door of the append-only tables (lib.appendonly): on SQLite
it empties tables with DELETE, which their triggers would refuse. Django's test cases that commit
(pytest's `transaction=True`) call it by name after each test, so they get this one too."""

from django.core.management.commands import flush
from django.db import connections

from revmod.lib.appendonly import maintenance


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if options["interactive"]:  # asked before the transaction: no lock held while waiting
            confirm = input(
                "You have requested a flush of the database.\n"
                "This will IRREVERSIBLY DESTROY all data currently in the "
                f'"{connection.settings_dict["NAME"]}" database,\n'
                "and return each table to an empty state.\n"
                "Are you sure you want to do this?\n\n"
                "    Type 'yes' to continue, or 'no' to cancel: "
            )
            if confirm != "yes":
                self.stdout.write("Flush cancelled.")
                return
        with maintenance(connection, "manage.py flush"):
            super().handle(**{**options, "interactive": False})
