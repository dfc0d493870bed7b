import datetime as dt

import pytest

from revmod.test import fresh, make_people, make_user, make_world, shared_data

NOW = dt.datetime(2024, 4, 16, 9, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, reviews = make_world()
        people, _nominations = make_people(secretariat, reviews["FRA"], every_reviewer=False)
        people["colleague"] = make_user("colleague", secretariat=True)
        yield people, reviews


@pytest.fixture
def world(shared_world, db):
    """The registry, a draw and its reviews (FRA, DEU, KEN, BRA), the personas of FRA's
    review, and a second secretariat officer ("colleague")."""
    return fresh(shared_world)


def api_client(user=None):
    from rest_framework.test import APIClient

    from revmod.test import token_for

    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client
