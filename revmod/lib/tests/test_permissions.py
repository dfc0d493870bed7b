"""The permission matrix: every URL pattern of the platform × every persona, with the status
each must get. A new URL pattern fails this test until its row is added here."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone, translation

from revmod.accounts import actions as onboarding
from revmod.accounts.models import Nomination
from revmod.activities import actions as activities
from revmod.activities.models import Participant
from revmod.assistance import actions as assistance
from revmod.documents.actions import upload
from revmod.followups import actions as followups
from revmod.lib.tests.headers import response_problems
from revmod.lib.tests.markup import broken_references
from revmod.library import actions as library
from revmod.lots import actions as lots
from revmod.lots.models import Draw, Pairing
from revmod.questionnaires import observations
from revmod.questionnaires.actions import digest
from revmod.questionnaires.models import Comment, ObservationVersion, Question, SignOff
from revmod.recommendations import actions as recommendations
from revmod.registry.models import Party
from revmod.reviews.actions import renew_calendar_feed
from revmod.stakeholders.tests import matrix as stakeholders
from revmod.stats.opendata import DATASETS
from revmod.test import PDF, fresh, make_people, make_world, shared_data
from revmod.translations import actions as translations

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)

PERSONAS = [
    "anonymous",
    "outsider",
    "reviewed_fp",
    "reviewer_fp",
    "expert",
    "observer",
    "secretariat",
]
# Statuses: 200 shown (or 202, a PDF being made), 302 sent to sign in (anonymous) or elsewhere,
# 404 not yours, 405 wrong method. "login" = 302 to the sign-in page.
PUBLIC = dict.fromkeys(PERSONAS, 200)
SECRETARIAT_ONLY = {**dict.fromkeys(PERSONAS, 404), "anonymous": "login", "secretariat": 200}
# A secretariat's action: it is sent back to the page (the outcome as a message).
SECRETARIAT_ACT = {**SECRETARIAT_ONLY, "secretariat": 302}
# A review: its participants and the secretariat see it; anyone else gets 404.
PARTICIPANTS = {**dict.fromkeys(PERSONAS, 200), "anonymous": "login", "outsider": 404}
# A review's action: participants are sent back to the review (with the outcome as a message).
PARTICIPANTS_ACT = {**dict.fromkeys(PERSONAS, 302), "anonymous": "login", "outsider": 404}
# The API: an anonymous caller is told to authenticate (403); the rest as on the pages.
SIGNED_IN_API = {**dict.fromkeys(PERSONAS, 200), "anonymous": 403}
PARTICIPANTS_API = {**PARTICIPANTS, "anonymous": 403}
# An action refused by the workflow (advance while awaiting nominations) is a 409 for all.
OWN_PARTY_API = {
    **dict.fromkeys(PERSONAS, 404),
    "anonymous": 403,
    "reviewer_fp": 200,
    "secretariat": 200,
}
# The secretariat's part of the API: anyone else is refused (403). A step of a published draw
# is out of order: the secretariat is told why (400).
SECRETARIAT_API = {**dict.fromkeys(PERSONAS, 403), "secretariat": 200}
# An empty body where the API wants one: 400 for those who may act. A nomination is the
# secretariat's to end: its party's people see it (403), the others do not (404).
PARTICIPANTS_API_BAD_INPUT = {**dict.fromkeys(PERSONAS, 400), "anonymous": 403, "outsider": 404}
SECRETARIAT_API_BAD_INPUT = {
    **dict.fromkeys(PERSONAS, 404),
    "anonymous": 403,
    "secretariat": 400,
    "reviewer_fp": 403,
}
DRAW_STEP_API = {**dict.fromkeys(PERSONAS, 403), "secretariat": 400}
# A secretariat's action on a review through the API: participants are refused (403), anyone
# else does not see the review (404).
SECRETARIAT_API_ACT = {
    **PARTICIPANTS_API,
    **dict.fromkeys(["reviewed_fp", "reviewer_fp", "expert", "observer"], 403),
}
PARTICIPANTS_API_ACT = {**dict.fromkeys(PERSONAS, 409), "anonymous": 403, "outsider": 404}

# An unpublished resource of the library: the secretariat's alone, 404 to anyone else.
SECRETARIAT_SEES = {**dict.fromkeys(PERSONAS, 404), "secretariat": 200}
# The library's changes through the API: refused (403) to all but the secretariat, whose empty
# body is a 400.
LIBRARY_API_ACT = {**dict.fromkeys(PERSONAS, 403), "secretariat": 400}
# Events and training (activities.access): the reviewed party's people see its records.
REVIEWED_PARTY = {
    **dict.fromkeys(PERSONAS, 200),
    "anonymous": "login",
    "outsider": 404,
    "reviewer_fp": 404,
}
SIGNED_IN = {**dict.fromkeys(PERSONAS, 200), "anonymous": "login"}
REVIEWED_PARTY_API = {**REVIEWED_PARTY, "anonymous": 403}
# The events' API answers the public too: an event it may not see is a 404.
REVIEWED_PARTY_API_PUBLIC = {**REVIEWED_PARTY, "anonymous": 404}
# The rows of revmod.recommendations (see their comment in MATRIX).
OWN_FOLLOW_UP = {**PARTICIPANTS, "reviewer_fp": 404}
OWN_FOLLOW_UP_API = {**OWN_FOLLOW_UP, "anonymous": 404}
RECOMMENDATION_ROWS = {
    ("recommendations/", "GET", "/en/recommendations/"): PUBLIC,
    ("recommendations/export.<str:fmt>", "GET", "/en/recommendations/export.csv"): PUBLIC,
    ("recommendations/new/", "GET", "/en/recommendations/new/"): SECRETARIAT_ONLY,
    ("recommendations/<int:pk>/", "GET", "/en/recommendations/{recommendation}/"): PUBLIC,
    ("recommendations/<int:pk>/edit/", "GET", "/en/recommendations/{recommendation}/edit/"): (
        SECRETARIAT_ONLY
    ),
    (
        "recommendations/<int:pk>/follow-up/",
        "GET",
        "/en/recommendations/{recommendation}/follow-up/",
    ): {**PARTICIPANTS, "expert": 404, "observer": 404},
    ("recommendations/follow-ups/", "GET", "/en/recommendations/follow-ups/"): PUBLIC,
    ("recommendations/follow-ups.<str:fmt>", "GET", "/en/recommendations/follow-ups.xlsx"): (
        PUBLIC
    ),
    (
        "recommendations/follow-ups/<int:pk>/publish/",
        "POST",
        "/en/recommendations/follow-ups/{follow_up}/publish/",
    ): {**OWN_FOLLOW_UP, "reviewed_fp": 302, "secretariat": 302, "expert": 404, "observer": 404},
    **{
        (f"api/v1/{route}", "GET", f"/api/v1/{path}"): PUBLIC
        for route, path in [
            ("recommendations/", "recommendations/"),
            ("recommendations.<format>/", "recommendations.json/"),
            ("recommendations/<pk>/", "recommendations/{recommendation}/"),
            ("recommendations/<pk>.<format>/", "recommendations/{recommendation}.json/"),
            ("recommendation-follow-ups/", "recommendation-follow-ups/"),
            ("recommendation-follow-ups.<format>/", "recommendation-follow-ups.json/"),
        ]
    },
    **{
        (f"api/v1/recommendation-follow-ups/<pk>{suffix}/", "GET", f"/api/v1/{path}"): (
            OWN_FOLLOW_UP_API
        )
        for suffix, path in [
            ("", "recommendation-follow-ups/{follow_up}/"),
            (".<format>", "recommendation-follow-ups/{follow_up}.json/"),
        ]
    },
    **{
        (f"api/v1/recommendation-follow-ups/<pk>/publish{suffix}/", "POST", f"/api/v1/{path}"): {
            **OWN_FOLLOW_UP_API,
            "anonymous": 403,
            "reviewed_fp": 400,
            "secretariat": 400,
            "expert": 404,
            "observer": 404,
        }
        for suffix, path in [
            ("", "recommendation-follow-ups/{follow_up}/publish/"),
            (".<format>", "recommendation-follow-ups/{follow_up}/publish.json/"),
        ]
    },
}
# Technical assistance: a party's focal point answers for it, nobody else (404); an empty
# answer is refused (400). The API: the secretariat and a party's people (403 anonymous).
ASSISTANCE_ANSWER = {
    **dict.fromkeys(PERSONAS, 404),
    "anonymous": "login",
    "reviewed_fp": 400,
}
ASSISTANCE_API = {**dict.fromkeys(PERSONAS, 200), "anonymous": 403, "outsider": 404}
# Follow-ups: the secretariat's internal record, on the pages and through the API. Briefings:
# everyone sees the published ones ({briefing}), only the secretariat the others ({draft}) and
# the forms. An empty body to create one: 400 for the secretariat, 403 for anyone else.
FOLLOWUPS_API_CREATE = {**dict.fromkeys(PERSONAS, 403), "secretariat": 400}
FOLLOWUPS = {
    ("followups/", "GET", "/en/followups/"): SECRETARIAT_ONLY,
    ("followups/export.<str:fmt>", "GET", "/en/followups/export.csv"): SECRETARIAT_ONLY,
    ("followups/new/", "GET", "/en/followups/new/"): SECRETARIAT_ONLY,
    ("followups/<int:pk>/", "GET", "/en/followups/{followup}/"): SECRETARIAT_ONLY,
    ("followups/<int:pk>/edit/", "GET", "/en/followups/{followup}/edit/"): SECRETARIAT_ONLY,
    ("followups/<int:pk>/done/", "POST", "/en/followups/{followup}/done/"): SECRETARIAT_ACT,
    ("followups/briefings/", "GET", "/en/followups/briefings/"): PUBLIC,
    ("followups/briefings.<str:fmt>", "GET", "/en/followups/briefings.xlsx"): PUBLIC,
    ("followups/briefings/new/", "GET", "/en/followups/briefings/new/"): SECRETARIAT_ONLY,
    ("followups/briefings/<int:pk>/", "GET", "/en/followups/briefings/{briefing}/"): PUBLIC,
    # A public page: an unpublished briefing is not found, signed in or not.
    ("followups/briefings/<int:pk>/", "GET", "/en/followups/briefings/{draft}/"): {
        **dict.fromkeys(PERSONAS, 404),
        "secretariat": 200,
    },
    ("followups/briefings/<int:pk>/edit/", "GET", "/en/followups/briefings/{briefing}/edit/"): (
        SECRETARIAT_ONLY
    ),
    ("api/v1/followups/", "GET", "/api/v1/followups/"): SECRETARIAT_API,
    ("api/v1/followups/", "POST", "/api/v1/followups/"): FOLLOWUPS_API_CREATE,
    ("api/v1/followups.<format>/", "GET", "/api/v1/followups.json/"): SECRETARIAT_API,
    ("api/v1/followups/<pk>/", "GET", "/api/v1/followups/{followup}/"): SECRETARIAT_API,
    ("api/v1/followups/<pk>.<format>/", "GET", "/api/v1/followups/{followup}.json/"): (
        SECRETARIAT_API
    ),
    ("api/v1/followups/<pk>/done/", "POST", "/api/v1/followups/{followup}/done/"): (
        SECRETARIAT_API
    ),
    ("api/v1/followups/<pk>/done.<format>/", "POST", "/api/v1/followups/{followup}/done.json/"): (
        SECRETARIAT_API
    ),
    ("api/v1/briefings/", "GET", "/api/v1/briefings/"): PUBLIC,
    ("api/v1/briefings/", "POST", "/api/v1/briefings/"): FOLLOWUPS_API_CREATE,
    ("api/v1/briefings.<format>/", "GET", "/api/v1/briefings.json/"): PUBLIC,
    ("api/v1/briefings/<pk>/", "GET", "/api/v1/briefings/{briefing}/"): PUBLIC,
    ("api/v1/briefings/<pk>/", "GET", "/api/v1/briefings/{draft}/"): {
        **dict.fromkeys(PERSONAS, 404),
        "secretariat": 200,
    },
    ("api/v1/briefings/<pk>.<format>/", "GET", "/api/v1/briefings/{briefing}.json/"): PUBLIC,
}

# Third-party URL sets, checked by their own suites; the admin's door is checked below.
SKIPPED_PREFIXES = ("accounts/", "admin/", "static/")

# (pattern, method, path) -> expected status per persona. Paths use {draw}, {drawn}, {request}.
MATRIX = {
    # The resources library: the published for all, the rest the secretariat's.
    ("library/", "GET", "/en/library/"): PUBLIC,
    ("library/resources.<str:fmt>", "GET", "/en/library/resources.csv"): PUBLIC,
    ("library/new/", "GET", "/en/library/new/"): SECRETARIAT_ONLY,
    ("library/<int:pk>/", "GET", "/en/library/{resource}/"): PUBLIC,
    ("library/<int:pk>/", "GET", "/en/library/{hidden_resource}/"): SECRETARIAT_SEES,
    ("library/<int:pk>/edit/", "GET", "/en/library/{resource}/edit/"): SECRETARIAT_ONLY,
    ("library/<int:pk>/publish/", "POST", "/en/library/{resource}/publish/"): SECRETARIAT_ACT,
    ("library/<int:pk>/versions/new/", "GET", "/en/library/{resource}/versions/new/"): (
        SECRETARIAT_ONLY
    ),
    (
        "library/<int:pk>/versions/<int:version_pk>/",
        "GET",
        "/en/library/{resource}/versions/{resource_version}/",
    ): PUBLIC,
    (
        "library/<int:pk>/versions/<int:version_pk>/",
        "GET",
        "/en/library/{hidden_resource}/versions/{hidden_version}/",
    ): SECRETARIAT_SEES,
    ("api/v1/resources/", "GET", "/api/v1/resources/"): PUBLIC,
    ("api/v1/resources.<format>/", "GET", "/api/v1/resources.json/"): PUBLIC,
    ("api/v1/resources/<pk>/", "GET", "/api/v1/resources/{resource}/"): PUBLIC,
    ("api/v1/resources/<pk>/", "GET", "/api/v1/resources/{hidden_resource}/"): SECRETARIAT_SEES,
    ("api/v1/resources/<pk>.<format>/", "GET", "/api/v1/resources/{resource}.json/"): PUBLIC,
    **{
        (
            f"api/v1/resources/<pk>/{name}{suffix}/",
            "POST",
            f"/api/v1/resources/{{resource}}/{name}{ext}/",
        ): LIBRARY_API_ACT
        for name in ["publish", "versions"]
        for suffix, ext in [("", ""), (".<format>", ".json")]
    },
    ("i18n/setlang/", "GET", "/i18n/setlang/"): dict.fromkeys(PERSONAS, 405),
    **stakeholders.ROWS,
    ("api/v1/", "GET", "/api/v1/"): PUBLIC,
    ("api/v1/<drf_format_suffix:format>", "GET", "/api/v1/.json"): PUBLIC,
    ("api/v1/parties/", "GET", "/api/v1/parties/"): PUBLIC,
    ("api/v1/parties.<format>/", "GET", "/api/v1/parties.json/"): PUBLIC,
    ("api/v1/parties/<code>/", "GET", "/api/v1/parties/FRA/"): PUBLIC,
    ("api/v1/parties/<code>.<format>/", "GET", "/api/v1/parties/FRA.json/"): PUBLIC,
    ("api/v1/draws/", "GET", "/api/v1/draws/"): PUBLIC,
    ("api/v1/meetings/", "GET", "/api/v1/meetings/"): SECRETARIAT_API,
    ("api/v1/meetings.<format>/", "GET", "/api/v1/meetings.json/"): SECRETARIAT_API,
    ("api/v1/meetings/<pk>/", "GET", "/api/v1/meetings/{meeting}/"): SECRETARIAT_API,
    ("api/v1/meetings/<pk>.<format>/", "GET", "/api/v1/meetings/{meeting}.json/"): (
        SECRETARIAT_API
    ),
    **{
        (f"api/v1/draws/<pk>/{step}{suffix}/", "POST", f"/api/v1/draws/{{drawn}}/{step}{ext}/"): (
            DRAW_STEP_API
        )
        for step in ["commit", "entropy", "draw", "publish"]
        for suffix, ext in [("", ""), (".<format>", ".json")]
    },
    ("api/v1/draws.<format>/", "GET", "/api/v1/draws.json/"): PUBLIC,
    ("api/v1/draws/uncovered/", "GET", "/api/v1/draws/uncovered/"): SECRETARIAT_API,
    ("api/v1/draws/uncovered.<format>/", "GET", "/api/v1/draws/uncovered.json/"): (SECRETARIAT_API),
    ("api/v1/draws/<pk>/", "GET", "/api/v1/draws/{prepared}/"): {
        **dict.fromkeys(PERSONAS, 404),
        "secretariat": 200,
    },
    ("api/v1/draws/<pk>.<format>/", "GET", "/api/v1/draws/{drawn}.json/"): PUBLIC,
    ("api/v1/pairings/", "GET", "/api/v1/pairings/?group=1"): PUBLIC,
    ("api/v1/pairings.<format>/", "GET", "/api/v1/pairings.json/"): PUBLIC,
    ("api/v1/pairings/<pk>/", "GET", "/api/v1/pairings/{pairing}/"): PUBLIC,
    ("api/v1/pairings/<pk>.<format>/", "GET", "/api/v1/pairings/{pairing}.json/"): PUBLIC,
    ("api/v1/reviews/", "GET", "/api/v1/reviews/"): SIGNED_IN_API,
    ("api/v1/reviews.<format>/", "GET", "/api/v1/reviews.json/"): SIGNED_IN_API,
    ("api/v1/reviews/<pk>/", "GET", "/api/v1/reviews/{review}/"): PARTICIPANTS_API,
    ("api/v1/reviews/<pk>.<format>/", "GET", "/api/v1/reviews/{review}.json/"): PARTICIPANTS_API,
    ("api/v1/reviews/<pk>/events/", "GET", "/api/v1/reviews/{review}/events/"): PARTICIPANTS_API,
    (
        "api/v1/reviews/<pk>/deadline-changes/",
        "GET",
        "/api/v1/reviews/{review}/deadline-changes/",
    ): (PARTICIPANTS_API),
    ("api/v1/reviews/<pk>/people/", "GET", "/api/v1/reviews/{review}/people/"): PARTICIPANTS_API,
    ("api/v1/reviews/<pk>/people.<format>/", "GET", "/api/v1/reviews/{review}/people.json/"): (
        PARTICIPANTS_API
    ),
    # The answers: the reviewing parties read them once submitted (403 before).
    **{
        (
            f"api/v1/reviews/<pk>/answers{suffix}/",
            "GET",
            f"/api/v1/reviews/{{review}}/answers{ext}/",
        ): ({**PARTICIPANTS_API, "reviewer_fp": 403})
        for suffix, ext in [("", ""), (".<format>", ".json")]
    },
    **{
        (
            f"api/v1/reviews/<pk>/answers/<key>{suffix}/",
            "POST",
            f"/api/v1/reviews/{{review}}/answers/{{question_key}}{ext}/",
        ): PARTICIPANTS_API_BAD_INPUT
        for suffix, ext in [("", ""), (".<format>", ".json")]
    },
    ("api/v1/reviews/<pk>/consultation/", "POST", "/api/v1/reviews/{review}/consultation/"): (
        PARTICIPANTS_API_BAD_INPUT
    ),
    (
        "api/v1/reviews/<pk>/consultation.<format>/",
        "POST",
        "/api/v1/reviews/{review}/consultation.json/",
    ): PARTICIPANTS_API_BAD_INPUT,
    # The publication of the answers: the review's people read the decision in force; an empty
    # decision is a 400 (the world's answers are not submitted: nobody could publish them).
    **{
        (f"api/v1/reviews/<pk>/answers-publication{suffix}/", method, f"/api/v1/{path}/"): want
        for suffix, ext in [("", ""), (".<format>", ".json")]
        for method, want in [("GET", PARTICIPANTS_API), ("POST", PARTICIPANTS_API_BAD_INPUT)]
        for path in [f"reviews/{{review}}/answers-publication{ext}"]
    },
    ("api/v1/nominations/<pk>/end/", "POST", "/api/v1/nominations/{nomination}/end/"): (
        SECRETARIAT_API_BAD_INPUT
    ),
    (
        "api/v1/nominations/<pk>/end.<format>/",
        "POST",
        "/api/v1/nominations/{nomination}/end.json/",
    ): (SECRETARIAT_API_BAD_INPUT),
    ("api/v1/reviews/<pk>/officers/", "POST", "/api/v1/reviews/{review}/officers/"): (
        SECRETARIAT_API_ACT
    ),
    ("api/v1/reviews/<pk>/officers.<format>/", "POST", "/api/v1/reviews/{review}/officers.json/"): (
        SECRETARIAT_API_ACT
    ),
    (
        "api/v1/reviews/<pk>/deadline-changes.<format>/",
        "GET",
        "/api/v1/reviews/{review}/deadline-changes.json/",
    ): PARTICIPANTS_API,
    ("api/v1/reviews/<pk>/events.<format>/", "GET", "/api/v1/reviews/{review}/events.json/"): (
        PARTICIPANTS_API
    ),
    ("api/v1/reviews/<pk>/actions/<name>/", "POST", "/api/v1/reviews/{review}/actions/advance/"): (
        PARTICIPANTS_API_ACT
    ),
    (
        "api/v1/reviews/<pk>/actions/<name>.<format>/",
        "POST",
        "/api/v1/reviews/{review}/actions/advance.json/",
    ): PARTICIPANTS_API_ACT,
    # What an action would do (nothing done): refused as the action itself is.
    ("api/v1/reviews/<pk>/actions/<name>/", "GET", "/api/v1/reviews/{review}/actions/advance/"): (
        PARTICIPANTS_API_ACT
    ),
    (
        "api/v1/reviews/<pk>/actions/<name>.<format>/",
        "GET",
        "/api/v1/reviews/{review}/actions/advance.json/",
    ): PARTICIPANTS_API_ACT,
    ("api/v1/reviews/<review_pk>/documents/", "GET", "/api/v1/reviews/{review}/documents/"): (
        PARTICIPANTS_API
    ),
    (
        "api/v1/reviews/<review_pk>/documents.<format>/",
        "GET",
        "/api/v1/reviews/{review}/documents.json/",
    ): PARTICIPANTS_API,
    (
        "api/v1/reviews/<review_pk>/documents/<pk>/versions/<number>/file/",
        "GET",
        "/api/v1/reviews/{review}/documents/{document}/versions/1/file/",
    ): PARTICIPANTS_API,
    (
        "api/v1/reviews/<review_pk>/documents/<pk>/versions/<number>/file.<format>/",
        "GET",
        "/api/v1/reviews/{review}/documents/{document}/versions/1/file.json/",
    ): PARTICIPANTS_API,
    ("api/v1/nominations/", "GET", "/api/v1/nominations/"): SIGNED_IN_API,
    ("api/v1/nominations.<format>/", "GET", "/api/v1/nominations.json/"): SIGNED_IN_API,
    # {nomination} is the reviewing party's focal point: their party's people and the
    # secretariat see it.
    ("api/v1/nominations/<pk>/", "GET", "/api/v1/nominations/{nomination}/"): OWN_PARTY_API,
    ("api/v1/nominations/<pk>.<format>/", "GET", "/api/v1/nominations/{nomination}.json/"): (
        OWN_PARTY_API
    ),
    ("statistics/", "GET", "/en/statistics/?as_of=2024-04-16"): SECRETARIAT_ONLY,
    ("statistics/figures/<str:number>.<str:fmt>", "GET", "/en/statistics/figures/II.csv"): (
        SECRETARIAT_ONLY
    ),
    ("statistics/report/", "GET", "/en/statistics/report/?as_of=2024-04-16"): SECRETARIAT_ONLY,
    ("statistics/report.pdf", "GET", "/en/statistics/report.pdf?as_of=2024-04-16"): (
        SECRETARIAT_ONLY
    ),
    # The statistics on the questionnaire answers are the secretariat's, in both forms (seed ¶53):
    # the shared form is for the secretariat to circulate, not a public page.
    ("statistics/answers/", "GET", "/en/statistics/answers/?shared=1"): SECRETARIAT_ONLY,
    ("statistics/answers.xlsx", "GET", "/en/statistics/answers.xlsx?breakdown=group"): (
        SECRETARIAT_ONLY
    ),
    ("statistics/public/", "GET", "/en/statistics/public/"): PUBLIC,
    # Open data and the feed of public events: everyone reads them (nothing confidential).
    ("data/", "GET", "/en/data/"): PUBLIC,
    ("data/<str:slug>/", "GET", "/en/data/reviews/"): PUBLIC,
    ("data/<str:slug>/dictionary.json", "GET", "/en/data/parties/dictionary.json"): PUBLIC,
    **{("data/<str:slug>.<str:fmt>", "GET", f"/en/data/{slug}.csv"): PUBLIC for slug in DATASETS},
    ("data/<str:slug>.<str:fmt>", "GET", "/en/data/reviews.json?as_of=2024-04-16"): PUBLIC,
    ("feeds/events.atom", "GET", "/en/feeds/events.atom"): PUBLIC,
    ("api/v1/open-data/", "GET", "/api/v1/open-data/"): PUBLIC,
    **{
        ("api/v1/open-data/<str:dataset>/", "GET", f"/api/v1/open-data/{slug}/"): PUBLIC
        for slug in DATASETS
    },
    (
        "statistics/public/figures/<str:number>.<str:fmt>",
        "GET",
        "/en/statistics/public/figures/II.csv",
    ): PUBLIC,
    ("api/v1/stats/status/", "GET", "/api/v1/stats/status/?as_of=2024-04-16"): {
        **dict.fromkeys(PERSONAS, 404),
        "anonymous": 403,
        "secretariat": 200,
    },
    ("api/v1/schema/", "GET", "/api/v1/schema/"): PUBLIC,
    ("api/v1/docs/", "GET", "/api/v1/docs/"): PUBLIC,
    ("", "GET", "/en/"): PUBLIC,
    ("parties/", "GET", "/en/parties/"): PUBLIC,
    ("parties/<str:code>/", "GET", "/en/parties/FRA/"): PUBLIC,
    ("lots/", "GET", "/en/lots/"): PUBLIC,
    ("lots/history/", "GET", "/en/lots/history/"): PUBLIC,
    ("lots/pairings.<str:fmt>", "GET", "/en/lots/pairings.csv"): PUBLIC,
    # Made by the worker: 202 (being made) for everyone, then the file.
    ("lots/pairings.<str:fmt>", "GET", "/en/lots/pairings.pdf"): PUBLIC,
    ("lots/draws/", "GET", "/en/lots/draws/"): PUBLIC,
    ("lots/draws/new/", "GET", "/en/lots/draws/new/"): SECRETARIAT_ONLY,
    ("lots/draws/<int:pk>/", "GET", "/en/lots/draws/{drawn}/"): PUBLIC,
    ("lots/draws/<int:pk>/<str:step>/", "POST", "/en/lots/draws/{prepared}/announce/"): {
        **SECRETARIAT_ONLY,
        "secretariat": 302,
    },
    ("lots/meetings/", "GET", "/en/lots/meetings/"): SECRETARIAT_ONLY,
    ("lots/requests/", "GET", "/en/lots/requests/"): SECRETARIAT_ONLY,
    ("lots/requests/<int:pk>/withdraw/", "POST", "/en/lots/requests/{request}/withdraw/"): {
        **SECRETARIAT_ONLY,
        "secretariat": 302,
    },
    ("reviews/", "GET", "/en/reviews/"): {**PUBLIC, "anonymous": "login"},
    ("reviews/reviews.<str:fmt>", "GET", "/en/reviews/reviews.csv"): SECRETARIAT_ONLY,
    ("reviews/<int:pk>/", "GET", "/en/reviews/{review}/"): PARTICIPANTS,
    ("reviews/<int:pk>/act/<str:action>/", "POST", "/en/reviews/{review}/act/advance/"): (
        PARTICIPANTS_ACT
    ),
    # The confirmation of an action, asked by a link: refused as the action itself is.
    ("reviews/<int:pk>/act/<str:action>/", "GET", "/en/reviews/{review}/act/advance/"): (
        PARTICIPANTS_ACT
    ),
    ("reviews/<int:pk>/consultation/", "POST", "/en/reviews/{review}/consultation/"): (
        PARTICIPANTS_ACT
    ),
    ("reviews/<int:pk>/deadline/", "POST", "/en/reviews/{review}/deadline/"): SECRETARIAT_ACT,
    ("reviews/cycles/", "GET", "/en/reviews/cycles/"): SECRETARIAT_ONLY,
    ("reviews/<int:pk>/officers/", "POST", "/en/reviews/{review}/officers/"): SECRETARIAT_ACT,
    # Who read the review's confidential material: the secretariat's alone.
    ("reviews/<int:pk>/reads/", "GET", "/en/reviews/{review}/reads/"): SECRETARIAT_ONLY,
    ("reviews/<int:pk>/reads.csv", "GET", "/en/reviews/{review}/reads.csv"): SECRETARIAT_ONLY,
    ("reviews/assign/", "POST", "/en/reviews/assign/"): SECRETARIAT_ACT,
    # Everyone's own calendar feed: the page, its revocation; the feed itself answers whoever
    # holds the secret address ({calendar}: the reviewed focal point's), signed in or not.
    ("reviews/calendar/", "GET", "/en/reviews/calendar/"): {**PUBLIC, "anonymous": "login"},
    ("reviews/calendar/<str:token>.ics", "GET", "/en/reviews/calendar/{calendar}.ics"): PUBLIC,
    ("reviews/calendar/revoke/", "POST", "/en/reviews/calendar/revoke/"): {
        **dict.fromkeys(PERSONAS, 302),
        "anonymous": "login",
    },
    # An unknown activation link is a 404 page for everyone (a real one: test_onboarding).
    ("people/activate/<str:token>/", "GET", "/en/people/activate/not-a-token/"): (
        dict.fromkeys(PERSONAS, 404)
    ),
    ("people/registrations/", "GET", "/en/people/registrations/"): SECRETARIAT_ONLY,
    # The directory of focal points: people with a nomination and the secretariat.
    ("people/directory/", "GET", "/en/people/directory/"): PARTICIPANTS,
    ("people/staff/", "GET", "/en/people/staff/"): SECRETARIAT_ONLY,
    # Every signed-in person's API tokens; a token is revoked by its owner or the secretariat.
    ("people/tokens/", "GET", "/en/people/tokens/"): {**PUBLIC, "anonymous": "login"},
    ("people/tokens/<int:pk>/revoke/", "POST", "/en/people/tokens/{token}/revoke/"): {
        **dict.fromkeys(PERSONAS, 404),
        "anonymous": "login",
        "reviewed_fp": 302,
        "secretariat": 302,
    },
    # The secretariat deactivating itself is refused with a message on the page (302).
    ("people/staff/<int:pk>/deactivate/", "POST", "/en/people/staff/{staffer}/deactivate/"): (
        SECRETARIAT_ACT
    ),
    ("people/registrations/new/", "GET", "/en/people/registrations/new/"): SECRETARIAT_ONLY,
    ("people/registrations/<int:pk>/", "GET", "/en/people/registrations/{registration}/"): (
        SECRETARIAT_ONLY
    ),
    (
        "people/registrations/<int:pk>/note-verbale/",
        "GET",
        "/en/people/registrations/{registration}/note-verbale/",
    ): SECRETARIAT_ONLY,
    (
        "people/registrations/<int:pk>/approve/",
        "POST",
        "/en/people/registrations/{registration}/approve/",
    ): SECRETARIAT_ACT,
    (
        "people/registrations/<int:pk>/reject/",
        "POST",
        "/en/people/registrations/{registration}/reject/",
    ): SECRETARIAT_ACT,
    (
        "people/registrations/<int:pk>/resend/",
        "POST",
        "/en/people/registrations/{registration}/resend/",
    ): SECRETARIAT_ACT,
    ("people/nominations/", "GET", "/en/people/nominations/"): SECRETARIAT_ONLY,
    ("people/nominations.<str:fmt>", "GET", "/en/people/nominations.csv"): SECRETARIAT_ONLY,
    ("people/nominations/new/", "GET", "/en/people/nominations/new/"): SECRETARIAT_ONLY,
    ("people/nominations/<int:pk>/end/", "POST", "/en/people/nominations/{nomination}/end/"): (
        SECRETARIAT_ACT
    ),
    ("reviews/<int:pk>/documents/", "GET", "/en/reviews/{review}/documents/"): PARTICIPANTS,
    (
        "reviews/<int:pk>/documents/<int:document>/v<int:number>/",
        "GET",
        "/en/reviews/{review}/documents/{document}/v1/",
    ): PARTICIPANTS,
    # The questionnaire: the review's people see the page (a reviewing party's without the
    # answers until they are submitted); nobody answers while the review awaits nominations.
    ("reviews/<int:pk>/questionnaire/", "GET", "/en/reviews/{review}/questionnaire/"): (
        PARTICIPANTS
    ),
    (
        "reviews/<int:pk>/questionnaire/<int:question>/",
        "POST",
        "/en/reviews/{review}/questionnaire/{question}/",
    ): {**dict.fromkeys(PERSONAS, 403), "anonymous": "login", "outsider": 404},
    # The offline round trip: those who read the answers download them (a reviewing party
    # only once submitted); nobody uploads while the review awaits nominations (refused, 403).
    (
        "reviews/<int:pk>/questionnaire/offline.<str:fmt>",
        "GET",
        "/en/reviews/{review}/questionnaire/offline.xlsx",
    ): {**PARTICIPANTS, "reviewer_fp": 404},
    (
        "reviews/<int:pk>/questionnaire/offline/",
        "POST",
        "/en/reviews/{review}/questionnaire/offline/",
    ): {**dict.fromkeys(PERSONAS, 403), "anonymous": "login", "outsider": 404},
    # Written feedback and the list of observations: the review's people see the pages (the
    # party under review's without the feedback until it is submitted); nobody writes, signs
    # or divides tasks while the review awaits nominations (refused: 403 for a save, a message
    # and a redirect for the other actions).
    ("reviews/<int:pk>/feedback/", "GET", "/en/reviews/{review}/feedback/"): PARTICIPANTS,
    ("reviews/<int:pk>/feedback/tasks/", "POST", "/en/reviews/{review}/feedback/tasks/"): (
        PARTICIPANTS_ACT
    ),
    (
        "reviews/<int:pk>/feedback/<int:question>/",
        "POST",
        "/en/reviews/{review}/feedback/{question}/",
    ): {**dict.fromkeys(PERSONAS, 403), "anonymous": "login", "outsider": 404},
    ("reviews/<int:pk>/observations/", "GET", "/en/reviews/{review}/observations/"): (PARTICIPANTS),
    ("reviews/<int:pk>/observations/save/", "POST", "/en/reviews/{review}/observations/save/"): {
        **dict.fromkeys(PERSONAS, 403),
        "anonymous": "login",
        "outsider": 404,
    },
    ("reviews/<int:pk>/observations/diff/", "GET", "/en/reviews/{review}/observations/diff/"): (
        PARTICIPANTS
    ),
    ("reviews/<int:pk>/observations/sign/", "POST", "/en/reviews/{review}/observations/sign/"): (
        PARTICIPANTS_ACT
    ),
    (
        "reviews/<int:pk>/observations/publication/",
        "POST",
        "/en/reviews/{review}/observations/publication/",
    ): PARTICIPANTS_ACT,
    # The publication of the answers: the review's people see the page; a decision is refused
    # with a message (nothing is submitted yet); a published file is for anyone, and nothing
    # is published: 404 for all, the review's people included.
    (
        "reviews/<int:pk>/questionnaire/publication/",
        "GET",
        "/en/reviews/{review}/questionnaire/publication/",
    ): PARTICIPANTS,
    (
        "reviews/<int:pk>/questionnaire/publication/",
        "POST",
        "/en/reviews/{review}/questionnaire/publication/",
    ): PARTICIPANTS_ACT,
    (
        "reviews/<int:pk>/published-answers/<int:document>/v<int:number>/",
        "GET",
        "/en/reviews/{review}/published-answers/{document}/v1/",
    ): dict.fromkeys(PERSONAS, 404),
    # The exports: who reads each on its page (the answers: not yet the reviewing party's, as
    # nothing is submitted; the feedback: not yet the party under review's).
    (
        "reviews/<int:pk>/export/<str:what>.<str:fmt>",
        "GET",
        "/en/reviews/{review}/export/answers.pdf",
    ): {
        **PARTICIPANTS,
        "reviewer_fp": 404,
    },
    (
        "reviews/<int:pk>/export/<str:what>.<str:fmt>",
        "GET",
        "/en/reviews/{review}/export/feedback.docx",
    ): {
        **PARTICIPANTS,
        "reviewed_fp": 404,
        "expert": 404,
        "observer": 404,
    },
    (
        "reviews/<int:pk>/export/<str:what>.<str:fmt>",
        "GET",
        "/en/reviews/{review}/export/observations.docx?lang=en",
    ): PARTICIPANTS,
    # The submissions: the review's people see the page, the document of the signed version of
    # the list of observations (every participant's to read) and the ZIP.
    ("reviews/<int:pk>/submissions/", "GET", "/en/reviews/{review}/submissions/"): PARTICIPANTS,
    (
        "reviews/<int:pk>/submissions/<str:what>/<int:number>.<str:fmt>",
        "GET",
        "/en/reviews/{review}/submissions/observations/1.docx?lang=en",
    ): PARTICIPANTS,
    ("reviews/<int:pk>/submissions.zip", "GET", "/en/reviews/{review}/submissions.zip"): (
        PARTICIPANTS
    ),
    # Machine translations: the review's people see the list and a translation of a document
    # they may read ({translation}: of a TXT supporting document); asking with no source is
    # refused with a message (a redirect).
    ("reviews/<int:pk>/translations/", "GET", "/en/reviews/{review}/translations/"): (PARTICIPANTS),
    ("reviews/<int:pk>/translations/new/", "POST", "/en/reviews/{review}/translations/new/"): (
        PARTICIPANTS_ACT
    ),
    (
        "reviews/<int:pk>/translations/<int:translation>/",
        "GET",
        "/en/reviews/{review}/translations/{translation}/",
    ): PARTICIPANTS,
    (
        "reviews/<int:pk>/translations/<int:translation>.txt",
        "GET",
        "/en/reviews/{review}/translations/{translation}.txt",
    ): PARTICIPANTS,
    # ... of the list of observations (every participant's to read), and of the reviewing
    # party's draft feedback (not the party under review's, as on the feedback page).
    (
        "reviews/<int:pk>/translations/<int:translation>/",
        "GET",
        "/en/reviews/{review}/translations/{observations_translation}/",
    ): PARTICIPANTS,
    **{
        (
            f"reviews/<int:pk>/translations/<int:translation>{suffix}",
            "GET",
            f"/en/reviews/{{review}}/translations/{{feedback_translation}}{suffix}",
        ): {**PARTICIPANTS, "reviewed_fp": 404, "expert": 404, "observer": 404}
        for suffix in ("/", ".txt")
    },
    ("outbox/", "GET", "/en/outbox/"): SECRETARIAT_ONLY,
    # Everyone's own e-mail preferences.
    ("outbox/preferences/", "GET", "/en/outbox/preferences/"): {
        **dict.fromkeys(PERSONAS, 200),
        "anonymous": "login",
    },
    # Recommendations (revmod.recommendations.access): the published ones for anyone; the
    # secretariat records them. {follow_up} is the reviewed party's, unpublished: its people
    # and the secretariat see it, its focal point and the secretariat publish it. Focal points
    # and the secretariat record follow-ups. An empty publish through the API: 400.
    **RECOMMENDATION_ROWS,
    ("registry/files/", "GET", "/en/registry/files/"): SECRETARIAT_ONLY,
    ("registry/import/", "GET", "/en/registry/import/"): SECRETARIAT_ONLY,
    ("registry/export/<str:table>.<str:fmt>", "GET", "/en/registry/export/parties.csv"): (
        SECRETARIAT_ONLY
    ),
    # Events and training (issue 19): {event} involves France (the reviewed party), unpublished,
    # with an unpublished document; {session} has a French participant, {completion} is French.
    ("activities/events/", "GET", "/en/activities/events/"): PUBLIC,
    ("activities/events.<str:fmt>", "GET", "/en/activities/events.csv"): PUBLIC,
    ("activities/events/new/", "GET", "/en/activities/events/new/"): SECRETARIAT_ONLY,
    ("activities/events/<int:pk>/", "GET", "/en/activities/events/{event}/"): REVIEWED_PARTY,
    ("activities/events/<int:pk>/edit/", "GET", "/en/activities/events/{event}/edit/"): (
        SECRETARIAT_ONLY
    ),
    ("activities/events/<int:pk>/documents/", "POST", "/en/activities/events/{event}/documents/"): (
        SECRETARIAT_ACT
    ),
    (
        "activities/events/<int:pk>/documents/<int:document>/",
        "GET",
        "/en/activities/events/{event}/documents/{event_document}/",
    ): REVIEWED_PARTY,
    ("activities/figures/", "GET", "/en/activities/figures/"): PUBLIC,
    ("activities/training/", "GET", "/en/activities/training/"): SIGNED_IN,
    (
        "activities/training/participants.<str:fmt>",
        "GET",
        "/en/activities/training/participants.xlsx",
    ): SIGNED_IN,
    ("activities/training/new/", "GET", "/en/activities/training/new/"): SECRETARIAT_ONLY,
    ("activities/training/<int:pk>/", "GET", "/en/activities/training/{session}/"): (
        REVIEWED_PARTY
    ),
    ("activities/training/<int:pk>/edit/", "GET", "/en/activities/training/{session}/edit/"): (
        SECRETARIAT_ONLY
    ),
    (
        "activities/training/<int:pk>/participants/new/",
        "GET",
        "/en/activities/training/{session}/participants/new/",
    ): SECRETARIAT_ONLY,
    (
        "activities/training/<int:pk>/participants/<int:participant>/",
        "GET",
        "/en/activities/training/{session}/participants/{participant}/",
    ): SECRETARIAT_ONLY,
    ("activities/e-learning/", "GET", "/en/activities/e-learning/"): SIGNED_IN,
    ("activities/e-learning.<str:fmt>", "GET", "/en/activities/e-learning.csv"): SIGNED_IN,
    ("activities/e-learning/new/", "GET", "/en/activities/e-learning/new/"): SECRETARIAT_ONLY,
    ("activities/e-learning/<int:pk>/", "GET", "/en/activities/e-learning/{completion}/"): (
        SECRETARIAT_ONLY
    ),
    ("activities/e-learning/import/", "GET", "/en/activities/e-learning/import/"): (
        SECRETARIAT_ONLY
    ),
    ("api/v1/events/", "GET", "/api/v1/events/"): PUBLIC,
    ("api/v1/events.<format>/", "GET", "/api/v1/events.json/"): PUBLIC,
    ("api/v1/events/<pk>/", "GET", "/api/v1/events/{event}/"): REVIEWED_PARTY_API_PUBLIC,
    ("api/v1/events/<pk>.<format>/", "GET", "/api/v1/events/{event}.json/"): (
        REVIEWED_PARTY_API_PUBLIC
    ),
    **{
        (f"api/v1/{name}/", "GET", f"/api/v1/{name}/"): SIGNED_IN_API
        for name in ["training-sessions", "training-participants", "elearning-completions"]
    },
    **{
        (f"api/v1/{name}.<format>/", "GET", f"/api/v1/{name}.json/"): SIGNED_IN_API
        for name in ["training-sessions", "training-participants", "elearning-completions"]
    },
    **{
        (f"api/v1/{name}/<pk>{suffix}/", "GET", f"/api/v1/{name}/{{{key}}}{ext}/"): (
            REVIEWED_PARTY_API
        )
        for name, key in [
            ("training-sessions", "session"),
            ("training-participants", "participant"),
            ("elearning-completions", "completion"),
        ]
        for suffix, ext in [("", ""), (".<format>", ".json")]
    },
    # Technical-assistance needs (revmod/assistance/access.py): the secretariat and a party's
    # people see the surveys; a party's people their own party's requests ({assistance_request}
    # is FRA's); FRA's focal point alone answers for FRA (an empty answer: 400); the tallies
    # are public.
    ("assistance/", "GET", "/en/assistance/"): PARTICIPANTS,
    ("assistance/new/", "GET", "/en/assistance/new/"): SECRETARIAT_ONLY,
    ("assistance/<int:pk>/", "GET", "/en/assistance/{assistance_survey}/"): PARTICIPANTS,
    ("assistance/<int:pk>/edit/", "GET", "/en/assistance/{assistance_survey}/edit/"): (
        SECRETARIAT_ONLY
    ),
    (
        "assistance/<int:pk>/answer/<str:code>/",
        "GET",
        "/en/assistance/{assistance_survey}/answer/FRA/",
    ): {**ASSISTANCE_ANSWER, "reviewed_fp": 200},
    (
        "assistance/<int:pk>/answer/<str:code>/",
        "POST",
        "/en/assistance/{assistance_survey}/answer/FRA/",
    ): ASSISTANCE_ANSWER,
    ("assistance/requests/", "GET", "/en/assistance/requests/"): PARTICIPANTS,
    ("assistance/requests.<str:fmt>", "GET", "/en/assistance/requests.csv"): PARTICIPANTS,
    ("assistance/requests/<int:pk>/", "GET", "/en/assistance/requests/{assistance_request}/"): (
        {**PARTICIPANTS, "reviewer_fp": 404}
    ),
    (
        "assistance/requests/<int:pk>/track/",
        "POST",
        "/en/assistance/requests/{assistance_request}/track/",
    ): {**SECRETARIAT_ONLY, "secretariat": 400},
    ("assistance/tallies/", "GET", "/en/assistance/tallies/"): PUBLIC,
    **{
        (f"api/v1/assistance-{kind}{suffix}/", "GET", f"/api/v1/assistance-{kind}{ext}/"): (
            ASSISTANCE_API
        )
        for kind in ("surveys", "requests")
        for suffix, ext in [("", ""), (".<format>", ".json")]
    },
    **{
        (
            f"api/v1/assistance-surveys/<pk>{suffix}/",
            "GET",
            f"/api/v1/assistance-surveys/{{assistance_survey}}{ext}/",
        ): ASSISTANCE_API
        for suffix, ext in [("", ""), (".<format>", ".json")]
    },
    **{
        (
            f"api/v1/assistance-requests/<pk>{suffix}/",
            "GET",
            f"/api/v1/assistance-requests/{{assistance_request}}{ext}/",
        ): {**ASSISTANCE_API, "reviewer_fp": 404}
        for suffix, ext in [("", ""), (".<format>", ".json")]
    },
    # An empty answer: 400 for those who see the survey (the party is missing or not theirs).
    **{
        (
            f"api/v1/assistance-surveys/<pk>/answer{suffix}/",
            "POST",
            f"/api/v1/assistance-surveys/{{assistance_survey}}/answer{ext}/",
        ): {**ASSISTANCE_API, **dict.fromkeys(PERSONAS[2:], 400)}
        for suffix, ext in [("", ""), (".<format>", ".json")]
    },
    **FOLLOWUPS,
}


def all_patterns(resolvers=None, prefix=""):
    """Every URL pattern of the site, as the text of its route."""
    for item in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = str(item.pattern)
        if route.startswith("^") and route.endswith("$"):  # DRF's router: regex routes
            route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route[1:-1])
            route = route.replace("\\.", ".").replace("/?", "/")
        if isinstance(item, URLResolver):
            # i18n_patterns adds a language prefix resolver whose route is "en/" etc.
            inner = "" if item.pattern.__class__.__name__ == "LocalePrefixPattern" else route
            yield from all_patterns(item.url_patterns, prefix + inner)
        elif isinstance(item, URLPattern):
            yield prefix + route


def test_every_url_pattern_is_in_the_matrix():
    with translation.override("en"):
        patterns = {p for p in all_patterns() if not p.startswith(SKIPPED_PREFIXES)}
    listed = {pattern for pattern, _method, _path in MATRIX}
    assert patterns - listed == set(), "URL patterns missing from the permission matrix"
    assert listed - patterns == set(), "matrix rows for URL patterns that no longer exist"


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, reviews = make_world()
        review = reviews["FRA"]
        users, nominations = make_people(secretariat, review, every_reviewer=False)
        drawn = Draw.objects.get()
        pairing = Pairing.objects.active().select_related("reviewed").first()
        redraw = lots.record_redraw_request(
            pairing=pairing,
            requested_by=pairing.reviewed,
            reason="r",
            received_on=NOW.date(),
            by=secretariat,
        )
        registration = onboarding.register(
            email="new@example.org",
            first_name="New",
            last_name="Person",
            party=Party.objects.get(code="FRA"),
            kind=Nomination.Kind.EXPERT,
            scope=Nomination.Scope.OWN,
            language="fr",
            note_verbale=SimpleUploadedFile("note.pdf", PDF),
            received_on=NOW.date(),
            by=secretariat,
            now=NOW,
            site_url="http://testserver/",
        )
        token, _secret = onboarding.create_api_token(users["reviewed_fp"], name="x", now=NOW)
        calendar = renew_calendar_feed(users["reviewed_fp"], now=NOW)
        meeting = lots.create_meeting(held_on=dt.date(2024, 5, 1), title="Late joiners")
        prepared = lots.prepare_draw(kind="late", meeting=meeting, by=secretariat, now=NOW)
        # A document every participant of the review sees (a supporting document).
        document = upload(
            review,
            by=users["reviewed_fp"],
            kind="supporting",
            language="en",
            title="Answers",
            file=SimpleUploadedFile("a.pdf", PDF),
            now=NOW,
        ).document
        notes = upload(
            review,
            by=users["reviewed_fp"],
            kind="supporting",
            language="en",
            title="Notes",
            file=SimpleUploadedFile("n.txt", b"Hello."),
            now=NOW,
        )
        translated, _created = translations.request_document(
            notes, by=users["reviewed_fp"], target="fr", now=NOW
        )
        translations.process_due(now=NOW)
        call_command("loadquestionnaire", stdout=StringIO())
        # A version of the list of observations signed off by the party under review, written
        # through the models: this world's review cannot reach the observations stage (it
        # awaits the other reviewing parties' focal points).
        sections = observations.clean({"summary": "Summary."})
        signed = ObservationVersion.objects.create(
            review=review,
            number=1,
            sections=sections,
            sha256=digest(sections),
            created_by=users["expert"],
            created_at=NOW,
        )
        SignOff.objects.create(version=signed, party=review.party, by=users["reviewed_fp"], at=NOW)
        question = Question.objects.filter(article__instrument__code="UNTOC").first()
        # Machine translations of a draft comment of the reviewing party (through the model, as
        # the version above) and of the list of observations.
        Comment.objects.create(
            review=review,
            party=nominations["reviewer_fp"].party,
            question=question,
            text="Conspiracy only.",
            updated_by=users["reviewer_fp"],
            updated_at=NOW,
        )
        feedback_translated, _created = translations.request_feedback(
            review, by=users["reviewer_fp"], target="fr", now=NOW
        )
        observations_translated, _created = translations.request_observations(
            review, by=users["reviewed_fp"], target="fr", now=NOW
        )
        translations.process_due(now=NOW)
        shelf = {}
        for published in (True, False):
            made = library.save_resource(None, by=secretariat, now=NOW, kind="guide", title_en="G")
            library.publish(made, published, by=secretariat, now=NOW)
            file = SimpleUploadedFile("g.pdf", PDF)
            shelf[published] = library.add_version(
                made, by=secretariat, now=NOW, language="en", file=file
            )
        activities = activity_records(secretariat)
        adopted = recommendations.create_recommendation(
            by=secretariat,
            now=NOW,
            session="WG",
            number=1,
            adopted_on=NOW.date(),
            addressee="both",
            text_en="Respect the timetables.",
            published=True,
        )
        follow_up = recommendations.record_follow_up(
            adopted,
            party=review.party,
            by=users["reviewed_fp"],
            now=NOW,
            status="in_progress",
            evidence="Drafting.",
            link="",
            on=NOW.date(),
            published=False,
        )
        # A survey open today, answered by FRA's focal point.
        today = timezone.now().date()
        assistance_survey = assistance.open_survey(
            title="Needs",
            opens_on=today - dt.timedelta(days=1),
            closes_on=today + dt.timedelta(days=1),
            by=secretariat,
            now=NOW,
        )
        assistance.answer(
            assistance_survey,
            review.party,
            needs={"other": "x"},
            by=users["reviewed_fp"],
            now=timezone.now(),
        )
        followup = followups.record_followup(
            by=secretariat,
            now=NOW,
            party=review.party,
            whom="mission",
            kind="call",
            held_on=NOW.date(),
            subject="Nominations",
            next_action="Call again",
            next_action_on=NOW.date(),
        )
        briefing, draft = (
            followups.record_briefing(
                by=secretariat,
                now=NOW,
                held_on=NOW.date(),
                title="Briefing",
                kind="global",
                online=True,
                published=published,
            )
            for published in (True, False)
        )
        ids = {
            "followup": followup.pk,
            "briefing": briefing.pk,
            "draft": draft.pk,
            "drawn": drawn.pk,
            "prepared": prepared.pk,
            "request": redraw.pk,
            "meeting": prepared.meeting_id,
            "staffer": secretariat.pk,
            "question_key": question.key,
            "pairing": pairing.pk,
            "review": review.pk,
            "document": document.pk,
            "nomination": nominations["reviewer_fp"].pk,
            "registration": registration.pk,
            "question": question.pk,
            "translation": translated.pk,
            "feedback_translation": feedback_translated.pk,
            "observations_translation": observations_translated.pk,
            "token": token.pk,
            "calendar": calendar,
            "resource": shelf[True].resource_id,
            "resource_version": shelf[True].pk,
            "hidden_resource": shelf[False].resource_id,
            "hidden_version": shelf[False].pk,
            **activities,
            "recommendation": adopted.pk,
            "follow_up": follow_up.pk,
            "assistance_survey": assistance_survey.pk,
            "assistance_request": assistance_survey.responses.get().requests.get().pk,
        }
        ids.update(stakeholders.build(secretariat, review))
        yield users, ids


def activity_records(secretariat) -> dict:
    """An unpublished event of France with an unpublished document, a session with a French
    participant, a French e-learning completion (through activities.actions)."""
    france = Party.objects.get(code="FRA")
    event = activities.save_event(
        None,
        {
            "kind": "national",
            "title": "Event",
            "starts_on": NOW.date(),
            "ends_on": NOW.date(),
            "place": "Paris",
            "parties": [france],
        },
        by=secretariat,
        now=NOW,
    )
    document = activities.add_document(
        event,
        kind="agenda",
        title="Agenda",
        file=SimpleUploadedFile("a.pdf", PDF),
        published=False,
        by=secretariat,
        now=NOW,
    )
    session = activities.save_session(
        None, {"title": "S", "held_on": NOW.date(), "kind": "training"}, by=secretariat, now=NOW
    )
    trained = {"party": france, "gender": "woman", "language": "fr", "ministry": "Justice"}
    participant = activities.save_participant(
        Participant(session=session), {**trained, "name": "A"}, by=secretariat, now=NOW
    )
    completion = activities.save_completion(
        None, {**trained, "module": "M", "completed_on": NOW.date()}, by=secretariat, now=NOW
    )
    return {
        "event": event.pk,
        "event_document": document.pk,
        "session": session.pk,
        "participant": participant.pk,
        "completion": completion.pk,
    }


@pytest.fixture
def world(shared_world, db):
    """Reviews with a party under review whose people are the personas, a published draw, a
    prepared one and a pending redraw request — all through the real actions."""
    return fresh(shared_world)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_the_matrix_says(client, world, persona):
    users, ids = world
    if persona != "anonymous":
        client.force_login(users[persona])
    failures = []
    for (_pattern, method, path), expected in MATRIX.items():
        path = path.format(**ids)
        response = client.get(path) if method == "GET" else client.post(path)
        want = expected[persona]
        got = response.status_code
        if want == "login":
            ok = got == 302 and "/accounts/login/" in response["Location"]
        else:
            # 202: a PDF being made for them (revmod.lib.generated), as visible as a 200.
            ok = got == want or (want == 200 and got == 202)
        if not ok:
            failures.append(f"{method} {path}: expected {want}, got {got}")
        # Every answer of the crawl: a strict policy, no inline script, no-store when signed in.
        signed_in = persona != "anonymous"
        failures += [
            f"{method} {path}: {p}" for p in response_problems(response, signed_in=signed_in)
        ]
        # Every help text and error a field points to is on the page.
        failures += [f"{method} {path}: {p}" for p in broken_references(response)]
    assert failures == []
    if persona != "secretariat":  # nobody else changed anything
        assert Draw.objects.get(pk=ids["prepared"]).status == Draw.Status.PREPARED


# A party's profile gives its focal points' contact details to the registered participants
# (accounts.access: anyone holding a nomination in force, and the secretariat), never to the
# public nor to an account without a nomination (seed ¶20).
SEES_CONTACTS = {**dict.fromkeys(PERSONAS, True), "anonymous": False, "outsider": False}


def test_only_registered_participants_see_a_partys_focal_points(client, world):
    users, _ids = world
    # The reviewed party's focal point: on France's profile for the people of other parties too.
    address = users["reviewed_fp"].email
    seen = {}
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(users[persona])
        html = client.get("/en/parties/FRA/").content.decode()
        seen[persona] = address in html and 'id="focal-points-title"' in html
    assert seen == SEES_CONTACTS


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_admin_is_the_secretariats(client, world, persona):
    users, _ids = world
    if persona != "anonymous":
        client.force_login(users[persona])
    response = client.get("/en/admin/")
    if persona == "secretariat":
        assert response.status_code == 200
    elif persona == "anonymous":
        assert response.status_code == 302 and "login" in response["Location"]
    else:  # not the sign-in page, which would send them back here in a loop
        assert client.get("/en/admin/", follow=True).status_code == 404
