"""A pytest plugin loaded with -p (pyproject), so it runs before pytest-django sets Django up.

Besides the environment of a test run, it decides the order of the tests and which run:
- `--db-only` runs only the tests that use a database (CI runs the rest once, on SQLite, and
  only these again on PostgreSQL: a test that touches no database cannot differ between them);
- the tests that use data shared by a module (a module-scoped fixture with database access,
  see `revmod.test.shared_data`) run after the module's other database tests, so no other test
  ever sees that data, and the module's data is built once for all of them."""

import os
import tempfile

import pytest

# Tests run as production does (DEBUG off, the secretariat's second factor required), without a
# real SECRET_KEY, over plain HTTP and without collected static files.
os.environ.setdefault("REVMOD_ALLOW_INSECURE_KEY", "1")
# Never the checkout's .env (the demo's settings that `make run` writes).
os.environ["REVMOD_ENV_FILE"] = ""
os.environ.setdefault("REVMOD_REQUIRE_SECRETARIAT_2FA", "1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("DEBUG", "0")
# Uploaded files of a test run go to a throw-away folder, never into the checkout's var/media:
# one per process, so that parallel workers never see (or delete) each other's files.
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="revmod-test-media-")
os.environ["REVMOD_GENERATED_DIR"] = tempfile.mkdtemp(prefix="revmod-test-generated-")

DESELECTED = pytest.StashKey[int]()

# The fixtures through which a test reaches a database (pytest-django's; a test's fixture
# names include those its fixtures ask for, e.g. admin_client's `db`).
DB_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def pytest_addoption(parser):
    parser.addoption(
        "--db-only",
        action="store_true",
        help="run only the tests that use a database (the others cannot differ between them)",
    )


def uses_database(item) -> bool:
    return bool(
        item.get_closest_marker("django_db")
        or DB_FIXTURES & set(getattr(item, "fixturenames", ()))
        or shares_module_data(item)
    )


def shares_module_data(item) -> bool:
    """Whether the test uses a fixture wider than itself that reaches the database (the
    module's shared data), other than pytest-django's own set-up of the test databases."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(
        definition.scope != "function"
        and "django_db_blocker" in definition.argnames
        and not definition.func.__module__.startswith("pytest_django")
        for definitions in info.name2fixturedefs.values()
        for definition in definitions
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    if config.getoption("--db-only"):
        deselected = [item for item in items if not uses_database(item)]
        items[:] = [item for item in items if uses_database(item)]
        config.hook.pytest_deselected(items=deselected)
        if hasattr(config, "workeroutput"):  # a pytest-xdist worker tells the controller
            config.workeroutput["deselected"] = len(deselected)
    # pytest-django has put the database tests first (as Django does: those in a rolled-back
    # transaction, then those that commit, then the rest); within its order, a module's tests
    # that share its data go last. The sort is stable: otherwise the order is the files'.
    order = {id(item): n for n, item in enumerate(items)}
    items.sort(key=lambda item: (_django_group(item), shares_module_data(item), order[id(item)]))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist's controller: how many tests its workers left out (each collects them all)."""
    deselected = getattr(node, "workeroutput", {}).get("deselected")
    if deselected is not None:
        node.config.stash[DESELECTED] = deselected


def pytest_terminal_summary(terminalreporter, config):
    if DESELECTED in config.stash:
        terminalreporter.write_line(
            f"--db-only: {config.stash[DESELECTED]} tests that use no database left out "
            "(they ran with the full suite)"
        )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test whose data commits cannot run inside a module's shared data (it would run in that
    transaction and test nothing of committing): it says so instead of passing for nothing."""
    if _django_group(item) != 1:
        return
    from django.db import connections

    if any(c.in_atomic_block for c in connections.all(initialized_only=True)):
        pytest.fail(
            f"{item.nodeid} commits (transaction=True or live_server) but runs inside the "
            "shared data of its module (revmod.test.shared_data): move it to a module of its "
            "own.",
            pytrace=False,
        )


def _django_group(item) -> int:
    """pytest-django's order: 0 rolled back, 1 transactional, 2 no database."""
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    transactional = bool(
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    ) or bool(fixtures & {"transactional_db", "live_server", "django_db_reset_sequences"})
    if transactional:
        return 1
    return 0 if uses_database(item) else 2
