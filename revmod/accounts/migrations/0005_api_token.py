"""Personal API tokens, stored hashed (issue 15, item 5), in place of DRF's authtoken.

DRF's tokens were kept in clear and listed in the admin to every secretariat member: they are
treated as disclosed and not carried over. Their table, its migration records and its content
types are removed (rest_framework.authtoken is no longer installed); their owners make new
tokens on their tokens page, or with `manage.py apitoken`."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DRF_TOKENS = "authtoken_token"


def forget_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if DRF_TOKENS in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(DRF_TOKENS)}")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="authtoken").delete()  # and their permissions


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_secretariat_addresses_verified'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('prefix', models.CharField(max_length=8, unique=True, verbose_name='starts with')),
                ('digest', models.CharField(editable=False, max_length=64)),
                ('created_at', models.DateTimeField(verbose_name='created')),
                ('expires_at', models.DateTimeField(verbose_name='expires')),
                ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='last used')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'API token',
                'verbose_name_plural': 'API tokens',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.RunPython(forget_drf_tokens, migrations.RunPython.noop),
    ]
