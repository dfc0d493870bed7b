"""The due columns again (as 0008 wrote them), now that the step "focal points named" (and
"experts named") is dated by the first nomination that filled the role, even if that person
was replaced since (issue 21): a replacement moved the day, so that consultations showed as
held before the focal points were named. Rows through the historical models, the rules the
app's (`tasks.due_of` on a `schedule.Loaded` whose queries are made here), as 0008 does."""

from collections import defaultdict
from dataclasses import fields

from django.db import migrations
from django.db.models import Prefetch

from revmod.reviews import deadlines, schedule, tasks

DUE_FIELDS = ["due_step", "due_on", "first_open_due_on"]
BATCH = 500


class HistoricalLoaded(schedule.Loaded):
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
        first, filled = {}, set()
        for code, scope, kind, day, ends_on in Nomination.objects.filter(
            party__in=parties, kind__in=["focal_point", "expert"]
        ).values_list("party__code", "scope", "kind", "starts_on", "ends_on"):
            key = (code, scope, kind)
            first[key] = min(day, first.get(key, day))
            if ends_on is None:
                filled.add(key)
        self.named = {key: day for key, day in first.items() if key in filled}
        self.person, self.person_rows = None, []
        self.rules = rules_for


def rules_by_start(apps):
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
        changed = []
        for review in reviews:
            due = tasks.due_of(review, loaded)
            if any(getattr(review, name) != getattr(due, name) for name in DUE_FIELDS):
                for name in DUE_FIELDS:
                    setattr(review, name, getattr(due, name))
                changed.append(review)
        Review.objects.bulk_update(changed, DUE_FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0010_review_timeline"),
        ("accounts", "0008_user_secretariat_officers"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
