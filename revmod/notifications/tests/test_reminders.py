"""Reminders of nominations and of review steps: on the right days, to the right people, once."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from revmod.accounts.models import Nomination
from revmod.notifications.models import Message
from revmod.notifications.reminders import send_reminders, slot
from revmod.reviews.deadlines import Step
from revmod.reviews.schedule import Loaded, with_schedule_data
from revmod.test import make_user, make_world, nominate

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
OWN, REVIEWER = Nomination.Scope.OWN, Nomination.Scope.REVIEWER
FP = Nomination.Kind.FOCAL_POINT


def due_of(review, step):
    review = with_schedule_data(type(review).objects.filter(pk=review.pk)).get()
    loaded = Loaded([review])
    return {sd.step: sd.due for sd in loaded.schedule(review)}[step]


def sent(today, kind, review, step=""):
    """Run the reminders of `today`; who got a message of `kind` about `review` (usernames)
    from this run."""
    before = set(Message.objects.values_list("pk", flat=True))
    send_reminders(today, now=NOW)
    new = Message.objects.filter(kind=kind, key__startswith=f"reminder:{review.pk}:{step}")
    new = new.exclude(pk__in=before)
    return sorted(m.recipient.username for m in new)


def test_reminder_days_lead_the_day_then_weekly_capped(settings):
    settings.REVMOD_REMINDER_OVERDUE_MAX = 4
    due = dt.date(2024, 3, 10)
    days = {due + n * DAY: slot(due, due + n * DAY, 3) for n in range(-10, 60)}
    assert {d: s for d, s in days.items() if s} == {
        due - 3 * DAY: "soon",
        due: "today",
        due + 7 * DAY: "1",
        due + 14 * DAY: "2",
        due + 21 * DAY: "3",
        due + 28 * DAY: "4",
    }


def test_a_missing_focal_point_is_chased_through_the_partys_other_focal_point_or_officers():
    secretariat, reviews = make_world()
    review = reviews["FRA"]
    officer = make_user("officer", secretariat=True)
    review.officers.add(officer)
    a, b = [p.reviewer.code for p in review.pairings()][:2]
    rest = [p.reviewer.code for p in review.pairings()][2:]
    # FRA has no focal point for its own review, but one as a reviewing party elsewhere.
    nominate(make_user("fra_reviewing"), "FRA", FP, REVIEWER, secretariat)
    # A names none as reviewer of FRA, but has one for its own review.
    nominate(make_user("a_own"), a, FP, OWN, secretariat)
    # B has no focal point at all: the officers following the review are told.
    for i, code in enumerate(rest):
        nominate(make_user(f"fp_{i}"), code, FP, REVIEWER, secretariat)
    make_user("outsider")
    due = due_of(review, Step.FOCAL_POINTS)
    assert b not in rest

    expected = ["a_own", "fra_reviewing", "officer"]
    assert sent(due - 3 * DAY, "nomination_reminder", review, "focal_points") == expected
    # Idempotent: the same day again stores nothing.
    assert sent(due - 3 * DAY, "nomination_reminder", review, "focal_points") == []
    assert sent(due - 2 * DAY, "nomination_reminder", review, "focal_points") == []
    assert sent(due, "nomination_reminder", review, "focal_points") == expected
    assert sent(due + 1 * DAY, "nomination_reminder", review, "focal_points") == []
    for week in (1, 2, 3, 4):
        assert sent(due + 7 * week * DAY, "nomination_reminder", review, "focal_points") == expected
    # Capped at 4 overdue reminders.
    assert sent(due + 35 * DAY, "nomination_reminder", review, "focal_points") == []
    keys = Message.objects.filter(
        key__startswith=f"reminder:{review.pk}:focal_points:", recipient__username="officer"
    )
    assert {k.split(":")[4] for k in keys.values_list("key", flat=True)} == {
        "soon",
        "today",
        "1",
        "2",
        "3",
        "4",
    }
    first = keys.get(key__contains=":soon:")
    assert first.key.startswith(f"reminder:{review.pk}:focal_points:{due.isoformat()}:soon:")
    # The focal point of FRA's other role cannot open FRA's review: no link to it.
    fra = Message.objects.filter(
        kind="nomination_reminder", recipient__username="fra_reviewing"
    ).first()
    assert "/reviews/" not in fra.text
    assert "/reviews/" in first.text


def test_steps_due_remind_the_side_that_must_act(world, settings):
    review, people = world
    review.officers.add(people["secretariat"])
    due = due_of(review, Step.QUESTIONNAIRE)
    # The party under review answers the questionnaire: its focal point and expert.
    assert sent(due - 7 * DAY, "deadline_reminder", review) == ["expert", "reviewed_fp"]
    assert sent(due - 7 * DAY, "deadline_reminder", review) == []
    assert sent(due, "deadline_reminder", review) == ["expert", "reviewed_fp"]
    message = Message.objects.filter(kind="deadline_reminder", recipient=people["reviewed_fp"])
    assert message.first().language == "ar"
    # It links to the questionnaire's page, where the answers are written, in their language.
    page = f"/ar/reviews/{review.pk}/questionnaire/"
    assert page in message.first().text and f'href="http://127.0.0.1:8000{page}"' in (
        message.first().html
    )
    # Nobody else: not the observer, not the reviewers, not an outsider.
    everyone = set(
        Message.objects.filter(kind="deadline_reminder").values_list(
            "recipient__username", flat=True
        )
    )
    assert everyone <= {"expert", "reviewed_fp", "secretariat"}
    # The consultation is the secretariat's: its officer is told.
    consultation = due_of(review, Step.INITIAL_CONSULTATION)
    assert "secretariat" in sent(consultation - 7 * DAY, "deadline_reminder", review)
    # The consultation is recorded on the review's page: the message links there.
    told = Message.objects.filter(kind="deadline_reminder", recipient=people["secretariat"])
    assert told.get().text.rstrip().endswith(f"/en/reviews/{review.pk}/")


def test_an_extension_starts_the_reminders_of_its_new_date(world):
    review, people = world
    due = due_of(review, Step.QUESTIONNAIRE)
    assert sent(due, "deadline_reminder", review) == ["expert", "reviewed_fp"]
    review.deadline_changes.create(
        kind="extension",
        step=Step.QUESTIONNAIRE,
        days=30,
        reason="Translation",
        recorded_by=people["secretariat"],
        recorded_at=NOW,
    )
    new_due = due_of(review, Step.QUESTIONNAIRE)
    assert new_due == due + 30 * DAY
    assert sent(due, "deadline_reminder", review) == []  # the old date is not due any more
    assert sent(new_due, "deadline_reminder", review) == ["expert", "reviewed_fp"]


def test_the_command_takes_today(world):
    review, people = world
    due = due_of(review, Step.QUESTIONNAIRE)
    out = StringIO()
    call_command("sendreminders", "--today", due.isoformat(), stdout=out)
    assert f"reminders for {due.isoformat()}:" in out.getvalue()
    assert Message.objects.filter(kind="deadline_reminder").exists()


def test_reminders_made_a_batch_of_reviews_at_a_time_are_those_made_at_once(world, monkeypatch):
    """The reviews' schedules are read SCHEDULE_BATCH reviews at a time: batches of one
    review store the very reminders one batch of all stores."""
    from revmod.notifications import reminders
    from revmod.reviews import actions
    from revmod.reviews.models import Review

    review, people = world
    secretariat = people["secretariat"]
    # The officer is told of the reviews whose parties have named no focal point yet.
    actions.assign_officers(
        list(Review.objects.all()), officers=[secretariat], by=secretariat, now=NOW
    )
    today = due_of(review, Step.FOCAL_POINTS)

    def run(batch: int) -> dict:
        monkeypatch.setattr(reminders, "SCHEDULE_BATCH", batch)
        send_reminders(today, now=NOW)
        found = Message.objects.filter(key__startswith="reminder:")
        made = {m.key: (m.recipient_id, m.subject, m.text) for m in found}
        found.delete()
        return made

    at_once = run(10_000)
    assert at_once and Review.objects.count() > 1  # batches of one: several batches
    assert run(1) == at_once
