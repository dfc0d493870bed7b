"""The monthly digest (`manage.py senddigest --month YYYY-MM`, and the worker on the first day
of a month): one message per person per month, key `digest:<user>:<YYYY-MM>`, in their
language, with
- what happened that month in the reviews they may see now (`Review.objects.visible_to`: only
  those; an officer: those they follow), from the ReviewEvent rows, counted by kind per review;
- what is due next in those reviews (each open step with a due date, the earliest first);
- the messages they chose to receive only in the digest (status DIGEST) of that month;
- for the secretariat, every step of every running review overdue on the first day of the
  next month.
Nobody with nothing to read gets a digest. Running again for the same month stores nothing
(the key), whatever changed since."""

import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from revmod.accounts.models import Nomination, User
from revmod.notifications.models import Message
from revmod.notifications.outbox import enqueue
from revmod.reviews import deadlines
from revmod.reviews.models import EVENT_LABELS, STEP_LABELS, Review, ReviewEvent
from revmod.reviews.schedule import Loaded, with_schedule_data
from revmod.reviews.workflow import Stage


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime, dt.date]:
    """(first instant, first instant of the next month, first day of the next month) of the
    month of `month`, in the site's time zone."""
    first = month.replace(day=1)
    following = deadlines.add_months(first, 1)
    zone = timezone.get_default_timezone()
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=zone),
        dt.datetime.combine(following, dt.time.min, tzinfo=zone),
        following,
    )


def _schedules(reviews, today):
    """{review pk: [open StepDeadline with a due date, earliest first]} as known on `today`."""
    reviews = list(with_schedule_data(reviews))
    loaded = Loaded(reviews)
    result = {}
    for review in reviews:
        dates = deadlines.as_of(loaded.dates(review), today)
        steps = [
            sd
            for sd in deadlines.schedule(dates, deadlines.DeadlineRules())
            if sd.done is None and sd.due is not None
        ]
        result[review.pk] = (review, sorted(steps, key=lambda sd: sd.due))
    return result


def candidates(start, end):
    """Who may have something to read: the active people nominated, the secretariat, and
    anyone with a message kept for the digest that month."""
    kept = Message.objects.filter(
        status=Message.Status.DIGEST, created_at__gte=start, created_at__lt=end
    ).values("recipient")
    return (
        User.objects.filter(
            Q(pk__in=Nomination.objects.active().values("person"))
            | Q(is_secretariat=True)
            | Q(pk__in=kept),
            is_active=True,
        )
        .exclude(email="")
        .order_by("pk")
    )


def send_digests(month: dt.date, *, now: dt.datetime) -> int:
    """Enqueue the digests of `month`; the number stored by this run."""
    start, end, following = month_bounds(month)
    label = start.strftime("%Y-%m")
    running = Review.objects.exclude(stage=Stage.COMPLETED)
    schedules = _schedules(running, following)
    overdue_all = [
        (review, sd, (following - sd.due).days)
        for review, steps in schedules.values()
        for sd in steps
        if sd.due < following
    ]
    stored = 0
    for person in candidates(start, end):
        key = f"digest:{person.pk}:{label}"
        if Message.objects.filter(key=key).exists():
            continue
        context = digest_context(person, start, end, following, schedules, overdue_all)
        if not any(context[part] for part in ("reviews", "kept", "overdue")):
            continue
        with transaction.atomic():
            stored += enqueue("digest", person, context, key=key, now=now) is not None
    return stored


def digest_context(person, start, end, following, schedules, overdue_all) -> dict:
    if person.is_secretariat:
        # An officer's reviews are those they follow (all are visible to them: the overdue
        # list below covers the rest).
        visible = set(person.followed_reviews.values_list("pk", flat=True))
    else:
        visible = set(Review.objects.visible_to(person).values_list("pk", flat=True))
    counts: dict[int, Counter] = {}
    for review_id, kind in ReviewEvent.objects.filter(
        review__in=visible, at__gte=start, at__lt=end
    ).values_list("review", "kind"):
        counts.setdefault(review_id, Counter())[kind] += 1
    reviews = []
    for pk in sorted(visible & (set(counts) | set(schedules))):
        review, steps = schedules.get(pk, (None, []))
        if review is None:
            review = Review.objects.select_related("party", "cluster").get(pk=pk)
        happened = [
            (EVENT_LABELS.get(kind, kind), n) for kind, n in sorted(counts.get(pk, {}).items())
        ]
        upcoming = [(STEP_LABELS[sd.step], sd.due) for sd in steps if sd.due >= following][:1]
        late = [(STEP_LABELS[sd.step], sd.due) for sd in steps if sd.due < following]
        if happened or upcoming or late:
            reviews.append(
                {"review": review, "happened": happened, "upcoming": upcoming, "late": late}
            )
    kept = list(
        Message.objects.filter(
            recipient=person,
            status=Message.Status.DIGEST,
            created_at__gte=start,
            created_at__lt=end,
        ).values_list("subject", flat=True)
    )
    overdue = []
    if person.is_secretariat:
        overdue = [(review, STEP_LABELS[sd.step], sd.due, days) for review, sd, days in overdue_all]
    return {
        "month": start.date(),
        "reviews": reviews,
        "kept": kept,
        "overdue": overdue,
    }
