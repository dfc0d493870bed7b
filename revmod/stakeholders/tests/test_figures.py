import datetime as dt

import pytest

from revmod.stakeholders import actions
from revmod.stakeholders.figures import OutreachFigures, figures
from revmod.stakeholders.tests.conftest import NOW, dialogue, pilot, stakeholder
from revmod.test import count_queries

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2024, 4, 16)


def paper(secretariat, reviews):
    """¶55-60 as the secretariat records them: some stakeholders registered, the rest counted."""
    registered = [stakeholder(secretariat, name=f"NGO {i}") for i in range(9)]
    registered.append(stakeholder(secretariat, name="University", kind="academic"))
    registered.append(stakeholder(secretariat, name="UNICRI-like", kind="igo"))
    dialogue(secretariat, held_on=dt.date(2022, 6, 1), title="2022", other_ngo=200)
    d = dialogue(
        secretariat,
        held_on=dt.date(2023, 6, 14),
        title="2023",
        stakeholders=registered,
        parties=["KEN", "MEX", "PAK"],
        other_ngo=290,
        other_academic=14,
        other_private=14,
        other_states=69,
    )
    for n in range(22):
        actions.save_observation(None, {"text": f"O{n}"}, dialogue=d, by=secretariat, now=NOW)
    dialogue(secretariat, held_on=dt.date(2024, 6, 1), title="After the date", other_ngo=5)
    for programme, year, people, countries in [
        ("se4u", 2022, 2000, 100),
        ("se4u", 2023, 3300, 136),
        ("whatson", 2023, 533, 136),
        ("whatson", 2025, 900, 150),
    ]:
        actions.save_outreach(
            None,
            {"programme": programme, "year": year, "people": people, "countries": countries},
            by=secretariat,
            now=NOW,
        )
    pilot(secretariat, reviews["KEN"], started_on=dt.date(2023, 7, 1))
    pilot(secretariat, reviews["DEU"], started_on=dt.date(2023, 7, 1), completed_on=AS_OF)
    pilot(
        secretariat, reviews["BRA"], consent_on=dt.date(2024, 3, 1), started_on=dt.date(2024, 5, 1)
    )
    pilot(secretariat, reviews["FRA"], consent_on=dt.date(2024, 5, 1))


def test_the_papers_figures_as_of_16_april_2024(world):
    users, reviews = world
    paper(users["secretariat"], reviews)
    result = figures(AS_OF)
    d = result.dialogue
    assert (d.title, d.stakeholders, d.states, d.observations) == ("2023", 328, 72, 22)
    assert d.by_kind == {"ngo": 299, "academic": 15, "private": 14, "igo": 1}
    assert result.outreach == {
        "se4u": OutreachFigures(2023, 3300, 136),
        "whatson": OutreachFigures(2023, 533, 136),
    }
    # Consented to after the date: not yet a pilot; under way after it: still starting.
    assert result.pilots == {"starting": ["BRA"], "under_way": ["KEN"], "completed": ["DEU"]}
    earlier = figures(dt.date(2022, 12, 31))
    assert earlier.dialogue.title == "2022" and earlier.dialogue.stakeholders == 200
    assert earlier.pilots == {"starting": [], "under_way": [], "completed": []}
    assert earlier.outreach == {"se4u": OutreachFigures(2022, 2000, 100)}


def test_a_reader_counts_only_what_they_may_see(world):
    users, reviews = world
    secretariat = users["secretariat"]
    dialogue(secretariat, title="Unpublished", other_ngo=3)
    pilot(secretariat, reviews["KEN"])
    pilot(secretariat, reviews["FRA"])
    for persona, pilots in [
        ("outsider", []),
        ("reviewed_fp", ["FRA"]),
        ("secretariat", ["FRA", "KEN"]),
    ]:
        result = figures(AS_OF, users[persona])
        assert result.pilots["starting"] == pilots
        assert (result.dialogue is None) == (persona != "secretariat")


def test_the_figures_query_count_stays_flat(world):
    users, reviews = world
    secretariat = users["secretariat"]
    paper(secretariat, reviews)
    few = count_queries(lambda: figures(AS_OF))
    d = dialogue(secretariat, held_on=dt.date(2024, 1, 1), title="More", other_ngo=1)
    for n in range(5):
        s = stakeholder(secretariat, name=f"More {n}")
        actions.save_dialogue(
            d, {"stakeholders": [*d.stakeholders.all(), s]}, by=secretariat, now=NOW
        )
        actions.save_observation(None, {"text": "x"}, dialogue=d, by=secretariat, now=NOW)
    assert count_queries(lambda: figures(AS_OF)) == few == 3
    assert figures(AS_OF).dialogue.by_kind["ngo"] == 6
