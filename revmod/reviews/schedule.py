"""A review's deadlines, from its rows: the dates the steps were done (from the event log and
the nominations), the consultation's agreed dates, extensions and pauses.

`Loaded` fetches what many reviews need in a fixed number of queries, so lists and the API
stay flat however many reviews they show."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Prefetch, Q

from revmod.accounts.models import Nomination
from revmod.lots.models import Pairing, ReviewGroup
from revmod.registry.models import Party
from revmod.reviews import deadlines
from revmod.reviews.access import actor_among, actor_for
from revmod.reviews.deadlines import Extension, Pause, ReviewDates, Step
from revmod.reviews.models import DeadlineChange, DeadlinePeriods, Review, ReviewEvent
from revmod.reviews.workflow import Stage

SUBMITTED = {
    Stage.QUESTIONNAIRE.value: "answers_submitted",
    Stage.WRITTEN_FEEDBACK.value: "feedback_completed",
    Stage.OBSERVATIONS.value: "observations_completed",
}


def submissions_prefetch() -> Prefetch:
    """The submissions `Loaded.done` reads of a review (one query for any number of reviews)."""
    return Prefetch(
        "events",
        queryset=ReviewEvent.objects.filter(kind="submit").order_by("at", "pk"),
        to_attr="submissions",
    )


def schedule_prefetches() -> tuple[Prefetch, ...]:
    """What `Loaded` reads of a review besides its party and consultation (two queries for any
    number of reviews): for a queryset (with_schedule_data) or reviews already read
    (prefetch_related_objects)."""
    return (
        submissions_prefetch(),
        Prefetch("deadline_changes", DeadlineChange.objects.select_related("recorded_by")),
    )


def with_schedule_data(reviews):
    """The reviews with what `Loaded` reads prefetched."""
    return reviews.select_related("party", "consultation").prefetch_related(*schedule_prefetches())


# The scopes as plain strings: all_named runs twice per review in a status of the day.
OWN, REVIEWER = Nomination.Scope.OWN.value, Nomination.Scope.REVIEWER.value


def all_named(named, party: str, reviewer_codes, kind: str) -> dt.date | None:
    """The day the last party of a review named its `kind` (focal point or expert), if every
    party has one: `named` maps (party, scope, kind) to the day that role was first filled."""
    last = named.get((party, OWN, kind))
    for code in reviewer_codes:
        if last is None:
            break
        day = named.get((code, REVIEWER, kind))
        last = None if day is None else max(last, day)
    return last


# The nominations a schedule reads (`Loaded.named`): the focal points' and the experts'.
NAMED_KINDS = (Nomination.Kind.FOCAL_POINT, Nomination.Kind.EXPERT)


def moves_named(nomination: Nomination) -> bool:
    """Whether `nomination`, just made, changes what `Loaded.named` reads of its party: whether
    its role (scope and kind) is filled, and the day it was first filled. A replacement or a
    second expert named later changes no schedule. At most two queries."""
    if nomination.kind not in NAMED_KINDS:
        return False
    others = Nomination.objects.filter(
        party=nomination.party_id, scope=nomination.scope, kind=nomination.kind
    ).exclude(pk=nomination.pk)
    if not others.active().exists():  # the role was vacant: it is filled now
        return True
    return not others.filter(starts_on__lte=nomination.starts_on).exists()


def extensions_and_pauses(changes) -> tuple[tuple[Extension, ...], tuple[Pause, ...]]:
    """A review's DeadlineChange rows as the deadlines module's extensions and pauses."""
    extensions, pauses = [], []
    for change in changes:
        if change.kind == DeadlineChange.Kind.EXTENSION:
            extensions.append(
                Extension(change.step, change.reason, new_date=change.new_date, days=change.days)
            )
        else:
            pauses.append(Pause(change.step, change.first_day, change.last_day, change.reason))
    return tuple(extensions), tuple(pauses)


def rules_by_start():
    """A function giving the deadline rules for a review started on a day: the periods of the
    latest version (DeadlinePeriods) that applies from that day or before, else the defaults.
    One query, whatever the number of reviews."""
    versions = [
        (v.applies_from, v.rules()) for v in DeadlinePeriods.objects.order_by("-applies_from")
    ]
    default = deadlines.DeadlineRules()

    def rules_for(started_on: dt.date) -> deadlines.DeadlineRules:
        return next((rules for day, rules in versions if day <= started_on), default)

    return rules_for


class Loaded:
    """The pairings in force and the active nominations of the parties of `reviews` (a list
    from `with_schedule_data`), in two queries; with `person`, that person's nominations for
    those parties in the same query, so their actor in a review (`actor`) needs no other."""

    def __init__(self, reviews: list[Review], person=None):
        self.pairings: dict[int, list[Pairing]] = defaultdict(list)
        for pairing in (
            Pairing.objects.active()
            .filter(reviewed__in=[r.party_id for r in reviews])
            .select_related("reviewer")
            .order_by("reviewer__code")
        ):
            self.pairings[pairing.reviewed_id].append(pairing)
        parties = {r.party_id for r in reviews} | {
            p.reviewer_id for items in self.pairings.values() for p in items
        }
        self.person = person if getattr(person, "is_authenticated", False) else None
        self.person_rows: list[tuple] = []  # (party pk, party code, scope, kind) of `person`
        # The roles filled now, and the day each was first filled, by whichever nomination:
        # replacing a focal point does not re-date the step "focal points named" (issue 21;
        # the rule of accounts.tally, which the statistics read).
        wanted = Q(kind__in=NAMED_KINDS)
        if self.person is not None:
            wanted |= Q(person=self.person, ends_on=None)
        first: dict[tuple[str, str, str], dt.date] = {}
        filled = set()
        for party, code, scope, kind, day, who, ends_on in Nomination.objects.filter(
            wanted, party__in=parties
        ).values_list("party", "party__code", "scope", "kind", "starts_on", "person", "ends_on"):
            if ends_on is None and self.person is not None and who == self.person.pk:
                self.person_rows.append((party, code, scope, kind))
            if kind not in NAMED_KINDS:
                continue
            key = (code, scope, kind)
            first[key] = min(day, first.get(key, day))
            if ends_on is None:
                filled.add(key)
        # (party, scope, kind) -> the day that role was first filled, for the roles filled now.
        self.named = {key: day for key, day in first.items() if key in filled}

    @cached_property
    def rules(self):
        """The deadline rules by a review's first day (rules_by_start), read when a schedule
        is first asked for: most users of Loaded only want the pairings and nominations."""
        return rules_by_start()

    def actor(self, user, review: Review):
        """The workflow actor `user` is in `review` (access.actor_for): no query when they
        are the `person` these were read for (their nominations for the review's parties are
        all the rule reads)."""
        reviewers = set(self.reviewer_codes(review))
        if self.person is not None and user.pk == self.person.pk and not user.is_secretariat:
            return actor_among(self.person_rows, review.party_id, reviewers)
        return actor_for(user, review, reviewers)

    def reviewer_codes(self, review: Review) -> list[str]:
        return [p.reviewer.code for p in self.pairings[review.party_id]]

    def parties(self, review: Review) -> dict[str, Party]:
        """The review's parties by code, the party under review first, then the reviewing
        parties in force: the rows whose names a page shows for codes (no query)."""
        found = {review.party.code: review.party}
        found.update((p.reviewer.code, p.reviewer) for p in self.pairings[review.party_id])
        return found

    def focal_points(self, review: Review) -> set[str]:
        """The parties of the review that have a focal point for their role in it now."""
        fp = Nomination.Kind.FOCAL_POINT
        code = review.party.code
        own = {code} if (code, Nomination.Scope.OWN, fp) in self.named else set()
        return own | {
            code
            for code in self.reviewer_codes(review)
            if (code, Nomination.Scope.REVIEWER, fp) in self.named
        }

    def done(self, review: Review) -> dict[str, dt.date | None]:
        """The dates the review's steps were done, by ReviewDates' field (those not done: None
        or absent), from its submissions (`submissions_prefetch`), its consultation and the
        nominations: no query. A public page reads these without the deadlines' changes."""
        codes = self.reviewer_codes(review)
        done: dict[str, dt.date | None] = {
            "focal_points_named": all_named(self.named, review.party.code, codes, "focal_point"),
            "experts_named": all_named(self.named, review.party.code, codes, "expert"),
        }
        # The last submission of each step counts: a reopened step is done when resubmitted.
        for event in review.submissions:
            field = SUBMITTED.get(event.data.get("from"))
            if field:
                done[field] = event.at.date()
        consultation = getattr(review, "consultation", None)
        if consultation is not None:
            done["consultation_held"] = consultation.held_on
        return done

    def dates(self, review: Review) -> ReviewDates:
        agreed = {}
        reason = ""
        consultation = getattr(review, "consultation", None)
        if consultation is not None:
            agreed = {Step(k): dt.date.fromisoformat(v) for k, v in consultation.agreed.items()}
            reason = consultation.agreed_reason
        extensions, pauses = extensions_and_pauses(review.deadline_changes.all())
        return ReviewDates(
            start=review.started_on,
            agreed=agreed,
            agreed_reason=reason,
            extensions=extensions,
            pauses=pauses,
            **self.done(review),
        )

    def schedule(
        self, review: Review, today: dt.date | None = None
    ) -> list[deadlines.StepDeadline]:
        """The one entry point to a review's schedule: its steps with their due dates, under the
        deadline rules in force when it started; as of `today` (what had happened by then) when
        given."""
        dates = self.dates(review)
        if today is not None:
            dates = deadlines.as_of(dates, today)
        return deadlines.schedule(dates, self.rules(review.started_on))


@dataclass(frozen=True)
class GroupProgress:
    """How far a group is in a cluster: its reviews, those complete, and the day the share
    the rules ask for is forecast (deadlines.forecast_share_date), None when unknown."""

    group: ReviewGroup
    reviews: int
    completed: int
    forecast: dt.date | None

    @property
    def share(self) -> float:
        return self.completed / self.reviews if self.reviews else 0.0


def cluster_progress(cluster, share: float) -> list[GroupProgress]:
    """Each group's progress in `cluster`, from the reviews' schedules (a fixed number of
    queries whatever the number of reviews)."""
    reviews = list(
        with_schedule_data(Review.objects.filter(cluster=cluster)).select_related("group")
    )
    loaded = Loaded(reviews)
    by_group: dict[int, list] = defaultdict(list)
    for review in reviews:
        by_group[review.group_id].append((review, loaded.schedule(review)))
    result = []
    for group in ReviewGroup.objects.filter(pk__in=by_group).order_by("number"):
        completed, expected, delays = [], [], []
        for _review, steps in by_group[group.pk]:
            last = steps[-1]
            delays += [s.delay_days for s in steps if s.delay_days is not None]
            if last.done is not None:
                completed.append(last.done)
            else:
                expected.append(last.due)
        forecast = deadlines.forecast_share_date(completed, expected, share, delays)
        result.append(GroupProgress(group, len(by_group[group.pk]), len(completed), forecast))
    return result
