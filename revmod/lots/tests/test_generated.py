"""The pairings PDF is made by the worker, once per version of the pairings, and served as a
file (revmod.lib.generated): a request never renders it, however many ask."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from revmod.lib import generated, pdf
from revmod.lots.generated import documents
from revmod.lots.models import Draw, Generation, Pairing
from revmod.lots.tests import test_pdf
from revmod.test import pdf_made

# The registry and a published draw, as the PDF's own tests have them.
shared_draw, drawn, hold, url = test_pdf.shared_draw, test_pdf.drawn, test_pdf.hold, test_pdf.url

pytestmark = pytest.mark.django_db


def files() -> list[Path]:
    return sorted(Path(settings.REVMOD_GENERATED_DIR).glob("*/*/*.pdf"))


def no_rendering(monkeypatch):
    """Rendering in a request fails the test: what the request serves was made before."""

    def refuse(html):
        raise AssertionError("a request rendered a PDF")

    monkeypatch.setattr(pdf, "render", refuse)


def test_the_first_request_queues_one_job_and_says_so(client, drawn, monkeypatch):
    no_rendering(monkeypatch)
    first = client.get(url("pdf"))
    assert first.status_code == 202
    body = first.content.decode()
    assert "The PDF is being prepared" in body and "reloads itself" in body
    assert '<meta http-equiv="refresh" content="5">' in body
    assert 'href="/en/lots/"' in body  # back to the pairings
    # A hundred readers waiting for it queue it once.
    for _ in range(3):
        assert client.get(url("pdf")).status_code == 202
    job = Generation.objects.get()
    assert (job.kind, job.language, job.status) == ("pairings", "en", "queued")
    assert job.params == {"group": None, "status": ""}
    assert files() == []


def test_the_page_speaks_the_readers_language(client, drawn):
    response = client.get(url("pdf", "fr"))
    assert response.status_code == 202
    assert "Le PDF est en cours de préparation" in response.content.decode()
    assert Generation.objects.get().language == "fr"


def test_once_made_the_file_is_served_without_rendering(client, drawn, monkeypatch):
    assert client.get(url("pdf")).status_code == 202
    outcome = documents.make_all_due(now=timezone.now)
    assert (outcome.claimed, outcome.done) == (1, 1)
    no_rendering(monkeypatch)
    response = client.get(url("pdf"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="pairings.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # Served again and again from the one file, with no new job.
    assert client.get(url("pdf")).status_code == 200
    assert Generation.objects.get().status == "done" and len(files()) == 1


def test_each_filter_and_language_is_a_document_of_its_own(client, drawn):
    superseded = url("pdf") + "?status=superseded&group=1"
    assert pdf_made(client, superseded)["Content-Disposition"] == (
        'attachment; filename="pairings-superseded.pdf"'
    )
    pdf_made(client, url("pdf", "ar"))
    assert len(files()) == 2
    page = client.get(url("pdf", "ar") + "?status=active")
    assert page.status_code == 202 and 'href="/ar/lots/"' in page.content.decode()


def test_a_change_of_the_pairings_makes_a_new_version_and_removes_the_old(client, drawn):
    pdf_made(client, url("pdf"))
    [old] = files()
    hold(Draw.Kind.LATE, day=dt.date(2024, 6, 1))  # pairings added
    response = client.get(url("pdf"))
    assert response.status_code == 202  # not the file of the old pairings
    assert old.exists()  # until the new one is made
    documents.make_all_due(now=timezone.now)
    [new] = files()
    assert new != old and not old.exists()
    assert Generation.objects.get().key == new.stem
    assert client.get(url("pdf")).status_code == 200


def test_an_ended_pairing_changes_the_version(drawn):
    from revmod.lots import exports

    before = exports.version()
    pairing = Pairing.objects.filter(until=None).first()
    Pairing.objects.filter(pk=pairing.pk).update(until=dt.date(2024, 6, 1))
    assert exports.version() != before


@pytest.mark.parametrize("query", ["?group=99", "?status=everything", "?group=one"])
def test_filters_the_list_refuses_make_nothing(client, drawn, query):
    response = client.get(url("pdf") + query)
    assert response.status_code == 400
    assert not Generation.objects.exists()


def test_other_parameters_make_no_other_document(client, drawn):
    """Only the form's filters name a document: anything else added to the address (a cache
    buster, a page number) asks for the same one."""
    for query in ["?group=1", "?group=1&x=1", "?group=1&page=2&x=2", "?status=&group=1"]:
        assert client.get(url("pdf") + query).status_code == 202
    assert Generation.objects.count() == 1


def test_a_deleted_file_is_made_again(client, drawn):
    pdf_made(client, url("pdf"))
    for file in files():
        file.unlink()
    assert client.get(url("pdf")).status_code == 202
    documents.make_all_due(now=timezone.now)
    assert client.get(url("pdf")).status_code == 200


def test_a_failed_making_is_retried_then_given_up(client, drawn, monkeypatch, caplog):
    def broken(html):
        raise OSError("no fonts")

    monkeypatch.setattr(pdf, "render", broken)
    assert client.get(url("pdf")).status_code == 202
    now = timezone.now()
    for _attempt in range(settings.REVMOD_GENERATE_MAX_ATTEMPTS):
        documents.make_all_due(now=now)
        now += dt.timedelta(seconds=settings.REVMOD_GENERATE_RETRY_MAX_SECONDS)
    job = Generation.objects.get()
    assert job.status == "failed" and "no fonts" in job.last_error
    assert files() == []
    # The page says so (and no longer reloads); the job is not retried on every visit.
    page = client.get(url("pdf"))
    assert page.status_code == 503
    assert "The PDF could not be made" in page.content.decode()
    assert "refresh" not in page.content.decode()
    assert Generation.objects.get().status == "failed"


def test_runworker_makes_the_documents(client, drawn):
    assert client.get(url("pdf")).status_code == 202
    call_command("runworker", "--once", "--only", "documents")
    assert client.get(url("pdf")).status_code == 200


def test_writing_is_all_or_nothing_and_keeps_one_version(tmp_path):
    family = tmp_path / "kind" / "family"
    generated.write(family / "a.pdf", b"%PDF-a")
    generated.write(family / "b.pdf", b"%PDF-b")
    # A temporary file of a worker still writing stays; one left by a dead worker goes.
    (family / ".fresh.tmp").write_bytes(b"")
    stale = family / ".stale.tmp"
    stale.write_bytes(b"")
    old = timezone.now().timestamp() - generated.STALE_TEMPORARY_SECONDS - 1
    os.utime(stale, (old, old))
    assert generated.remove_others(family / "b.pdf") == 2
    assert sorted(p.name for p in family.iterdir()) == [".fresh.tmp", "b.pdf"]
    assert (family / "b.pdf").read_bytes() == b"%PDF-b"
