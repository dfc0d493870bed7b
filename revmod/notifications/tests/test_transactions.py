"""The outbox in transactions that commit (each test's data is flushed after it, not rolled
back): enqueueing belongs to an action's transaction, and workers on PostgreSQL share the work.
Apart from the other outbox tests, which share data rolled back after their module
(revmod.test.shared_data)."""

import threading

import pytest
from django.db import connection, connections, transaction

from revmod.notifications import delivery
from revmod.notifications.models import Message
from revmod.notifications.outbox import enqueue
from revmod.notifications.tests.test_delivery import LEASE, NOW, queue
from revmod.test import load_registry, make_user


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_refused():
    person = make_user("someone")
    with pytest.raises(RuntimeError):
        enqueue("nomination_recorded", person, {}, key="k", now=NOW)
    assert not Message.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_workers_on_postgresql_share_the_work_without_overlap():
    load_registry()
    person = make_user("ana")
    with transaction.atomic():
        queue(person, 60)
    claimed: list[list[int]] = [[], []]
    barrier = threading.Barrier(2)

    def worker(n):
        try:
            barrier.wait()
            while batch := delivery.claim(now=NOW, limit=5, lease=LEASE):
                claimed[n].extend(m.pk for m in batch)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not set(claimed[0]) & set(claimed[1])
    assert len(claimed[0]) + len(claimed[1]) == 60
