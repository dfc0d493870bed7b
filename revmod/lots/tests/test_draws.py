"""The verifiable draw through its actions, pages, API and commands."""

import datetime as dt
import hashlib
import io
import json
import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from revmod.lots import actions
from revmod.lots.management.commands import drawlots
from revmod.lots.models import (
    Draw,
    GroupAssignment,
    Meeting,
    Pairing,
    RedrawRequest,
    ReviewGroup,
)
from revmod.registry.models import Adherence, Party
from revmod.test import FORMULA, assert_inert, body, count_queries, make_user, rename

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2020, 11, 1, 9, tzinfo=dt.UTC)


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def secretariat():
    return make_user("secretariat", secretariat=True)


@pytest.fixture
def groups(registry):
    for number, day in [(1, "2020-12-01"), (2, "2021-11-01"), (3, "2022-11-01")]:
        ReviewGroup.objects.create(number=number, starts_on=day)


def hold(draw, entropy="17 4 92 33"):
    draw = actions.announce(draw, now=NOW)
    draw = actions.enter_entropy(draw, entropy=entropy, now=NOW)
    draw = actions.perform_draw(draw, now=NOW)
    return actions.publish(draw, now=NOW)


def initial_draw(secretariat, day=dt.date(2024, 5, 1), **kwargs):
    meeting = actions.create_meeting(held_on=day, title="Drawing of lots")
    draw = actions.prepare_draw(
        kind=Draw.Kind.INITIAL, meeting=meeting, by=secretariat, now=NOW, **kwargs
    )
    return hold(draw)


def active():
    return {
        (p.reviewed.code, p.reviewer.code, tuple(p.instruments), p.role)
        for p in Pairing.objects.active().select_related("reviewed", "reviewer")
    }


def test_initial_draw_places_every_party_and_follows_the_rules(groups, secretariat):
    draw = initial_draw(secretariat, sizes=[62, 63, 64])
    assert draw.status == Draw.Status.PUBLISHED
    sizes = Counter(GroupAssignment.objects.values_list("group__number", flat=True))
    assert dict(sizes) == {1: 62, 2: 63, 3: 64}
    parties = {p.code: p for p in Party.objects.select_related("regional_group")}
    joined = {}
    for a in Adherence.objects.current().select_related("party", "instrument"):
        joined.setdefault(a.party.code, set()).add(a.instrument.code)
    reviews = {}
    for reviewed, reviewer, instruments, role in active():
        assert reviewed != reviewer
        assert set(instruments) <= joined[reviewer] & joined[reviewed]
        reviews.setdefault(reviewed, []).append((reviewer, instruments, role))
    assert len(reviews) == 189
    load = Counter(reviewer for items in reviews.values() for reviewer, _i, _r in items)
    assert max(load.values()) <= 3
    for reviewed, items in reviews.items():
        mains = [r for r, _i, role in items if role == "main"]
        assert len(mains) == 2
        group = parties[reviewed].regional_group
        if group:
            same = [m for m in mains if parties[m].regional_group == group]
            assert len(same) == 1, reviewed
        for instrument in joined[reviewed]:  # every instrument covered twice
            assert sum(instrument in i for _r, i, _role in items) == 2, (reviewed, instrument)
        for reviewer, _i, _role in items:  # no mutual reviews
            assert reviewed not in [r for r, _x, _y in reviews.get(reviewer, [])]


def test_groups_are_proportional_by_regional_group(groups, secretariat):
    initial_draw(secretariat)
    by_group = Counter(
        GroupAssignment.objects.values_list("group__number", "party__regional_group__code")
    )
    totals = Counter(Party.objects.values_list("regional_group__code", flat=True))
    for region, total in totals.items():
        for number in (1, 2, 3):
            assert abs(by_group[(number, region)] - total / 3) < 1 + 1e-9, (region, number)


def test_commitment_binds_the_secret_and_the_seed_comes_from_the_entropy(groups, secretariat):
    draw = initial_draw(secretariat)
    secret = bytes.fromhex(draw.secret)
    assert draw.commitment == hashlib.sha256(secret).hexdigest()
    assert draw.seed == hashlib.sha256(secret + b"17 4 92 33").hexdigest()


def test_steps_come_in_order_and_entropy_cannot_be_changed(groups, secretariat):
    meeting = actions.create_meeting(held_on=dt.date(2024, 5, 1), title="Draw")
    draw = actions.prepare_draw(kind="initial", meeting=meeting, by=secretariat, now=NOW)
    with pytest.raises(actions.DrawError):
        actions.perform_draw(draw, now=NOW)
    with pytest.raises(actions.DrawError):
        actions.enter_entropy(draw, entropy="1 2 3 4", now=NOW)
    actions.announce(draw, now=NOW)
    with pytest.raises(actions.DrawError, match="at least 4"):
        actions.enter_entropy(draw, entropy=" 1 ", now=NOW)
    actions.enter_entropy(draw, entropy="1 2 3 4", now=NOW)
    with pytest.raises(actions.DrawError):
        actions.enter_entropy(draw, entropy="5 6 7 8", now=NOW)
    draw.refresh_from_db()
    assert draw.entropy == "1 2 3 4" and draw.result is None
    with pytest.raises(actions.DrawError, match="already been prepared"):
        actions.prepare_draw(kind="initial", meeting=meeting, by=secretariat, now=NOW)


def test_verification_passes_and_a_tampered_result_fails(groups, secretariat, capsys):
    draw = initial_draw(secretariat)
    call_command("verifydraw", str(draw.pk))
    out = capsys.readouterr().out
    assert "VERIFIED" in out and draw.result_hash in out

    tampered = json.loads(json.dumps(draw.result))
    first, second = tampered["pairings"][0], tampered["pairings"][5]
    first["reviewer"], second["reviewer"] = second["reviewer"], first["reviewer"]
    Draw.objects.filter(pk=draw.pk).update(result=tampered)
    with pytest.raises(CommandError, match="stored result differs"):
        call_command("verifydraw", str(draw.pk))


def test_tampered_entropy_or_pairings_fail_verification(groups, secretariat):
    draw = initial_draw(secretariat)
    Draw.objects.filter(pk=draw.pk).update(entropy="17 4 92 34")
    draw.refresh_from_db()
    assert "SHA-256(secret ‖ entropy)" in " ".join(actions.verify(draw).problems)
    Draw.objects.filter(pk=draw.pk).update(entropy="17 4 92 33")
    draw.refresh_from_db()
    assert actions.verify(draw).ok
    pairing = Pairing.objects.filter(draw=draw).first()
    other = Party.objects.exclude(pk__in=[pairing.reviewer_id, pairing.reviewed_id]).first()
    Pairing.objects.filter(pk=pairing.pk).update(reviewer=other)
    assert "published pairings differ" in " ".join(actions.verify(draw).problems)


def test_unknown_draw_is_a_clear_error():
    with pytest.raises(CommandError, match="no draw 999"):
        call_command("verifydraw", "999")


def test_a_redraw_changes_one_slot_only_and_keeps_history(groups, secretariat):
    initial_draw(secretariat)
    before = active()
    meeting = actions.create_meeting(held_on=dt.date(2024, 7, 1), title="Redraws")
    # Most reviewers are at the workload cap after a full draw, so some slots cannot be redrawn
    # (prepare_draw says so); take the first main slot that can, as the secretariat would.
    for pairing in Pairing.objects.active().filter(role="main").select_related("reviewed"):
        try:
            with transaction.atomic():
                request = actions.record_redraw_request(
                    pairing=pairing,
                    requested_by=pairing.reviewed,
                    reason="Recent bilateral review",
                    received_on=dt.date(2024, 6, 1),
                    by=secretariat,
                )
                draw = actions.prepare_draw(
                    kind="redraw", meeting=meeting, by=secretariat, now=NOW, requests=[request]
                )
            break
        except actions.DrawError as error:
            assert "cannot all be met" in str(error)
    else:
        pytest.fail("no main slot of the draw can be redrawn")
    assert request.kind == RedrawRequest.Kind.REPLACE_REVIEWER
    draw = hold(draw)
    after = active()
    removed, added = before - after, after - before
    assert len(removed) == 1 and len(added) == 1
    (old,), (new,) = removed, added
    assert old[0] == new[0] and old[2:] == new[2:] and old[1] != new[1]
    pairing.refresh_from_db()
    assert pairing.until == dt.date(2024, 7, 1)
    assert pairing.superseded_by.reviewer.code == new[1]
    request.refresh_from_db()
    assert request.status == RedrawRequest.Status.DRAWN and request.draw == draw
    assert actions.verify(draw).ok


def test_redraw_requests_are_limited_and_checked(groups, secretariat):
    initial_draw(secretariat)
    party = Party.objects.get(code="FRA")
    own = list(Pairing.objects.active().filter(reviewed=party)) + list(
        Pairing.objects.active().filter(reviewer=party)
    )
    outsider = Pairing.objects.active().exclude(reviewed=party).exclude(reviewer=party).first()
    with pytest.raises(actions.DrawError, match="Only the two parties"):
        actions.record_redraw_request(
            pairing=outsider, requested_by=party, reason="x", received_on=NOW.date(), by=secretariat
        )
    with pytest.raises(actions.DrawError, match="reason"):
        actions.record_redraw_request(
            pairing=own[0], requested_by=party, reason=" ", received_on=NOW.date(), by=secretariat
        )
    made = []
    for pairing in own:
        if len(made) == 4:
            break
        made.append(
            actions.record_redraw_request(
                pairing=pairing,
                requested_by=party,
                reason="r",
                received_on=NOW.date(),
                by=secretariat,
            )
        )
    if len(made) < 4:  # FRA has fewer pairings than the limit: withdraw and ask again
        for _ in range(4 - len(made)):
            actions.withdraw_redraw_request(made[0])
            made[0] = actions.record_redraw_request(
                pairing=own[0],
                requested_by=party,
                reason="r",
                received_on=NOW.date(),
                by=secretariat,
            )
    count = RedrawRequest.objects.count()
    with pytest.raises(actions.DrawError):
        actions.record_redraw_request(
            pairing=own[0], requested_by=party, reason="r", received_on=NOW.date(), by=secretariat
        )
    assert RedrawRequest.objects.count() == count


def test_late_joiners_leave_every_pairing_untouched(groups, secretariat):
    initial_draw(secretariat, day=dt.date(2020, 11, 16))  # before Bhutan and South Sudan joined
    assert not GroupAssignment.objects.filter(party__code__in=["BTN", "SSD"]).exists()
    before = active()
    meeting = actions.create_meeting(held_on=dt.date(2023, 12, 5), title="Late joiners")
    draw = hold(actions.prepare_draw(kind="late", meeting=meeting, by=secretariat, now=NOW))
    after = active()
    assert before <= after
    assert {p[0] for p in after - before} == {"BTN", "SSD"}
    assert set(
        GroupAssignment.objects.filter(draw=draw).values_list("party__code", "group__number")
    ) == {("BTN", 3), ("SSD", 3)}
    assert actions.verify(draw).ok
    with pytest.raises(actions.DrawError, match="already in a group"):
        actions.prepare_draw(kind="late", meeting=meeting, by=secretariat, now=NOW)


def test_protocol_joiners_get_the_reviewers_they_lack(client, groups, secretariat):
    """Parties that joined a Protocol after the draw lack reviewers for it: the draws page
    proposes a draw of their own, which gives each instrument two reviewers party to it and
    leaves every other pairing in force."""
    initial_draw(secretariat, day=dt.date(2020, 11, 16))
    day = dt.date(2024, 4, 1)
    gaps = {gap.party.code: gap.lacking for gap in actions.uncovered(day)}
    # The shipped registry's Protocol joinings after 16 November 2020 (BTN is in no group yet).
    assert set(gaps) == {"AND", "CHN", "COM", "DEU", "LUX", "PAK", "TCD", "UGA"}
    assert gaps["UGA"] == {"TIP": 2, "SOM": 2} and gaps["CHN"] == {"FIR": 2}
    client.force_login(secretariat)
    page = client.get(url("lots:draw-list")).content.decode()
    assert "Parties lacking reviewers for Protocols joined later" in page
    assert "Uganda" in page and "?kind=protocol" in page
    # The instruments lacking reviewers are explained (issue 17): <abbr> and a legend.
    assert '<abbr title="Protocol against the Illicit Manufacturing of' in page
    assert "Abbreviations of the instruments" in page
    before = active()
    meeting = actions.create_meeting(held_on=day, title="Protocol joiners")
    with pytest.raises(actions.DrawError, match="lack no reviewer"):
        actions.prepare_draw(
            kind="protocol", meeting=meeting, by=secretariat, now=NOW, reviewed=["FRA"]
        )
    response = client.post(url("lots:draw-prepare"), {"kind": "protocol", "meeting": meeting.pk})
    draw = Draw.objects.get(kind="protocol")
    assert response["Location"] == url("lots:draw-detail", draw.pk)
    assert draw.inputs["reviewed"] == sorted(gaps)
    draw = hold(draw)
    assert actions.uncovered(day) == []
    after = active()
    instruments = {}
    for a in (
        Adherence.objects.current().filter(date__lte=day).select_related("party", "instrument")
    ):
        instruments.setdefault(a.party.code, set()).add(a.instrument.code)
    for code in gaps:
        counts = Counter(i for p in after if p[0] == code for i in p[2])
        assert counts == {i: 2 for i in instruments[code]}, code
        for reviewed, reviewer, covered, _role in after:
            if reviewed == code:
                assert set(covered) <= instruments[reviewer]
    # Nothing else changed; the main reviewers that took the new Protocol kept their pairing
    # as history, superseded by the longer one.
    changed = before - after
    assert {p[0] for p in changed} <= set(gaps)
    for reviewed, reviewer, covered, role in changed:
        assert role == "main"
        longer = Pairing.objects.get(reviewed__code=reviewed, reviewer__code=reviewer, until=None)
        assert set(covered) < set(longer.instruments) and longer.draw == draw
    assert {p[0] for p in after - before} == set(gaps)
    assert actions.verify(draw).ok
    page = client.get(url("lots:draw-detail", draw.pk)).content.decode()
    assert "drawn as additional reviewing party for" in page and "Verified" in page
    # The parties by name, not by the codes the draw stores (issue 17).
    assert (
        "Drawn for: Andorra, China, Comoros, Germany, Luxembourg, Pakistan, Chad, Uganda." in page
    )
    assert "AND, CHN" not in page and "UGA:" not in page
    assert "Uganda: " in page and "Abbreviations of the instruments" in page
    assert "Parties lacking reviewers" not in client.get(url("lots:draw-list")).content.decode()
    with pytest.raises(actions.DrawError, match="No party lacks"):
        actions.prepare_draw(kind="protocol", meeting=meeting, by=secretariat, now=NOW)


def test_the_proposal_is_the_secretariats_own(client, groups, secretariat):
    initial_draw(secretariat, day=dt.date(2020, 11, 16))
    assert actions.uncovered(dt.date(2024, 4, 1))
    for who in (None, make_user("someone")):
        if who:
            client.force_login(who)
        page = client.get(url("lots:draw-list")).content.decode()
        assert "Parties lacking reviewers" not in page
        assert client.get("/api/v1/draws/uncovered/").status_code in (401, 403)
    client.force_login(secretariat)
    listed = client.get("/api/v1/draws/uncovered/").json()
    assert {"party": "UGA", "lacking": {"TIP": 2, "SOM": 2}} in listed


# --- Pages ----------------------------------------------------------------------------------


def test_the_wizard_through_the_pages(client, groups, secretariat):
    client.force_login(secretariat)
    response = client.post(
        url("lots:meeting-list"), {"held_on": "2024-05-01", "title": "Drawing of lots"}
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    response = client.post(
        url("lots:draw-prepare"), {"kind": "initial", "meeting": meeting.pk, "sizes": "62, 63, 64"}
    )
    draw = Draw.objects.get()
    assert response["Location"] == url("lots:draw-detail", draw.pk)
    page = client.get(url("lots:draw-detail", draw.pk)).content.decode()
    assert draw.commitment in page and draw.secret not in page
    client.post(url("lots:draw-step", draw.pk, "announce"))
    client.post(url("lots:draw-step", draw.pk, "entropy"), {"entropy": "11 22 33 44"})
    client.post(url("lots:draw-step", draw.pk, "draw"))
    client.post(url("lots:draw-step", draw.pk, "publish"))
    draw.refresh_from_db()
    assert draw.status == Draw.Status.PUBLISHED
    client.logout()
    page = client.get(url("lots:draw-detail", draw.pk)).content.decode()
    assert "Verified" in page and draw.secret in page and draw.result_hash in page
    pairings = client.get(url("lots:pairing-list")).content.decode()
    assert "Group 1" in pairings and "Group 3" in pairings
    # Every reviewing party's instruments by code, the first mention of each explained.
    untoc = '<abbr title="United Nations Convention against Transnational Organized Crime">'
    assert pairings.count(untoc) == 2  # the legend and the first mention
    assert pairings.count("<abbr>UNTOC</abbr>") > 25  # in a page of 50 pairings


def test_a_step_out_of_order_says_so_and_changes_nothing(client, groups, secretariat):
    client.force_login(secretariat)
    meeting = actions.create_meeting(held_on=dt.date(2024, 5, 1), title="Draw")
    draw = actions.prepare_draw(kind="initial", meeting=meeting, by=secretariat, now=NOW)
    response = client.post(url("lots:draw-step", draw.pk, "publish"), follow=True)
    assert "that action is not possible now" in response.content.decode()
    draw.refresh_from_db()
    assert draw.status == Draw.Status.PREPARED
    assert client.post(url("lots:draw-step", draw.pk, "nonsense")).status_code == 404


def test_bad_wizard_input_is_explained(client, groups, secretariat):
    client.force_login(secretariat)
    meeting = actions.create_meeting(held_on=dt.date(2024, 5, 1), title="Draw")
    response = client.post(
        url("lots:draw-prepare"), {"kind": "initial", "meeting": meeting.pk, "sizes": "1, 2, 3"}
    )
    assert "adding up to the 189 parties" in response.content.decode()
    response = client.post(
        url("lots:draw-prepare"), {"kind": "initial", "meeting": meeting.pk, "volunteers": "XX:1"}
    )
    assert "Unknown party XX" in response.content.decode()
    assert not Draw.objects.exists()


def test_who_sees_what(client, groups, secretariat):
    meeting = actions.create_meeting(held_on=dt.date(2024, 5, 1), title="Draw")
    draw = actions.prepare_draw(kind="initial", meeting=meeting, by=secretariat, now=NOW)
    # Prepared, not announced: only the secretariat knows of it.
    assert client.get(url("lots:draw-detail", draw.pk)).status_code == 404
    assert client.get("/api/v1/draws/").json()["count"] == 0
    secret_pages = [url("lots:draw-prepare"), url("lots:meeting-list"), url("lots:request-list")]
    for page in secret_pages:
        assert client.get(page).status_code == 302
    assert client.post(url("lots:draw-step", draw.pk, "announce")).status_code == 302
    client.force_login(make_user("outsider"))
    for page in secret_pages:
        assert client.get(page).status_code == 404
    assert client.post(url("lots:draw-step", draw.pk, "announce")).status_code == 404
    assert client.get(url("lots:draw-detail", draw.pk)).status_code == 404
    draw.refresh_from_db()
    assert draw.status == Draw.Status.PREPARED
    actions.announce(draw, now=NOW)
    body = client.get(f"/api/v1/draws/{draw.pk}/").json()
    assert body["commitment"] == draw.commitment and body["secret"] is None
    assert body["result"] is None


def test_pairings_api_and_exports(client, groups, secretariat):
    initial_draw(secretariat, sizes=[62, 63, 64])
    listed = client.get("/api/v1/pairings/?group=2&page_size=500").json()
    assert listed["count"] == Pairing.objects.filter(group__number=2).count() > 126
    item = listed["results"][0]
    assert set(item) == {
        "group",
        "reviewed",
        "reviewer",
        "instruments",
        "role",
        "status",
        "since",
        "until",
    }
    assert item["group"] == 2 and item["status"] == "active" and item["since"] == "2024-05-01"
    assert client.get("/api/v1/pairings/?group=x").status_code == 400
    csv = body(client.get(url("lots:pairing-export", "csv"))).decode().splitlines()
    assert len(csv) == Pairing.objects.count() + 1
    xlsx = client.get(url("lots:pairing-export", "xlsx"))
    assert body(xlsx)[:4] == b"PK\x03\x04"
    assert client.get(url("lots:pairing-export", "doc")).status_code == 404


def test_a_party_name_that_looks_like_a_formula_is_exported_as_text(client, groups, secretariat):
    rename("parties", "FRA", FORMULA)  # as a registry import may
    initial_draw(secretariat, reviewed=["FRA", "DEU", "KEN"])
    for fmt in ("csv", "xlsx"):
        assert_inert(client.get(url("lots:pairing-export", fmt)), FORMULA)


def test_pairing_pages_and_api_query_counts_stay_flat(client, groups, secretariat):
    meeting = actions.create_meeting(held_on=dt.date(2024, 5, 1), title="Draw")
    draw = actions.prepare_draw(
        kind="initial", meeting=meeting, by=secretariat, now=NOW, reviewed=["FRA", "DEU", "KEN"]
    )
    hold(draw)

    def pages():
        for page in [url("lots:pairing-list"), url("lots:pairing-history"), url("lots:draw-list")]:
            assert client.get(page).status_code == 200
        assert client.get("/api/v1/pairings/?page_size=500").status_code == 200
        assert client.get("/api/v1/draws/").status_code == 200

    few = count_queries(pages)
    meeting = actions.create_meeting(held_on=dt.date(2024, 6, 1), title="Late")
    late = actions.prepare_draw(kind="late", meeting=meeting, by=secretariat, now=NOW)
    hold(late)
    assert Pairing.objects.count() > 300
    assert count_queries(pages) == few


# --- Dry runs -------------------------------------------------------------------------------


REGISTRY = """code,regional_group,instruments
AAA,AFR,UNTOC;TIP;SOM;FIR
BBB,AFR,UNTOC;TIP;SOM;FIR
CCC,AFR,UNTOC;TIP;SOM
DDD,AFR,UNTOC;TIP;SOM;FIR
EEE,WEOG,UNTOC;TIP;SOM;FIR
FFF,WEOG,UNTOC;TIP;SOM;FIR
GGG,WEOG,UNTOC;TIP;SOM;FIR
HHH,WEOG,UNTOC;TIP
III,APG,UNTOC;TIP;SOM;FIR
JJJ,APG,UNTOC;TIP;SOM;FIR
KKK,APG,UNTOC;TIP;SOM;FIR
LLL,,UNTOC
"""


def dry_run(tmp_path, *args, registry=REGISTRY):
    path = tmp_path / "registry.csv"
    path.write_text(registry)
    out = io.StringIO()
    call_command("drawlots", "--registry", str(path), *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_dry_run_prints_one_json_object_per_run(tmp_path):
    runs = dry_run(tmp_path, "--seed", "c0ffee", "--runs", "3", "--json")
    assert len(runs) == 3
    assert runs[0]["seed"] == "c0ffee"
    assert len({r["seed"] for r in runs}) == 3
    for run in runs:
        assert set(run) == {"seed", "algorithm", "groups", "pairings"}
        assert len(run["groups"]) == 12
        assert set(run["groups"].values()) == {1, 2, 3}
        for pairing in run["pairings"]:
            assert set(pairing) == {"reviewed", "reviewer", "instruments"}
    again = dry_run(tmp_path, "--seed", "c0ffee", "--runs", "3", "--json")
    assert again == runs


def test_dry_run_rejects_a_malformed_file(tmp_path):
    with pytest.raises(CommandError, match="line 1: the header must be"):
        dry_run(tmp_path, "--seed", "ab", registry="code,group\nAAA,AFR\n")
    with pytest.raises(CommandError, match="line 3: party AAA appears twice"):
        dry_run(tmp_path, "--seed", "ab", registry=REGISTRY.replace("BBB", "AAA"))
    with pytest.raises(CommandError, match="not hexadecimal"):
        dry_run(tmp_path, "--seed", "xyz")


def test_dry_run_refuses_more_work_than_its_bounds_at_once(tmp_path, monkeypatch):
    """`--groups 100` on a handful of parties ran for minutes: the bounds are checked before
    anything is drawn, and the message says them."""

    def no_draw(*args, **kwargs):
        raise AssertionError("a draw was computed")

    monkeypatch.setattr(drawlots, "compute", no_draw)
    seed = ["--seed", "ab"]
    with pytest.raises(CommandError, match=r"--groups must be from 1 to 5 \(got 100\)"):
        dry_run(tmp_path, *seed, "--groups", "100")
    with pytest.raises(CommandError, match=r"--groups must be from 1 to 5 \(got 0\)"):
        dry_run(tmp_path, *seed, "--groups", "0")
    with pytest.raises(CommandError, match=r"--runs must be from 1 to 1000 \(got 1001\)"):
        dry_run(tmp_path, *seed, "--runs", "1001")
    three = "code,regional_group,instruments\nAAA,AFR,UNTOC\nBBB,AFR,UNTOC\nCCC,WEOG,UNTOC\n"
    with pytest.raises(CommandError, match="--groups 4 is more than the 3 parties"):
        dry_run(tmp_path, *seed, "--groups", "4", registry=three)
    seven = "code,regional_group,instruments\n" + "".join(f"P{n},G{n},UNTOC\n" for n in range(7))
    with pytest.raises(CommandError, match="7 regional groups; a dry run takes at most 6"):
        dry_run(tmp_path, *seed, registry=seven)
    many = "code,regional_group,instruments\n" + "".join(f"P{n},,UNTOC\n" for n in range(501))
    with pytest.raises(CommandError, match="501 parties; a dry run takes at most 500"):
        dry_run(tmp_path, *seed, registry=many)


def test_dry_run_names_the_rule_that_cannot_be_met(tmp_path):
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"reviewers_per_review": 3, "same_group_reviewers": 3}))
    with pytest.raises(CommandError, match="impossible rule set"):
        dry_run(tmp_path, "--seed", "ab", "--rules", str(rules))
    rules.write_text(json.dumps({"reviewers_per_reviewer": 3}))
    with pytest.raises(CommandError, match="unknown rule"):
        dry_run(tmp_path, "--seed", "ab", "--rules", str(rules))


def test_dry_run_reproduces_a_published_draw(groups, secretariat, tmp_path):
    draw = initial_draw(secretariat)
    lines = ["code,regional_group,instruments"] + [
        f"{p['code']},{p['regional_group'] or ''},{';'.join(p['instruments'])}"
        for p in draw.inputs["parties"]
    ]
    (run,) = dry_run(tmp_path, "--seed", draw.seed, "--json", registry="\n".join(lines) + "\n")
    assert run["groups"] == draw.result["groups"]
    assert run["pairings"] == [
        {k: p[k] for k in ("reviewed", "reviewer", "instruments")} for p in draw.result["pairings"]
    ]


def test_a_draw_around_pairings_changed_since_is_not_published(groups, secretariat):
    initial_draw(secretariat, day=dt.date(2020, 11, 16))
    meeting = actions.create_meeting(held_on=dt.date(2024, 4, 1), title="Protocol joiners")
    first = actions.prepare_draw(
        kind="protocol", meeting=meeting, by=secretariat, now=NOW, reviewed=["UGA"]
    )
    second = actions.prepare_draw(kind="protocol", meeting=meeting, by=secretariat, now=NOW)
    hold(first)
    before = active()
    second = actions.perform_draw(
        actions.enter_entropy(actions.announce(second, now=NOW), entropy="1 2 3 4", now=NOW),
        now=NOW,
    )
    with pytest.raises(actions.DrawError, match="have changed since this draw was prepared"):
        actions.publish(second, now=NOW)
    second.refresh_from_db()
    assert second.status == Draw.Status.DRAWN and active() == before


def test_the_pairings_pages_page_sort_and_keep_the_group(client, groups, secretariat):
    """50 pairings a page with the count; page 2 goes on where page 1 stopped; sorting on a
    column again reverses it; the pager and the downloads keep the group and the order; an
    unknown order is a 400 that says why; the downloads hold every page."""
    initial_draw(secretariat, sizes=[62, 63, 64])
    total = Pairing.objects.filter(group__number=2, until=None).count()
    assert total > 100
    params = {"group": 2, "ordering": "reviewer"}
    first = client.get(url("lots:pairing-list"), params).content.decode()
    assert f"1–50 of {total}" in first
    assert 'aria-sort="ascending"><a href="?group=2&amp;ordering=-reviewer">' in first
    assert 'href="?group=2&amp;ordering=reviewer&amp;page=2" rel="next"' in first
    second = client.get(url("lots:pairing-list"), {**params, "page": 2}).content.decode()
    assert f"51–100 of {total}" in second

    def rows(page):
        return re.findall(r"</a></th><td>([^<]+)</td>", page)

    assert len(rows(first)) == 50 and not set(rows(first)) & set(rows(second)[1:])
    backwards = client.get(url("lots:pairing-list"), {**params, "ordering": "-reviewer"})
    assert rows(backwards.content.decode())[0] not in rows(first)
    bad = client.get(url("lots:pairing-list"), {"ordering": "secret"})
    assert bad.status_code == 400 and "Unknown order" in bad.content.decode()
    assert client.get(url("lots:pairing-list"), {"page": "zzz"}).status_code == 200
    download = re.search(r'href="([^"]*pairings\.csv\?[^"]*)"', first).group(1)
    assert "group=2" in download and "ordering=reviewer" in download
    lines = body(client.get(download.replace("&amp;", "&"))).decode().splitlines()
    assert len(lines) == total + 1 and not [line for line in lines if line[:1] in "=+-@"]


def test_a_refusal_of_the_rules_reads_in_the_page_language(client, groups, secretariat):
    """Issue 21, item 7: the pure draw refuses with a reason and its params, the page puts them
    into the reader's language (before, "Infeasible" reasons came in English inside a French
    sentence). A cap of one review per reviewing party leaves too few places."""
    from revmod.lots.models import Rules

    rules = Rules.current()
    rules.max_reviews_per_reviewer = 1
    rules.save()
    meeting = actions.create_meeting(held_on=dt.date(2024, 5, 1), title="Drawing of lots")
    client.force_login(secretariat)
    response = client.post(
        url("lots:draw-prepare", language="fr"), {"kind": "initial", "meeting": meeting.pk}
    )
    assert response.status_code == 200 and not Draw.objects.exists()
    (error,) = re.findall(r"Les règles ne peuvent[^<]*", response.content.decode())
    assert error == (
        "Les règles ne peuvent pas toutes être respectées. Le plafond de charge de travail "
        "laisse trop peu de places pour les parties examinatrices (examens : 189, places "
        "nécessaires : 378, disponibles : 189 ; parties : 189, examens par partie au plus : 1)."
    )
    with translation.override("en"):
        with pytest.raises(actions.DrawError) as english:
            actions.prepare_draw(kind="initial", meeting=meeting, by=secretariat, now=NOW)
    assert "workload cap" in str(english.value) and "Infeasible" not in str(english.value)
