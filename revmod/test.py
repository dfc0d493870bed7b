"""Test helpers: the registry as shipped, named personas, and small make_* helpers.

Data is set up through the real code paths (the registry loader, the actions), never by
writing rows the application would not write itself."""

import copy
import csv
import functools
import io
import zipfile
from contextlib import contextmanager

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from revmod.accounts.models import User
from revmod.registry import tabular
from revmod.registry.models import Party

DATA_DIR = settings.BASE_DIR / "data"
PASSWORD = "a-long-test-password-17"


def load_registry(path=DATA_DIR) -> list[tabular.Report]:
    """The registry as shipped under data/ (or another directory or file)."""
    return tabular.load(tabular.read_path(path))


def make_user(username: str, *, secretariat: bool = False, language: str = "en", totp=None):
    """A user; a secretariat user gets a TOTP authenticator (the rule) unless totp=False."""
    user = User.objects.create_user(
        username,
        f"{username}@example.org",
        PASSWORD,
        is_secretariat=secretariat,
        is_staff=secretariat,
        preferred_language=language,
    )
    if totp if totp is not None else secretariat:
        TOTP.activate(user, generate_totp_secret())
    return user


def token_for(user) -> str:
    """A new API token of `user`, through the action of the tokens page."""
    import datetime as dt

    from revmod.accounts.actions import create_api_token

    now = dt.datetime.now(dt.UTC)
    return create_api_token(user, name="tests", now=now)[1]


def pdf_bytes(text: str = "") -> bytes:
    """A small whole PDF (header, objects, cross-reference table, trailer, "%%EOF"), as an
    upload must be; `text` (a comment in it) makes files that differ."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = b"%PDF-1.7\n%" + text.encode() + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    return out + b"startxref\n%d\n%%%%EOF\n" % xref


PDF = pdf_bytes()


@functools.cache
def zip_bomb(extension: str, megabytes: int = 20) -> bytes:
    """A DOCX or XLSX of a few tens of KB whose main part unpacks to about `megabytes` MB of one
    repeated element: a decompression bomb, made in memory."""
    types = b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    count = megabytes * 1024 * 1024 // 6
    if extension == "docx":
        w = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        parts = {
            "word/document.xml": b'<w:document xmlns:w="%s"><w:body>' % w
            + b"<w:p/>" * count
            + b"</w:body></w:document>"
        }
    else:
        s = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        parts = {
            "xl/workbook.xml": b'<workbook xmlns="%s"/>' % s,
            "xl/worksheets/sheet1.xml": b'<worksheet xmlns="%s"><sheetData>' % s
            + b"<row/>" * count
            + b"</sheetData></worksheet>",
        }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


# Text a spreadsheet would run as a formula (a live link), as someone may type it anywhere.
FORMULA = '=HYPERLINK("http://example.org/x","Open")'


def rename(table: str, code: str, name_en: str) -> None:
    """A registry row's English name (a party's, a regional group's) changed as a registry
    import changes it: the table read back, edited, loaded."""
    read, rows = tabular.read_csv(f"{table}.csv", tabular.export_csv(tabular.TABLES_BY_NAME[table]))
    for row in rows:
        if row.values["code"] == code:
            row.values["name_en"] = name_en
    tabular.load([(read, rows)])


def body(response) -> bytes:
    """What a response sends, whole: a page's content, or a download's streamed pieces (CSV
    and XLSX downloads stream: lib.downloads)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def assert_inert(response, text: str) -> None:
    """`text` is in the CSV or XLSX download `response` and cannot run as a formula: a CSV cell
    with a leading quote; an XLSX cell that openpyxl reads back as a string (data type "s"), and
    no formula anywhere in the workbook."""
    from openpyxl import load_workbook

    assert response.status_code == 200, response.status_code
    if response["Content-Type"].startswith("text/csv"):
        cells = [c for row in csv.reader(io.StringIO(body(response).decode())) for c in row]
        assert "'" + text in cells and text not in cells
        return
    workbook = load_workbook(io.BytesIO(body(response)))
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    found = [c for c in cells if c.value == text]
    assert found and all(c.data_type == "s" for c in found)


def make_party(code: str, **names) -> Party:
    """A synthetic party outside ISO 3166 (for growing lists in query-count tests)."""
    return Party.objects.create(
        code=code, kind=Party.Kind.REIO, name_en=names.get("name_en", f"Party {code}")
    )


def count_queries(func) -> int:
    """How many SQL queries `func()` runs."""
    with CaptureQueriesContext(connection) as queries:
        func()
    return len(queries)


def pdf_made(client, path: str):
    """The PDF at `path` as a user comes to have it: the first request queues its making (202),
    the worker makes it, the page's reload gets the file. Returned with its content read, as a
    plain response (`content`, headers)."""
    from django.http import HttpResponse
    from django.utils import timezone

    from revmod.lots.generated import documents

    queued = client.get(path)
    assert queued.status_code == 202, queued.status_code
    documents.make_all_due(now=timezone.now)
    served = client.get(path)
    assert served.status_code == 200 and served.streaming, served.status_code
    response = HttpResponse(b"".join(served.streaming_content))
    for header, value in served.items():
        response[header] = value
    return response


def make_world(reviewed=("FRA", "DEU", "KEN", "BRA"), now=None):
    """The registry, three groups, a published draw of `reviewed` and their cluster-1 reviews,
    through the real actions. Returns (secretariat, reviews by party code)."""
    import datetime as dt

    from revmod.lots import actions as lots
    from revmod.lots.models import ReviewGroup
    from revmod.reviews.models import Review

    now = now or dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)
    load_registry()
    for number in (1, 2, 3):
        ReviewGroup.objects.create(number=number, starts_on=dt.date(2019 + number, 12, 1))
    secretariat = make_user("secretariat", secretariat=True)
    meeting = lots.create_meeting(held_on=dt.date(2020, 11, 16), title="Draw")
    draw = lots.prepare_draw(
        kind="initial", meeting=meeting, by=secretariat, now=now, reviewed=list(reviewed)
    )
    draw = lots.announce(draw, now=now)
    draw = lots.enter_entropy(draw, entropy="1 2 3 4", now=now)
    # Publishing the draw creates the reviews (reviews.actions.reviews_of_published_draw).
    lots.publish(lots.perform_draw(draw, now=now), now=now, by=secretariat)
    created = Review.objects.filter(cluster__number=1).select_related("party", "group")
    return secretariat, {r.party.code: r for r in created}


# The personas of a review (design.md), with the party and role each is nominated for: the
# party under review ("own") or its first reviewing party ("reviewer"); the outsider has none.
PERSONAS = {
    "reviewed_fp": ("own", "focal_point"),
    "expert": ("own", "expert"),
    "observer": ("own", "observer"),
    "reviewer_fp": ("reviewer", "focal_point"),
    "outsider": (None, None),
}


def make_people(secretariat, review, *, languages=None, extra=(), every_reviewer=True):
    """The personas of `review` (PERSONAS), each in the language `languages` gives it (else
    English), and `extra` more of them ({name: (scope, kind)}); with `every_reviewer`, every
    other reviewing party's focal point too (reviewer_fp_2, reviewer_fp_3, ...), so the review
    can start. Returns {name: user} with the secretariat, and {name: nomination}."""
    languages = languages or {}
    reviewers = [pairing.reviewer.code for pairing in review.pairings()]
    codes = {"own": review.party.code, "reviewer": reviewers[0]}
    people, nominations = {"secretariat": secretariat}, {}
    for name, (scope, kind) in {**PERSONAS, **dict(extra)}.items():
        people[name] = make_user(name, language=languages.get(name, "en"))
        if scope:
            nominations[name] = nominate(people[name], codes[scope], kind, scope, secretariat)
    if every_reviewer:
        for n, code in enumerate(reviewers[1:], start=2):
            people[f"reviewer_fp_{n}"] = make_user(f"reviewer_fp_{n}")
            nominate(people[f"reviewer_fp_{n}"], code, "focal_point", "reviewer", secretariat)
    return people, nominations


def load_questionnaire():
    """The shipped questionnaire (data/questionnaires), as `make setup` loads it."""
    from io import StringIO

    from django.core.management import call_command

    call_command("loadquestionnaire", stdout=StringIO())


def to_questionnaire(review, by, *, languages=("en",), now=None):
    """The review's initial consultation held in `languages` and the review moved on to the
    questionnaire, by its focal point `by` (on 1 February 2021 unless `now`)."""
    import datetime as dt

    from revmod.reviews import actions as reviews

    now = now or dt.datetime(2021, 2, 1, 9, tzinfo=dt.UTC)
    reviews.act(review, "start_consultation", by=by, now=now)
    reviews.record_consultation(
        review, by=by, now=now, held_on=now.date(), languages=list(languages)
    )
    reviews.act(review, "advance", by=by, now=now)
    review.refresh_from_db()
    return review


def nominate(user, party_code, kind, scope, secretariat, on=None):
    import datetime as dt

    from revmod.accounts import actions as accounts
    from revmod.registry.models import Party

    on = on or dt.date(2021, 1, 4)
    return accounts.nominate(
        party=Party.objects.get(code=party_code),
        person=user,
        kind=kind,
        scope=scope,
        starts_on=on,
        by=secretariat,
        now=dt.datetime(on.year, on.month, on.day, 9, tzinfo=dt.UTC),
        handover_note="Handed over the files.",
    )


@contextmanager
def shared_data(request, django_db_blocker):
    """The body of a module-scoped fixture whose data is built once for all the tests of a
    module, as Django's setUpTestData does: built in a transaction that stays open while the
    module's tests run, each test in a savepoint rolled back after it, and the transaction
    rolled back after the last one. Tests take a deep copy of what it yields (`fresh`), so
    what one test changes in those objects never reaches the next; the data in the database
    is the same at the start of each test. The test plugin (revmod.lib.testenv) runs the tests
    that use it after the module's other database tests, so none of those sees it.

        @pytest.fixture(scope="module")
        def shared_world(request, django_db_blocker):
            with shared_data(request, django_db_blocker):
                yield build_the_world()

        @pytest.fixture
        def world(shared_world, db):
            return fresh(shared_world)
    """
    request.getfixturevalue("django_db_setup")  # the test databases, never the real one
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as monkeypatch:
        reproducible_draws(monkeypatch, request.node.nodeid)
        with transaction.atomic():
            yield
            transaction.set_rollback(True)


def fresh(data):
    """A test's own copy of shared data (model instances and the containers holding them)."""
    return copy.deepcopy(data)


def reproducible_draws(monkeypatch, name: str) -> None:
    """Draw secrets from `name` instead of the system's randomness, so a test draws the same
    parties at every run (revmod/conftest.py does it for every test)."""
    import hashlib
    import itertools
    from types import SimpleNamespace

    from revmod.lots import actions

    counter = itertools.count()

    def token_bytes(n=32):
        return hashlib.sha256(name.encode() + str(next(counter)).encode()).digest()[:n]

    monkeypatch.setattr(actions, "secrets", SimpleNamespace(token_bytes=token_bytes))
