"""Each review's timeline: the facts of its events that the statistics "as of a date" read
(stage changes, submissions, the consultation as recorded), kept in one small row per review
(ReviewTimeline) appended in the transaction that records the event (actions.record).

Reading 9,450 such rows is what the status of a day costs at fifty times the mechanism, where
reading the events themselves meant 150,000 rows and as many JSON documents (docs/decisions.md,
"Statistics from a maintained timeline"). The events stay the record; a timeline can always be
rebuilt from them (`entry` is the one rule, used by the backfill migration's copy too).
"""

import bisect
import datetime as dt

from revmod.reviews.models import ReviewTimeline
from revmod.reviews.workflow import Action

# The events that move a review or date its steps (drafts, clearances, nominations and the rest
# never change a stage: skipping them is most of the log).
READ_EVENTS = frozenset({a.value for a in Action} - {Action.DRAFT, Action.CLEAR} | {"consultation"})
# What the statistics read of an event's data (revmod.stats.status).
READ_DATA = ("to", "from", "held_on", "agreed", "languages", "no_agreement")


def entry(kind: str, at: dt.datetime, data: dict) -> list | None:
    """[when (ISO, UTC), kind, the data read] of an event, or None for an event not read."""
    if kind not in READ_EVENTS:
        return None
    kept = {key: data[key] for key in READ_DATA if key in data}
    return [at.astimezone(dt.UTC).isoformat(), kind, kept]


def append(review_id: int, kind: str, at: dt.datetime, data: dict) -> None:
    """Add the event to its review's timeline, in the order of the log (`at`, then as
    recorded), inside the caller's transaction. Two queries for an event read, none else."""
    item = entry(kind, at, data)
    if item is None:
        return
    row, _created = ReviewTimeline.objects.get_or_create(review_id=review_id)
    bisect.insort_right(row.entries, item, key=lambda e: e[0])
    row.save(update_fields=["entries"])
