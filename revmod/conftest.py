import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from revmod.test import reproducible_draws


@pytest.fixture(autouse=True)
def _default_language():
    """A request to /ar/... leaves Arabic active in the test's thread (LocaleMiddleware
    activates, nothing deactivates): every test starts, and ends, in the default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rolled-back tests reuse primary keys (SQLite), so a cache keyed on them must not outlive
    a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reproducible_draws(request, monkeypatch):
    """A draw's secret comes from the system's randomness, so each run of a test would draw
    other parties: in tests it comes from the test's name instead, and a failure reproduces."""
    reproducible_draws(monkeypatch, request.node.nodeid)
