"""Append-only tables, enforced by the database itself (docs/operations.md, "The audit").

A protected table takes INSERTs; every UPDATE or DELETE of one of its rows is refused by a
trigger (SQLite: `RAISE(ABORT)`; PostgreSQL: a plpgsql function raising an integrity error),
whoever sends it: the ORM's `save()`, `update()` or `delete()`, the admin, a shell, raw SQL.
Both databases report it as `django.db.IntegrityError` ("append-only: ...").

The one door: `maintenance(connection)`, a transaction in which the triggers let changes
through. It writes a row into `revmod_maintenance` (a plain table, no model) and removes it
before the transaction ends, so no other connection ever sees it set. It is for
- `manage.py flush`, which on SQLite empties tables with DELETE (PostgreSQL's TRUNCATE fires no
  row trigger): revmod's own `flush` command (lib/management/commands/flush.py) wraps Django's,
  so the tests that commit (`transaction=True`) and a reset of a demo keep working;
- a data migration that must rewrite protected rows: it says why, rewrites them in
  `maintenance(schema_editor.connection)` and then recomputes what hashes the rows carry
  (`reviews.chain.rechain` for the events), so that `manage.py verifyaudit` passes again.
Anyone with the database owner's rights can still drop a trigger: what is changed then is found
by `manage.py verifyaudit` (the events' hash chain and the snapshots' hashes).

On SQLite, a migration that remakes a protected table (adding a column that is not null, for
instance) drops its triggers with the old table: `reviews/tests/test_audit.py` checks that every
protected table has both after all migrations; such a migration must call `Protect` again.

The SQL here is part of the migrations that call `Protect`: change it only with a migration
that installs the new version.
"""

import uuid
from contextlib import contextmanager

from django.db import migrations, transaction

MAINTENANCE = "revmod_maintenance"
FUNCTION = "revmod_append_only"


def trigger_names(table: str) -> list[str]:
    return [f"{table}_no_update", f"{table}_no_delete"]


def _sqlite_install(table: str) -> list[str]:
    statements = []
    for name, operation in zip(trigger_names(table), ("UPDATE", "DELETE"), strict=True):
        statements.append(
            f'CREATE TRIGGER IF NOT EXISTS "{name}" BEFORE {operation} ON "{table}" '
            f"WHEN NOT EXISTS (SELECT 1 FROM {MAINTENANCE}) "
            f"BEGIN SELECT RAISE(ABORT, 'append-only: {table} rows are never changed "
            f"nor deleted'); END"
        )
    return statements


_POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM {MAINTENANCE}) THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'append-only: % rows are never changed nor deleted (%)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$
"""


def _postgresql_install(table: str) -> list[str]:
    statements = [_POSTGRESQL_FUNCTION]
    for name, operation in zip(trigger_names(table), ("UPDATE", "DELETE"), strict=True):
        statements += [
            f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"',
            f'CREATE TRIGGER "{name}" BEFORE {operation} ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
        ]
    return statements


def install_sql(vendor: str, table: str) -> list[str]:
    """The statements that make `table` append-only (idempotent)."""
    statements = [
        f"CREATE TABLE IF NOT EXISTS {MAINTENANCE} "
        "(token varchar(36) NOT NULL, reason varchar(200) NOT NULL)"
    ]
    if vendor == "sqlite":
        return statements + _sqlite_install(table)
    if vendor == "postgresql":
        return statements + _postgresql_install(table)
    raise NotImplementedError(f"append-only tables on {vendor}")


def uninstall_sql(vendor: str, table: str) -> list[str]:
    """The statements that remove `table`'s triggers (the function and the maintenance table
    stay: other tables use them)."""
    if vendor == "sqlite":
        return [f'DROP TRIGGER IF EXISTS "{name}"' for name in trigger_names(table)]
    return [f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"' for name in trigger_names(table)]


def installed(connection, table: str) -> set[str]:
    """The names of `table`'s append-only triggers that exist in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [table],
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid "
                "WHERE relname = %s AND NOT tgisinternal",
                [table],
            )
        names = {row[0] for row in cursor.fetchall()}
    return names & set(trigger_names(table))


def _run(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Protect(migrations.RunPython):
    """A migration operation: make the tables of `models` ("app_label.Model") append-only on
    the database in use; reversed, it removes their triggers."""

    def __init__(self, *models: str) -> None:
        self.models = models
        super().__init__(self._install, self._uninstall, elidable=False)

    def _tables(self, apps) -> list[str]:
        return [apps.get_model(label)._meta.db_table for label in self.models]

    def _install(self, apps, schema_editor) -> None:
        connection = schema_editor.connection
        for table in self._tables(apps):
            _run(connection, install_sql(connection.vendor, table))

    def _uninstall(self, apps, schema_editor) -> None:
        connection = schema_editor.connection
        for table in self._tables(apps):
            _run(connection, uninstall_sql(connection.vendor, table))

    def describe(self) -> str:
        return f"Make {', '.join(self.models)} append-only"

    def deconstruct(self):
        return (self.__class__.__qualname__, list(self.models), {})


@contextmanager
def maintenance(connection, reason: str = "maintenance"):
    """A transaction in which the append-only triggers let UPDATE and DELETE through (see the
    module's docstring: `flush`, a data migration that must rewrite protected rows). Outside
    it, and on every other connection, they refuse as always."""
    with transaction.atomic(using=connection.alias):
        if not _has_table(connection):  # a database before the first `Protect`
            yield
            return
        token = str(uuid.uuid4())
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {MAINTENANCE} (token, reason) VALUES (%s, %s)", [token, reason[:200]]
            )
        yield
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {MAINTENANCE} WHERE token = %s", [token])


def _has_table(connection) -> bool:
    with connection.cursor() as cursor:
        return MAINTENANCE in connection.introspection.table_names(cursor)
