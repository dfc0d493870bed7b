"""The status report's figures of the briefings and follow-ups, as of a date (seed ¶45)."""

import datetime as dt

import pytest

from revmod.followups import actions
from revmod.followups.figures import figures
from revmod.followups.tests.conftest import NOW
from revmod.registry.models import Party
from revmod.test import count_queries

pytestmark = pytest.mark.django_db


def briefing(by, held_on, codes, representatives, published=True):
    return actions.record_briefing(
        by=by,
        now=NOW,
        parties=list(Party.objects.filter(code__in=codes)),
        held_on=held_on,
        title=f"Briefing {held_on}",
        kind="global",
        online=True,
        representatives=representatives,
        published=published,
    )


def contact(by, code, kind, held_on):
    return actions.record_followup(
        by=by,
        now=NOW,
        party=Party.objects.get(code=code),
        whom="mission",
        kind=kind,
        held_on=held_on,
        subject="s",
    )


def test_the_february_2024_briefing_as_the_paper_gives_it(world):
    people, _reviews = world
    sec = people["secretariat"]
    states = list(
        Party.objects.filter(kind=Party.Kind.STATE).order_by("code").values_list("code", flat=True)
    )
    briefing(sec, dt.date(2024, 2, 14), states[:89] + ["EU"], 193)
    briefing(sec, dt.date(2024, 5, 2), states[80:100], 40)  # after the date
    found = figures(dt.date(2024, 4, 16))
    assert [(b.representatives, b.states) for b in found.briefings] == [(193, 89)]
    assert (found.representatives, found.states) == (193, 89)
    later = figures(dt.date(2024, 6, 1))
    assert (later.representatives, later.states) == (233, 100)  # 9 States at both


def test_followups_counted_by_kind_and_the_public_form_leaves_them_out(world):
    people, _reviews = world
    sec = people["secretariat"]
    contact(sec, "FRA", "call", dt.date(2024, 1, 5))
    contact(sec, "FRA", "email", dt.date(2024, 2, 5))
    contact(sec, "KEN", "email", dt.date(2024, 3, 5))
    contact(sec, "KEN", "meeting", dt.date(2024, 5, 5))  # after the date
    briefing(sec, dt.date(2024, 2, 14), ["KEN"], 5, published=False)
    found = figures(dt.date(2024, 4, 16))
    assert found.followups_by_kind == {"email": 2, "call": 1, "meeting": 0, "briefing": 0}
    assert (found.followups, found.parties_followed_up) == (3, 2)
    assert len(found.briefings) == 1
    public = figures(dt.date(2024, 4, 16), public=True)
    assert public.followups == 0 and public.briefings == () and public.states == 0


def test_the_figures_take_the_same_queries_however_many_records(world):
    people, _reviews = world
    sec = people["secretariat"]
    briefing(sec, dt.date(2024, 1, 1), ["KEN"], 3)
    contact(sec, "FRA", "call", dt.date(2024, 1, 5))
    few = count_queries(lambda: figures(dt.date(2024, 4, 16)))
    for day in range(2, 8):
        briefing(sec, dt.date(2024, 1, day), ["KEN", "MEX", "FRA"], 3)
        contact(sec, "DEU", "email", dt.date(2024, 1, day))
    assert count_queries(lambda: figures(dt.date(2024, 4, 16))) == few
