"""Benchmark of the main pages served by gunicorn, on the demo copied 50 times over, on SQLite
or PostgreSQL.

    python bench/pages.py --database postgres              # 50 times the demo, 10 s a page
    python bench/pages.py --database postgres --scale 5 --seconds 5
    python bench/pages.py --database postgres --keep       # keep the database to run again

One run: the demo is loaded through the real actions on a throw-away database (bench/data.py;
PostgreSQL: a database made on postgres://postgres@127.0.0.1:5432 and dropped at the end), each
page's queries are counted in-process (Django's test client, CaptureQueriesContext), the demo
is copied `scale - 1` times and the queries counted again; then gunicorn serves the project
(2 sync workers, DEBUG off, bench/settings.py: the project's URLs plus a signed-in trivial view,
bench/urls.py) and each page is loaded with 4 concurrent connections (keep-alive asked;
gunicorn's sync workers close after each answer) for a fixed time by `wrk` (installed with
apt-get if missing and the script runs as root; else a threaded Python client), signed in
as the persona who reads it (a session made directly, no second factor:
REVMOD_REQUIRE_SECRETARIAT_2FA=0). Then the status report cold (cache cleared, a day
not asked before) and warm, in HTML and PDF, and each worker's resident memory.

Targets (issue 18, 2-core machine, PostgreSQL, 50x): every page median <= 50 ms, p99 <= 200
ms, throughput >= 25% of the signed-in trivial view, <= 15 queries and flat from 1x to 50x,
HTML <= 500 KB; status report cold HTML <= 300 ms, PDF <= 2 s, warm <= 50 ms; a worker <=
150 MB after serving every page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.data import (  # noqa: E402
    BENCH_ENV,
    copy_demo,
    database,
    is_built,
    load_demo,
    setup,
    summary,
)

SETTINGS = "bench.settings"
TRIVIAL = "/bench/signed-in/"
CONNECTIONS = 4
TIMEOUT = 300  # seconds a request may take before it counts as failed

# Targets (issue 18).
MEDIAN_MS, P99_MS, SHARE, QUERIES, HTML_KB = 50, 200, 0.25, 15, 500
COLD_HTML_MS, COLD_PDF_MS, WARM_MS, WORKER_MB = 300, 2000, 50, 150

# wrk's own latency histogram records every request's latency; this prints its figures as
# one JSON line at the end of the run.
WRK_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"bytes": %d, "non2xx": %d, "errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, summary.bytes, e.status, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Page:
    name: str
    persona: str | None  # a username; None: anonymous
    path: str
    html: bool = True  # the size target is for HTML (and JSON) answers, not PDFs
    queries: dict[str, int] = field(default_factory=dict)
    size: int = 0
    load: dict = field(default_factory=dict)


def pages(review_pk: int) -> list[Page]:
    """The main pages, each read by the persona who reads it most: the secretariat, the focal
    point of the reviewed party (Kenya, the demo's persona party), a governmental expert of a
    reviewing party, anyone for the public pages."""
    return [
        Page("home (secretariat)", "secretariat", "/en/"),
        Page("home (anonymous)", None, "/en/"),
        Page("parties", None, "/en/parties/"),
        Page("party page", None, "/en/parties/KEN/"),
        Page("pairings", None, "/en/lots/"),
        Page("reviews list (secretariat)", "secretariat", "/en/reviews/"),
        Page("reviews list (expert)", "expert", "/en/reviews/"),
        Page("review workspace (focal point)", "reviewed_fp", f"/en/reviews/{review_pk}/"),
        Page(
            "questionnaire (focal point)", "reviewed_fp", f"/en/reviews/{review_pk}/questionnaire/"
        ),
        Page("statistics dashboard", "secretariat", "/en/statistics/"),
        Page("status report HTML", "secretariat", "/en/statistics/report/"),
        Page("status report PDF", "secretariat", "/en/statistics/report.pdf", html=False),
        Page("public statistics", None, "/en/statistics/public/"),
        Page("API reviews list (expert)", "expert", "/api/v1/reviews/"),
        Page("API reviews list (secretariat)", "secretariat", "/api/v1/reviews/"),
    ]


# --- In-process: queries and sizes -------------------------------------------------------------


def count_queries(items: list[Page], label: str) -> None:
    """Each page's queries, in-process through the test client: the second request's count (the
    first may fill the caches), and the answer's size."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from revmod.accounts.models import User

    clients: dict[str | None, Client] = {}
    for page in items:
        if page.persona not in clients:
            client = Client()
            if page.persona:
                client.force_login(User.objects.get(username=page.persona))
            clients[page.persona] = client
        client = clients[page.persona]
        client.get(page.path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
        if response.status_code not in (200, 202):
            raise SystemExit(f"{page.name}: {page.path} answered {response.status_code}")
        page.queries[label] = len(captured)
        page.size = len(response.content)


def session_cookie(username: str) -> str:
    """A session of `username` in the session store, as a browser's cookie would carry it."""
    from django.conf import settings
    from django.test import Client

    from revmod.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


# --- gunicorn ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": SETTINGS}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "revmod.wsgi:application",
            "--workers=2",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{port}",
            f"--chdir={ROOT}",
            f"--timeout={TIMEOUT}",
            "--log-level=warning",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            get(port, "/en/parties/KEN/", None)
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def workers(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def get(port: int, path: str, cookie: str | None) -> tuple[int, bytes, float]:
    """One request on a new connection: status, body, seconds."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if cookie:
        request.add_header("Cookie", cookie)
    start = time.perf_counter()
    try:
        with OPENER.open(request, timeout=TIMEOUT) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    return status, body, time.perf_counter() - start


# --- Load ----------------------------------------------------------------------------------------


def load_wrk(port: int, path: str, cookie: str | None, seconds: int, script: Path) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", f"--timeout={TIMEOUT}s"]
    command += ["-s", script]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    run = subprocess.run(
        [*map(str, command), f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    return {
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "median": figures["p50_us"] / 1000,
        "p99": figures["p99_us"] / 1000,
        "requests": figures["requests"],
        "bad": figures["non2xx"] + figures["errors"],
    }


def load_python(port: int, path: str, cookie: str | None, seconds: int) -> dict:
    """4 threads, each one connection (kept while the server keeps it), requesting `path`
    until the time is up, each finishing the request it started; the latency of every
    request."""
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    headers = {"Cookie": cookie} if cookie else {}
    stop = time.perf_counter() + seconds

    def run():
        connection = HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        mine = []
        while time.perf_counter() < stop:
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
            except OSError:  # a timeout or a closed connection: a failed request
                with lock:
                    bad[0] += 1
                connection.close()
                connection = HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
                continue
            mine.append(time.perf_counter() - start)
            if response.status >= 400:
                with lock:
                    bad[0] += 1
            if response.will_close:  # gunicorn's sync workers close after every answer
                connection.close()
                connection = HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        return {"rps": 0.0, "median": 0.0, "p99": 0.0, "requests": 0, "bad": bad[0]}
    return {
        "rps": len(latencies) / elapsed,
        "median": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "requests": len(latencies),
        "bad": bad[0],
    }


def drain(port: int, cookie: str) -> None:
    """Wait until both workers are free: requests still running when the load stopped (a PDF)
    would otherwise be counted against the next page."""
    threads = [threading.Thread(target=get, args=(port, TRIVIAL, cookie)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def have_wrk() -> bool:
    if shutil.which("wrk"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: apt-get install -y wrk", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True)
    return shutil.which("wrk") is not None


# --- The status report, cold and warm ------------------------------------------------------------


def pdf_generation_ms(day: dt.date) -> float | None:
    """The time to make the report's PDF in-process (the work a worker does when the page
    answers 202 and leaves the PDF to it): the report's figures, the HTML, WeasyPrint."""
    try:  # where the worker makes the PDFs (issue 18): what it does for the one queued
        from django.utils import timezone

        from revmod.lots.generated import documents

        start = time.perf_counter()
        made = getattr(documents.make_all_due(now=timezone.now), "done", 1) or 1
        return (time.perf_counter() - start) * 1000 / made  # the cold requests queued some
    except ImportError:
        pass
    try:
        from django.template.loader import render_to_string
        from django.test import RequestFactory
        from django.utils import translation

        from revmod.accounts.models import User
        from revmod.lib import pdf
        from revmod.stats import views

        request = RequestFactory().get("/en/statistics/report.pdf", {"as_of": day.isoformat()})
        request.user = User.objects.get(username="secretariat")
        start = time.perf_counter()
        with translation.override("en"):
            context = views._report_context(request)
            pdf.render(render_to_string("stats/report_pdf.html", context))
        return (time.perf_counter() - start) * 1000
    except Exception as error:  # the code it calls may have moved: say so, go on
        print(f"  (PDF generation not timed in-process: {error!r})")
        return None


def status_report(port: int, cookie: str, runs: int) -> list[tuple[str, float, float, str]]:
    """(what, milliseconds, target, note) for the report cold and warm, HTML and PDF. Cold: the
    cache cleared (a shared cache; each worker's own memory cannot be cleared from here) and a
    day never asked before, so no cache of any kind holds its figures."""
    from django.core.cache import cache

    from revmod.demo.simulation import AS_OF

    rows = []
    days = iter(AS_OF - dt.timedelta(days=n) for n in range(1, 1000))
    for fmt, what, target in (
        ("report/", "HTML", COLD_HTML_MS),
        ("report.pdf", "PDF", COLD_PDF_MS),
    ):
        cold, statuses = [], set()
        for _ in range(runs):
            day = next(days)
            cache.clear()
            status, _body, seconds = get(port, f"/en/statistics/{fmt}?as_of={day}", cookie)
            cold.append(seconds * 1000)
            statuses.add(status)
        note = f"HTTP {'/'.join(map(str, sorted(statuses)))}"
        if what == "PDF" and statuses != {200}:
            generated = pdf_generation_ms(next(days))
            if generated is not None:
                rows.append(("report PDF cold: generation in-process", generated, target, ""))
            target = WARM_MS  # the request only leaves the work to the worker
        rows.append((f"report {what} cold (request)", statistics.median(cold), target, note))
        day = next(days)
        get(port, f"/en/statistics/{fmt}?as_of={day}", cookie)
        warm = []
        statuses = set()
        for _ in range(runs):
            status, _body, seconds = get(port, f"/en/statistics/{fmt}?as_of={day}", cookie)
            warm.append(seconds * 1000)
            statuses.add(status)
        note = f"HTTP {'/'.join(map(str, sorted(statuses)))}"
        rows.append((f"report {what} warm", statistics.median(warm), WARM_MS, note))
    return rows


# --- Main ----------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=50, help="copies of the demo")
    parser.add_argument("--seconds", type=int, default=10, help="load time of each page")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--keep", action="store_true", help="keep the database to run again")
    parser.add_argument("--runs", type=int, default=3, help="requests of each cold/warm figure")
    args = parser.parse_args()
    tag = f"pages{args.scale}"
    with database(args.database, tag, keep=args.keep) as url:
        setup(url, SETTINGS)
        from django.db import connection, connections

        from revmod.reviews.models import Review

        started = time.perf_counter()
        sidecar = ROOT / "var" / f"bench-{tag}-{args.database}.json"
        built = is_built()
        if not built:
            load_demo(questionnaire=True)
        review_pk = (
            Review.objects.filter(party__code="KEN").order_by("pk").values_list("pk", flat=True)[0]
        )
        items = pages(review_pk)
        if not built:
            count_queries(items, "1x")
            copy_demo(args.scale)
            if args.keep:
                sidecar.write_text(json.dumps({p.name: p.queries["1x"] for p in items}))
        elif sidecar.exists():
            for page in items:
                page.queries["1x"] = json.loads(sidecar.read_text()).get(page.name, -1)
        count_queries(items, "Nx")
        with connection.cursor() as cursor:
            cursor.execute(
                "SHOW server_version" if connection.vendor == "postgresql" else "SELECT 'x'"
            )
            version = cursor.fetchone()[0] if connection.vendor == "postgresql" else ""
        print(
            f"machine: {platform.platform()} | {os.cpu_count()} CPUs | Python "
            f"{platform.python_version()} | {connection.vendor} {version}".rstrip()
        )
        print(summary(args.scale, None if built else started))
        cookies = {
            persona: session_cookie(persona)
            for persona in {p.persona for p in items} | {"secretariat"}
            if persona
        }
        connections.close_all()

        port = free_port()
        server = start_gunicorn(url, port)
        try:
            for page in items:  # every page once: the workers' imports and caches
                status, body, _ = get(port, page.path, cookies.get(page.persona))
                if status not in (200, 202):
                    raise SystemExit(f"{page.name}: {page.path} answered {status} from gunicorn")
            pids = workers(server)
            rss_once = {pid: rss_mb(pid) for pid in pids}
            wrk = have_wrk()
            client = "wrk 4 connections (2 threads)" if wrk else "Python client, 4 threads"
            print(f"load: {client}, {args.seconds} s a page, gunicorn 2 sync workers")
            script = Path(tempfile.mkstemp(suffix=".lua")[1])
            script.write_text(WRK_LUA)

            def load(path, cookie):
                figures = None
                if wrk:
                    figures = load_wrk(port, path, cookie, args.seconds, script)
                    drain(port, cookies["secretariat"])
                    if figures["requests"] < 2 * CONNECTIONS:
                        # wrk counts only the requests done within the time: a page slower
                        # than that shows none. The Python client waits for those it started.
                        figures = None
                if figures is None:
                    figures = load_python(port, path, cookie, args.seconds)
                    figures["client"] = "py"
                return figures

            trivial = load(TRIVIAL, cookies["secretariat"])
            for page in items:
                print(f"  {page.name}...", flush=True)
                page.load = load(page.path, cookies.get(page.persona))
            script.unlink()
            rss_after = {pid: rss_mb(pid) for pid in pids}
            report = status_report(port, cookies["secretariat"], args.runs)
        finally:
            server.terminate()
            server.wait(30)

        print(
            f"\nsigned-in trivial view: {trivial['rps']:.1f} req/s, median "
            f"{trivial['median']:.1f} ms, p99 {trivial['p99']:.1f} ms"
        )
        header = (
            f"{'page':32} {'req/s':>6} {'share':>6} {'median':>7} {'p99':>7} "
            f"{'q 1x':>5} {'q ' + str(args.scale) + 'x':>5} {'KB':>6}  verdicts"
        )
        print(header)
        print("-" * len(header))
        failures = 0
        for page in items:
            figures = page.load
            share = figures["rps"] / trivial["rps"]
            q1, qn = page.queries.get("1x", -1), page.queries["Nx"]
            checks = {
                "median": figures["median"] <= MEDIAN_MS,
                "p99": figures["p99"] <= P99_MS,
                "share": share >= SHARE,
                "queries": qn <= QUERIES and (q1 < 0 or qn <= q1),
                "size": not page.html or page.size <= HTML_KB * 1024,
                "answers": figures["requests"] > 0 and figures["bad"] == 0,
            }
            failed = [name for name, ok in checks.items() if not ok]
            failures += bool(failed)
            name = page.name + (" *" if figures.get("client") == "py" and wrk else "")
            print(
                f"{name:32} {figures['rps']:6.1f} {share:6.0%} {figures['median']:7.1f} "
                f"{figures['p99']:7.1f} {q1:5} {qn:5} {page.size / 1024:6.0f}  "
                + (verdict(True) if not failed else "FAIL " + ",".join(failed))
            )
        print()
        for what, ms, target, note in report:
            failures += ms > target
            print(f"{what:40} {ms:8.1f} ms (<= {target} ms) {verdict(ms <= target)} {note}")
        for pid in pids:
            worst = max(rss_once[pid], rss_after.get(pid, 0))
            failures += worst > WORKER_MB
            print(
                f"worker {pid}: {rss_once[pid]:.0f} MB after every page once, "
                f"{rss_after.get(pid, 0):.0f} MB after the load (<= {WORKER_MB} MB) "
                f"{verdict(worst <= WORKER_MB)}"
            )
        if wrk and any(p.load.get("client") == "py" for p in items):
            print(
                f"* fewer than {2 * CONNECTIONS} requests done by wrk in the time: measured "
                "with the Python client, which waits for the requests it started"
            )
        print(f"\n{failures} target(s) missed" if failures else "\nevery target met")


if __name__ == "__main__":
    main()
