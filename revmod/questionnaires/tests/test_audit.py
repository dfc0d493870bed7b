"""The audit of what was submitted (issue 16): the frozen rows — submitted answers and feedback,
versions of the list of observations, sign-offs, publication decisions — take no UPDATE or
DELETE in the database itself, and `manage.py verifyaudit` finds one changed behind the
platform's back (its snapshot against its SHA-256, the row against the event written with it)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from revmod.lib import appendonly
from revmod.questionnaires import observations, publication
from revmod.questionnaires.actions import digest
from revmod.questionnaires.models import (
    AnswerPublication,
    AnswerSubmission,
    FeedbackSubmission,
    ObservationVersion,
    PublicationDecision,
    SignOff,
)
from revmod.questionnaires.tests.test_questionnaires import NOW
from revmod.reviews import actions as reviews

pytestmark = pytest.mark.django_db
FROZEN = [
    AnswerSubmission,
    FeedbackSubmission,
    ObservationVersion,
    SignOff,
    PublicationDecision,
    AnswerPublication,
]


@pytest.fixture
def frozen(fb):
    """The review at the observations stage: answers and feedback submitted, a version of the
    list of observations signed off by the party under review, a publication decision."""
    review, people, _first, _others = fb
    for fp in people["all_fps"]:
        reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=people["main_fp"], now=NOW)
    observations.save_version(
        review, by=people["expert"], now=NOW, based_on=0, sections={"summary": "Summary."}
    )
    observations.sign_off(review, by=people["reviewed_fp"], now=NOW, number=1)
    observations.decide_publication(review, by=people["reviewed_fp"], now=NOW, choice="none")
    publication.decide(review, by=people["reviewed_fp"], now=NOW, choice="all")
    assert all(model.objects.exists() for model in FROZEN)
    return review


def verify() -> tuple[str, bool]:
    out = StringIO()
    try:
        call_command("verifyaudit", stdout=out)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


def drop_triggers(model) -> None:
    """Inside the test's transaction: rolled back with it."""
    with connection.cursor() as cursor:
        for statement in appendonly.uninstall_sql(connection.vendor, model._meta.db_table):
            cursor.execute(statement)


# A column of each frozen row, and a value to put in it.
CHANGE = {
    AnswerSubmission: ("sha256", "0" * 64),
    FeedbackSubmission: ("sha256", "0" * 64),
    ObservationVersion: ("sha256", "0" * 64),
    SignOff: ("at", NOW.replace(year=2020)),
    PublicationDecision: ("choice", "full"),
    AnswerPublication: ("choice", "none"),
}


@pytest.mark.parametrize("model", FROZEN, ids=lambda m: m.__name__)
def test_a_frozen_row_is_never_changed_nor_deleted(frozen, model):
    """Refused by the database whoever asks: raw SQL, the ORM's update() and delete()."""
    row = model.objects.first()
    field, value = CHANGE[model]
    table, column = model._meta.db_table, model._meta.get_field(field).column
    for sql, params in [
        (f'UPDATE "{table}" SET "{column}" = %s WHERE id = %s', [value, row.pk]),
        (f'DELETE FROM "{table}" WHERE id = %s', [row.pk]),
    ]:
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: value})
    # (a version signed off is kept by its sign-off's protected key already)
    refused = "append-only|protected foreign keys"
    with pytest.raises(IntegrityError, match=refused), transaction.atomic():
        model.objects.filter(pk=row.pk).delete()
    assert model.objects.filter(pk=row.pk, **{field: getattr(row, field)}).exists()


@pytest.mark.parametrize("model", [AnswerSubmission, FeedbackSubmission])
def test_a_submission_takes_no_new_sha256(frozen, model):
    submission = model.objects.get()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        model.objects.filter(pk=submission.pk).update(sha256="0" * 64)
    submission.refresh_from_db()
    assert submission.sha256 == digest(submission.snapshot)


def test_verifyaudit_holds_for_what_the_platform_froze(frozen):
    out, holds = verify()
    assert holds, out
    assert "The audit holds" in out


def test_verifyaudit_finds_a_snapshot_changed_with_the_triggers_dropped(frozen):
    drop_triggers(AnswerSubmission)
    submission = AnswerSubmission.objects.get()
    snapshot = submission.snapshot
    snapshot["answers"][0]["text"] = "Another law."
    AnswerSubmission.objects.filter(pk=submission.pk).update(snapshot=snapshot)
    out, holds = verify()
    assert not holds
    assert f"review {frozen.pk}, submitted answers {submission.pk}: its snapshot" in out


def test_verifyaudit_finds_a_snapshot_rewritten_with_its_hash(frozen):
    """Changed with a matching SHA-256, the row no longer matches the event written with it
    (whose own hash is in the chain)."""
    drop_triggers(ObservationVersion)
    version = ObservationVersion.objects.get()
    sections = {**version.sections, "summary": "Another summary."}
    ObservationVersion.objects.filter(pk=version.pk).update(
        sections=sections, sha256=digest(sections)
    )
    out, holds = verify()
    assert not holds
    assert f"version of the list of observations {version.pk}: no event" in out
    assert "records 1 that no row holds now" in out


def test_verifyaudit_finds_a_sign_off_removed(frozen):
    drop_triggers(SignOff)
    SignOff.objects.all().delete()
    out, holds = verify()
    assert not holds
    assert f"review {frozen.pk}, sign-off: the review's event records 1 that no row" in out
