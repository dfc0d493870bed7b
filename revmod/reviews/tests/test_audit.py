"""The tamper-evident timeline (issue 16): the database itself refuses to change or delete an
event or a record of a read, on both databases; each event carries the hash of the review's
event before it; `manage.py verifyaudit` names the first broken link of a chain changed behind
the triggers' back, and a chain cut after the heads an earlier run wrote down."""

import datetime as dt
import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from revmod.lib import appendonly
from revmod.questionnaires.models import (
    AnswerPublication,
    AnswerSubmission,
    FeedbackSubmission,
    ObservationVersion,
    PublicationDecision,
    SignOff,
)
from revmod.reviews import actions, chain
from revmod.reviews.models import ReadRecord, ReviewEvent
from revmod.reviews.reads import How, record_read
from revmod.test import fresh, make_people, make_world, shared_data

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 5, 2, 9, tzinfo=dt.UTC)
PROTECTED = [
    ReviewEvent,
    ReadRecord,
    AnswerSubmission,
    FeedbackSubmission,
    ObservationVersion,
    SignOff,
    PublicationDecision,
    AnswerPublication,
]


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, reviews = make_world()
        review = reviews["FRA"]
        people, _nominations = make_people(secretariat, review, every_reviewer=False)
        for n in range(3):
            actions.record(review, "note", by=secretariat, at=NOW, n=n, text="é ✓")
        yield secretariat, review, people


@pytest.fixture
def world(shared_world, db):
    """FRA's review (events from its creation, its people's nominations and three notes)."""
    return fresh(shared_world)


def events_of(review) -> list[ReviewEvent]:
    return list(ReviewEvent.objects.filter(review=review).order_by("pk"))


def verify(*args) -> tuple[str, bool]:
    out = StringIO()
    try:
        call_command("verifyaudit", *args, stdout=out)
    except CommandError as error:
        return out.getvalue() + str(error), False
    return out.getvalue(), True


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def drop_triggers() -> None:
    """Inside the test's transaction: rolled back with it."""
    for statement in appendonly.uninstall_sql(connection.vendor, ReviewEvent._meta.db_table):
        sql(statement)


def test_every_append_only_table_has_its_triggers_after_the_migrations():
    """A migration that remakes a table on SQLite drops its triggers: it must install them
    again (lib.appendonly)."""
    for model in PROTECTED:
        table = model._meta.db_table
        assert appendonly.installed(connection, table) == set(appendonly.trigger_names(table))


def test_a_raw_sql_update_or_delete_of_an_event_is_refused(world):
    _secretariat, review, _people = world
    event = events_of(review)[-1]
    for statement in [
        "UPDATE reviews_reviewevent SET kind = 'forged' WHERE id = %s",
        "UPDATE reviews_reviewevent SET data = '{}', hash = '' WHERE id = %s",
        "DELETE FROM reviews_reviewevent WHERE id = %s",
    ]:
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            sql(statement, [event.pk])
    assert events_of(review)[-1].kind == "note"


def test_the_orm_changes_no_event_nor_read_record(world):
    secretariat, review, _people = world
    [read] = record_read(secretariat, review, "answers", how=How.PAGE)
    for model, pk in [(ReviewEvent, events_of(review)[0].pk), (ReadRecord, read.pk)]:
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            model.objects.filter(pk=pk).update(at=NOW)
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            model.objects.filter(pk=pk).delete()
    with pytest.raises(ValueError, match="never changed"):
        events_of(review)[0].save()
    assert ReadRecord.objects.filter(pk=read.pk, at=read.at).exists()


def test_each_event_carries_the_hash_of_the_one_before_in_its_review(world):
    secretariat, review, _people = world
    other = ReviewEvent.objects.exclude(review=review).order_by("pk").first()
    assert other.prev_hash == ""  # each review has its own chain
    events = events_of(review)
    assert events[0].prev_hash == ""
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    last = events[-1]
    assert last.hash == chain.event_hash(
        review_id=review.pk,
        at=last.at,
        actor_id=secretariat.pk,
        kind="note",
        data={"n": 2, "text": "é ✓"},
        prev_hash=events[-2].hash,
    )


def test_verifyaudit_holds_for_the_events_the_platform_wrote(world):
    out, holds = verify()
    assert holds, out
    assert f"The audit holds: {ReviewEvent.objects.count()} events" in out


def test_verifyaudit_names_an_event_changed_with_the_triggers_dropped(world):
    _secretariat, review, _people = world
    drop_triggers()
    changed = events_of(review)[-2]
    sql("UPDATE reviews_reviewevent SET data = %s WHERE id = %s", ['{"n": 7}', changed.pk])
    out, holds = verify()
    assert not holds
    assert f"BROKEN review {review.pk}, event {changed.pk}: its content" in out
    assert "the event was changed" in out
    assert "1 problem(s) in 1 review(s)" in out


def test_verifyaudit_names_the_event_after_one_removed(world):
    _secretariat, review, _people = world
    drop_triggers()
    events = events_of(review)
    sql("DELETE FROM reviews_reviewevent WHERE id = %s", [events[-2].pk])
    out, holds = verify()
    assert not holds
    assert f"BROKEN review {review.pk}, event {events[-1].pk}: its prev_hash" in out
    assert f"does not match event {events[-3].pk}" in out


def test_a_chain_cut_and_rehashed_is_found_against_the_heads_of_an_earlier_run(world, tmp_path):
    _secretariat, review, _people = world
    heads = tmp_path / "heads.json"
    out, holds = verify("--write-heads", str(heads))
    assert holds, out
    # Whoever removes the last event through the maintenance door leaves a chain that holds...
    with appendonly.maintenance(connection, "test"):
        ReviewEvent.objects.filter(pk=events_of(review)[-1].pk).delete()
    assert verify()[1]
    # ... but no longer runs through the head written down before.
    out, holds = verify("--against", str(heads))
    assert not holds
    assert f"review {review.pk}, event" in out and "the chain was cut or rewritten" in out


def test_the_maintenance_door_closes_behind_it(world):
    _secretariat, review, _people = world
    event = events_of(review)[-1]
    with appendonly.maintenance(connection, "test"):
        ReviewEvent.objects.filter(pk=event.pk).update(kind="mended")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ReviewEvent.objects.filter(pk=event.pk).update(kind="note")
    assert verify()[1] is False  # mended without rehashing: verifyaudit says so


def test_the_migration_computes_the_chain_the_platform_writes(world):
    """The migration that filled the chain of the events written before it."""
    migration = importlib.import_module("revmod.reviews.migrations.0004_event_chain")
    before = dict(ReviewEvent.objects.values_list("pk", "hash"))
    with appendonly.maintenance(connection, "test"):
        ReviewEvent.objects.update(prev_hash="", hash="")
        migration.fill_chain(apps, None)
    assert dict(ReviewEvent.objects.values_list("pk", "hash")) == before
    assert verify()[1]
