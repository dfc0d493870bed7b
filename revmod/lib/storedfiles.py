"""The files the platform stores (under MEDIA_ROOT) against the rows that name them.

Every FileField of every model names a file under MEDIA_ROOT (a document's version, a
registration's note verbale, and any added later: they are found in the models, not listed
here). Three things go wrong, and `check` finds each:
- a row names a file that is not there (*missing*): a database restored without its files, a
  file deleted by hand. A download of it answers a page that says so (`MissingFile`), never a
  500, and writes a line at error level;
- a file that no row names (*orphan*): an upload killed between storing its file and saving its
  row (documents.actions.storing deletes the file on every error it sees, but a killed process
  sees none);
- a *temporary* file of an upload killed while it arrived (FILE_UPLOAD_TEMP_DIR, which the
  settings put inside MEDIA_ROOT).

`remove` deletes orphans and temporary files only once they are older than a grace period (an
hour by default): an upload in progress has a file without a row for a moment, and is never
touched. With `checksums`, files whose model keeps their SHA-256 (a `sha256` field next to the
FileField) are read and compared: a file changed on disk is listed as *changed*.

`manage.py checkfiles` runs it; backups (lib.backup) list the stored files through `stored`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

GRACE = dt.timedelta(hours=1)
MISSING_MESSAGE = _(
    "The file of this version is missing on the server. The error has been logged for the "
    "platform's administrators; tell the secretariat if you need this file."
)


class MissingFile(Exception):
    """A row names a stored file that is not there (the error is already logged)."""


def open_stored(file: FieldFile, *, named_by: str):
    """`file` opened for reading; MissingFile, after a line at error level, when it is not on
    disk. `named_by` says which row names it, for the log (e.g. "document version 12")."""
    try:
        return file.storage.open(file.name, "rb")
    except FileNotFoundError:
        log.error(
            "Stored file missing: %s (named by %s); `manage.py checkfiles` lists every missing "
            "file.",
            file.name,
            named_by,
        )
        raise MissingFile(file.name) from None


def missing_page(request: HttpRequest, message=MISSING_MESSAGE) -> HttpResponse:
    """The page of a download whose file is missing: 410 Gone (the version exists, its file is
    gone), saying so."""
    return render(request, "file_missing.html", {"message": message}, status=410)


# --- What is stored, what is named ---------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """A file under MEDIA_ROOT: its name there ('/'-separated), path, size and last change."""

    name: str
    path: Path
    size: int
    modified: dt.datetime


@dataclass(frozen=True)
class Named:
    """A file a row names: the file's name, the row (model label and pk) and the field."""

    name: str
    model: str
    pk: object
    field: str

    def __str__(self) -> str:
        return f"{self.name} ({self.model} {self.pk}, {self.field})"


def temp_dir() -> Path | None:
    """Where uploads are written while they arrive, when the settings name a folder."""
    folder = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    return Path(folder) if folder else None


def _walk(root: Path, *, skip: Path | None = None) -> Iterator[Stored]:
    if not root.is_dir():
        return
    skip = skip.resolve() if skip else None
    for folder, subfolders, names in os.walk(root):
        here = Path(folder)
        if skip is not None:
            subfolders[:] = [s for s in subfolders if (here / s).resolve() != skip]
        subfolders.sort()
        for name in sorted(names):
            path = here / name
            try:
                stat = path.stat()
            except FileNotFoundError:  # removed while we looked
                continue
            yield Stored(
                name=path.relative_to(root).as_posix(),
                path=path,
                size=stat.st_size,
                modified=dt.datetime.fromtimestamp(stat.st_mtime, tz=dt.UTC),
            )


def stored() -> list[Stored]:
    """Every file under MEDIA_ROOT except the temporary files of uploads, sorted by name."""
    return list(_walk(Path(settings.MEDIA_ROOT), skip=temp_dir()))


def temporary() -> list[Stored]:
    """The temporary files of uploads in progress or killed (FILE_UPLOAD_TEMP_DIR)."""
    folder = temp_dir()
    return list(_walk(folder)) if folder else []


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every FileField (ImageField included) of every model."""
    return [
        (model, f)
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, models.FileField)
    ]


def named() -> list[Named]:
    """Every file a row names (empty names left out)."""
    found = []
    for model, f in file_fields():
        rows = model._base_manager.exclude(**{f.attname: ""}).exclude(**{f.attname: None})
        for pk, name in rows.order_by("pk").values_list("pk", f.attname):
            found.append(Named(name, model._meta.label, pk, f.name))
    return found


# --- The check -----------------------------------------------------------------------------


@dataclass
class Report:
    missing: list[Named] = field(default_factory=list)
    orphans: list[Stored] = field(default_factory=list)
    temporary: list[Stored] = field(default_factory=list)
    changed: list[Named] = field(default_factory=list)
    stored: int = 0
    named: int = 0

    def removable(self, *, now: dt.datetime, grace: dt.timedelta = GRACE) -> list[Stored]:
        """The orphans and temporary files older than `grace`."""
        return [f for f in self.orphans + self.temporary if f.modified <= now - grace]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _changed(on_disk: dict[str, Stored]) -> list[Named]:
    """Files whose model keeps a SHA-256 that their content no longer has."""
    changed = []
    for model, f in file_fields():
        if not any(g.name == "sha256" for g in model._meta.concrete_fields):
            continue
        rows = model._base_manager.exclude(**{f.attname: ""}).order_by("pk")
        for pk, name, sha256 in rows.values_list("pk", f.attname, "sha256"):
            if name in on_disk and _sha256(on_disk[name].path) != sha256:
                changed.append(Named(name, model._meta.label, pk, f.name))
    return changed


def check(*, checksums: bool = False) -> Report:
    """The missing, orphaned and temporary files (and with `checksums`, the changed ones). The
    files are listed before the rows are read, so a file stored during the check and named by a
    row committed meanwhile is never an orphan."""
    files = stored()
    temp = temporary()
    rows = named()
    on_disk = {f.name: f for f in files}
    names = {n.name for n in rows}
    root = Path(settings.MEDIA_ROOT)
    return Report(
        # A name not listed is looked for again: its upload may have finished meanwhile.
        missing=[n for n in rows if n.name not in on_disk and not (root / n.name).is_file()],
        orphans=[f for f in files if f.name not in names],
        temporary=temp,
        changed=_changed(on_disk) if checksums else [],
        stored=len(files),
        named=len(rows),
    )


def remove(files: list[Stored]) -> int:
    """Delete `files` (those already gone are skipped); how many were deleted."""
    removed = 0
    for f in files:
        try:
            f.path.unlink()
        except FileNotFoundError:
            continue
        removed += 1
    return removed
