"""Backups of a whole installation, the database and every stored file in one archive, and
their restoration into an empty installation (`manage.py backup`, `restore`; the procedure is
in docs/operations.md).

An archive is a tar file holding
- `database.jsonl.gz`: every row of every table, in Django's serialization (JSON lines, what
  `loaddata` reads), primary keys included;
- `media/<name>`: every file under MEDIA_ROOT, except uploads still arriving
  (FILE_UPLOAD_TEMP_DIR);
- `manifest.json`: when, from which database, at which migrations, the rows of each table,
  and the size and SHA-256 of the dump and of each file;
- `SHA256SUMS`: the SHA-256 of every other member, as `sha256sum -c` reads them.

Why a serialization rather than `pg_dump` or a copy of the SQLite file: one format and one code
path for both databases, which the test suite runs on both; an archive made on SQLite restores
on PostgreSQL (the way to move an installation from one to the other), and the other way; rows
are counted per table and checked after a restore. What it costs: a very large database
restores more slowly than with `pg_restore` (docs/operations.md says when to add `pg_dump`).

Consistent on a live installation (web server and worker running): the rows are read from one
snapshot of the database, on PostgreSQL one REPEATABLE READ, READ ONLY transaction, on SQLite a
copy made with SQLite's online backup API (writers wait only while its pages are copied, not
while rows are serialized; the dump is then read from the copy). The files are listed after the
snapshot is taken, and a file is stored before the row naming it is committed
(documents.actions.storing), so every file a row of the snapshot names is in the archive. Files
are never changed once stored. A file stored after the snapshot is in the archive with no row
naming it: an orphan, harmless, that `checkfiles` lists.

Every table comes back identical, ids included: content types and permissions are in the dump
with their ids and replace those `migrate` made in the empty installation, and the rows of the
tables linking two models (many-to-many) are dumped as rows of their own rather than inside
their models (where `loaddata` would give them new ids).

A restore reads the archive twice: first it checks every checksum, the manifest and the target
(the same migrations, an empty database, no file of another content under a name the archive
holds) and refuses, changing nothing, at the first problem; then it writes the files and loads
the rows in one transaction, checks the rows of each table against the manifest, and on any
failure rolls the rows back and deletes the files it wrote.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import platform
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend

from revmod.lib import storedfiles

FORMAT, VERSION = "revmod-backup", 1
DUMP, MANIFEST, SUMS, MEDIA = "database.jsonl.gz", "manifest.json", "SHA256SUMS", "media/"
SNAPSHOT_ALIAS = "revmod_backup_snapshot"
CHUNK = 1024 * 1024
# Made by `migrate` in every installation, so not what makes a database "not empty".
MADE_BY_MIGRATE = (ContentType, Permission)


class BackupError(Exception):
    """A backup or restore refused or failed, with the reason for the person running it."""


@dataclass(frozen=True)
class Result:
    path: Path
    manifest: dict

    @property
    def rows(self) -> int:
        return self.manifest["database"]["rows"]


def archive_name(now: dt.datetime) -> str:
    return f"revmod-backup-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.tar"


def dumped_models() -> list[type[models.Model]]:
    """Every model with a table of its own, the tables linking two models included."""
    return sorted(
        (
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        ),
        key=lambda model: model._meta.label_lower,
    )


def _applied(alias: str) -> list[str]:
    applied = MigrationRecorder(connections[alias]).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


# --- Backup --------------------------------------------------------------------------------


@contextmanager
def _snapshot(folder: Path) -> Iterator[tuple[str, str]]:
    """A database alias that reads one consistent state of the database, and how it was made."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:
        raise BackupError("A backup cannot be made inside a transaction.")
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield DEFAULT_DB_ALIAS, "postgresql: one REPEATABLE READ, READ ONLY transaction"
    elif connection.vendor == "sqlite":
        copy = folder / "snapshot.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        # A connection of this thread only, to the copy (not in the settings: nothing else
        # will ever use it).
        snapshot = load_backend(connection.settings_dict["ENGINE"]).DatabaseWrapper(
            {**connection.settings_dict, "NAME": str(copy)}, SNAPSHOT_ALIAS
        )
        connections[SNAPSHOT_ALIAS] = snapshot
        try:
            yield SNAPSHOT_ALIAS, "sqlite: a copy made with the online backup API"
        finally:
            snapshot.close()
            del connections[SNAPSHOT_ALIAS]
    else:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")


class _Counted:
    def __init__(self, rows: Iterable):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


class _Exact(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder keeps milliseconds (ECMA-262), and a row
    restored from it would differ from the row backed up."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _dump(alias: str, out) -> dict[str, int]:
    """Every row of every table of `alias` written to `out` (text) as JSON lines; the rows of
    each table."""
    serializer = serializers.get_serializer("jsonl")
    tables = {}
    for model in dumped_models():
        rows = _Counted(model._base_manager.using(alias).order_by("pk").iterator(chunk_size=2000))
        # The model's own columns only: a many-to-many field's rows are its table's, dumped as
        # that table's model.
        fields = [f.name for f in model._meta.local_fields]
        serializer().serialize(rows, stream=out, fields=fields, cls=_Exact)
        tables[model._meta.db_table] = rows.count
    return tables


class _Hashing:
    """A file read through: its SHA-256 and size as read."""

    def __init__(self, source):
        self.source, self.digest, self.size = source, hashlib.sha256(), 0

    def read(self, n=-1):
        data = self.source.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def _member(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o644
    return info


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    with path.open("rb") as source:
        stat = os.fstat(source.fileno())
        reader = _Hashing(source)
        tar.addfile(_member(name, stat.st_size, stat.st_mtime), reader)
    return {"size": reader.size, "sha256": reader.digest.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> str:
    tar.addfile(_member(name, len(data), mtime), io.BytesIO(data))
    return hashlib.sha256(data).hexdigest()


def _target(dest: Path, now: dt.datetime) -> Path:
    target = dest / archive_name(now) if dest.is_dir() else dest
    if target.exists():
        raise BackupError(f"{target} exists already: give another name or folder.")
    if not target.parent.is_dir():
        raise BackupError(f"There is no folder {target.parent}.")
    media = Path(settings.MEDIA_ROOT).resolve()
    if target.parent.resolve().is_relative_to(media):
        raise BackupError(f"Keep backups outside the stored files ({media}).")
    return target


def backup(dest: Path, *, now: dt.datetime) -> Result:
    """One archive of the database and every stored file, at `dest` (a folder: a new file
    named after `now` in it; else the archive's path). Written under a temporary name and
    renamed when complete, readable by its owner only (it holds every confidential document
    and the password hashes)."""
    target = _target(dest, now)
    partial = target.with_name(f".{target.name}.partial")
    with tempfile.TemporaryDirectory(prefix=".revmod-backup-", dir=target.parent) as folder:
        dump = Path(folder) / DUMP
        with _snapshot(Path(folder)) as (alias, snapshot):
            with gzip.open(dump, "wt", encoding="utf-8", compresslevel=6) as out:
                tables = _dump(alias, out)
            migrations = _applied(alias)
        files = storedfiles.stored()  # after the snapshot: see the module's docstring
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise BackupError(f"{partial} exists: is another backup running?") from None
        try:
            with os.fdopen(descriptor, "wb") as raw:
                manifest = _write(raw, dump, files, tables, migrations, snapshot, now)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return Result(target, manifest)


def _write(raw, dump: Path, files, tables, migrations, snapshot: str, now: dt.datetime) -> dict:
    mtime = now.timestamp()
    listed = []
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        database = _add_file(tar, dump, DUMP)
        for stored in files:
            try:
                entry = _add_file(tar, stored.path, MEDIA + stored.name)
            except FileNotFoundError:  # an orphan removed meanwhile (checkfiles)
                continue
            listed.append({"name": stored.name, **entry})
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": now.astimezone(dt.UTC).isoformat(),
            "software": {
                "revmod": _version("revmod"),
                "commit": _commit(),
                "django": django.get_version(),
                "python": platform.python_version(),
            },
            "database": {
                "vendor": connections[DEFAULT_DB_ALIAS].vendor,
                "snapshot": snapshot,
                "dump": {"name": DUMP, "format": "django jsonl, gzip", **database},
                "migrations": migrations,
                "rows": sum(tables.values()),
                "tables": tables,
            },
            "files": {
                "count": len(listed),
                "bytes": sum(f["size"] for f in listed),
                "list": listed,
            },
        }
        data = json.dumps(manifest, indent=1, ensure_ascii=False).encode() + b"\n"
        sums = {DUMP: database["sha256"], MANIFEST: _add_bytes(tar, MANIFEST, data, mtime)}
        sums.update({MEDIA + f["name"]: f["sha256"] for f in listed})
        text = "".join(f"{digest}  {name}\n" for name, digest in sums.items())
        _add_bytes(tar, SUMS, text.encode(), mtime)
    return manifest


def _commit() -> str:
    """The git commit of the code that made the archive, when it runs from a checkout."""
    try:
        found = subprocess.run(
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return found.stdout.strip()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


# --- Reading an archive --------------------------------------------------------------------


def _open(archive: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive, "r:*")
    except FileNotFoundError:
        raise BackupError(f"There is no file {archive}.") from None
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{archive} is not a readable archive: {error}.") from None


def _members(tar: tarfile.TarFile) -> Iterator[tuple[tarfile.TarInfo, str]]:
    """The archive's members, each with its name checked: a revmod archive holds plain files
    named as it writes them, nothing that could land outside MEDIA_ROOT."""
    try:
        for member in tar:
            name = member.name
            path = PurePosixPath(name)
            if not member.isfile():
                raise BackupError(f"The archive holds {name!r}, which is not a plain file.")
            if name not in (DUMP, MANIFEST, SUMS) and not (
                name.startswith(MEDIA)
                and not path.is_absolute()
                and ".." not in path.parts
                and str(path) == name
                and len(path.parts) > 1
            ):
                raise BackupError(f"The archive holds {name!r}, which no backup writes.")
            yield member, name
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(f"The archive is damaged: {error}.") from None


class _Content:
    """A member's content; reading past what a truncated or corrupted archive holds is a
    BackupError saying so."""

    def __init__(self, tar: tarfile.TarFile, member: tarfile.TarInfo):
        self.source = tar.extractfile(member)

    def read(self, n=-1) -> bytes:
        try:
            return self.source.read(n)
        except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
            raise BackupError(f"The archive is damaged: {error}.") from None


def _sha256(source) -> tuple[str, int]:
    reader = _Hashing(source)
    while reader.read(CHUNK):
        pass
    return reader.digest.hexdigest(), reader.size


def verify(archive: Path) -> dict:
    """The archive's manifest, once every member matches its checksum; BackupError naming the
    first problem otherwise (a damaged or truncated archive, a member missing or added)."""
    digests: dict[str, str] = {}
    small: dict[str, bytes] = {}
    with _open(archive) as tar:
        for member, name in _members(tar):
            if name in digests:
                raise BackupError(f"The archive holds {name!r} twice.")
            source = _Content(tar, member)
            if name in (MANIFEST, SUMS):
                small[name] = source.read()
                digests[name] = hashlib.sha256(small[name]).hexdigest()
            else:
                digests[name] = _sha256(source)[0]
    if SUMS not in small or MANIFEST not in small:
        raise BackupError(f"{archive} is not a revmod backup (no {MANIFEST} or {SUMS}).")
    sums = _parse_sums(small[SUMS])
    for name in sorted(set(sums) | set(digests) - {SUMS}):
        if name not in digests:
            raise BackupError(f"The archive is damaged: {name} is missing from it.")
        if name not in sums:
            raise BackupError(f"The archive holds {name}, which {SUMS} does not list.")
        if sums[name] != digests[name]:
            raise BackupError(f"The archive is damaged: {name} does not match its checksum.")
    try:
        manifest = json.loads(small[MANIFEST])
        listed = {MEDIA + f["name"]: f["sha256"] for f in manifest["files"]["list"]}
        listed[DUMP] = manifest["database"]["dump"]["sha256"]
        known = (manifest["format"], manifest["version"])
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"The archive's {MANIFEST} cannot be read: {error}.") from None
    if known != (FORMAT, VERSION):
        raise BackupError(f"{archive} is not a revmod backup of version {VERSION}.")
    if listed != {k: v for k, v in sums.items() if k != MANIFEST}:
        raise BackupError(f"The archive's {MANIFEST} and {SUMS} disagree.")
    return manifest


def _parse_sums(data: bytes) -> dict[str, str]:
    sums = {}
    try:
        for line in data.decode().splitlines():
            digest, name = line.split("  ", 1)
            sums[name] = digest
    except ValueError:
        raise BackupError(f"The archive's {SUMS} cannot be read.") from None
    return sums


# --- Restore -------------------------------------------------------------------------------


def not_empty() -> list[str]:
    """The tables that hold rows, other than those `migrate` fills."""
    return [
        model._meta.db_table
        for model in dumped_models()
        if model not in MADE_BY_MIGRATE and model._base_manager.exists()
    ]


def _check_target(manifest: dict) -> None:
    """BackupError when the installation cannot take the archive: other migrations, rows in
    its tables, or a stored file of another content under a name the archive holds."""
    ours, theirs = set(_applied(DEFAULT_DB_ALIAS)), set(manifest["database"]["migrations"])
    if ours != theirs:
        lacking, extra = sorted(theirs - ours), sorted(ours - theirs)
        raise BackupError(
            "The archive was made at other migrations than this installation's"
            + (f"; it has {', '.join(lacking[:5])} that this one lacks" if lacking else "")
            + (f"; this one has {', '.join(extra[:5])} that it lacks" if extra else "")
            + ". Restore with the code that made the archive (revmod "
            + f"{manifest['software']['revmod']}, commit {manifest['software'].get('commit')}),"
            + " then upgrade."
        )
    if tables := not_empty():
        raise BackupError(
            "The database is not empty (rows in "
            + ", ".join(tables[:5])
            + (", ..." if len(tables) > 5 else "")
            + "): restore into a new database on which only `migrate` has run."
        )
    root = Path(settings.MEDIA_ROOT)
    for f in manifest["files"]["list"]:
        path = root / f["name"]
        if path.exists() and not _same(path, f):
            raise BackupError(
                f"{path} exists with another content than the archive's: restore into an "
                "empty MEDIA_ROOT."
            )


def _same(path: Path, listed: dict) -> bool:
    if not path.is_file() or path.stat().st_size != listed["size"]:
        return False
    with path.open("rb") as source:
        return _sha256(source)[0] == listed["sha256"]


def _write_file(tar: tarfile.TarFile, member: tarfile.TarInfo, path: Path, sha256: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".restoring-")
    try:
        with os.fdopen(descriptor, "wb") as target:
            reader = _Hashing(_Content(tar, member))
            while chunk := reader.read(CHUNK):
                target.write(chunk)
        if reader.digest.hexdigest() != sha256:
            raise BackupError(f"The archive changed while it was restored ({member.name}).")
        os.chmod(temporary, settings.FILE_UPLOAD_PERMISSIONS or 0o644)
        os.utime(temporary, (member.mtime, member.mtime))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _count_rows() -> dict[str, int]:
    return {model._meta.db_table: model._base_manager.count() for model in dumped_models()}


def restore(archive: Path) -> dict:
    """Restore `archive` into this installation (empty, migrated as the archive says): every
    row and every file, or nothing. Its manifest."""
    manifest = verify(archive)
    _check_target(manifest)
    files = {MEDIA + f["name"]: f for f in manifest["files"]["list"]}
    root = Path(settings.MEDIA_ROOT)
    written: list[Path] = []
    try:
        with tempfile.TemporaryDirectory(prefix="revmod-restore-") as folder:
            dump = Path(folder) / DUMP
            with _open(archive) as tar:
                for member, name in _members(tar):
                    if name == DUMP:
                        _write_file(tar, member, dump, manifest["database"]["dump"]["sha256"])
                    elif name in files:
                        path = root / files[name]["name"]
                        if not path.exists():
                            _write_file(tar, member, path, files[name]["sha256"])
                            written.append(path)
            with transaction.atomic():
                for model in reversed(MADE_BY_MIGRATE):
                    model._base_manager.all().delete()
                try:
                    call_command("loaddata", str(dump), verbosity=0)
                except (DeserializationError, DatabaseError) as error:
                    raise BackupError(
                        f"The rows could not be loaded ({error}); nothing was restored."
                    ) from error
                counts = _count_rows()
                expected = manifest["database"]["tables"]
                if counts != expected:
                    differ = sorted(
                        t
                        for t in counts.keys() | expected.keys()
                        if counts.get(t) != expected.get(t)
                    )
                    raise BackupError(
                        "The rows restored differ from the manifest's in "
                        + ", ".join(differ[:5])
                        + "; nothing was restored."
                    )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    finally:
        ContentType.objects.clear_cache()
    return manifest
