"""Stored files that go missing or are left behind: a download whose file is missing answers a
page (410) saying so, in the pages, the API and the submissions' ZIP, never a 500; `manage.py
checkfiles` lists missing, orphaned and temporary files and removes old orphans on request; an
upload arrives in the known temporary folder and leaves nothing there."""

import datetime as dt
import io
import logging
import os
import time
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from revmod.accounts import actions as accounts
from revmod.documents import actions
from revmod.documents.models import DocumentVersion
from revmod.registry.models import Party
from revmod.test import PDF, fresh, make_people, make_world, shared_data, to_questionnaire

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2021, 2, 1, 9, tzinfo=dt.UTC)
DAY = "2021-02-01"
# A whole PDF, as an upload must be.
TWO_HOURS_AGO = time.time() - 2 * 3600


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, reviews = make_world()
        review = reviews["FRA"]
        people, _nominations = make_people(secretariat, review)
        yield to_questionnaire(review, people["reviewed_fp"]), people


@pytest.fixture
def world(shared_world, db):
    return fresh(shared_world)


@pytest.fixture
def media(settings, tmp_path):
    """MEDIA_ROOT (and the uploads' temporary folder in it) of this test alone."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "media" / "tmp")
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True)
    return settings.MEDIA_ROOT


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def upload(review, by, title, data=PDF, kind="summary", name="file.pdf"):
    return actions.upload(
        review,
        by=by,
        kind=kind,
        language="en",
        title=title,
        file=SimpleUploadedFile(name, data),
        now=NOW,
    )


def lose(version: DocumentVersion) -> None:
    """The version's file disappears from disk (a database restored without its files)."""
    Path(version.file.path).unlink()


def checkfiles(*args) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("checkfiles", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


# --- Downloads of a missing file -----------------------------------------------------------


def test_a_missing_file_is_a_page_saying_so_and_an_error_in_the_log(client, world, media, caplog):
    review, people = world
    version = upload(review, people["secretariat"], "Summary")
    lose(version)
    client.force_login(people["reviewed_fp"])
    with caplog.at_level(logging.ERROR, logger="revmod.lib.storedfiles"):
        response = client.get(url("documents:download", review.pk, version.document_id, 1))
    assert response.status_code == 410
    assert "The file of this version is missing on the server" in response.content.decode()
    assert "Content-Disposition" not in response
    assert [r.levelname for r in caplog.records] == ["ERROR"]
    assert version.file.name in caplog.records[0].getMessage()


def test_a_missing_file_through_the_api_is_410_with_a_reason(world, media):
    review, people = world
    version = upload(review, people["secretariat"], "Summary")
    lose(version)
    api = APIClient()
    api.force_authenticate(people["reviewed_fp"])
    path = f"/api/v1/reviews/{review.pk}/documents/{version.document_id}/versions/1/file/"
    response = api.get(path)
    assert response.status_code == 410
    assert response.json()["code"] == "file_missing"
    assert "missing on the server" in response.json()["detail"]


def test_the_zip_leaves_a_missing_file_out_and_names_it(client, world, media):
    review, people = world
    upload(review, people["secretariat"], "Present")
    lost = upload(review, people["secretariat"], "Lost")
    lose(lost)
    client.force_login(people["reviewed_fp"])
    response = client.get(url("questionnaires:submissions_zip", review.pk))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert [n for n in names if n.startswith("uploaded/")] == [
        f"uploaded/{review.party.code}-cluster1-summary-Present-en-v1-{DAY}.pdf"
    ]
    listing = archive.read("missing-files.txt").decode()
    assert "missing on the server" in listing and "-summary-Lost-en-v1-" in listing


def test_a_missing_note_verbale_is_a_page_saying_so(client, world, media):
    _review, people = world
    registration = accounts.register(
        email="ana@example.org",
        first_name="Ana",
        last_name="Weber",
        party=Party.objects.get(code="DEU"),
        kind="focal_point",
        scope="own",
        language="en",
        note_verbale=SimpleUploadedFile("note.pdf", PDF),
        received_on=NOW.date(),
        by=people["secretariat"],
        now=NOW,
        site_url="http://testserver/",
    )
    Path(registration.note_verbale.path).unlink()
    client.force_login(people["secretariat"])
    response = client.get(url("accounts:note-verbale", registration.pk))
    assert response.status_code == 410
    assert "note verbale is missing on the server" in response.content.decode()


# --- checkfiles ----------------------------------------------------------------------------


def stale(path: Path, data: bytes = b"left behind", *, old: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if old:
        os.utime(path, (TWO_HOURS_AGO, TWO_HOURS_AGO))
    return path


def test_checkfiles_lists_missing_and_orphaned_files_and_removes_only_old_orphans(world, media):
    review, people = world
    kept = upload(review, people["secretariat"], "Kept")
    lost = upload(review, people["secretariat"], "Lost")
    lose(lost)
    old_orphan = stale(media / "documents" / "2021" / "02" / "killed-upload.pdf")
    new_orphan = stale(media / "documents" / "2021" / "02" / "arriving.pdf", old=False)
    old_temp = stale(media / "tmp" / "tmpk1ll3d.upload.pdf")
    new_temp = stale(media / "tmp" / "tmpn0w.upload.pdf", old=False)

    out, error = checkfiles()
    assert error is not None and "1 files missing" in str(error)  # exit status 1
    assert f"Missing (named by a row, not on disk): 1\n  {lost.file.name} (documents." in out
    assert "Orphans (on disk, named by no row): 2" in out
    assert "documents/2021/02/killed-upload.pdf" in out and "documents/2021/02/arriving.pdf" in out
    assert "Temporary files of uploads: 2" in out
    assert old_orphan.exists() and old_temp.exists()  # listing removes nothing

    out, error = checkfiles("--delete-orphans")
    assert "Removed 2 orphans and temporary files older than 1 hours" in out
    assert not old_orphan.exists() and not old_temp.exists()
    assert new_orphan.exists() and new_temp.exists()  # may be uploads in progress
    assert Path(kept.file.path).exists()

    lost.delete()
    lost.document.delete()
    out, error = checkfiles("--delete-orphans", "--grace-hours", "0")
    assert error is None
    assert not new_orphan.exists() and not new_temp.exists()
    assert Path(kept.file.path).exists()


def test_checkfiles_with_checksums_finds_a_file_changed_on_disk(world, media):
    review, people = world
    version = upload(review, people["secretariat"], "Summary")
    assert checkfiles("--checksums")[1] is None
    Path(version.file.path).write_bytes(PDF + b"tampered")
    out, error = checkfiles("--checksums")
    assert error is not None and "1 changed" in str(error)
    assert f"Changed (not the SHA-256 recorded at upload): 1\n  {version.file.name}" in out


def test_a_large_upload_arrives_in_the_known_temporary_folder_and_leaves_nothing(
    client, world, monkeypatch
):
    """The settings' own folders (no override): inside MEDIA_ROOT, where checkfiles looks."""
    review, people = world
    temp = Path(settings.FILE_UPLOAD_TEMP_DIR)
    assert temp == Path(settings.MEDIA_ROOT) / "tmp" and temp.is_dir()
    before = set(temp.iterdir())
    seen = []
    check = actions.check

    def spy(file):
        seen.append(Path(file.temporary_file_path()))
        return check(file)

    monkeypatch.setattr(actions, "check", spy)
    data = b"Answers, line after line.\n" * 130_000  # 3.4 MB: past FILE_UPLOAD_MAX_MEMORY_SIZE
    client.force_login(people["secretariat"])
    response = client.post(
        url("documents:list", review.pk),
        {
            "kind": "summary",
            "language": "en",
            "title": "Long",
            "file": SimpleUploadedFile("long.txt", data),
        },
    )
    assert response.status_code == 302
    assert [path.parent for path in seen] == [temp]
    version = DocumentVersion.objects.get(document__title="Long")
    stored = Path(version.file.path)
    try:
        assert stored.read_bytes() == data
        assert set(temp.iterdir()) == before  # moved into place, nothing left
    finally:
        stored.unlink()
