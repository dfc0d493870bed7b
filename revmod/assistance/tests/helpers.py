"""The people of the assistance tests: the secretariat, FRA's focal point, expert and
observer, DEU's focal point (as a reviewing party), and someone with no nomination."""

import datetime as dt

from revmod.assistance import actions
from revmod.test import make_user, nominate

NOW = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
OPENS, CLOSES = dt.date(2024, 2, 1), dt.date(2024, 3, 31)
AFTER = dt.datetime(2024, 4, 2, 9, tzinfo=dt.UTC)


def people() -> dict:
    secretariat = make_user("secretariat", secretariat=True)
    users = {"secretariat": secretariat}
    for name, code, kind, scope, language in [
        ("fra_fp", "FRA", "focal_point", "own", "fr"),
        ("fra_expert", "FRA", "expert", "own", "en"),
        ("fra_observer", "FRA", "observer", "own", "en"),
        ("deu_fp", "DEU", "focal_point", "reviewer", "ar"),
    ]:
        users[name] = make_user(name, language=language)
        nominate(users[name], code, kind, scope, secretariat)
    users["outsider"] = make_user("outsider")
    return users


def survey(users, **changes):
    data = {"title": "Needs 2024", "opens_on": OPENS, "closes_on": CLOSES, **changes}
    return actions.open_survey(**data, by=users["secretariat"], now=NOW)
