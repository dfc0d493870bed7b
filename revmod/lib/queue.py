"""A leased work queue over a model's rows, written once: the outbox's e-mail
(`notifications.delivery`) and the machine translations (`translations.actions`) use it.

A row waits `queued` until its due time (a field of the model, named by the queue). A worker
claims it: `working`, one more attempt, a lease until `now + lease`. The claim commits; the
worker then does the work outside any transaction (sends the e-mail, calls the translation
server), may store its progress (`save`), and records the outcome: finished (a status of the
app's: sent, done), queued again after a backoff, or failed for good.

Both apps claim one row at a time, just before working on it (`claim(limit=1)`), and read the
time again for each claim: a lease then covers one row's work, never a batch's, so a slow batch
is never taken over (and done twice) by another worker while this one is still at it.

What it guarantees:
- At least once, never silently lost. A worker that dies or hangs after its claim leaves the
  row `working`; once the lease has run out the row is due again and another worker claims it.
- A duplicate only from that window: a worker that did the work but died (or hung past its
  lease) before recording it has the work done again by the next one. The work itself is not
  transactional (an SMTP server's "250", a translation server's answer), so exactly once is not
  possible; the apps make a repeat harmless (the same Message-ID, the same result).
- The attempt count is the fencing token. Each claim increments it, and `record` writes only
  while the row is still `working` at the count it was claimed with: a worker whose lease ran
  out and was taken over cannot overwrite the next one's outcome. (One whose lease ran out but
  that nobody took over still records: the token is the count, not the clock.)
- A row recorded with any status other than `queued` and `working` is never claimed again.

The model has `status`, `attempts`, `lease_until` (nullable) and `last_error`, and the due-time
field. The settings `<prefix>_LEASE_SECONDS`, `<prefix>_RETRY_SECONDS`,
`<prefix>_RETRY_MAX_SECONDS` and `<prefix>_MAX_ATTEMPTS` are read at each use. Time comes in as
`now`, a time or a clock (`Now`): the worker passes `timezone.now`, tests a fixed time or a
clock they move forward instead of waiting.

The lowest layer: Django only, no revmod app."""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any, Self, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Model, Q

# The time of a piece of work: a fixed time, or a clock read each time the time is needed.
Now = dt.datetime | Callable[[], dt.datetime]


def clock(now: Now) -> Callable[[], dt.datetime]:
    """`now` as a clock: itself when it is one, else a clock stopped at that time."""
    if isinstance(now, dt.datetime):
        return lambda: now
    return now


def backoff(attempts: int, *, base: float, cap: float) -> dt.timedelta:
    """The wait before the next attempt after `attempts` failed ones: `base` seconds after the
    first, doubling after each further one, never more than `cap` seconds."""
    seconds = base * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, cap))


@dataclass
class Outcome:
    """What a batch did: the rows claimed; the apps add their own counts (all whole numbers)."""

    claimed: int = 0

    def __add__(self, other: Self) -> Self:
        summed = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        return type(self)(**summed)


OutcomeT = TypeVar("OutcomeT", bound=Outcome)


def drain(batch: Callable[[], OutcomeT]) -> OutcomeT:
    """Run `batch` until one claims nothing (what `runworker --once` does); the outcomes summed.
    Rows a batch puts back in the queue are due later than its `now`, so this ends."""
    total = batch()
    outcome = total
    while outcome.claimed:
        outcome = batch()
        total += outcome
    return total


class LeasedQueue:
    """The queue of `model`'s rows. `due_field`: the time a queued row is due at; `queued`,
    `working`, `failed`: the model's status values; `settings_prefix`: as "REVMOD_MAIL" for
    REVMOD_MAIL_LEASE_SECONDS and the others; `related`: what `claim` loads with each row
    (select_related), for the work."""

    def __init__(
        self,
        model: type[Model],
        *,
        due_field: str,
        queued: str,
        working: str,
        failed: str,
        settings_prefix: str,
        related: Sequence[str] = (),
    ) -> None:
        self.model = model
        self.due_field = due_field
        self.queued, self.working, self.failed = queued, working, failed
        self.settings_prefix = settings_prefix
        self.related = tuple(related)

    def setting(self, name: str) -> Any:
        return getattr(settings, f"{self.settings_prefix}_{name}")

    def due(self, now: dt.datetime) -> Q:
        """Queued and due, or claimed by a worker whose lease has run out (it died, or hung)."""
        return Q(status=self.queued, **{f"{self.due_field}__lte": now}) | Q(
            status=self.working, lease_until__lte=now
        )

    def claim(
        self, *, now: dt.datetime, limit: int, lease: dt.timedelta | None = None
    ) -> list[Any]:
        """Claim up to `limit` due rows until `now + lease` (default: <prefix>_LEASE_SECONDS),
        oldest due first; each claim counts as an attempt. On PostgreSQL rows locked by another
        worker's claim are skipped, so several workers share the work; the conditional update
        makes a claim safe on SQLite too (one writer at a time there)."""
        if lease is None:
            lease = dt.timedelta(seconds=self.setting("LEASE_SECONDS"))
        rows = self.model._default_manager
        order = (self.due_field, "pk")
        with transaction.atomic():
            due = rows.filter(self.due(now)).order_by(*order)
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            ids = list(due.values_list("pk", flat=True)[:limit])
            # Claimed only if still due: another worker may have taken it since the read.
            claimed = [
                pk
                for pk in ids
                if rows.filter(self.due(now), pk=pk).update(
                    status=self.working, lease_until=now + lease, attempts=F("attempts") + 1
                )
            ]
        found = rows.filter(pk__in=claimed)
        if self.related:
            found = found.select_related(*self.related)
        return list(found.order_by(*order))

    def backoff(self, attempts: int) -> dt.timedelta:
        """`backoff` from <prefix>_RETRY_SECONDS, capped at <prefix>_RETRY_MAX_SECONDS."""
        return backoff(
            attempts, base=self.setting("RETRY_SECONDS"), cap=self.setting("RETRY_MAX_SECONDS")
        )

    def failed_attempt(
        self,
        row: Any,
        error: object,
        *,
        now: dt.datetime,
        permanent: bool,
        progress: bool = False,
    ) -> tuple[bool, dict[str, Any]]:
        """(final, changes): the changes that record a failed attempt at a claimed `row` (for
        `record`). Failed for good (`final`) when the error is `permanent` or this was attempt
        <prefix>_MAX_ATTEMPTS; else queued again after the backoff. An attempt that made
        `progress` (work of which part was done and kept, see `save`) is never the last but
        for a permanent error: it waits the first backoff, not a longer one. The error is kept."""
        final = permanent or (not progress and row.attempts >= self.setting("MAX_ATTEMPTS"))
        changes: dict[str, Any] = {"last_error": str(error)[:2000]}
        if final:
            changes["status"] = self.failed
        else:
            changes["status"] = self.queued
            changes[self.due_field] = now + self.backoff(1 if progress else row.attempts)
        return final, changes

    def save(self, row: Any, **changes: Any) -> bool:
        """Store progress of our attempt at `row` (claimed by `claim`) and keep the lease;
        nothing when the row is no longer ours (another worker claimed it after our lease ran
        out, or it is no longer `working`). True when stored; `row` then has the changes."""
        stored = self.model._default_manager.filter(
            pk=row.pk, status=self.working, attempts=row.attempts
        ).update(**changes)
        if stored:
            for name, value in changes.items():
                setattr(row, name, value)
        return bool(stored)

    def record(self, row: Any, **changes: Any) -> bool:
        """Store the outcome of our attempt at `row` (claimed by `claim`) and end its lease;
        nothing when the row is no longer ours (as `save`). True when stored."""
        return self.save(row, **changes, lease_until=None)
