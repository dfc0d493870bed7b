"""Who is told what, called by the actions inside their transactions. Each function picks its
recipients and enqueues one message per person; keys make a repeated call harmless.

Recipients of anything about a review are only people who may see it now (the rule of
`reviews.access`): the active focal points, experts and observers of the party under
review, the active focal points and experts of its reviewing parties in force, and the
secretariat officers following it. A replaced focal point, a replaced reviewing party's people
and anyone else get nothing about the review."""

from revmod.accounts.models import Nomination, User
from revmod.notifications.models import Message
from revmod.notifications.outbox import enqueue
from revmod.registry.models import Instrument, Party
from revmod.reviews import access
from revmod.reviews.models import STAGE_LABELS, STEP_LABELS
from revmod.reviews.workflow import Stage


def review_audience(review, *, focal_points_only: bool = False, exclude=None) -> list[User]:
    """The people who may see `review` and hear about it (reviews.access.audience), by id;
    `exclude` (the person who acted) is left out."""
    people = access.audience(review, focal_points_only=focal_points_only)
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return list(people.order_by("pk"))


REVIEW_EVENT_KINDS = {
    "clear": "step_cleared",
    "submit": "step_submitted",
    "reopen": "step_reopened",
}


def review_event(review, event, *, by, now) -> None:
    """A step cleared (to the review's focal points: they clear and submit), submitted or
    reopened (to everyone in the review); never to the person who did it."""

    kind = REVIEW_EVENT_KINDS.get(event.kind)
    if kind is None:
        return
    data = event.data
    context = {
        "review": review,
        "from_stage": STAGE_LABELS[Stage(data["from"])],
        "to_stage": STAGE_LABELS[Stage(data["to"])],
        "party": Party.objects.filter(code=data.get("party")).first(),
        "reason": data.get("reason", ""),
        "on_behalf": bool(data.get("on_behalf_of")),
    }
    for person in review_audience(review, focal_points_only=kind == "step_cleared", exclude=by):
        enqueue(kind, person, context, key=f"event:{event.pk}:{person.pk}", now=now)


def nomination_recorded(nomination, *, replaced=None, approved=False, now, by=None) -> None:
    """The person nominated is told (with the handover note when they replace a focal point);
    the focal point replaced is told who follows. `approved`: the nomination comes with the
    approval of the person's registration, so their one message says both (they may sign in
    now, and for what)."""
    context = {"nomination": nomination, "party": nomination.party, "replaced": replaced}
    if approved:
        kind = "account_approved"
    else:
        kind = "focal_point_handover" if replaced else "nomination_recorded"
    enqueue(kind, nomination.person, context, key=f"nomination:{nomination.pk}", now=now)
    if replaced is not None:
        enqueue(
            "focal_point_replaced",
            replaced.person,
            context,
            key=f"nomination:{replaced.pk}:replaced",
            now=now,
        )


def draw_published(draw, *, now, by, replaced) -> None:
    """lots.actions.publish's hook (NotificationsConfig.ready): a redraw, or reviewers drawn for
    Protocols joined later, are e-mailed."""
    if draw.kind == draw.Kind.REDRAW:
        redraw_published(draw, replaced, now=now)
    elif draw.kind == draw.Kind.PROTOCOL:
        reviewers_added(draw, now=now)


def reviewers_added(draw, *, now) -> None:
    """The focal points of the parties a Protocol joiners' draw concerns (the party under
    review, each reviewer drawn or taking a new instrument) are told what concerns their party:
    (party under review, reviewing party, its instruments now) for each pairing of the draw."""
    concerned: dict[int, list] = {}
    # The instruments by name (in each recipient's language), not by code.
    instruments = {i.code: i for i in Instrument.objects.all()}
    for pairing in draw.pairings.select_related("reviewed", "reviewer").order_by("pk"):
        named = tuple(instruments[code] for code in pairing.instruments if code in instruments)
        line = (pairing.reviewed, pairing.reviewer, named)
        for party, scope in (
            (pairing.reviewed, Nomination.Scope.OWN),
            (pairing.reviewer, Nomination.Scope.REVIEWER),
        ):
            for person in (
                Nomination.objects.active()
                .filter(party=party, scope=scope, kind=Nomination.Kind.FOCAL_POINT)
                .values_list("person", flat=True)
            ):
                lines = concerned.setdefault(person, [])
                if line not in lines:
                    lines.append(line)
    for person in User.objects.filter(pk__in=concerned, is_active=True).order_by("pk"):
        context = {"draw": draw, "meeting": draw.meeting, "added": concerned[person.pk]}
        enqueue("reviewers_added", person, context, key=f"draw:{draw.pk}:{person.pk}", now=now)


def redraw_published(draw, replacements, *, now) -> None:
    """The focal points of the parties a published redraw concerns (the party under review, the
    reviewer replaced, the one drawn) are told of the replacements that concern their party.
    `replacements`: (party under review, reviewer replaced, reviewer drawn) as Party rows."""
    concerned: dict[int, list] = {}
    for reviewed, old, new in replacements:
        for party, scope in (
            (reviewed, Nomination.Scope.OWN),
            (old, Nomination.Scope.REVIEWER),
            (new, Nomination.Scope.REVIEWER),
        ):
            for nomination in Nomination.objects.active().filter(
                party=party, scope=scope, kind=Nomination.Kind.FOCAL_POINT
            ):
                lines = concerned.setdefault(nomination.person_id, [])
                if (reviewed, old, new) not in lines:
                    lines.append((reviewed, old, new))
    people = User.objects.filter(pk__in=concerned, is_active=True).order_by("pk")
    for person in people:
        context = {"draw": draw, "meeting": draw.meeting, "replacements": concerned[person.pk]}
        enqueue("redraw_published", person, context, key=f"draw:{draw.pk}:{person.pk}", now=now)


def review_started(review, loaded, *, today, now) -> int:
    """The review of a party has started (its group's first day, seed ¶22): everyone who may
    see it is told who reviews whom and what is due first. Once per person (the key), however
    often it is called; `review` comes from `with_schedule_data`, `loaded` is its `Loaded`.
    The number of messages stored."""

    steps = loaded.schedule(review, today)
    first = next((sd for sd in steps if sd.done is None and sd.due is not None), None)
    context = {
        "review": review,
        "reviewers": [p.reviewer for p in loaded.pairings[review.party_id]],
        "started_on": review.started_on,
        "next_step": STEP_LABELS[first.step] if first else None,
        "next_due": first.due if first else None,
    }
    stored = 0
    for person in review_audience(review):
        key = f"review_started:{review.pk}:{person.pk}"
        if Message.objects.filter(key=key).exists():
            continue
        stored += enqueue("review_started", person, context, key=key, now=now) is not None
    return stored
