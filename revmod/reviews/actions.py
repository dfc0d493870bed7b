"""The operations on country reviews and nominations, each one transaction that checks
everything first, changes the rows, and records an event."""

import datetime as dt
import hashlib
import secrets
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revmod.accounts.models import Nomination, User
from revmod.lib.access import is_secretariat
from revmod.lib.hooks import Hook
from revmod.lib.i18n import DATA_CODES
from revmod.lots.models import GroupAssignment, Pairing
from revmod.registry import versions
from revmod.registry.models import Cluster, Party
from revmod.reviews import deadlines, stages, tasks, timeline, workflow
from revmod.reviews.access import actor_for
from revmod.reviews.deadlines import Step
from revmod.reviews.models import (
    STAGE_LABELS,
    STEP_LABELS,
    CalendarFeed,
    Consultation,
    DeadlineChange,
    Review,
    ReviewEvent,
)
from revmod.reviews.schedule import (
    NAMED_KINDS,
    Loaded,
    cluster_progress,
    moves_named,
    with_schedule_data,
)
from revmod.reviews.workflow import Action, ReviewState, Stage, WorkflowError

# What the layers above do when these facts happen (notifications e-mails the people concerned;
# registered in NotificationsConfig.ready), called in the action's transaction.
STARTED = Hook("hook(review, loaded, *, today, now): a review's first day has come")
RECORDED = Hook("hook(review, event, *, by, now): a workflow action is recorded")


class ReviewError(Exception):
    """An action refused, with a message for the person who tried."""


ERROR_MESSAGES = {
    "not_allowed": gettext_lazy("You may not do this in this review."),
    "out_of_order": gettext_lazy("This is not possible at the review's current stage."),
    "stale": gettext_lazy(
        "The review has changed since you opened this page (it is now at the stage "
        "“%s”): nothing was done. Look at it again before you act."
    ),
    "guard_focal_points": gettext_lazy(
        "Every party of the review must first name its focal point: %s."
    ),
    "guard_consultation": gettext_lazy("Record the initial consultation first."),
    "guard_clearance": gettext_lazy(
        "The focal points of these parties have not cleared it yet: %s."
    ),
    "already_cleared": gettext_lazy("Your party has already cleared it."),
    "reason_required": gettext_lazy("Give the reason for reopening."),
    "bad_target": gettext_lazy("The review cannot be reopened to that stage."),
}


def record(review: Review, kind: str, *, by: User | None, at: dt.datetime, **data) -> ReviewEvent:
    """Write an event of `review` (the one place the workflow's events are written), keep the
    review's timeline (the facts the statistics read) and count a change of the records."""
    event = ReviewEvent.objects.create(review=review, kind=kind, actor=by, at=at, data=data)
    timeline.append(review.pk, kind, at, data)
    versions.bump()
    return event


DUE_FIELDS = ["due_step", "due_on", "first_open_due_on"]
# The reviews whose due columns wait for the end of a `deferred_due` block (None outside one).
_DEFERRED: ContextVar[set[int] | None] = ContextVar("deferred_due", default=None)


@contextmanager
def deferred_due():
    """A block of many actions (a bulk load: the demo's simulated history) in which
    `refresh_due` only notes the reviews; their due columns are written once, when the block
    ends without an error. Use it inside the load's transaction, so the columns are written
    with the changes, and read none of them inside it."""
    pending: set[int] = set()
    token = _DEFERRED.set(pending)
    try:
        yield
    finally:
        _DEFERRED.reset(token)
    refresh_due(Review.objects.filter(pk__in=pending))


def refresh_due(reviews) -> dict[int, tasks.Due]:
    """Write on each of `reviews` (a queryset or a list of rows) what the lists sort and filter
    on (`tasks.Due`), from its schedule as it stands: called by every action that changes
    what a schedule reads (the workflow's stage, a submission, the consultation, a deadline
    change, a nomination, the reviewing parties, the periods), in its transaction, after the
    change. A fixed number of queries whatever the number of reviews. Returns {pk: Due}
    (nothing inside `deferred_due`, which writes them at its end)."""
    pks = [r.pk for r in reviews]
    pending = _DEFERRED.get()
    if pending is not None:
        pending.update(pks)
        return {}
    rows = list(with_schedule_data(Review.objects.filter(pk__in=pks)))
    loaded = Loaded(rows)
    found, changed = {}, []
    for review in rows:
        due = found[review.pk] = tasks.due_of(review, loaded)
        if any(getattr(review, name) != getattr(due, name) for name in DUE_FIELDS):
            for name in DUE_FIELDS:
                setattr(review, name, getattr(due, name))
            changed.append(review)
    Review.objects.bulk_update(changed, DUE_FIELDS, batch_size=500)
    return found


def _refreshed(review: Review) -> None:
    """`refresh_due` of one review, its row in memory updated too."""
    due = refresh_due([review]).get(review.pk)
    for name in DUE_FIELDS if due else ():
        setattr(review, name, getattr(due, name))


def state_of(review: Review, loaded: Loaded | None = None) -> ReviewState:
    """The workflow's view of `review`: its reviewing parties in force and which parties have a
    focal point, read through `Loaded` (pass one already built for a list)."""
    loaded = loaded or Loaded([review])
    return ReviewState(
        reviewed=review.party.code,
        reviewers=loaded.reviewer_codes(review),
        stage=review.stage,
        focal_points=loaded.focal_points(review),
        consultation_recorded=review.consultation_recorded,
        cleared=set(review.cleared),
    )


def allowed(review: Review, user, *, loaded: Loaded | None = None, actor=None) -> list[Action]:
    """What `user` may do in `review` now (for the pages to offer). A page that has already
    read the review's pairings and nominations (`loaded`) and the user's actor in it passes
    them, and nothing is read twice."""
    loaded = loaded or Loaded([review])
    actor = actor or loaded.actor(user, review)
    if actor is None:
        return []
    state = state_of(review, loaded)
    return [
        action
        for action in workflow.allowed_actions(state, actor)
        if not stages.refusal(review, action, actor, state)
    ]


def _message(error: WorkflowError) -> str:
    template = str(ERROR_MESSAGES[error.code.value])
    return template % ", ".join(error.parties) if "%s" in template else template


def cluster_under_review() -> Cluster | None:
    """The cluster the mechanism reviews now: the last in the order of review that has reviews,
    or the first when none has (a fresh install); None before the registry is loaded."""
    clusters = Cluster.objects.order_by("-review_order")
    return clusters.filter(reviews__isnull=False).first() or clusters.last()


@transaction.atomic
def start_cluster(
    cluster: Cluster,
    *,
    groups: list,
    by: User,
    now: dt.datetime,
    starts_on: dt.date,
    parties: list[str] | None = None,
    reason: str = "",
) -> list[Review]:
    """The secretariat starts `cluster` for the parties of `groups` (or only those among them
    whose codes are `parties`) on `starts_on`. The rule (seed ¶25, REVMOD_NEXT_CLUSTER_SHARE):
    a group starts its next cluster once that share of its reviews of the cluster before is
    complete; earlier only with a `reason`, recorded on each review created."""
    if not is_secretariat(by):
        raise ReviewError(str(ERROR_MESSAGES["not_allowed"]))
    if not groups:
        raise ReviewError(_("Choose the groups that start the cluster."))
    before = (
        Cluster.objects.filter(review_order__lt=cluster.review_order)
        .order_by("-review_order")
        .first()
    )
    share = settings.REVMOD_NEXT_CLUSTER_SHARE / 100
    if before is not None and not reason.strip():
        progress = {p.group.pk: p for p in cluster_progress(before, share)}
        short = [g for g in groups if g.pk not in progress or progress[g.pk].share < share]
        if short:
            raise ReviewError(
                _(
                    "Group %(groups)s has not completed %(rule)s%% of its reviews of cluster "
                    "%(cluster)s: give the reason to start now, or wait."
                )
                % {
                    "groups": ", ".join(str(g.number) for g in short),
                    "rule": settings.REVMOD_NEXT_CLUSTER_SHARE,
                    "cluster": before.number,
                }
            )
    in_groups = Party.objects.filter(group_assignment__group__in=groups)
    if parties is not None:
        in_groups = in_groups.filter(code__in=parties)
    created = create_reviews(
        cluster, by=by, now=now, parties=list(in_groups), starts_on=starts_on, reason=reason.strip()
    )
    if not created:
        raise ReviewError(_("These parties already have their review of this cluster."))
    return created


def reviews_of_published_draw(draw, *, now: dt.datetime, by: User | None, replaced) -> None:
    """lots.actions.publish's hook (ReviewsConfig.ready): a full draw creates the review of
    every party it placed, a late-joiner draw the late joiners', in the cluster under review
    (cluster_under_review), each starting on its group's date. A redraw creates none: the
    reviews stay, with their new reviewer."""
    cluster = cluster_under_review()
    if cluster is not None and draw.kind in (draw.Kind.INITIAL, draw.Kind.LATE):
        create_reviews(cluster, by=by, now=now)
        # Reviews already under way whose reviewing parties the draw changed.
        refresh_due(Review.objects.filter(party__in=draw.pairings.values("reviewed")))
        return
    # A redraw or a Protocol joiners' draw changes the reviewing parties of reviews under way:
    # their timelines say so (the review page lists the reviewers in force).
    changes: dict[int, list[dict]] = {}
    pairings = draw.pairings.select_related("reviewer").prefetch_related("supersedes__reviewer")
    for pairing in pairings:
        before = next(iter(pairing.supersedes.all()), None)
        changes.setdefault(pairing.reviewed_id, []).append(
            {
                "reviewer": pairing.reviewer.code,
                "instruments": pairing.instruments,
                "replaces": before.reviewer.code
                if before and before.reviewer_id != pairing.reviewer_id
                else None,
            }
        )
    under_way = Review.objects.filter(party__in=changes).exclude(stage=workflow.Stage.COMPLETED)
    for review in under_way.order_by("pk"):
        record(
            review,
            "reviewers_changed",
            by=by,
            at=now,
            draw=draw.pk,
            changes=changes[review.party_id],
        )
    refresh_due(under_way)


@transaction.atomic
def create_reviews(
    cluster: Cluster,
    *,
    by: User | None,
    now: dt.datetime,
    parties: list[Party] | None = None,
    starts_on: dt.date | None = None,
    reason: str = "",
) -> list[Review]:
    """A review of every party placed in a group (or of `parties` only), for `cluster`,
    starting on the group's date (seed ¶22) or on `starts_on`. Parties that already have one
    are left alone. `by`: None when the reviews come from a draw published by no one named (a
    script); `reason`: why they start before the rules allow (start_cluster), on the event."""
    assignments = GroupAssignment.objects.select_related("party", "group")
    if parties is not None:
        assignments = assignments.filter(party__in=parties)
    existing = set(Review.objects.filter(cluster=cluster).values_list("party_id", flat=True))
    created = []
    for assignment in assignments:
        if assignment.party_id in existing:
            continue
        review = Review.objects.create(
            party=assignment.party,
            cluster=cluster,
            group=assignment.group,
            started_on=starts_on or assignment.group.starts_on,
            stage_since=now,
        )
        extra = {"reason": reason} if reason else {}
        record(review, "created", by=by, at=now, started_on=str(review.started_on), **extra)
        created.append(review)
    refresh_due(created)
    # A review whose first day has come is announced now; the others on their first day, by the
    # daily reminders (notifications.reminders).
    started = [r.pk for r in created if r.started_on <= now.date()]
    if started:
        reviews = list(with_schedule_data(Review.objects.filter(pk__in=started)))
        loaded = Loaded(reviews)
        for review in reviews:
            STARTED(review, loaded, today=now.date(), now=now)
    return created


@transaction.atomic
def act(
    review: Review,
    action: Action | str,
    *,
    by: User,
    now: dt.datetime | None = None,
    reason: str | None = None,
    to: str | None = None,
    on_behalf_of: str | None = None,
    version: int | None = None,
) -> Review:
    """Take a workflow action (start the consultation, advance, draft, clear, submit, reopen)
    as `by`; refused with ReviewError when the workflow says no. Clearing, submitting and
    reopening e-mail the people of the review (RECORDED, notifications.triggers).

    `version`: the review's version the person saw (the pages and the API send it); refused,
    changing nothing, when the review has changed since — a double click or a stale page. The
    review is locked before anything is read; without `now` (the pages and the API), the time
    is taken under the lock, so the timeline stays in the order things happened.

    `on_behalf_of` (a party code; the secretariat only, with a `reason`): the secretariat acts
    as the focal point of a party of the review that cannot use the platform (seed ¶33, the
    digital gap); the event and the e-mails say so."""
    review = Review.objects.select_for_update().select_related("party").get(pk=review.pk)
    actor, before, after = _checked(
        review, action, by=by, reason=reason, to=to, on_behalf_of=on_behalf_of, version=version
    )
    now = now or timezone.now()  # taken under the lock: the timeline's order is the real one
    review.cleared = sorted(after.cleared)
    review.consultation_recorded = after.consultation_recorded
    review.version += 1
    fields = ["cleared", "consultation_recorded", "version"]
    if after.stage != before.stage:
        review.stage, review.stage_since = after.stage.value, now
        fields += ["stage", "stage_since"]
    review.save(update_fields=fields)
    data = {"from": before.stage.value, "to": after.stage.value}
    if actor.party:
        data["party"] = actor.party
    if on_behalf_of:
        data["on_behalf_of"] = actor.party
    if reason:
        data["reason"] = reason
    event = record(review, Action(action).value, by=by, at=now, **data)
    if Action(action) == Action.SUBMIT:
        # The step's app keeps what was submitted, in this transaction (e.g. the answers are
        # frozen: what the reviewing parties read is what was submitted, rule 40).
        stages.submitted(review, before.stage, by=by, now=now)
    if (after.stage, after.consultation_recorded) != (before.stage, before.consultation_recorded):
        _refreshed(review)  # a clearance alone moves no due date
    RECORDED(review, event, by=by, now=now)
    return review


def preview(
    review: Review,
    action: Action | str,
    *,
    by: User,
    reason: str | None = None,
    to: str | None = None,
    on_behalf_of: str | None = None,
    version: int | None = None,
) -> tuple[workflow.Actor, ReviewState, ReviewState]:
    """What `act` would do with the same arguments, without doing it (nothing is written or
    locked): the actor (the focal point the secretariat stands in for, `on_behalf_of`), the
    state before and after; ReviewError with `act`'s message when `act` would refuse now. The
    pages ask it before showing the confirmation of an action."""
    return _checked(
        review, action, by=by, reason=reason, to=to, on_behalf_of=on_behalf_of, version=version
    )


def _checked(review, action, *, by, reason, to, on_behalf_of, version):
    """`act`'s checks, in its order: who acts, the version seen, the stand-in, the step's own
    check, then the workflow's. (actor, state before, state after), or ReviewError."""
    loaded = Loaded([review])
    reviewer_codes = set(loaded.reviewer_codes(review))
    actor = actor_for(by, review, reviewer_codes)
    if actor is None:
        raise ReviewError(str(ERROR_MESSAGES["not_allowed"]))
    if version is not None and version != review.version:
        raise ReviewError(str(ERROR_MESSAGES["stale"]) % STAGE_LABELS[Stage(review.stage)])
    if on_behalf_of:
        actor = _on_behalf(actor, on_behalf_of, review, reviewer_codes, reason)
    before = state_of(review, loaded)
    # What the step's app requires (e.g. the list of observations is cleared by signing off a
    # version): asked only when the workflow itself would allow the action.
    refusal = stages.refusal(review, Action(action), actor, before)
    if refusal and workflow.check(before, Action(action), actor) is None:
        raise ReviewError(refusal)
    try:
        after = workflow.apply(before, Action(action), actor, reason=reason, to=to)
    except WorkflowError as error:
        raise ReviewError(_message(error)) from None
    except ValueError:
        raise ReviewError(str(ERROR_MESSAGES["out_of_order"])) from None
    return actor, before, after


def stand_in(by: User, review: Review, code: str, reason: str | None) -> workflow.Actor:
    """The focal point of party `code` of `review` that the secretariat member `by` stands in
    for, with a reason (the digital gap, seed ¶33); ReviewError otherwise."""
    reviewer_codes = set(Loaded([review]).reviewer_codes(review))
    actor = actor_for(by, review, reviewer_codes)
    if actor is None:
        raise ReviewError(str(ERROR_MESSAGES["not_allowed"]))
    return _on_behalf(actor, code, review, reviewer_codes, reason)


def _on_behalf(actor, code: str, review: Review, reviewer_codes: set[str], reason: str | None):
    """The focal point of party `code` that the secretariat stands in for (act's on_behalf_of)."""
    if actor.role != workflow.Role.SECRETARIAT:
        raise ReviewError(_("Only the secretariat acts on behalf of a party."))
    if not (reason or "").strip():
        raise ReviewError(_("Say why the secretariat acts on behalf of the party."))
    if code == review.party.code:
        side = workflow.Side.REVIEWED
    elif code in reviewer_codes:
        side = workflow.Side.REVIEWING
    else:
        raise ReviewError(_("This party takes no part in this review."))
    return workflow.Actor(workflow.Role.FOCAL_POINT, code, side)


@transaction.atomic
def record_consultation(
    review: Review,
    *,
    by: User,
    now: dt.datetime,
    held_on: dt.date,
    languages: list[str],
    no_agreement: bool = False,
    exceptional_reason: str = "",
    agreed: dict[str, dt.date] | None = None,
    agreed_reason: str = "",
    division_of_tasks: str = "",
) -> Consultation:
    """Record (or amend) the initial consultation: one or two working languages, three only
    with an exceptional reason, or no agreement (rule 50, seed ¶27-28); agreed dates per step,
    those later than the rules' limits only with `agreed_reason` (rules 34, 35, seed ¶31, ¶35,
    ¶40: `deadlines.agreed_limits`, docs/decisions.md)."""
    languages = sorted(set(languages))
    if any(code not in DATA_CODES for code in languages):
        raise ReviewError(_("Working languages are among the six official languages."))
    if no_agreement and languages:
        raise ReviewError(_("Either the languages agreed, or no agreement, not both."))
    if not no_agreement and not languages:
        raise ReviewError(_("Give the working languages agreed, or record that none was."))
    if len(languages) == 3 and not exceptional_reason.strip():
        raise ReviewError(_("Three working languages need a recorded exceptional reason."))
    if len(languages) > 3:
        raise ReviewError(_("A review works in at most three languages."))
    agreed_days = {Step(step): day for step, day in (agreed or {}).items()}
    agreed = {step.value: day.isoformat() for step, day in agreed_days.items()}
    if held_on > now.date():
        raise ReviewError(_("The consultation cannot be held in the future."))
    agreed_reason = agreed_reason.strip()
    if not agreed_reason:
        _check_agreed_limits(review, agreed_days)
    act(review, Action.RECORD_CONSULTATION, by=by, now=now)
    consultation, _created = Consultation.objects.update_or_create(
        review=review,
        defaults={
            "held_on": held_on,
            "languages": languages,
            "no_agreement": no_agreement,
            "exceptional_reason": exceptional_reason.strip(),
            "agreed": agreed,
            "agreed_reason": agreed_reason,
            "division_of_tasks": division_of_tasks.strip(),
        },
    )
    record(
        review,
        "consultation",
        by=by,
        at=now,
        held_on=held_on.isoformat(),
        languages=languages,
        no_agreement=no_agreement,
        agreed=agreed,
        agreed_reason=agreed_reason,
    )
    _refreshed(review)
    return consultation


def _check_agreed_limits(review: Review, agreed: dict[Step, dt.date]) -> None:
    """ReviewError naming each agreed date later than its limit (deadlines.agreed_limits) with
    the limit: such a date stands only with a recorded reason."""
    loaded_review = with_schedule_data(Review.objects.filter(pk=review.pk)).get()
    loaded = Loaded([loaded_review])
    dates = replace(loaded.dates(loaded_review), agreed=agreed)
    rules = loaded.rules(loaded_review.started_on)
    limits = deadlines.agreed_limits(dates, rules)
    beyond = deadlines.agreed_beyond(dates, rules)
    if beyond:
        details = "; ".join(
            _("%(step)s: %(agreed)s, at the latest %(limit)s")
            % {
                "step": STEP_LABELS[step],
                "agreed": date_format(agreed[step], "DATE_FORMAT"),
                "limit": date_format(limits[step], "DATE_FORMAT"),
            }
            for step in beyond
        )
        raise ReviewError(
            _(
                "These agreed dates are later than the rules allow (%(details)s). Agree earlier "
                "dates, or give the reason for the later ones."
            )
            % {"details": details}
        )


@transaction.atomic
def change_deadline(
    review: Review,
    *,
    by: User,
    now: dt.datetime,
    step: str,
    kind: str,
    reason: str,
    new_date: dt.date | None = None,
    days: int | None = None,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
) -> DeadlineChange:
    """The secretariat extends or pauses one step's deadline, with a reason."""
    if not is_secretariat(by):
        raise ReviewError(str(ERROR_MESSAGES["not_allowed"]))
    if not reason.strip():
        raise ReviewError(_("Give the reason for changing the deadline."))
    if kind == DeadlineChange.Kind.EXTENSION and (new_date is None) == (days is None):
        raise ReviewError(_("An extension gives either a new date or a number of days."))
    if kind == DeadlineChange.Kind.PAUSE and (
        first_day is None or last_day is None or last_day < first_day
    ):
        raise ReviewError(_("A pause has a first and a last day, in that order."))
    change = DeadlineChange.objects.create(
        review=review,
        step=Step(step).value,
        kind=kind,
        new_date=new_date,
        days=days,
        first_day=first_day,
        last_day=last_day,
        reason=reason.strip(),
        recorded_by=by,
        recorded_at=now,
    )
    record(review, f"deadline_{kind}", by=by, at=now, step=change.step, reason=change.reason)
    _refreshed(review)
    return change


@transaction.atomic
def assign_officers(
    reviews: list[Review], *, officers: list[User], by: User, now: dt.datetime, add: bool = False
) -> list[Review]:
    """The secretariat assigns officers to reviews: exactly `officers` (the review page), or
    `officers` added to those already assigned (`add`, the reviews list in bulk). An event names
    the officers of each review whose officers changed; returns those reviews. Officers are
    active secretariat accounts: reminders and escalations that belong to no party person go
    to them (notifications.reminders)."""
    if not is_secretariat(by):
        raise ReviewError(str(ERROR_MESSAGES["not_allowed"]))
    if not reviews:
        raise ReviewError(_("Choose at least one review."))
    if any(not (o.is_secretariat and o.is_active) for o in officers):
        raise ReviewError(_("Only active secretariat accounts can be officers of a review."))
    chosen = {o.pk: o for o in officers}
    current: dict[int, set[int]] = {r.pk: set() for r in reviews}
    for review_id, user_id in Review.officers.through.objects.filter(
        review__in=reviews
    ).values_list("review_id", "user_id"):
        current[review_id].add(user_id)
    names = dict(
        User.objects.filter(pk__in=set(chosen).union(*current.values())).values_list(
            "pk", "username"
        )
    )
    through = Review.officers.through
    changed, new_rows = [], []
    for review in reviews:
        wanted = current[review.pk] | set(chosen) if add else set(chosen)
        if wanted == current[review.pk]:
            continue
        if add:  # in bulk: only rows to add, in one query for all the reviews
            new_rows += [through(review=review, user_id=pk) for pk in wanted - current[review.pk]]
        else:
            review.officers.set(wanted)
        officers_named = sorted(names[pk] for pk in wanted)
        record(review, "officers_assigned", by=by, at=now, officers=officers_named)
        changed.append(review)
    through.objects.bulk_create(new_rows)
    return changed


def _reviews_of(party: Party, scope: str):
    """The reviews a nomination of `party` for `scope` gives access to."""
    if scope == Nomination.Scope.OWN:
        return Review.objects.filter(party=party)
    reviewed = Pairing.objects.active().filter(reviewer=party).values("reviewed")
    return Review.objects.filter(party__in=reviewed)


def nomination_recorded(nomination: Nomination, *, replaced, approved, by, now) -> None:
    """accounts.actions.NOMINATED's handler (ReviewsConfig.ready): the event on every review the
    nomination gives access to."""
    party = nomination.party
    event = "focal_point_replaced" if replaced else f"{nomination.kind}_named"
    reviews = list(_reviews_of(party, nomination.scope))
    for review in reviews:
        record(
            review,
            event,
            by=by,
            at=now,
            party=party.code,
            scope=nomination.scope,
            person=nomination.person.get_username(),
            on=nomination.starts_on.isoformat(),
        )
    if moves_named(nomination):
        refresh_due(reviews)


def nomination_ended(nomination: Nomination, *, by, now) -> None:
    """accounts.actions.NOMINATION_ENDED's handler: the event on the reviews concerned."""
    reviews = list(_reviews_of(nomination.party, nomination.scope))
    for review in reviews:
        record(review, f"{nomination.kind}_ended", by=by, at=now, party=nomination.party.code)
    if nomination.kind in NAMED_KINDS:  # the first day its role was filled may move
        refresh_due(reviews)


def _feed_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def renew_calendar_feed(person: User, *, now: dt.datetime) -> str:
    """A new secret token for `person`'s calendar feed (the address of their deadlines): the
    old one, if any, stops working. Only its SHA-256 is kept: the token is shown once."""
    if not person.is_active:
        raise ReviewError(_("This account is deactivated."))
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        person=person, defaults={"token_hash": _feed_hash(token), "created_at": now}
    )
    return token


def revoke_calendar_feed(person: User) -> bool:
    """`person`'s calendar feed revoked: its address answers 404 from now on. Whether there
    was one."""
    deleted, _kinds = CalendarFeed.objects.filter(person=person).delete()
    return bool(deleted)


def calendar_feed_for(token: str, *, now: dt.datetime) -> CalendarFeed | None:
    """The feed of `token`, its use recorded; None for an unknown or revoked token or a
    deactivated account."""
    feed = (
        CalendarFeed.objects.select_related("person")
        .filter(token_hash=_feed_hash(token), person__is_active=True)
        .first()
    )
    if feed is not None:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed
