"""The tamper-evident audit (docs/operations.md, "The audit"): each event carries the hash of the
review's event before it (reviews.chain), filled here for the events written before.

After questionnaires 0005, the last migration that rewrote events (it marked their material):
the chain is computed over the events as they stay."""

from django.db import migrations, models

from revmod.reviews import chain


def fill_chain(apps, schema_editor):
    ReviewEvent = apps.get_model("reviews", "ReviewEvent")
    events = ReviewEvent.objects.order_by("review_id", "pk").values_list(*chain.FIELDS[:6])
    batch, review, prev = [], None, chain.GENESIS
    for pk, review_id, at, actor_id, kind, data in events.iterator(chunk_size=2000):
        if review_id != review:
            review, prev = review_id, chain.GENESIS
        digest = chain.event_hash(
            review_id=review_id, at=at, actor_id=actor_id, kind=kind, data=data, prev_hash=prev
        )
        batch.append(ReviewEvent(pk=pk, prev_hash=prev, hash=digest))
        prev = digest
        if len(batch) >= 2000:
            ReviewEvent.objects.bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    ReviewEvent.objects.bulk_update(batch, ["prev_hash", "hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_review_version"),
        ("questionnaires", "0005_event_material"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="reviewevent",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(fill_chain, migrations.RunPython.noop),
    ]
