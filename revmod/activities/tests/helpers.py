"""The people of the activities' tests: the secretariat, a focal point of France, an expert of
Germany and a person with no nomination; and records made through the actions."""

import datetime as dt

from django.urls import reverse
from django.utils import translation

from revmod.activities import actions
from revmod.registry.models import Party
from revmod.test import make_user, nominate

NOW = dt.datetime(2024, 4, 16, 9, tzinfo=dt.UTC)


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


def make_people():
    secretariat = make_user("secretariat", secretariat=True)
    fra = make_user("fra_fp")
    nominate(fra, "FRA", "focal_point", "own", secretariat)
    deu = make_user("deu_expert")
    nominate(deu, "DEU", "expert", "own", secretariat)
    return {
        "secretariat": secretariat,
        "fra": fra,
        "deu": deu,
        "outsider": make_user("outsider"),
    }


def party(code):
    return Party.objects.get(code=code)


def make_event(by, *, title="Workshop", parties=("FRA",), published=False, **fields):
    data = {
        "kind": "national",
        "title": title,
        "starts_on": dt.date(2022, 1, 18),
        "ends_on": dt.date(2022, 1, 19),
        "online": False,
        "place": "Paris",
        "organisers": "UNODC",
        "languages": ["fr", "en"],
        "parties": [party(code) for code in parties],
        "reviews": [],
        "women": 10,
        "men": 8,
        "other": 1,
        "published": published,
        **fields,
    }
    return actions.save_event(None, data, by=by, now=NOW)


def make_session(by, *, title="RevMod training", held_on=dt.date(2023, 3, 1)):
    data = {
        "title": title,
        "held_on": held_on,
        "kind": "training",
        "languages": ["en"],
        "online": True,
        "place": "",
    }
    return actions.save_session(None, data, by=by, now=NOW)


def add_participant(session, by, name, code, gender="woman", language="en"):
    from revmod.activities.models import Participant

    data = {
        "name": name,
        "party": party(code),
        "gender": gender,
        "language": language,
        "ministry": "Justice",
    }
    return actions.save_participant(Participant(session=session), data, by=by, now=NOW)
