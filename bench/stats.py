"""Benchmark of the statistics: the status of a day, the dashboard, the status report in HTML
and in PDF, on the demo data (the mechanism on 16 April 2024) copied 50 times over.

    python bench/stats.py               # 50 times the demo, 5 runs each
    python bench/stats.py --scale 1 --runs 9
    python bench/stats.py --database postgres

The demo is loaded through the real actions (loaddemo) into a throw-away SQLite database (or,
with `--database postgres`, a PostgreSQL database made for the run and dropped after it), then
its parties, reviews, pairings, nominations, consultations and events are copied `scale - 1`
times under synthetic party codes with bulk inserts (bench/data.py; a benchmark measures
reading; the copies are not a test of the actions). Targets (issue 5): report HTML <= 200 ms,
PDF <= 3 s (made by the worker once per version of the records; "served" is every later
request). The figures of a day are cached until the records change (revmod.stats.status):
"cold" computes them, the pages after it are measured with the figures cached, as a second
reader gets them.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.data import copy_demo, database, load_demo, setup, summary  # noqa: E402


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
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    with database(args.database, "stats") as url:
        setup(url)
        from django.test import Client

        from revmod.accounts.models import User
        from revmod.demo.simulation import AS_OF
        from revmod.stats.status import data_version, status

        started = time.perf_counter()
        load_demo()
        copy_demo(args.scale)
        print(
            f"machine: {platform.platform()} | {os.cpu_count()} CPUs | Python "
            f"{platform.python_version()}"
        )
        print(summary(args.scale, started))
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
