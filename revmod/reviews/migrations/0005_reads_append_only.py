"""The record of reads of confidential material (reviews.reads); the events and these records
append-only in the database (lib.appendonly). In a migration of its own: PostgreSQL takes no
trigger on a table whose rows the same transaction changed (0004 filled the chain)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from revmod.lib.appendonly import Protect


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_event_chain"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReadRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(verbose_name="when")),
                (
                    "material",
                    models.CharField(
                        choices=[
                            ("answers", "Questionnaire answers"),
                            ("feedback", "Written feedback"),
                            ("observations", "List of observations and summary"),
                        ],
                        max_length=16,
                        verbose_name="material",
                    ),
                ),
                (
                    "how",
                    models.CharField(
                        choices=[
                            ("page", "Page"),
                            ("api", "API"),
                            ("export", "Export (PDF or DOCX)"),
                            ("offline", "Offline questionnaire"),
                            ("file", "File download"),
                            ("zip", "ZIP of the submissions"),
                            ("translation", "Machine translation"),
                        ],
                        max_length=16,
                        verbose_name="how",
                    ),
                ),
                ("target", models.CharField(blank=True, max_length=100, verbose_name="object")),
                ("detail", models.CharField(blank=True, max_length=200, verbose_name="detail")),
                (
                    "reader",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reader",
                    ),
                ),
                (
                    "review",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reads",
                        to="reviews.review",
                    ),
                ),
            ],
            options={
                "verbose_name": "read of confidential material",
                "verbose_name_plural": "reads of confidential material",
                "ordering": ["-at", "-pk"],
                "indexes": [models.Index(fields=["review", "-at"], name="read_by_review")],
            },
        ),
        Protect("reviews.ReviewEvent", "reviews.ReadRecord"),
    ]
