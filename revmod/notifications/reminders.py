"""Reminders of deadlines, run once a day (`manage.py sendreminders`, or the worker loop).

Each open step of a running review has a due date (`reviews.deadlines`, through
`reviews.schedule.Loaded`). A reminder is due on fixed days around it: `lead` days before
("due soon"), on the day ("due today"), then every 7 days after (overdue), at most
REVMOD_REMINDER_OVERDUE_MAX times. On any other day nothing is sent. The idempotency key names
the review, the step, the due date and the reminder (`reminder:<review>:<step>:<due>:<n>:...`),
so running twice a day sends nothing more, and a due date moved by an extension or a pause
starts its own reminders.

- Nominations (steps focal_points and experts, 3 days' lead): for each party of the review
  that has not named its focal point (or its experts) for its role in it. A missing focal point
  has no person to remind: the party's focal point for its other role is told (a party reviewed
  and reviewing has one for each, seed ¶13), else the secretariat officers following the
  review. Missing experts: the party's focal point for this role, else the same.
- The other steps (7 days' lead) go to the side that must act: the secretariat officers
  following the review for the initial consultation; the focal points and experts of the party
  under review for the questionnaire, of the reviewing parties for the written feedback, of
  both for the observations; the officers when that side has nobody. Everyone reminded about a
  step may see the review (`Review.objects.visible_to`).

Each reminder links to the page where its step is done (`reviews.tasks.page_of`, from what
the step's app registered with `reviews.stages`): the answers, the feedback, the observations;
the review's page for the nominations and the consultation.

The same daily run tells everyone in a review that it has started, on its first day (or up to
STARTED_CATCH_UP_DAYS later, when the worker was down that day; once per person).

`today` is an argument: tests pass it in."""

import datetime as dt

from django.conf import settings
from django.db import transaction

from revmod.accounts.models import Nomination, User
from revmod.notifications import triggers
from revmod.notifications.models import Message
from revmod.notifications.outbox import enqueue
from revmod.reviews import tasks
from revmod.reviews.deadlines import Step
from revmod.reviews.models import STEP_LABELS, Review
from revmod.reviews.schedule import Loaded, with_schedule_data
from revmod.reviews.workflow import Stage

NOMINATION_STEPS = {Step.FOCAL_POINTS: Nomination.Kind.FOCAL_POINT, Step.EXPERTS: "expert"}
LEAD_DAYS = {Step.FOCAL_POINTS: 3, Step.EXPERTS: 3}
STEP_LEAD_DAYS = 7
STARTED_CATCH_UP_DAYS = 3
# Running reviews whose schedules are read and computed together: the worker sends the
# reminders just before the digests on the first of a month, and all of them at once held
# their event logs, deadline changes and nominations (tens of MB at fifty times the mechanism).
SCHEDULE_BATCH = 1000
OWN, REVIEWER = Nomination.Scope.OWN, Nomination.Scope.REVIEWER


def slot(due: dt.date, today: dt.date, lead: int) -> str | None:
    """Which reminder is due on `today` for a step due on `due`: "soon", "today", the number of
    the overdue reminder ("1", "2", ... up to the cap), or None."""
    if today == due - dt.timedelta(days=lead):
        return "soon"
    if today == due:
        return "today"
    late = (today - due).days
    if late > 0 and late % 7 == 0 and late // 7 <= settings.REVMOD_REMINDER_OVERDUE_MAX:
        return str(late // 7)
    return None


def _officers(review) -> list[User]:
    return list(review.officers.filter(is_secretariat=True, is_active=True).order_by("pk"))


def _people(party_ids, scope, kinds) -> list[User]:
    nominated = Nomination.objects.active().filter(party__in=party_ids, scope=scope, kind__in=kinds)
    return list(
        User.objects.filter(pk__in=nominated.values("person"), is_active=True).order_by("pk")
    )


def nomination_recipients(review, party, scope, kind) -> list[User]:
    """Who is reminded that `party` has not named its `kind` for its role (`scope`) in
    `review` (module docstring)."""
    fp = Nomination.Kind.FOCAL_POINT
    if kind != fp:
        people = _people([party.pk], scope, [fp])
        if people:
            return people
    other = REVIEWER if scope == OWN else OWN
    return _people([party.pk], other, [fp]) or _officers(review)


def step_recipients(review, step: Step, reviewers) -> list[User]:
    """The people of the side that must act on `step`, who may see `review`."""
    acting = [Nomination.Kind.FOCAL_POINT, "expert"]
    if step == Step.INITIAL_CONSULTATION:
        people: list[User] = []
    elif step == Step.QUESTIONNAIRE:
        people = _people([review.party_id], OWN, acting)
    elif step == Step.WRITTEN_FEEDBACK:
        people = _people([p.reviewer_id for p in reviewers], REVIEWER, acting)
    else:
        people = _people([review.party_id], OWN, acting) + _people(
            [p.reviewer_id for p in reviewers], REVIEWER, acting
        )
    people = [p for p in people if Review.objects.visible_to(p).filter(pk=review.pk).exists()]
    return people or _officers(review)


def send_reminders(today: dt.date, *, now: dt.datetime) -> int:
    """Enqueue the reminders due on `today`; the number of messages stored (a second run on
    the same day stores none)."""
    stored = 0
    running = Review.objects.exclude(stage=Stage.COMPLETED)
    pks = list(running.values_list("pk", flat=True))
    for first in range(0, len(pks), SCHEDULE_BATCH):
        batch = pks[first : first + SCHEDULE_BATCH]
        reviews = list(with_schedule_data(running.filter(pk__in=batch)))
        stored += _remind(reviews, Loaded(reviews), today, now)
    return stored


def _remind(reviews, loaded, today: dt.date, now: dt.datetime) -> int:
    """send_reminders for `reviews` (read with their schedule data, `loaded`)."""
    stored = 0
    for review in reviews:
        if 0 <= (today - review.started_on).days < STARTED_CATCH_UP_DAYS:
            with transaction.atomic():
                stored += triggers.review_started(review, loaded, today=today, now=now)
        for sd in loaded.schedule(review, today):
            if sd.done is not None or sd.due is None:
                continue
            n = slot(sd.due, today, LEAD_DAYS.get(sd.step, STEP_LEAD_DAYS))
            if n is None:
                continue
            base = f"reminder:{review.pk}:{sd.step.value}:{sd.due.isoformat()}:{n}"
            context = {
                "review": review,
                "step": STEP_LABELS[sd.step],
                # Where the step is done (its page, the review's for nominations and the
                # consultation): the message links there.
                "page": tasks.page_of(sd.step),
                "due": sd.due,
                "slot": n,
                "days_late": max((today - sd.due).days, 0),
            }
            with transaction.atomic():
                if sd.step in NOMINATION_STEPS:
                    stored += _nominations(review, loaded, sd.step, base, context, now)
                else:
                    for person in step_recipients(
                        review, sd.step, loaded.pairings[review.party_id]
                    ):
                        stored += _enqueue(
                            "deadline_reminder", person, context, f"{base}:{person.pk}", now
                        )
    return stored


def _nominations(review, loaded, step, base, context, now) -> int:
    kind = NOMINATION_STEPS[step]
    missing = []
    if (review.party.code, OWN, kind) not in loaded.named:
        missing.append((review.party, OWN))
    for pairing in loaded.pairings[review.party_id]:
        if (pairing.reviewer.code, REVIEWER, kind) not in loaded.named:
            missing.append((pairing.reviewer, REVIEWER))
    stored = 0
    for party, scope in missing:
        for person in nomination_recipients(review, party, scope, kind):
            # A focal point for the party's other role may not see this review: no link.
            sees = Review.objects.visible_to(person).filter(pk=review.pk).exists()
            stored += _enqueue(
                "nomination_reminder",
                person,
                {
                    **context,
                    "party": party,
                    "as_reviewer": scope == REVIEWER,
                    "focal_point": kind == Nomination.Kind.FOCAL_POINT,
                    "show_link": sees,
                },
                f"{base}:{party.code}:{scope}:{person.pk}",
                now,
            )
    return stored


def _enqueue(kind, person, context, key, now) -> int:

    if Message.objects.filter(key=key).exists():
        return 0
    return int(enqueue(kind, person, context, key=key, now=now) is not None)
