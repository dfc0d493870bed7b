"""The stakeholders' rows of the permission matrix (revmod/lib/tests/test_permissions.py) and
the records its world needs: a registered stakeholder, a published dialogue with an
observation, a year's figures, and an unpublished pilot of the personas' review with an
activity."""

import datetime as dt

from revmod.stakeholders import actions

NOW = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
P = ["anonymous", "outsider", "reviewed_fp", "reviewer_fp", "expert", "observer", "secretariat"]
PUBLIC = dict.fromkeys(P, 200)
SECRETARIAT_ONLY = {**dict.fromkeys(P, 404), "anonymous": "login", "secretariat": 200}
# The personas' review's pilot, unpublished: its participants and the secretariat.
PILOT = {**dict.fromkeys(P, 200), "anonymous": 404, "outsider": 404}
SECRETARIAT_API = {**dict.fromkeys(P, 403), "secretariat": 200}
# An empty observation: the secretariat is told what is missing; anyone else is refused.
ADD_OBSERVATION = {**dict.fromkeys(P, 403), "secretariat": 400}
# The same to the pilot of the personas' review, which the outsider does not see.
ADD_ACTIVITY = {**ADD_OBSERVATION, "outsider": 404}


def build(secretariat, review) -> dict:
    """The records, through the actions; their ids for the matrix's paths."""
    stakeholder = actions.save_stakeholder(
        None, {"name": "Voice", "kind": "ngo", "country": "KEN"}, by=secretariat, now=NOW
    )
    dialogue = actions.save_dialogue(
        None,
        {"held_on": dt.date(2023, 6, 1), "title": "2023", "format": "hybrid", "published": True},
        by=secretariat,
        now=NOW,
    )
    observation = actions.save_observation(
        None, {"text": "One."}, dialogue=dialogue, by=secretariat, now=NOW
    )
    figures = actions.save_outreach(
        None,
        {"programme": "se4u", "year": 2023, "people": 3300, "countries": 136},
        by=secretariat,
        now=NOW,
    )
    pilot = actions.save_pilot(
        None,
        {"review": review, "consent_on": dt.date(2023, 1, 1), "consent_note": "NV"},
        by=secretariat,
        now=NOW,
    )
    activity = actions.save_activity(
        None, {"held_on": dt.date(2023, 2, 1), "description": "A"}, pilot=pilot, by=secretariat,
        now=NOW,
    )  # fmt: skip
    return {
        "stakeholder": stakeholder.pk,
        "dialogue": dialogue.pk,
        "sobservation": observation.pk,
        "figures": figures.pk,
        "pilot": pilot.pk,
        "activity": activity.pk,
    }


def _api(name: str, key: str, listed: dict, one: dict) -> dict:
    return {
        (f"api/v1/{name}/", "GET", f"/api/v1/{name}/"): listed,
        (f"api/v1/{name}.<format>/", "GET", f"/api/v1/{name}.json/"): listed,
        (f"api/v1/{name}/<pk>/", "GET", f"/api/v1/{name}/{{{key}}}/"): one,
        (f"api/v1/{name}/<pk>.<format>/", "GET", f"/api/v1/{name}/{{{key}}}.json/"): one,
    }


S = "stakeholders/"
ROWS = {
    **_api("stakeholders", "stakeholder", SECRETARIAT_API, SECRETARIAT_API),
    **_api("dialogues", "dialogue", PUBLIC, PUBLIC),
    **_api("pilots", "pilot", PUBLIC, PILOT),
    **_api("yearly-figures", "figures", PUBLIC, PUBLIC),
    (
        "api/v1/dialogues/<pk>/observations/",
        "POST",
        "/api/v1/dialogues/{dialogue}/observations/",
    ): ADD_OBSERVATION,
    (
        "api/v1/dialogues/<pk>/observations.<format>/",
        "POST",
        "/api/v1/dialogues/{dialogue}/observations.json/",
    ): ADD_OBSERVATION,
    ("api/v1/pilots/<pk>/activities/", "POST", "/api/v1/pilots/{pilot}/activities/"): ADD_ACTIVITY,
    (
        "api/v1/pilots/<pk>/activities.<format>/",
        "POST",
        "/api/v1/pilots/{pilot}/activities.json/",
    ): ADD_ACTIVITY,
    (S + "register/", "GET", "/en/stakeholders/register/"): SECRETARIAT_ONLY,
    (S + "register.<str:fmt>", "GET", "/en/stakeholders/register.csv"): SECRETARIAT_ONLY,
    (S + "register/new/", "GET", "/en/stakeholders/register/new/"): SECRETARIAT_ONLY,
    (S + "register/<int:pk>/", "GET", "/en/stakeholders/register/{stakeholder}/"): (
        SECRETARIAT_ONLY
    ),
    (S + "register/<int:pk>/edit/", "GET", "/en/stakeholders/register/{stakeholder}/edit/"): (
        SECRETARIAT_ONLY
    ),
    (S + "dialogues/", "GET", "/en/stakeholders/dialogues/"): PUBLIC,
    (S + "dialogues.<str:fmt>", "GET", "/en/stakeholders/dialogues.xlsx"): PUBLIC,
    (S + "dialogues/new/", "GET", "/en/stakeholders/dialogues/new/"): SECRETARIAT_ONLY,
    (S + "dialogues/<int:pk>/", "GET", "/en/stakeholders/dialogues/{dialogue}/"): PUBLIC,
    (S + "dialogues/<int:pk>/edit/", "GET", "/en/stakeholders/dialogues/{dialogue}/edit/"): (
        SECRETARIAT_ONLY
    ),
    (
        S + "dialogues/<int:pk>/observations.<str:fmt>",
        "GET",
        "/en/stakeholders/dialogues/{dialogue}/observations.csv",
    ): PUBLIC,
    (
        S + "dialogues/<int:dialogue_pk>/observations/new/",
        "GET",
        "/en/stakeholders/dialogues/{dialogue}/observations/new/",
    ): SECRETARIAT_ONLY,
    (
        S + "observations/<int:pk>/edit/",
        "GET",
        "/en/stakeholders/observations/{sobservation}/edit/",
    ): SECRETARIAT_ONLY,
    (S + "figures/", "GET", "/en/stakeholders/figures/"): PUBLIC,
    (S + "figures.<str:fmt>", "GET", "/en/stakeholders/figures.csv"): PUBLIC,
    (S + "figures/new/", "GET", "/en/stakeholders/figures/new/"): SECRETARIAT_ONLY,
    (S + "figures/<int:pk>/edit/", "GET", "/en/stakeholders/figures/{figures}/edit/"): (
        SECRETARIAT_ONLY
    ),
    (S + "pilots/", "GET", "/en/stakeholders/pilots/"): PUBLIC,
    (S + "pilots.<str:fmt>", "GET", "/en/stakeholders/pilots.csv"): PUBLIC,
    (S + "pilots/new/", "GET", "/en/stakeholders/pilots/new/"): SECRETARIAT_ONLY,
    (S + "pilots/<int:pk>/", "GET", "/en/stakeholders/pilots/{pilot}/"): PILOT,
    (S + "pilots/<int:pk>/edit/", "GET", "/en/stakeholders/pilots/{pilot}/edit/"): (
        SECRETARIAT_ONLY
    ),
    (
        S + "pilots/<int:pilot_pk>/activities/new/",
        "GET",
        "/en/stakeholders/pilots/{pilot}/activities/new/",
    ): SECRETARIAT_ONLY,
    (S + "activities/<int:pk>/edit/", "GET", "/en/stakeholders/activities/{activity}/edit/"): (
        SECRETARIAT_ONLY
    ),
}
