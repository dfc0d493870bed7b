import datetime as dt

import pytest

from revmod.recommendations import actions
from revmod.test import fresh, load_registry, make_user, nominate, shared_data

NOW = dt.datetime(2024, 4, 1, 9, tzinfo=dt.UTC)


def recommendation(by, number=1, session="WG 2023", published=True, addressee="both", **more):
    """A recommendation through the action (English text only unless `more` gives others)."""
    return actions.create_recommendation(
        by=by,
        now=NOW,
        session=session,
        number=number,
        adopted_on=more.pop("adopted_on", dt.date(2023, 6, 1)),
        addressee=addressee,
        text_en=more.pop("text_en", f"Respect the timetables ({number})."),
        published=published,
        **more,
    )


def follow_up(rec, by, party, status="in_progress", published=False, now=NOW, **more):
    return actions.record_follow_up(
        rec,
        party=party,
        by=by,
        now=now,
        status=status,
        evidence=more.pop("evidence", "Done so far."),
        link=more.pop("link", ""),
        on=now.date(),
        published=published,
    )


@pytest.fixture(scope="module")
def shared_people(request, django_db_blocker):
    """The registry; the secretariat; France's focal point and expert, Germany's focal point,
    and a person with no nomination."""
    with shared_data(request, django_db_blocker):
        load_registry()
        secretariat = make_user("secretariat", secretariat=True)
        people = {"secretariat": secretariat, "outsider": make_user("outsider")}
        for name, code, kind in [
            ("fra_fp", "FRA", "focal_point"),
            ("fra_expert", "FRA", "expert"),
            ("deu_fp", "DEU", "focal_point"),
        ]:
            people[name] = make_user(name)
            nominate(people[name], code, kind, "own", secretariat)
        yield people


@pytest.fixture
def people(shared_people, db):
    return fresh(shared_people)
