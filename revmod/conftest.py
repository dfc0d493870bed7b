import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test.utils import override_settings
from django.utils import translation

from revmod.lib.testenv import uses_database
from revmod.test import load_registry, reproducible_draws, shared_data


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """Tests create hundreds of users: with production's hasher (PBKDF2, a million iterations,
    half a second of CPU each) that was two thirds of the suite's time. Tests only; production
    keeps Django's default (test_settings checks it)."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _default_language():
    """A request to /ar/... leaves Arabic active in the test's thread (LocaleMiddleware
    activates, nothing deactivates): every test starts, and ends, in the default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache(request):
    """Rolled-back tests reuse primary keys (SQLite), so a cache keyed on them must not outlive
    a test. The cache is a table of the database (settings.CACHES): a test without the
    database cannot reach it, and has nothing to clear."""
    if not uses_database(request.node):
        yield
        return
    # The test databases exist before the cache is cleared, whichever fixture comes first.
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        cache.clear()
    yield
    with blocker.unblock():
        cache.clear()


@pytest.fixture(autouse=True)
def _no_generated_files():
    """Generated documents are filed under their inputs' version, made of primary keys that
    rolled-back tests reuse (SQLite): a test must not be served an earlier test's file."""
    shutil.rmtree(settings.REVMOD_GENERATED_DIR, ignore_errors=True)
    yield


@pytest.fixture(autouse=True)
def _reproducible_draws(request, monkeypatch):
    """A draw's secret comes from the system's randomness, so each run of a test would draw
    other parties: in tests it comes from the test's name instead, and a failure reproduces."""
    reproducible_draws(monkeypatch, request.node.nodeid)


@pytest.fixture(scope="module")
def shared_registry(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        load_registry()
        yield


@pytest.fixture
def registry(shared_registry, db):
    """The registry as shipped (data/), loaded once for the tests of a module that use it."""
