import datetime as dt

import pytest

from revmod.stakeholders import actions
from revmod.test import fresh, make_people, make_world, shared_data

NOW = dt.datetime(2024, 4, 16, 9, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, reviews = make_world()
        users, _nominations = make_people(secretariat, reviews["FRA"], every_reviewer=False)
        yield users, reviews


@pytest.fixture
def world(shared_world, db):
    """The personas of France's review (revmod.test.PERSONAS) and the reviews by party code."""
    return fresh(shared_world)


def stakeholder(by, name="Civil Voice", kind="ngo", **fields):
    return actions.save_stakeholder(None, {"name": name, "kind": kind, **fields}, by=by, now=NOW)


def pilot(by, review, **fields):
    data = {"review": review, "consent_on": dt.date(2023, 6, 1), "consent_note": "NV/2023/1"}
    return actions.save_pilot(None, {**data, **fields}, by=by, now=NOW)


def dialogue(by, **fields):
    data = {"held_on": dt.date(2023, 6, 14), "title": "Dialogue 2023", "format": "hybrid"}
    return actions.save_dialogue(None, {**data, **fields}, by=by, now=NOW)
