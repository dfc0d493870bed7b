"""The suite's own machinery (revmod/lib/testenv.py and revmod.test.shared_data), used as a
test module would use it, in a pytest of its own: data shared by a module is the same at the
start of each test, no other test sees it, a test that commits cannot run inside it, and
`--db-only` leaves out only the tests without a database."""

import os
import subprocess
import sys

from django.conf import settings

MODULE = """
import pytest

from revmod.registry.models import Party
from revmod.test import fresh, make_party, shared_data


@pytest.fixture(scope="module")
def shared(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        yield {"party": make_party("XA")}


@pytest.fixture
def data(shared, db):
    return fresh(shared)


def test_a_change(data):  # `data` asks for the database
    data["party"].name_en = "Changed"
    data["party"].save()
    data["added"] = make_party("XB")


def test_the_data_as_built(data):
    assert "added" not in data and data["party"].name_en == "Party XA"
    assert list(Party.objects.values_list("code", "name_en")) == [("XA", "Party XA")]


@pytest.mark.django_db
def test_an_empty_database_though_written_last():
    assert not Party.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_committing():
    assert not Party.objects.exists()


@pytest.mark.parametrize("n", [1, 2])
def test_without_a_database(n):
    assert n
"""


def run_pytest(tmp_path, *args):
    path = tmp_path / "test_shared.py"
    path.write_text(MODULE)
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # SQLite
    environment.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            str(settings.BASE_DIR / "pyproject.toml"),
            "--rootdir",
            str(settings.BASE_DIR),
            "-p",
            "no:cacheprovider",
            "-rA",
            *args,
            str(path),
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_shared_data_is_rolled_back_hidden_and_db_only_runs_the_database_tests(tmp_path):
    """One pytest of its own (it takes a few seconds to start), with --db-only."""
    result = run_pytest(tmp_path, "--db-only")
    out = result.stdout
    assert result.returncode == 1, out
    passed = [line for line in out.splitlines() if line.startswith("PASSED")]
    for name in ["test_a_change", "test_the_data_as_built", "test_an_empty_database_though"]:
        assert any(name in line for line in passed), out
    # The test that commits fails, saying why, instead of running inside the shared data.
    [error] = [line for line in out.splitlines() if line.startswith("ERROR")]
    assert "test_committing" in error and "move it to a module of its own" in out
    # --db-only: the two tests without a database are left out, nothing else.
    assert "3 passed, 2 deselected, 1 error" in out
    assert "test_without_a_database" not in out
