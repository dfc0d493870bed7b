"""Benchmark of the monthly digest: `manage.py senddigest` for about 50,000 people, timed and
its memory measured as the worker's process would use them.

    python bench/digest.py                 # the demo copied 42 times: about 50,000 people
    python bench/digest.py --scale 5

The demo (the mechanism on 16 April 2024, loaded through the real actions) is copied `scale - 1`
times with bulk inserts (bench/data.py), every person gets an e-mail address and a language
in turn among the six, then `senddigest --month 2024-03` runs in a child process on that
database: the time is the child's wall-clock time, the memory its peak resident set. Targets
(issue 6): <= 60 s and <= 200 MB on the 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.data import copy_demo, setup  # noqa: E402

MONTH = "2024-03"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=42, help="copies of the demo")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        setup(f"sqlite:///{db}")
        from io import StringIO

        from django.conf import settings
        from django.core.management import call_command
        from django.db.models import Value
        from django.db.models.functions import Concat

        from revmod.accounts.models import User
        from revmod.notifications.models import Message
        from revmod.reviews.models import Review, ReviewEvent

        started = time.perf_counter()
        for command in ("migrate", "loadregistry", "loaddemo"):
            call_command(command, stdout=StringIO(), verbosity=0)
        copy_demo(args.scale)
        User.objects.filter(email="").update(email=Concat("username", Value("@example.org")))
        languages = [code for code, _name in settings.LANGUAGES]
        for i, language in enumerate(languages):
            User.objects.filter(
                id__in=[pk for pk in User.objects.values_list("pk", flat=True) if pk % 6 == i]
            ).update(preferred_language=language)
        Message.objects.all().delete()
        people = User.objects.filter(is_active=True).count()
        print(
            f"machine: {platform.platform()} | {os.cpu_count()} CPUs | Python "
            f"{platform.python_version()}"
        )
        print(
            f"data: {people} active people, {Review.objects.count()} reviews, "
            f"{ReviewEvent.objects.count()} events (set up in "
            f"{time.perf_counter() - started:.0f} s)"
        )
        from django.db import connections

        connections.close_all()
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "senddigest", "--month", MONTH],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
        print(run.stdout.strip())
        print(
            f"senddigest --month {MONTH}: {elapsed:.1f} s, peak memory {peak:.0f} MB, "
            f"{Message.objects.filter(kind='digest').count()} digests stored"
        )


if __name__ == "__main__":
    main()
