"""The API fuzzed from its own OpenAPI schema (issue 15, item 6): schemathesis reads
`/api/v1/schema/` from the application in-process, generates requests for every operation,
valid and invalid ones, and sends them with a persona's token. The modules `test_fuzz_*.py`
run it; the budget, the numbers and how to run more examples are in docs/testing.md."""

import copy
import datetime as dt
import functools
import logging
import os

import schemathesis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils.timezone import now
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from revmod.assistance import actions as assistance
from revmod.documents.actions import upload
from revmod.followups import actions as followups
from revmod.lots import actions as lots
from revmod.lots.models import Draw, Meeting, Pairing
from revmod.questionnaires import actions as questionnaires
from revmod.questionnaires.models import Question
from revmod.reviews import actions as reviews
from revmod.test import (
    load_questionnaire,
    make_people,
    make_world,
    pdf_bytes,
    to_questionnaire,
    token_for,
)
from revmod.wsgi import application

NOW = dt.datetime(2021, 2, 1, 9, tzinfo=dt.UTC)
HOST = "testserver"  # a host the test settings allow
SCHEMA_PATH = "/api/v1/schema/"
PERSONAS = [
    "anonymous",
    "outsider",
    "reviewed_fp",
    "reviewer_fp",
    "expert",
    "observer",
    "secretariat",
]

# What every answer is checked for: never a server error; the body of a documented status as
# the schema says (fields, nullable ones, paginated lists or not); a documented content type.
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

# The hypothesis settings of every fuzzing test: examples derived from SEED below (the same at
# every run on a database), none stored, no deadline (a request's time varies with the
# machine's load).
SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": list(HealthCheck),
}


# The seed of the generated examples: one for SQLite, another for PostgreSQL, so that CI's two
# runs (`make test`, then `make test-db`) send each operation different examples, twice as many
# in all as either run; each run is reproducible (the same examples every time on its database).
SEED = 15 if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else 16

# A longer run than `make test`'s: REVMOD_FUZZ_EXAMPLES=100 gives every persona 100 generated
# examples per operation and the coverage phase (docs/testing.md).
LONG_RUN = os.environ.get("REVMOD_FUZZ_EXAMPLES")


def examples(default: int) -> int:
    """Generated examples per operation: `default`, or REVMOD_FUZZ_EXAMPLES."""
    return int(LONG_RUN or default)


@functools.cache
def raw_schema() -> dict:
    """The OpenAPI schema as the application serves it (read once per process)."""
    with override_settings(ALLOWED_HOSTS=[HOST]):
        return schemathesis.openapi.from_wsgi(
            SCHEMA_PATH, application, headers={"Host": HOST}
        ).raw_schema


def load(*, coverage: bool) -> schemathesis.BaseSchema:
    """The schema, called in-process, generating valid and invalid requests; with `coverage`
    (or in a long run), schemathesis' coverage phase too (the boundaries and wrong types of
    every parameter and field, deterministically) besides the schema's examples and the
    generated ones."""
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",
                "deterministic": True,
                "database": "none",
                # The persona's token is the only credential sent: no generated ones.
                "with-security-parameters": False,
            },
            "phases": {"coverage": {"enabled": coverage or bool(LONG_RUN)}},
        }
    )
    schema = schemathesis.openapi.from_dict(copy.deepcopy(raw_schema()), config=config)
    schema.app = application
    schema.location = SCHEMA_PATH
    schema.hook(flatmap_path_parameters)
    return schema


# Real ids of the world for the path parameters, so that requests reach real objects and not
# only 404s: {(path prefix, parameter): [values]}, set by the `fuzz_world` fixture.
KNOWN: dict[tuple[str, str], list] = {}


def flatmap_path_parameters(context, path_parameters):
    """Half of the generated paths name objects of the world (a schemathesis hook)."""
    if not path_parameters:
        return st.just(path_parameters)
    path = context.operation.path
    known = {
        name: st.sampled_from(values)
        for (prefix, name), values in KNOWN.items()
        if name in path_parameters and path.startswith(prefix)
    }
    if not known:
        return st.just(path_parameters)
    real = st.fixed_dictionaries(known).map(lambda chosen: {**path_parameters, **chosen})
    return st.one_of(st.just(path_parameters), real)


def build_world() -> tuple[dict, dict, dict]:
    """A world with something of each kind the API serves, through the real actions: France's
    review at the questionnaire with its people, an answer, a document in two versions and a
    deadline change; Kenya's review, which none of the personas takes part in; a published draw
    and a prepared one, a pending redraw request. Returns the personas' tokens, the ids for
    `KNOWN` and those of the reviews and the document by name."""
    secretariat, by_party = make_world()
    review, hidden = by_party["FRA"], by_party["KEN"]
    users, nominations = make_people(secretariat, review)
    load_questionnaire()
    review = to_questionnaire(review, users["reviewed_fp"])
    questions = list(Question.objects.filter(article__instrument__code="UNTOC")[:3])
    questionnaires.save_answer(
        review, questions[0], by=users["reviewed_fp"], now=NOW, version=0, value=["yes"]
    )
    first = upload(
        review,
        by=users["reviewed_fp"],
        kind="supporting",
        language="en",
        title="Notes",
        file=SimpleUploadedFile("notes.txt", b"Hello."),
        now=NOW,
    )
    upload(
        review,
        by=users["reviewed_fp"],
        kind="supporting",
        language="en",
        title="Notes",
        file=SimpleUploadedFile("notes.pdf", pdf_bytes()),
        now=NOW,
        document=first.document,
    )
    reviews.change_deadline(
        review,
        by=secretariat,
        now=NOW,
        step="questionnaire",
        kind="extension",
        days=10,
        reason="Elections.",
    )
    pairing = Pairing.objects.active().select_related("reviewed").first()
    lots.record_redraw_request(
        pairing=pairing,
        requested_by=pairing.reviewed,
        reason="A conflict of interest.",
        received_on=NOW.date(),
        by=secretariat,
    )
    meeting = lots.create_meeting(held_on=dt.date(2024, 5, 1), title="Late joiners")
    lots.prepare_draw(kind="late", meeting=meeting, by=secretariat, now=NOW)
    # A technical-assistance survey open today, answered by France's focal point.
    today = now().date()
    survey = assistance.open_survey(
        title="Needs",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=1),
        by=secretariat,
        now=NOW,
    )
    fp = users["reviewed_fp"]
    answer = assistance.answer(survey, review.party, needs={"other": "x"}, by=fp, now=now())
    followup = followups.record_followup(
        by=secretariat,
        now=NOW,
        party=review.party,
        whom="mission",
        kind="call",
        held_on=NOW.date(),
        subject="Timetable",
        review=review,
        next_action="Call again",
    )
    briefing = followups.record_briefing(
        by=secretariat, now=NOW, held_on=NOW.date(), title="Briefing", kind="global", online=True
    )
    tokens = {name: token_for(user) for name, user in users.items()}
    known = {
        ("/api/v1/followups/{id}", "id"): [followup.pk],
        ("/api/v1/briefings/{id}", "id"): [briefing.pk],
        ("/api/v1/reviews/{id}", "id"): [review.pk, hidden.pk],
        ("/api/v1/reviews/{review_pk}", "review_pk"): [review.pk, hidden.pk],
        ("/api/v1/reviews/{review_pk}/documents/{id}", "id"): [first.document_id],
        ("/api/v1/reviews/{review_pk}/documents/{id}", "number"): [1, 2, 3],
        ("/api/v1/reviews/{id}/answers/{key}", "key"): [q.key for q in questions],
        ("/api/v1/draws/{id}", "id"): list(Draw.objects.values_list("pk", flat=True)),
        ("/api/v1/meetings/{id}", "id"): list(Meeting.objects.values_list("pk", flat=True)),
        ("/api/v1/pairings/{id}", "id"): [pairing.pk],
        ("/api/v1/nominations/{id}", "id"): [n.pk for n in nominations.values()],
        ("/api/v1/parties/{code}", "code"): ["FRA", "fra", "KEN"],
        ("/api/v1/assistance-surveys/{id}", "id"): [survey.pk],
        ("/api/v1/assistance-requests/{id}", "id"): [r.pk for r in answer.requests.all()],
    }
    ids = {"review": review.pk, "hidden": hidden.pk, "document": first.document_id}
    return tokens, known, ids


def call(case, tokens: dict, persona: str) -> None:
    """Send `case` as `persona` and check the answer (CHECKS). Whatever the request changed is
    rolled back, so every example starts from the same world and a failure reproduces."""
    headers = {"Host": HOST}
    if persona != "anonymous":
        headers["Authorization"] = f"Token {tokens[persona]}"
    with transaction.atomic():
        case.call_and_validate(headers=headers, checks=CHECKS)
        transaction.set_rollback(True)


def quiet_requests():
    """Django's log of each 4xx answer (thousands of them) off while fuzzing."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    return lambda: logger.setLevel(level)
