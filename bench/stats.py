"""Benchmark of the statistics: the status of a day, the dashboard, the status report in HTML
and in PDF, on the demo data (the mechanism on 16 April 2024) copied 50 times over.

    python bench/stats.py               # 50 times the demo, 5 runs each
    python bench/stats.py --scale 1 --runs 9
    python bench/stats.py --keep /tmp/stats50.sqlite3   # built once, reused by later runs
    python bench/stats.py --database-url postgres://postgres@127.0.0.1:5432/stats50

The demo is loaded through the real actions (loaddemo) into a throw-away SQLite database, then
its parties, reviews, pairings, nominations, consultations and events are copied `scale - 1`
times under synthetic party codes with bulk inserts (a benchmark measures reading; the copies
are not a test of the actions). Targets (issue 5): report HTML <= 200 ms, PDF <= 3 s (made by
the worker once per version of the records; "served" is every later request). The
figures of a day are cached until the records change (revmod.stats.status): "cold" computes
them, the pages after it are measured with the figures cached, as a second reader gets them.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import string
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(db: Path, url: str | None = None) -> None:
    """Settings for the database `url`, else the SQLite file `db`; generated files beside `db`."""
    os.environ.update(
        DATABASE_URL=url or f"sqlite:///{db}",
        REVMOD_GENERATED_DIR=str(db.parent / "generated"),
        DEBUG="0",
        REVMOD_ALLOW_INSECURE_KEY="1",
        REVMOD_REQUIRE_SECRETARIAT_2FA="0",
        SECURE_SSL_REDIRECT="0",
        STATIC_MANIFEST="0",
        ALLOWED_HOSTS="testserver,localhost",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revmod.settings")
    import django

    django.setup()


def codes():
    """Three-character party codes that no ISO country has (they start with a digit)."""
    chars = string.digits + string.ascii_uppercase
    for first in string.digits:
        for a, b in itertools.product(chars, repeat=2):
            yield first + a + b


def copy_demo(times: int) -> None:
    from django.db import transaction

    from revmod.accounts.models import Nomination, User
    from revmod.lots.models import Pairing
    from revmod.registry.models import Adherence, Party
    from revmod.reviews.models import Consultation, Review, ReviewEvent, ReviewTimeline

    parties = list(Party.objects.filter(reviews__isnull=False).distinct())
    adherences = list(Adherence.objects.current().filter(party__in=parties))
    reviews = list(Review.objects.all())
    pairings = list(Pairing.objects.all())
    nominations = list(Nomination.objects.all())
    consultations = {c.review_id: c for c in Consultation.objects.all()}
    events = list(ReviewEvent.objects.all())
    timelines = list(ReviewTimeline.objects.all())
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
                ]
            )
            # What the statistics read of the events (reviews.timeline), copied with them.
            ReviewTimeline.objects.bulk_create(
                [
                    ReviewTimeline(review_id=review_of[t.review_id], entries=t.entries)
                    for t in timelines
                ]
            )


def timed(func, runs: int) -> tuple[float, float]:
    func()  # warm-up (imports, caches of templates and fonts)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=50, help="copies of the demo")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument(
        "--keep", type=Path, help="SQLite file to build the data into once and reuse after"
    )
    parser.add_argument(
        "--database-url", help="a database (e.g. PostgreSQL) to build into once and reuse after"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(args.keep or Path(tmp) / "bench.sqlite3", args.database_url)
        from io import StringIO

        from django.core.management import call_command
        from django.test import Client

        from revmod.accounts.models import User
        from revmod.demo.simulation import AS_OF
        from revmod.reviews.models import Review, ReviewEvent
        from revmod.stats.status import data_version, status

        started = time.perf_counter()
        call_command("migrate", stdout=StringIO(), verbosity=0)
        reused = (args.keep or args.database_url) and Review.objects.exists()
        if not reused:  # a kept database is built once, whatever --scale says after
            for command in ("loadregistry", "loaddemo"):
                call_command(command, stdout=StringIO(), verbosity=0)
            copy_demo(args.scale)
            from django.db import connection

            if connection.vendor == "postgresql":  # as autovacuum would: plans for the real sizes
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        print(
            f"machine: {platform.platform()} | {os.cpu_count()} CPUs | Python "
            f"{platform.python_version()}"
        )
        print(
            f"data: {Review.objects.count()} reviews, {ReviewEvent.objects.count()} events, "
            f"{User.objects.count()} users (x{args.scale} the demo, "
            + ("reused)" if reused else f"built in {time.perf_counter() - started:.0f} s)")
        )
        client = Client()
        client.force_login(User.objects.get(username="secretariat"))
        day = AS_OF.isoformat()

        def page(url):
            def get():
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            return get

        from django.core.cache import cache

        def cold():
            cache.clear()
            status(AS_OF)

        def cold_page(url):
            get = page(url)

            def cold_get():
                cache.clear()
                get()

            return cold_get

        rows = [
            ("status, computed (cold)", cold),
            ("status, cached (warm)", lambda: status(AS_OF)),
            ("API /api/v1/stats/status/", page(f"/api/v1/stats/status/?as_of={day}")),
            ("dashboard HTML", page(f"/en/statistics/?as_of={day}")),
            ("report HTML (en)", page(f"/en/statistics/report/?as_of={day}")),
            ("report HTML (ar)", page(f"/ar/statistics/report/?as_of={day}")),
            ("report HTML (en), cold", cold_page(f"/en/statistics/report/?as_of={day}")),
            ("status data_version()", data_version),
        ]
        if not args.no_pdf:
            import shutil

            from django.conf import settings
            from django.utils import timezone

            from revmod.lots.generated import documents

            def made(url):
                """Asked for (202, queued), then made by the worker: what the first reader
                waits for, the page reloading meanwhile."""

                def make():
                    shutil.rmtree(settings.REVMOD_GENERATED_DIR, ignore_errors=True)
                    assert client.get(url).status_code == 202, url
                    assert documents.make_all_due(now=timezone.now).done == 1, url

                return make

            def served(url):
                def get():
                    response = client.get(url)
                    assert response.status_code == 200, (url, response.status_code)
                    assert b"".join(response.streaming_content).startswith(b"%PDF")

                return get

            for language in ("fr", "ar"):
                url = f"/{language}/statistics/report.pdf?as_of={day}"
                rows += [
                    (f"report PDF made ({language})", made(url)),
                    (f"report PDF served ({language})", served(url)),
                ]
        for name, func in rows:
            median, best = timed(func, args.runs)
            print(
                f"{name:28} median {median * 1000:8.1f} ms, min {best * 1000:8.1f} ms "
                f"over {args.runs} runs"
            )


if __name__ == "__main__":
    main()
