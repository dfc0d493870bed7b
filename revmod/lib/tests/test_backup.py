"""Backup and restore (manage.py backup, restore): a backup of a representative installation
restores into a fresh one with every table and every file identical; a damaged archive, an
installation that is not empty or an archive that would write outside MEDIA_ROOT is refused and
nothing changes. The tests commit (a backup reads a snapshot of committed data) and run on
SQLite and, in CI, on PostgreSQL: the "fresh installation" is this test database flushed, with
its content types and permissions made again under other ids than the archive's."""

import datetime as dt
import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from revmod.accounts import actions as accounts
from revmod.documents import actions as documents
from revmod.registry.models import Party
from revmod.reviews import actions as reviews
from revmod.test import PDF, make_people, make_user, make_world, to_questionnaire, token_for
from revmod.translations import actions as translations

pytestmark = pytest.mark.django_db(transaction=True)
NOW = dt.datetime(2021, 2, 1, 9, 30, 15, 123456, tzinfo=dt.UTC)
# A whole PDF, as an upload must be.


@pytest.fixture
def media(settings, tmp_path):
    """MEDIA_ROOT (and the uploads' temporary folder in it) of this test alone."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "media" / "tmp")
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True)
    return settings.MEDIA_ROOT


def upload(review, by, name, data, *, kind="questionnaire_answers", document=None, now=NOW):
    return documents.upload(
        review,
        by=by,
        kind=kind,
        language="en",
        title=f"Title of {name}",
        file=SimpleUploadedFile(name, data),
        now=now,
        document=document,
    )


def representative_world():
    """Reviews from a published draw, people nominated, a review in its questionnaire step with
    uploaded answers (two versions) and a summary, a machine translation asked, a registration
    with its note verbale and its e-mail in the outbox, officers, an API token, a permission
    and an admin log entry (rows pointing at content types), a session."""
    secretariat, by_party = make_world()
    review = by_party["FRA"]
    people, _nominations = make_people(secretariat, review)
    review = to_questionnaire(review, people["reviewed_fp"])
    answers = upload(review, people["reviewed_fp"], "answers.txt", "Réponses — 答案\n".encode())
    upload(review, people["reviewed_fp"], "answers-2.pdf", PDF, document=answers.document)
    upload(review, secretariat, "summary.pdf", PDF + b"summary", kind="summary")
    translations.request_document(answers, by=people["reviewed_fp"], target="fr", now=NOW)
    reviews.assign_officers([review], officers=[secretariat], by=secretariat, now=NOW)
    accounts.register(
        email="ana@example.org",
        first_name="Ana",
        last_name="Weber",
        party=Party.objects.get(code="DEU"),
        kind="focal_point",
        scope="own",
        language="fr",
        note_verbale=SimpleUploadedFile("note.pdf", PDF + b"note"),
        received_on=NOW.date(),
        by=secretariat,
        now=NOW,
        site_url="http://testserver/",
    )
    token_for(secretariat)  # an API token (stored hashed)
    officer = make_user("officer", secretariat=True)
    officer.user_permissions.add(Permission.objects.get(codename="view_party"))
    LogEntry.objects.log_actions(
        user_id=secretariat.pk, queryset=Party.objects.filter(code="KEN"), action_flag=ADDITION
    )
    return secretariat


def tables() -> dict[str, list[str]]:
    """Every row of every table, sorted; aside: django_migrations (when each migration ran) and
    the audit's maintenance door (lib.appendonly: a table a migration makes, empty outside a
    maintenance transaction) and the shared cache (settings.CACHES: copies of what the other
    tables hold, sessions included, rebuilt on demand; a backup leaves it out)."""
    aside = {"django_migrations", "revmod_maintenance", "revmod_cache"}
    with connection.cursor() as cursor:
        names = sorted(set(connection.introspection.table_names(cursor)) - aside)
        rows = {}
        for name in names:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(name)}")
            rows[name] = sorted(repr(row) for row in cursor.fetchall())
    return rows


def files(root) -> dict[str, str]:
    root = Path(root)
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "tmp" not in p.relative_to(root).parts[:1]
    }


def fresh_installation(media: Path) -> None:
    """This database as `migrate` leaves a new one, its content types and permissions made in
    another order (other ids than the archive's), and an empty MEDIA_ROOT."""
    call_command("flush", interactive=False, verbosity=0)
    Permission.objects.all().delete()
    ContentType.objects.all().delete()
    ContentType.objects.clear_cache()
    for app_config in reversed(list(apps.get_app_configs())):
        create_contenttypes(app_config, verbosity=0)
        create_permissions(app_config, verbosity=0)
    shutil.rmtree(media)
    (media / "tmp").mkdir(parents=True)


def future_migration(manifest: dict) -> None:
    manifest["database"]["migrations"].append("documents.0099_future")


def rewrite(archive: Path, target: Path, change) -> None:
    """`archive` with its manifest changed by `change`, and its checksums made again to match
    (an archive made by a later version of revmod, say)."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as tar:
        members = {m.name: (m, source.extractfile(m).read()) for m in source}
        manifest = json.loads(members["manifest.json"][1])
        change(manifest)
        data = json.dumps(manifest).encode()
        sums = members["SHA256SUMS"][1].decode().splitlines()
        sums = [
            f"{hashlib.sha256(data).hexdigest()}  manifest.json"
            if line.endswith(" manifest.json")
            else line
            for line in sums
        ]
        members["manifest.json"] = (members["manifest.json"][0], data)
        members["SHA256SUMS"] = (members["SHA256SUMS"][0], "\n".join(sums).encode() + b"\n")
        for member, content in members.values():
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_backup_restores_into_a_fresh_installation_with_every_table_and_file(
    client, media, tmp_path
):
    """About 5 seconds: it builds a world of its own and commits it (a backup reads committed
    data, so no module's shared data will do), backs it up, empties the database and restores."""
    secretariat = representative_world()
    client.force_login(secretariat)  # a session
    (media / "tmp" / "killed.upload.pdf").write_bytes(b"half an upload")
    before, stored = tables(), files(media)
    assert len(stored) == 4  # three versions and the note verbale
    content_types = dict(ContentType.objects.values_list("pk", "model"))

    out = run("backup", str(tmp_path))
    archive = next(tmp_path.glob("revmod-backup-*.tar"))
    assert str(archive) in out and archive.stat().st_mode & 0o077 == 0  # its owner's only
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
    assert names == {"database.jsonl.gz", "manifest.json", "SHA256SUMS"} | {
        f"media/{name}" for name in stored
    }  # the half upload is not in it
    assert manifest["files"]["count"] == 4
    assert {f["name"]: f["sha256"] for f in manifest["files"]["list"]} == stored
    counted = {name: len(rows) for name, rows in before.items()}
    assert manifest["database"]["tables"] == counted  # every table, counted
    assert manifest["database"]["rows"] == sum(counted.values())

    fresh_installation(media)
    assert dict(ContentType.objects.values_list("pk", "model")) != content_types
    assert "is intact" in run("restore", "--check", str(archive))
    assert "Restored" in run("restore", str(archive))

    after = tables()
    assert after.keys() == before.keys()
    assert [name for name in before if after[name] != before[name]] == []
    assert files(media) == stored
    answers = documents.DocumentVersion.objects.get(original_name="answers.txt")
    assert answers.uploaded_at == NOW  # to the microsecond
    with answers.file.open("rb") as restored:
        assert restored.read() == "Réponses — 答案\n".encode()


def test_a_damaged_archive_or_an_installation_not_empty_is_refused_and_nothing_changes(
    media, tmp_path
):
    secretariat = make_user("secretariat", secretariat=True)
    party = Party.objects.create(code="XXA", kind=Party.Kind.REIO, name_en="Party XXA")
    accounts.register(
        email="ana@example.org",
        first_name="Ana",
        last_name="Weber",
        party=party,
        kind="focal_point",
        scope="own",
        language="en",
        note_verbale=SimpleUploadedFile("note.pdf", PDF),
        received_on=NOW.date(),
        by=secretariat,
        now=NOW,
        site_url="http://testserver/",
    )
    archive = tmp_path / "backup.tar"
    run("backup", str(archive))

    with pytest.raises(CommandError, match="The database is not empty"):
        run("restore", str(archive))

    fresh_installation(media)
    empty = tables()
    data = archive.read_bytes()
    offset = data.index(PDF)
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(data[:offset] + b"%PDF-1.6" + data[offset + 8 :])
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(data[: len(data) // 2])
    escaping = tmp_path / "escaping.tar"
    with tarfile.open(archive) as source, tarfile.open(escaping, "w") as tar:
        for member in source:
            content = source.extractfile(member)
            if member.name.startswith("media/"):
                member.name = "media/../../outside.pdf"
            tar.addfile(member, content)
    newer = tmp_path / "newer.tar"
    rewrite(archive, newer, future_migration)
    refusals = {
        newer: "other migrations than this installation's; it has documents.0099_future",
        damaged: "does not match its checksum",
        truncated: "damaged|not a readable archive|missing|not a revmod backup",
        escaping: "which no backup writes",
        tmp_path / "nothing.tar": "There is no file",
    }
    for path, message in refusals.items():
        with pytest.raises(CommandError, match=message):
            run("restore", str(path))
        assert tables() == empty
        assert files(media) == {}
    assert not (tmp_path / "outside.pdf").exists()

    assert "Restored" in run("restore", str(archive))
    assert files(media) != {}


@pytest.mark.django_db(transaction=False)
def test_a_backup_refuses_to_overwrite_or_to_go_into_the_stored_files(media, tmp_path):
    (tmp_path / "taken.tar").write_bytes(b"something else")
    with pytest.raises(CommandError, match="exists already"):
        run("backup", str(tmp_path / "taken.tar"))
    assert (tmp_path / "taken.tar").read_bytes() == b"something else"
    (media / "backups").mkdir()
    with pytest.raises(CommandError, match="outside the stored files"):
        run("backup", str(media / "backups"))
    assert list((media / "backups").iterdir()) == []
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind
