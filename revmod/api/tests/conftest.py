import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test.utils import override_settings

from revmod.api.tests import fuzzing
from revmod.test import fresh, shared_data


@pytest.fixture(scope="module")
def shared_fuzz_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        yield fuzzing.build_world()


@pytest.fixture
def fuzz_world(shared_fuzz_world, db):
    """The personas' tokens and ids by name (fuzzing.build_world); the world's ids for the
    generated paths in `fuzzing.KNOWN`."""
    tokens, known, ids = fresh(shared_fuzz_world)
    fuzzing.KNOWN.update(known)
    yield tokens, ids
    fuzzing.KNOWN.clear()


@pytest.fixture
def in_process():
    """Requests go straight to Django's WSGI handler, which closes the database connection after
    each request: as Django's test client does, it is kept open (it holds the test's
    transaction). A view's exception reaches the test with its traceback."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    restore = fuzzing.quiet_requests()
    try:
        with override_settings(DEBUG_PROPAGATE_EXCEPTIONS=True):
            yield
    finally:
        restore()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
