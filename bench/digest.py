"""Benchmark of the monthly digest for about 50,000 people, on SQLite or PostgreSQL: the
command `manage.py senddigest`, the worker on the first day of a month, and an idle worker,
each timed and its memory measured in a process of its own.

    python bench/digest.py                        # SQLite, the demo copied 42 times
    python bench/digest.py --database postgres    # a throw-away database on the local server
    python bench/digest.py --scale 5

The demo (the mechanism on 16 April 2024, loaded through the real actions) is copied `scale - 1`
times with bulk inserts (bench/data.py), every person gets an e-mail address and a language
in turn among the six. On PostgreSQL a database `bench_digest_<pid>` is created on
postgres://postgres@127.0.0.1:5432 (REVMOD_BENCH_POSTGRES overrides the server) and dropped at
the end. Then, each in a child process on that database:

- idle worker: `manage.py runworker` started with an empty outbox; its resident memory once
  it has started and done a round with nothing to do;
- `senddigest --month 2024-03`: its wall-clock time and peak resident memory;
- the worker on 1 April 2024 (`runworker`, the date made the first of the month): the day's
  reminders, last month's digests and a first batch of the outbox sent (to the dummy e-mail
  backend), then stopped: its wall-clock time and peak resident memory.

Targets (issue 18): digest for 50,000 people <= 45 s and <= 200 MB peak, also inside
`runworker` on the first; an idle worker <= 100 MB (the 2-core machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MONTH = "2024-03"
FIRST = dt.date(2024, 4, 1)
SERVER = os.environ.get("REVMOD_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
ENVIRONMENT = {
    "DEBUG": "0",
    "REVMOD_ALLOW_INSECURE_KEY": "1",
    "REVMOD_REQUIRE_SECRETARIAT_2FA": "0",
    "SECURE_SSL_REDIRECT": "0",
    "STATIC_MANIFEST": "0",
    "ALLOWED_HOSTS": "testserver,localhost",
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "DJANGO_SETTINGS_MODULE": "revmod.settings",
}


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def child(command: list[str], env: dict) -> tuple[float, float, float, str]:
    """(wall-clock seconds, CPU seconds, peak resident MB, output) of `command` run to its
    end. The CPU time tells more than the wall-clock time on a machine other work shares."""
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=out, text=True)
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().strip()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss / 1024, output  # KiB on Linux


def idle_worker(env: dict) -> tuple[float, float]:
    """(resident MB, peak MB) of `runworker` once started and idle."""
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runworker", "--no-daily", "--interval", "30"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=out,
        )
        time.sleep(8)  # start-up, then a round of each loop with nothing to do
        status = Path(f"/proc/{process.pid}/status").read_text()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    fields = dict(line.split(":", 1) for line in status.splitlines())
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def worker_on_the_first() -> None:
    """In a child process: `runworker` as on 1 April, stopped once its daily work is done and
    a round of the outbox is sent."""
    import django

    django.setup()
    from unittest import mock

    from django.core.management import call_command
    from django.utils import timezone

    from revmod.notifications import worker

    real_localdate, real_daily = timezone.localdate, worker.daily_work

    def localdate(value=None, timezone=None):
        return FIRST if value is None else real_localdate(value, timezone)

    def daily_work(today, now, write):
        real_daily(today, now, write)
        os.kill(os.getpid(), signal.SIGTERM)  # the next round of each loop does not begin

    with (
        mock.patch.object(timezone, "localdate", localdate),
        mock.patch.object(worker, "daily_work", daily_work),
    ):
        call_command("runworker", "--interval", "1")


def build(scale: int) -> None:
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.db.models import F, Value
    from django.db.models.functions import Concat, Mod

    from bench.data import copy_demo
    from revmod.accounts.models import User
    from revmod.notifications.models import Message
    from revmod.reviews.models import Review, ReviewEvent

    started = time.perf_counter()
    for command in ("migrate", "loadregistry", "loaddemo"):
        call_command(command, stdout=StringIO(), verbosity=0)
    copy_demo(scale)
    User.objects.filter(email="").update(email=Concat("username", Value("@example.org")))
    languages = [code for code, _name in settings.LANGUAGES]
    turn = User.objects.annotate(turn=Mod(F("pk"), len(languages)))
    for i, language in enumerate(languages):
        turn.filter(turn=i).update(preferred_language=language)
    Message.objects.all().delete()
    people = User.objects.filter(is_active=True).count()
    print(
        f"data: {people} active people, {Review.objects.count()} reviews, "
        f"{ReviewEvent.objects.count()} events, demo x{scale} (set up in "
        f"{time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    connections.close_all()


def measure(env: dict) -> None:
    from django.db import connections

    from revmod.notifications.models import Message

    resident, _peak = idle_worker(env)
    print(f"idle runworker: {resident:.0f} MB resident", flush=True)
    elapsed, cpu, peak, output = child(
        [sys.executable, "manage.py", "senddigest", "--month", MONTH], env
    )
    digests = Message.objects.filter(kind="digest").count()
    print(output)
    print(
        f"senddigest --month {MONTH}: {elapsed:.1f} s ({cpu:.1f} s CPU), "
        f"peak memory {peak:.0f} MB, "
        f"{digests} digests stored",
        flush=True,
    )
    Message.objects.all().delete()
    connections.close_all()
    elapsed, cpu, peak, output = child([sys.executable, __file__, "--worker-on-the-first"], env)
    print(output)
    print(
        f"runworker on {FIRST}: {elapsed:.1f} s ({cpu:.1f} s CPU) to the end of its first "
        f"round, peak memory "
        f"{peak:.0f} MB, {Message.objects.filter(kind='digest').count()} digests stored",
        flush=True,
    )
    connections.close_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=42, help="copies of the demo")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--worker-on-the-first", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker_on_the_first:
        worker_on_the_first()
        return
    print(
        f"machine: {platform.platform()} | {os.cpu_count()} CPUs | Python "
        f"{platform.python_version()} | load average {os.getloadavg()[0]:.1f} | "
        f"{args.database}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        if args.database == "postgres":
            name = f"bench_digest_{os.getpid()}"
            admin(f"CREATE DATABASE {name}")
            url = f"{SERVER}/{name}"
        else:
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        env = {**os.environ, **ENVIRONMENT, "DATABASE_URL": url}
        os.environ.update(env)
        try:
            import django

            django.setup()
            build(args.scale)
            measure(env)
        finally:
            if args.database == "postgres":
                from django.db import connections

                connections.close_all()
                admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
