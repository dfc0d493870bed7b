"""The pairings pages, their downloads and the API list: one list (PairingFilterForm.pairings),
so a filtered download holds exactly the rows its page shows (issue 17, item 5)."""

import csv
import datetime as dt
import html
import io
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from revmod.lots import actions
from revmod.lots.models import Draw, Pairing, ReviewGroup
from revmod.registry.models import Party
from revmod.test import body, count_queries, make_user, pdf_made, shared_data

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)
PARTIES = ["FRA", "DEU", "KEN", "BRA", "JPN", "MEX", "EGY", "IND", "CAN"]


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def hold(draw):
    draw = actions.announce(draw, now=NOW)
    draw = actions.enter_entropy(draw, entropy="17 4 92 33", now=NOW)
    return actions.publish(actions.perform_draw(draw, now=NOW), now=NOW)


def redraw_one(secretariat, meeting, group: int):
    """A redraw of the first main slot of `group` that can be redrawn."""
    slots = Pairing.objects.active().filter(role="main", group__number=group)
    for pairing in slots.select_related("reviewed"):
        try:
            with transaction.atomic():
                request = actions.record_redraw_request(
                    pairing=pairing,
                    requested_by=pairing.reviewed,
                    reason="Recent bilateral review",
                    received_on=meeting.held_on - dt.timedelta(days=10),
                    by=secretariat,
                )
                draw = actions.prepare_draw(
                    kind="redraw", meeting=meeting, by=secretariat, now=NOW, requests=[request]
                )
            return hold(draw)
        except actions.DrawError:
            continue
    raise AssertionError(f"no slot of group {group} can be redrawn")


@pytest.fixture(scope="module")
def shared_pairings(request, django_db_blocker):
    """Nine parties drawn into three groups, and a redraw in groups 1 and 2: pairings active
    and superseded in more than one group."""
    with shared_data(request, django_db_blocker):
        from revmod.test import load_registry

        load_registry()
        for number in (1, 2, 3):
            ReviewGroup.objects.create(number=number, starts_on=dt.date(2019 + number, 12, 1))
        secretariat = make_user("secretariat", secretariat=True)
        meeting = actions.create_meeting(held_on=dt.date(2024, 4, 1), title="Draw")
        draw = actions.prepare_draw(
            kind=Draw.Kind.INITIAL, meeting=meeting, by=secretariat, now=NOW, reviewed=PARTIES
        )
        hold(draw)
        for n, group in enumerate((1, 2)):
            later = actions.create_meeting(held_on=dt.date(2024, 6, 1 + n), title=f"Redraw {n}")
            redraw_one(secretariat, later, group)
        yield secretariat


@pytest.fixture
def pairings(shared_pairings, db):
    return shared_pairings


def links(page: str, fmt: str) -> str:
    """The address of the page's download in `fmt`."""
    found = re.findall(rf'href="([^"]*/pairings\.{fmt}(?:\?[^"]*)?)"', page)
    assert len(found) == 1, found
    return html.unescape(found[0])


def pairs(rows: list) -> list[tuple]:
    """(reviewed, reviewer, status) of each row, the columns found by their headers."""
    header = list(rows[0])
    columns = [
        header.index(name)
        for name in ("Party under review (code)", "Reviewing party (code)", "Status")
    ]
    return [tuple(row[i] for i in columns) for row in rows[1:]]


def csv_pairs(response) -> list[tuple]:
    return pairs(list(csv.reader(io.StringIO(body(response).decode()))))


def xlsx_pairs(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).active
    return pairs(list(sheet.iter_rows(values_only=True)))


def shown(queryset) -> list[tuple]:
    return [(p.reviewed.code, p.reviewer.code, p.status) for p in queryset]


@pytest.mark.parametrize(
    ("page", "status"), [("lots:pairing-list", "active"), ("lots:pairing-history", "superseded")]
)
def test_a_filtered_pairings_download_holds_what_the_page_shows(client, pairings, page, status):
    listed = Pairing.objects.filter(group__number=2).select_related("reviewed", "reviewer")
    listed = listed.filter(until__isnull=status == "active")
    assert 0 < listed.count() < Pairing.objects.count()
    body = client.get(url(page), {"group": 2}).content.decode()
    for fmt, read in (("csv", csv_pairs), ("xlsx", xlsx_pairs)):
        address = links(body, fmt)
        assert "group=2" in address and f"status={status}" in address
        got = read(client.get(address))
        assert sorted(got) == sorted(shown(listed))
        assert {s for _r, _e, s in got} == {status}
    # The same rows, in the same order, through the API with the same parameters.
    api = client.get("/api/v1/pairings/", {"group": 2, "status": status, "page_size": 500})
    in_api = [(p["reviewed"], p["reviewer"], p["status"]) for p in api.json()["results"]]
    assert in_api == csv_pairs(client.get(links(body, "csv")))
    # The PDF of these filters, made by the worker (test_generated.py).
    assert pdf_made(client, links(body, "pdf"))["Content-Type"] == "application/pdf"
    # The parties under review the page shows are the download's.
    labels = {
        html.unescape(name) for name in re.findall(r'<th scope="row">(?:<a [^>]*>)?([^<]+)', body)
    }
    assert labels == {p.reviewed.label for p in listed}


def test_the_rows_of_the_pages_are_those_of_the_download(client, pairings):
    """Each page's rows, in the page's order, are the download's."""
    body = client.get(url("lots:pairing-history"), {"group": 1}).content.decode()
    on_page = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', body)
    got = csv_pairs(client.get(links(body, "csv")))
    names = {p.code: p.label for p in Party.objects.all()}
    assert [(html.unescape(a), html.unescape(b)) for a, b in on_page] == [
        (names[reviewed], names[reviewer]) for reviewed, reviewer, _s in got
    ]


def test_the_full_download_still_holds_every_pairing(client, pairings):
    got = csv_pairs(client.get(url("lots:pairing-export", "csv")))
    assert len(got) == Pairing.objects.count()
    assert {s for _r, _e, s in got} == {"active", "superseded"}


def test_a_download_asked_with_a_bad_filter_says_why(client, pairings):
    for params in ({"group": "x"}, {"status": "gone"}):
        response = client.get(url("lots:pairing-export", "csv"), params)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")
        assert ("Group" if "group" in params else "Status") in response.content.decode()
    api = client.get("/api/v1/pairings/", {"status": "gone"})
    assert api.status_code == 400 and "status" in api.json()


def test_filtered_downloads_keep_query_counts_flat(client, pairings):
    def fetch():
        for fmt in ("csv", "xlsx"):
            for status in ("active", "superseded"):
                params = {"group": 2, "status": status}
                assert client.get(url("lots:pairing-export", fmt), params).status_code == 200

    few = count_queries(fetch)
    secretariat = pairings
    meeting = actions.create_meeting(held_on=dt.date(2024, 7, 1), title="Another redraw")
    redraw_one(secretariat, meeting, 2)
    assert count_queries(fetch) == few
