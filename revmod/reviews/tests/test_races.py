"""Double transitions and concurrent saves (reviews.tests.races) on both databases: one
reopening of two sent at once, one event, one set of e-mails; twenty saves of the same answer
at once, one saved and nineteen told someone else saved first; never an unexpected error
("database is locked" was a 500 on SQLite)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

EXPECTED_REOPEN = {"done": 1, "refused": 1}
EXPECTED_SAVE = {"done": 1, "refused": 19}


def check(counts: dict) -> None:
    print("races:", json.dumps(counts))  # the figures, in the test output (-s)
    assert counts["reopen"] == EXPECTED_REOPEN
    assert counts["reopen_events"] == 1
    assert counts["reopen_emails"] == counts["audience"] > 0
    assert counts["save"] == EXPECTED_SAVE


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite: the test below")
@pytest.mark.django_db(transaction=True)
def test_races_on_postgresql():
    from revmod.reviews.tests.races import play

    check(play())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL: the test above")
def test_races_on_a_sqlite_file_as_make_run_uses(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'revmod.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "revmod.settings",
        "REVMOD_ENV_FILE": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "revmod.reviews.tests.races"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    check(json.loads(done.stdout.strip().splitlines()[-1]))
