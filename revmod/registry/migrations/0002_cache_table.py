"""The database cache's table (settings.CACHES, revmod.lib.env.cache_from_url), created here so
that `manage.py migrate` alone readies a fresh install; nothing when CACHE_URL names Redis.
`createcachetable` skips a table that exists, so running it again is harmless."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
