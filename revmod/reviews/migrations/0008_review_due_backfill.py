"""The due columns of the reviews written before them (0007): each review's current step, its
due date and the earliest due date of its open steps (reviews.tasks.Due), from its schedule.

The rows are read through the historical models; the rules are the app's (`tasks.due_of` on a
`schedule.Loaded` whose two queries are made here with the historical models), as 0004 uses
`chain`. From now on the actions keep the columns current (reviews.actions.refresh_due)."""

from collections import defaultdict
from dataclasses import fields

from django.db import migrations
from django.db.models import Prefetch

from revmod.reviews import deadlines, schedule, tasks

DUE_FIELDS = ["due_step", "due_on", "first_open_due_on"]
BATCH = 500


class HistoricalLoaded(schedule.Loaded):
    """`schedule.Loaded` read through the historical models (its two queries), with the
    periods' versions of `rules_for`."""

    def __init__(self, reviews, apps, rules_for):
        Pairing = apps.get_model("lots", "Pairing")
        Nomination = apps.get_model("accounts", "Nomination")
        self.pairings = defaultdict(list)
        for pairing in (
            Pairing.objects.filter(until=None, reviewed__in=[r.party_id for r in reviews])
            .select_related("reviewer")
            .order_by("reviewer__code")
        ):
            self.pairings[pairing.reviewed_id].append(pairing)
        parties = {r.party_id for r in reviews} | {
            p.reviewer_id for items in self.pairings.values() for p in items
        }
        self.named = {}
        for code, scope, kind, day in Nomination.objects.filter(
            ends_on=None, party__in=parties, kind__in=["focal_point", "expert"]
        ).values_list("party__code", "scope", "kind", "starts_on"):
            key = (code, scope, kind)
            self.named[key] = min(day, self.named.get(key, day))
        self.rules = rules_for


def rules_by_start(apps):
    """schedule.rules_by_start through the historical DeadlinePeriods."""
    names = [f.name for f in fields(deadlines.DeadlineRules)]
    versions = [
        (v.applies_from, deadlines.DeadlineRules(**{name: getattr(v, name) for name in names}))
        for v in apps.get_model("reviews", "DeadlinePeriods").objects.order_by("-applies_from")
    ]
    default = deadlines.DeadlineRules()
    return lambda started_on: next((r for day, r in versions if day <= started_on), default)


def backfill(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    ReviewEvent = apps.get_model("reviews", "ReviewEvent")
    rules_for = rules_by_start(apps)
    pks = list(Review.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        reviews = list(
            Review.objects.filter(pk__in=pks[start : start + BATCH])
            .select_related("party", "consultation")
            .prefetch_related(
                Prefetch(
                    "events",
                    queryset=ReviewEvent.objects.filter(kind="submit").order_by("at", "pk"),
                    to_attr="submissions",
                ),
                "deadline_changes",
            )
        )
        loaded = HistoricalLoaded(reviews, apps, rules_for)
        for review in reviews:
            due = tasks.due_of(review, loaded)
            for name in DUE_FIELDS:
                setattr(review, name, getattr(due, name))
        Review.objects.bulk_update(reviews, DUE_FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0007_review_due_columns"),
        ("lots", "0003_protocol_draws"),
        ("accounts", "0006_loginattempt"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
