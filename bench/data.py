"""The data the benchmarks read: the demo (the mechanism on 16 April 2024, loaded through the
real actions) copied `scale - 1` times under synthetic party codes, on a throw-away SQLite file
or PostgreSQL database.

    from bench.data import database, setup, build
    with database("postgres", "pages") as url:
        setup(url)
        build(scale=50)

The copies are made with bulk inserts (a benchmark measures reading; the copies are not a test
of the actions) and work on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import string
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The PostgreSQL server the throw-away databases are made on (the CI's and the tests').
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")

NO_STATIC = "No directory at"
# The environment of a benchmark: production settings (DEBUG off), no second factor to pass,
# plain HTTP, static files without the manifest (no collectstatic).
BENCH_ENV = {
    "DEBUG": "0",
    "REVMOD_ALLOW_INSECURE_KEY": "1",
    "REVMOD_REQUIRE_SECRETARIAT_2FA": "0",
    "SECURE_SSL_REDIRECT": "0",
    "STATIC_MANIFEST": "0",
    "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    # Not the checkout's .env (make run writes the demo's there).
    "REVMOD_ENV_FILE": "",
    # WhiteNoise's word that nothing was collected (the pages' static files are not measured).
    "PYTHONWARNINGS": f"ignore:{NO_STATIC}:UserWarning",
}


@contextlib.contextmanager
def database(kind: str, tag: str, *, keep: bool = False) -> Iterator[str]:
    """The URL of a database for a benchmark: a SQLite file in a temporary folder, or a new
    database on POSTGRES_SERVER, dropped at the end. With `keep`, a fixed name (var/bench-<tag>
    .sqlite3 or bench_<tag>), kept for the next run to reuse."""
    if kind == "sqlite":
        if keep:
            path = ROOT / "var" / f"bench-{tag}.sqlite3"
            path.parent.mkdir(parents=True, exist_ok=True)
            yield f"sqlite:///{path}"
            return
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        return
    if kind != "postgres":
        raise SystemExit(f"--database must be sqlite or postgres, not {kind!r}")
    import psycopg

    name = f"bench_{tag}" if keep else f"bench_{tag}_{os.getpid()}"
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        if not keep:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup(url: str, settings: str = "revmod.settings") -> None:
    """Django set up on the database at `url`, with the benchmark's environment."""
    os.environ.update(BENCH_ENV, DATABASE_URL=url)
    # Generated PDFs (where the code makes them in the worker) of this run only.
    os.environ.setdefault("REVMOD_GENERATED_DIR", tempfile.mkdtemp(prefix="bench-generated-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    warnings.filterwarnings("ignore", NO_STATIC)
    import django

    django.setup()


def is_built() -> bool:
    """Whether the database already holds the demo (a kept database, run again). A kept one is
    migrated first: the code may have gained tables since it was built."""
    from django.core.management import call_command
    from django.db import connection

    if "reviews_review" not in connection.introspection.table_names():
        return False
    call_command("migrate", stdout=StringIO(), verbosity=0)
    from revmod.reviews.models import Review

    return Review.objects.exists()


def load_demo(*, questionnaire: bool = False) -> None:
    """The demo through the real actions: the registry, (the questionnaire, whose answers the
    demo's drafting steps save), the simulated mechanism."""
    from django.core.management import call_command

    commands = ["migrate", "loadregistry"]
    if questionnaire:
        commands.append("loadquestionnaire")
    for command in [*commands, "loaddemo"]:
        call_command(command, stdout=StringIO(), verbosity=0)


def codes() -> Iterator[str]:
    """Three-character party codes that no ISO country has (they start with a digit)."""
    chars = string.digits + string.ascii_uppercase
    for first in string.digits:
        for a, b in itertools.product(chars, repeat=2):
            yield first + a + b


def _reset_sequences(models) -> None:
    """PostgreSQL: every table's id sequence past its largest id, so that bulk inserts never
    collide with rows a command inserted with explicit ids. Nothing to do on SQLite."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def copy_demo(times: int) -> None:
    """The demo's parties with a review, their adherences, reviews, pairings, nominated people,
    nominations, consultations and events copied `times - 1` times, each copy under new party
    codes, in one transaction."""
    from django.db import transaction

    from revmod.accounts.models import Nomination, User
    from revmod.lots.models import Pairing
    from revmod.registry.models import Adherence, Party
    from revmod.reviews.models import Consultation, Review, ReviewEvent

    if times <= 1:
        return
    _reset_sequences(
        [Party, Adherence, Review, Pairing, User, Nomination, Consultation, ReviewEvent]
    )
    parties = list(Party.objects.filter(reviews__isnull=False).distinct())
    adherences = list(Adherence.objects.current().filter(party__in=parties))
    reviews = list(Review.objects.all())
    pairings = list(Pairing.objects.all())
    nominations = list(Nomination.objects.all())
    consultations = {c.review_id: c for c in Consultation.objects.all()}
    events = list(ReviewEvent.objects.all())
    try:  # What the statistics read of the events, where the code has it (issue 18).
        from revmod.reviews.models import ReviewTimeline
    except ImportError:
        ReviewTimeline = None
    timelines = list(ReviewTimeline.objects.all()) if ReviewTimeline else []
    try:  # The nominations' tally the statistics read, where the code has it (issue 18).
        from revmod.accounts.models import NominationTally
    except ImportError:
        NominationTally = None
    tallies = list(NominationTally.objects.values()) if NominationTally else []
    people = {u.pk: u for u in User.objects.filter(nominations__isnull=False).distinct()}
    fresh = codes()
    with transaction.atomic():
        for copy in range(1, times):
            code_of = {p.pk: next(fresh) for p in parties}
            new_parties = Party.objects.bulk_create(
                [
                    Party(
                        code=code_of[p.pk],
                        kind=p.kind,
                        regional_group_id=p.regional_group_id,
                        name_en=f"{p.name_en} ({copy})",
                    )
                    for p in parties
                ]
            )
            party_of = {p.pk: n.pk for p, n in zip(parties, new_parties, strict=True)}
            Adherence.objects.bulk_create(
                [
                    Adherence(
                        party_id=party_of[a.party_id],
                        instrument_id=a.instrument_id,
                        action=a.action,
                        date=a.date,
                    )
                    for a in adherences
                ]
            )
            new_reviews = Review.objects.bulk_create(
                [
                    Review(
                        party_id=party_of[r.party_id],
                        cluster_id=r.cluster_id,
                        group_id=r.group_id,
                        started_on=r.started_on,
                        stage=r.stage,
                        cleared=r.cleared,
                        consultation_recorded=r.consultation_recorded,
                        stage_since=r.stage_since,
                        # What the lists sort on (reviews.actions.refresh_due): a copy's
                        # schedule is its original's.
                        due_step=r.due_step,
                        due_on=r.due_on,
                        first_open_due_on=r.first_open_due_on,
                    )
                    for r in reviews
                ]
            )
            review_of = {r.pk: n.pk for r, n in zip(reviews, new_reviews, strict=True)}
            Pairing.objects.bulk_create(
                [
                    Pairing(
                        **{
                            f.attname: getattr(p, f.attname)
                            for f in Pairing._meta.concrete_fields
                            if f.attname
                            not in ("id", "reviewed_id", "reviewer_id", "superseded_by_id")
                        },
                        reviewed_id=party_of[p.reviewed_id],
                        reviewer_id=party_of[p.reviewer_id],
                    )
                    for p in pairings
                    if p.reviewed_id in party_of and p.reviewer_id in party_of
                ]
            )
            new_people = User.objects.bulk_create(
                [
                    User(
                        username=f"{u.username}-{copy}",
                        gender=u.gender,
                        ministry=u.ministry,
                        password="!",
                    )
                    for u in people.values()
                ]
            )
            person_of = {pk: n.pk for pk, n in zip(people, new_people, strict=True)}
            Nomination.objects.bulk_create(
                [
                    Nomination(
                        party_id=party_of[n.party_id],
                        person_id=person_of[n.person_id],
                        kind=n.kind,
                        scope=n.scope,
                        starts_on=n.starts_on,
                        ends_on=n.ends_on,
                        recorded_by_id=n.recorded_by_id,
                        recorded_at=n.recorded_at,
                    )
                    for n in nominations
                    if n.party_id in party_of
                ]
            )
            Consultation.objects.bulk_create(
                [
                    Consultation(
                        review_id=review_of[pk],
                        held_on=c.held_on,
                        languages=c.languages,
                        no_agreement=c.no_agreement,
                        exceptional_reason=c.exceptional_reason,
                        agreed=c.agreed,
                    )
                    for pk, c in consultations.items()
                ]
            )
            ReviewEvent.objects.bulk_create(
                [
                    ReviewEvent(
                        review_id=review_of[e.review_id],
                        kind=e.kind,
                        actor_id=e.actor_id,
                        at=e.at,
                        data=e.data,
                    )
                    for e in events
                ],
                batch_size=5000,
            )
            if ReviewTimeline:
                ReviewTimeline.objects.bulk_create(
                    [
                        ReviewTimeline(review_id=review_of[t.review_id], entries=t.entries)
                        for t in timelines
                    ]
                )
            if NominationTally:
                NominationTally.objects.bulk_create(
                    [
                        NominationTally(**{**t, "id": None, "party_id": party_of[t["party_id"]]})
                        for t in tallies
                    ],
                    batch_size=5000,
                )
    from django.db import connection

    if connection.vendor == "postgresql":
        # Fresh statistics for the planner after the bulk load (autovacuum would get there).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def summary(scale: int, started: float | None) -> str:
    """The data line of a benchmark's output (`started` None: a kept database, reused)."""
    from django.db import connection

    from revmod.accounts.models import User
    from revmod.reviews.models import Review, ReviewEvent

    elapsed = 0.0 if started is None else time.perf_counter() - started
    return (
        f"data: {Review.objects.count()} reviews, {ReviewEvent.objects.count()} events, "
        f"{User.objects.count()} users (x{scale} the demo on {connection.vendor}, "
        + ("a kept database, reused)" if started is None else f"built in {elapsed:.0f} s)")
    )
