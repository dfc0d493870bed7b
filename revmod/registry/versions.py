"""Versions of the records, for caches computed from them (registry.models.RecordsVersion).

The contract: every action that changes a record a reading depends on calls `bump(name)`
inside its transaction (a rolled-back change bumps nothing); the reading caches its result
under `current(name)`. The writers live in several layers, hence the counter lives here, the
lowest layer they all import.

STATISTICS is read by revmod.stats.status; bumped by every review event recorded
(reviews.actions.record: stage changes, submissions, consultations, deadline changes, new
reviews), nominations started or ended (accounts.actions), pairings added or ended by a draw
or a redraw (lots.actions.publish), adherences loaded (registry.tabular), deadline periods
added (reviews.admin), a person's gender or ministry set (accounts.actions), and every action of
the six apps the report's later sections read (revmod.stats.sections): follow-ups and
briefings, events and training, assistance answers, library resources, stakeholders' dialogues,
outreach and pilots, recommendations and their follow-ups.
"""

from django.db.models import F

from revmod.registry.models import RecordsVersion

STATISTICS = "statistics"


def bump(name: str = STATISTICS) -> None:
    """Count one change of the records behind `name`: an atomic UPDATE n = n + 1, so two
    transactions bumping at once both count (the row is locked until the first commits)."""
    if not RecordsVersion.objects.filter(name=name).update(n=F("n") + 1):
        # The data migration creates the row; a database emptied by hand may have lost it.
        RecordsVersion.objects.get_or_create(name=name, defaults={"n": 1})


def current(name: str = STATISTICS) -> int:
    """The version of the records behind `name` (one indexed single-row read)."""
    return RecordsVersion.objects.filter(name=name).values_list("n", flat=True).first() or 0
