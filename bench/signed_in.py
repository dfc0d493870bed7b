"""Benchmark of what every signed-in request pays and of the reads issue 18 made indexed: a
trivial signed-in request, the visibility filter of a participant, the API's reviews list
(secretariat and participant) and a review's workspace, on the demo copied `--scale` times
(bench/stats.py's copy), on SQLite or on the PostgreSQL database `--database-url` names
(emptied first: use a throw-away one).

    python bench/signed_in.py --scale 50 --database-url postgres://postgres@127.0.0.1/bench_x
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.data import copy_demo, load_demo, setup  # noqa: E402
from bench.stats import timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=50, help="copies of the demo")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data an earlier run left in the database"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        run(args)


def run(args) -> None:

    from django.core.management import call_command
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test import Client

    from revmod.accounts.models import Nomination, User
    from revmod.reviews.models import Review, ReviewEvent

    # Django empties the log of queries at each request's start: count them all.
    request_started.disconnect(reset_queries)
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the trivial request's 405
    started = time.perf_counter()
    if not args.reuse:
        call_command("flush", interactive=False, verbosity=0) if args.database_url else None
        load_demo()
        copy_demo(args.scale)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"machine: {platform.platform()} | {os.cpu_count()} CPUs | {connection.vendor}")
    print(
        f"data: {Review.objects.count()} reviews, {ReviewEvent.objects.count()} events, "
        f"{User.objects.count()} users (x{args.scale}, built in "
        f"{time.perf_counter() - started:.0f} s)"
    )
    secretariat = User.objects.get(username="secretariat")
    reviewer = (
        Nomination.objects.active()
        .filter(scope="reviewer", kind="focal_point", person__is_active=True)
        .order_by("pk")
        .first()
        .person
    )
    review = Review.objects.visible_to(reviewer).order_by("pk").first()

    def page(user, url):
        client = Client()
        client.force_login(user)

        def get():
            response = client.get(url)
            assert response.status_code in (200, 405), (url, response.status_code)

        return get

    rows = [
        ("signed-in trivial request (405)", page(reviewer, "/i18n/setlang/")),
        (
            "visible_reviews count (participant)",
            lambda: Review.objects.visible_to(reviewer).count(),
        ),
        ("API reviews list (secretariat)", page(secretariat, "/api/v1/reviews/")),
        ("API reviews list (participant)", page(reviewer, "/api/v1/reviews/")),
        ("API reviews, ordering=-due_on", page(secretariat, "/api/v1/reviews/?ordering=-due_on")),
        ("workspace (participant)", page(reviewer, f"/en/reviews/{review.pk}/")),
        ("workspace (secretariat)", page(secretariat, f"/en/reviews/{review.pk}/")),
    ]
    for label, func in rows:
        func()
        queries: list[str] = []

        def counted(execute, sql, *rest, queries=queries):
            queries.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(counted):
            func()
        median, low = timed(func, args.runs)
        print(
            f"{label:38} median {median * 1000:8.1f} ms, min {low * 1000:8.1f} ms, "
            f"{len(queries)} queries"
        )


if __name__ == "__main__":
    main()
