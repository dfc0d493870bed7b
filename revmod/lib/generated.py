"""Documents made from the records (the PDFs), once per version of what they show, by the worker:
a request never renders one, so no request costs seconds of CPU (and anyone may ask for the
public pairings PDF as often as they like).

A document is named by its kind ("pairings", "status-report"), its language, its parameters
(the filters that choose what it shows, already validated by the page's form) and the version
of its inputs: a cheap value that changes whenever a record it shows changes. Its `key` is the
SHA-256 of the four; its `family` that of the first three. Its file is
`REVMOD_GENERATED_DIR/<kind>/<family>/<key>.pdf`: the versions of one document sit in one
folder, and the worker, having made a new one, removes the others.

A request (`Documents.respond`): the file is there, it is served as an attachment; else its
making is queued (one row per key: a hundred requests queue one job) and the answer is 202, a
page that reloads itself until the file is there.

The worker (`Documents.make_next`) claims a job (lib.queue: leased, so a worker that dies
leaves it to the next), calls the maker registered for the kind (`register`, from the app's
AppConfig.ready) in the job's language, writes the file under a temporary name and renames it
into place (a reader never sees half a file), then removes the family's other files and jobs.

The jobs are rows of a model of the lowest app that makes a document (lots.Generation): this
layer holds no models, so the model comes in, as for LeasedQueue. Deleting the files (all, or a
kind's folder) is safe at any time: the next request queues them again."""

import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Model, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation

from revmod.lib import queue
from revmod.lib.downloads import PDF, file_response

log = logging.getLogger(__name__)

QUEUED, WORKING, DONE, FAILED = "queued", "working", "done", "failed"
# A temporary file this old is a worker's that died while writing it.
STALE_TEMPORARY_SECONDS = 3600

# kind -> maker(params) -> the document's bytes, called in the job's language.
Maker = Callable[[dict[str, Any]], bytes]
MAKERS: dict[str, Maker] = {}


def register(kind: str, maker: Maker) -> None:
    """Make the documents of `kind` with `maker` (an app's AppConfig.ready)."""
    MAKERS[kind] = maker


def _digest(*parts: object) -> str:
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def root() -> Path:
    return Path(settings.REVMOD_GENERATED_DIR)


@dataclass(frozen=True)
class Document:
    """A document to serve: `params` are JSON values (they travel in the job's row); `version`
    of its inputs; `filename`: what the download is saved as (ASCII, made by the server);
    `language`: the active one unless given."""

    kind: str
    params: dict[str, Any]
    version: str
    filename: str
    language: str = field(default_factory=translation.get_language)

    @property
    def family(self) -> str:
        return _digest(self.kind, self.language, self.params)

    @property
    def key(self) -> str:
        return _digest(self.kind, self.language, self.params, self.version)

    @property
    def path(self) -> Path:
        return path(self.kind, self.family, self.key)


def path(kind: str, family: str, key: str) -> Path:
    return root() / kind / family / f"{key}.pdf"


def write(target: Path, content: bytes) -> None:
    """`content` as the file `target`, all of it or nothing: written under a temporary name in
    the same folder, then renamed (atomic on one file system)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_others(kept: Path) -> int:
    """Delete the other versions in `kept`'s folder (and temporary files a dead worker left);
    how many. A request streaming a deleted file still reads it to the end (POSIX)."""
    removed = 0
    for other in kept.parent.iterdir():
        if other == kept:
            continue
        if other.suffix == ".tmp":
            try:
                if time.time() - other.stat().st_mtime < STALE_TEMPORARY_SECONDS:
                    continue  # another worker's, being written
            except FileNotFoundError:
                continue
        other.unlink(missing_ok=True)
        removed += 1
    return removed


@dataclass
class Outcome(queue.Outcome):
    done: int = 0
    retried: int = 0
    failed: int = 0


class Documents:
    """The documents whose jobs are rows of `model`: fields key (unique), family, kind,
    language, params (JSON), status, due_at, attempts, lease_until, last_error. Settings
    REVMOD_GENERATE_LEASE_SECONDS, _RETRY_SECONDS, _RETRY_MAX_SECONDS, _MAX_ATTEMPTS."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.queue = queue.LeasedQueue(
            model,
            due_field="due_at",
            queued=QUEUED,
            working=WORKING,
            failed=FAILED,
            settings_prefix="REVMOD_GENERATE",
        )

    def respond(self, request: HttpRequest, document: Document, *, back: str) -> HttpResponse:
        """The file of `document` as an attachment when it is made; else its making queued and
        202, a page in the request's language that reloads itself, with a link to `back`."""
        try:
            opened = document.path.open("rb")
        except FileNotFoundError:
            failed = self.enqueue(document, now=timezone.now()) == FAILED
            # A document the worker could not make (logged there): said so, without reloading.
            context = {"back": back, "failed": failed}
            return render(request, "generated_pending.html", context, status=503 if failed else 202)
        return file_response(opened, PDF, document.filename)

    def enqueue(self, document: Document, *, now) -> str:
        """Queue the making of `document`, once: nothing when its job is queued or under way.
        A job done whose file was deleted since is queued again; a failed one too, once the
        longest retry wait has passed (a document that cannot be made is not tried on every
        reload of the page). Returns the job's status."""
        rows = self.model._default_manager
        wait = dt.timedelta(seconds=self.queue.setting("RETRY_MAX_SECONDS"))
        rows.filter(
            Q(status=DONE) | Q(status=FAILED, due_at__lte=now - wait), key=document.key
        ).update(status=QUEUED, due_at=now, attempts=0, lease_until=None, last_error="")
        rows.bulk_create(
            [
                self.model(
                    key=document.key,
                    family=document.family,
                    kind=document.kind,
                    language=document.language,
                    params=document.params,
                    status=QUEUED,
                    due_at=now,
                )
            ],
            ignore_conflicts=True,
        )
        return rows.filter(key=document.key).values_list("status", flat=True).first() or QUEUED

    def make_next(self, *, now: queue.Now) -> Outcome:
        """Claim the job due first and make its document (one: a lease covers one document's
        work). A maker that fails is logged and tried again after a backoff, at most
        REVMOD_GENERATE_MAX_ATTEMPTS times."""
        clock = queue.clock(now)
        claimed = self.queue.claim(now=clock(), limit=1)
        outcome = Outcome(claimed=len(claimed))
        for job in claimed:
            target = path(job.kind, job.family, job.key)
            try:
                # Made already (queued again by a request that raced the worker): not twice.
                if not target.is_file():
                    with translation.override(job.language):
                        content = MAKERS[job.kind](job.params)
                    write(target, content)
            except Exception as error:
                log.exception("making the %s document %s failed", job.kind, job.key)
                final, changes = self.queue.failed_attempt(
                    job, error, now=clock(), permanent=job.kind not in MAKERS
                )
                if self.queue.record(job, **changes):
                    outcome.failed += final
                    outcome.retried += not final
                continue
            if self.queue.record(job, status=DONE):
                outcome.done += 1
            remove_others(target)
            self.model._default_manager.filter(family=job.family, status=DONE).exclude(
                pk=job.pk
            ).delete()
        return outcome

    def make_all_due(self, *, now: queue.Now) -> Outcome:
        """Every job due, one after the other (`runworker --once`, tests)."""
        return queue.drain(lambda: self.make_next(now=now))
