"""The append-only tables with transactions that commit (in a module of their own: no shared
data). `manage.py flush` still empties them (SQLite empties tables with DELETE, which the
triggers refuse outside the maintenance door); the tests that commit are flushed after each;
and, on PostgreSQL, events written at once in one review still form one chain."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction

from revmod.reviews import actions, chain
from revmod.reviews.models import Review, ReviewEvent
from revmod.test import make_world

NOW = dt.datetime(2024, 5, 2, 9, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_append_only_tables_and_keeps_them_protected():
    _secretariat, reviews = make_world(reviewed=("FRA", "DEU"))
    assert ReviewEvent.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not ReviewEvent.objects.exists() and not Review.objects.exists()
    secretariat, reviews = make_world(reviewed=("FRA", "DEU"))
    event = ReviewEvent.objects.filter(review=reviews["FRA"]).first()
    assert event.prev_hash == ""
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ReviewEvent.objects.filter(pk=event.pk).delete()
    # The events committed here are flushed after the test, by the same door.


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes one at a time")
@pytest.mark.django_db(transaction=True)
def test_events_written_at_once_in_one_review_form_one_chain():
    secretariat, reviews = make_world(reviewed=("FRA", "DEU"))
    review = reviews["FRA"]
    start = threading.Barrier(4)
    errors = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(15):
                with transaction.atomic():
                    actions.record(review, "note", by=secretariat, at=NOW, writer=n, i=i)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    rows = ReviewEvent.objects.filter(review=review).order_by("pk").values_list(*chain.FIELDS)
    rows = [chain.Row(*row) for row in rows]
    assert len(rows) > 60
    assert chain.first_break(rows) is None
    assert len({row.prev_hash for row in rows}) == len(rows)  # no fork: one event after each
