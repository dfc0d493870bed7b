"""The hash chain of a review's events (docs/operations.md, "The audit").

Each event carries the hash of the event before it in the same review (`prev_hash`, empty for
the first) and its own `hash`: SHA-256 over a canonical JSON of the review's id, the time (UTC,
to the microsecond), the actor's id, the kind, the data and `prev_hash`. Changing an event's
content breaks its own hash; removing or reordering one breaks the next one's `prev_hash`.
One chain per review: the events of different reviews are written side by side without
waiting for each other, and each review's are written one at a time under its row's lock
(`ReviewEvent.save`).

Pure: no database. The migration that filled the chain for the events written before it and
`manage.py verifyaudit` use these functions; changing them is changing every stored hash.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, fields

GENESIS = ""


def canonical_time(at: dt.datetime) -> str:
    """`at` in UTC with microseconds, e.g. '2024-04-16T09:30:00.000000Z' (a naive time is
    taken as UTC, the platform's time zone)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value) -> str:
    """`value` as the database gives it back (through JSON once: tuples are lists, keys are
    strings), then with sorted keys and no spaces."""
    value = json.loads(json.dumps(value))
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(
    *, review_id: int, at: dt.datetime, actor_id: int | None, kind: str, data, prev_hash: str
) -> str:
    payload = {
        "review": review_id,
        "at": canonical_time(at),
        "actor": actor_id,
        "kind": kind,
        "data": data,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


@dataclass(frozen=True)
class Row:
    """An event as stored: what its hash covers, and the two hashes."""

    pk: int
    review_id: int
    at: dt.datetime
    actor_id: int | None
    kind: str
    data: object
    prev_hash: str
    hash: str

    def computed(self, prev_hash: str | None = None) -> str:
        return event_hash(
            review_id=self.review_id,
            at=self.at,
            actor_id=self.actor_id,
            kind=self.kind,
            data=self.data,
            prev_hash=self.prev_hash if prev_hash is None else prev_hash,
        )


# The columns of a Row, in its order (for values_list).
FIELDS = [f.name for f in fields(Row)]


@dataclass(frozen=True)
class Break:
    """The first broken link of a review's chain: the event and what differs."""

    review_id: int
    event_id: int
    problem: str


def first_break(rows: Iterable[Row]) -> Break | None:
    """The first broken link among `rows`, the events of one review in the order written (by
    id); None when the chain holds."""
    before: Row | None = None
    for row in rows:
        expected = before.hash if before else GENESIS
        if row.prev_hash != expected:
            after = f"event {before.pk}" if before else "the start of the review's chain"
            return Break(
                row.review_id,
                row.pk,
                f"its prev_hash {row.prev_hash[:16] or '(empty)'}… does not match {after} "
                f"({expected[:16] or '(empty)'}…): an event before it was removed, inserted or "
                "rewritten",
            )
        if row.computed() != row.hash:
            return Break(
                row.review_id,
                row.pk,
                f"its content (review, time, actor, kind or data) no longer matches its hash "
                f"{row.hash[:16]}… (computed {row.computed()[:16]}…): the event was changed",
            )
        before = row
    return None


def rechain(rows: Iterable[Row]) -> list[tuple[int, str, str]]:
    """(pk, prev_hash, hash) for `rows`, the events of one review in the order written: the
    chain as it should be (for a migration that fills or mends it)."""
    result = []
    prev = GENESIS
    for row in rows:
        digest = row.computed(prev)
        result.append((row.pk, prev, digest))
        prev = digest
    return result
