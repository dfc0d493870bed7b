"""What each person must do next in their reviews, and by when: the task lists (the home page,
the monthly digest, the calendar feed) and the deadline shown on every page of a step.

Nothing here decides a rule of its own: who acts at each stage is the workflow's (workflow.py:
who drafts, clears, submits), the due dates are the schedule's (`schedule.Loaded.schedule`),
who takes part in a review and as whom is `access.actor_among`'s (the rule of `actor_for`), and
which page a stage is done on, and whether a party has drafted, the step apps register
(`stages.page`, `stages.drafts`). This module puts them together:

- `todo(state, actor, drafted)`, pure: what a participant must do now, or what they wait for;
- `Facts`: what the lists need of one review; `load` reads it for any number of reviews in a
  fixed number of queries, `facts` from reviews already read with their schedule data;
- `for_person(nominations, facts, today)` and `for_secretariat(facts, today)`: the items,
  overdue first (`ordered`);
- `deadline(facts, step, today)`: the deadline block of a step's page and of "My reviews".

A participant's tasks, by stage (the actor of a review: `access.actor_among`)
------------------------------------------------------------------------------
- awaiting nominations: while a party has no focal point, everyone waits for it; then the
  focal points start the initial consultation.
- initial consultation: the focal points record it, then move on to the questionnaire.
- questionnaire, written feedback, observations (the step parties: workflow.step_parties):
  the focal points and experts of a step party that has not cleared write (answer the
  questionnaire, comment on the answers, draft the list of observations); once their party has
  a draft, its focal point clears it (clear and submit the answers, clear the feedback, sign
  off the latest version of the list); once every step party has cleared, the focal points
  submit (the last submission completes the review).
- Everyone else of the review (observers, the other side, an expert or a party that has
  cleared) gets no task but a line saying what the step waits for: the parties yet to clear,
  or the submission once all have. Observers never get a task (read-only, seed ¶19).
The due date of each is that of the step the stage is about (`current_step`).

The secretariat's list
----------------------
For the reviews it is given (the home page: those an officer follows, or all): each review
blocked awaiting nominations (the parties without a focal point), each initial consultation
to record, and every other step past its due date. Reviews not started yet are left out of
every list.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext, gettext_lazy, ngettext

from revmod.accounts.models import Nomination
from revmod.lib.i18n import join_list
from revmod.reviews import deadlines, stages
from revmod.reviews.access import actor_among
from revmod.reviews.deadlines import Step, StepDeadline
from revmod.reviews.models import STAGE_LABELS, STEP_LABELS, Review
from revmod.reviews.schedule import Loaded, with_schedule_data
from revmod.reviews.workflow import Actor, ReviewState, Role, Stage, step_parties


class Kind(StrEnum):
    """What an item of a task list asks (LABELS); WAITING and BLOCKED are no task of the
    person's: they say what the review waits for."""

    START_CONSULTATION = "start_consultation"
    RECORD_CONSULTATION = "record_consultation"
    ADVANCE = "advance"
    ANSWER = "answer"
    CLEAR_ANSWERS = "clear_answers"
    SUBMIT_ANSWERS = "submit_answers"
    COMMENT = "comment"
    CLEAR_FEEDBACK = "clear_feedback"
    SUBMIT_FEEDBACK = "submit_feedback"
    DRAFT_OBSERVATIONS = "draft_observations"
    SIGN_OFF = "sign_off"
    COMPLETE = "complete"
    WAITING = "waiting"
    # The secretariat's: a review awaiting nominations, a step past its due date.
    BLOCKED = "blocked"
    OVERDUE = "overdue"


LABELS = {
    Kind.START_CONSULTATION: gettext_lazy("Start the initial consultation"),
    Kind.RECORD_CONSULTATION: gettext_lazy("Record the initial consultation"),
    Kind.ADVANCE: gettext_lazy("Move on to the questionnaire"),
    Kind.ANSWER: gettext_lazy("Answer the questionnaire"),
    Kind.CLEAR_ANSWERS: gettext_lazy("Clear and submit the answers"),
    Kind.SUBMIT_ANSWERS: gettext_lazy("Submit the answers"),
    Kind.COMMENT: gettext_lazy("Comment on the answers"),
    Kind.CLEAR_FEEDBACK: gettext_lazy("Clear the written feedback for your party"),
    Kind.SUBMIT_FEEDBACK: gettext_lazy("Submit the written feedback"),
    Kind.DRAFT_OBSERVATIONS: gettext_lazy("Draft the list of observations"),
    Kind.SIGN_OFF: gettext_lazy("Sign off the list of observations"),
    Kind.COMPLETE: gettext_lazy("Complete the review: submit the signed list of observations"),
}
NOT_TASKS = frozenset({Kind.WAITING, Kind.BLOCKED})

# At each stage with a submission: what a step party's people do (write, clear, submit).
_AT_STEP = {
    Stage.QUESTIONNAIRE: (Kind.ANSWER, Kind.CLEAR_ANSWERS, Kind.SUBMIT_ANSWERS),
    Stage.WRITTEN_FEEDBACK: (Kind.COMMENT, Kind.CLEAR_FEEDBACK, Kind.SUBMIT_FEEDBACK),
    Stage.OBSERVATIONS: (Kind.DRAFT_OBSERVATIONS, Kind.SIGN_OFF, Kind.COMPLETE),
}


def missing_focal_points(state: ReviewState) -> tuple[str, ...]:
    """The parties of the review without a focal point, the party under review first."""
    return tuple(p for p in state.parties if p not in state.focal_points)


def waiting(state: ReviewState) -> tuple[str, ...]:
    """Whom the review's current stage waits for: the parties without a focal point while it
    awaits nominations; the step parties that have not cleared (none once all have: the
    submission is next); nobody named at the initial consultation (held together)."""
    if state.stage == Stage.AWAITING_NOMINATIONS:
        return missing_focal_points(state)
    pending = step_parties(state) - state.cleared
    return tuple(p for p in state.parties if p in pending)


def todo(
    state: ReviewState, actor: Actor, drafted: Callable[[str], bool]
) -> tuple[Kind, tuple[str, ...]] | None:
    """What `actor` (a participant, not the secretariat) must do now in a review in `state`:
    (a task's Kind, ()), or (WAITING, the parties waited for); None once completed.
    `drafted(code)`: whether party `code` has a draft of the current stage's submission.
    The rules are in the module docstring."""
    focal = actor.role == Role.FOCAL_POINT
    if state.stage == Stage.COMPLETED:
        return None
    if state.stage == Stage.AWAITING_NOMINATIONS:
        missing = missing_focal_points(state)
        if missing or not focal:
            return Kind.WAITING, missing or state.parties
        return Kind.START_CONSULTATION, ()
    if state.stage == Stage.INITIAL_CONSULTATION:
        if not focal:
            return Kind.WAITING, state.parties
        return (Kind.ADVANCE if state.consultation_recorded else Kind.RECORD_CONSULTATION), ()
    write, clear, submit = _AT_STEP[state.stage]
    pending = waiting(state)
    ours = actor.party in step_parties(state) and actor.role in {Role.FOCAL_POINT, Role.EXPERT}
    if ours and actor.party in pending:
        return (clear if focal and drafted(actor.party or "") else write), ()
    if ours and focal and not pending:
        return submit, ()
    return Kind.WAITING, pending


def current_step(state: ReviewState) -> Step | None:
    """The dated step the review's current stage is about (its due date is the one a task
    shows): the focal points' naming, then the consultation, then the step of each stage."""
    if state.stage == Stage.AWAITING_NOMINATIONS:
        return Step.FOCAL_POINTS if missing_focal_points(state) else Step.INITIAL_CONSULTATION
    if state.stage == Stage.INITIAL_CONSULTATION:
        return Step.QUESTIONNAIRE if state.consultation_recorded else Step.INITIAL_CONSULTATION
    if state.stage == Stage.COMPLETED:
        return None
    return Step(state.stage.value)


@dataclass(frozen=True)
class Due:
    """What a review's row keeps of its schedule (Review.due_step, due_on, first_open_due_on),
    so that lists filter and sort on it in the database: the current stage's step
    (`current_step`; "" once completed, or when the workflow cannot hold the review) and its
    due date, and the earliest due date of the steps still open (overdue after it)."""

    due_step: str
    due_on: dt.date | None
    first_open_due_on: dt.date | None


def current_due(state: ReviewState | None, steps: list[StepDeadline]) -> Due:
    """The `Due` of a review in `state` whose schedule (with every event known) is `steps`."""
    step = current_step(state) if state is not None else None
    by_step = {sd.step: sd for sd in steps}
    return Due(
        due_step=step.value if step else "",
        due_on=by_step[step].due if step else None,
        first_open_due_on=deadlines.first_open_due(steps),
    )


def due_of(review: Review, loaded: Loaded) -> Due:
    """The `Due` of `review` (read through `with_schedule_data`, `loaded` built on it)."""
    return current_due(_state(review, loaded), loaded.schedule(review))


def page_of(step: Step) -> str:
    """The URL name of the page where `step` is done (stages.page): the questionnaire,
    feedback and observations pages; the review's page for the nominations and consultation."""
    return stages.page(step.value) if step.value in set(Stage) else stages.REVIEW_PAGE


class Dated:
    """A due date seen on `today`: `days_late` is today - due while open (<= 0: not late),
    done - due once done; None without a due date."""

    due: dt.date | None
    done: dt.date | None
    days_late: int | None

    @property
    def overdue(self) -> bool:
        return self.done is None and self.days_late is not None and self.days_late > 0

    @property
    def days_left(self) -> int | None:
        return None if self.days_late is None else -self.days_late

    def due_text(self) -> str:
        """The due date and the days late or left, in the active language (the calendar
        feed; the pages say the same through reviews/_due.html)."""
        if self.due is None:
            return gettext("No due date yet")
        due = formats.date_format(self.due, "DATE_FORMAT")
        if self.done is not None:
            return gettext("Done on %(done)s (due on %(due)s)") % {
                "done": formats.date_format(self.done, "DATE_FORMAT"),
                "due": due,
            }
        days = self.days_late or 0
        if days > 0:
            late = ngettext("%(days)s day late", "%(days)s days late", days) % {"days": days}
        elif days == 0:
            late = gettext("due today")
        else:
            late = ngettext("%(days)s day left", "%(days)s days left", -days) % {"days": -days}
        return gettext("Due on %(due)s") % {"due": due} + " · " + late


def _days(due: dt.date | None, done: dt.date | None, today: dt.date) -> int | None:
    if due is None:
        return None
    return ((done or today) - due).days


@dataclass(frozen=True)
class Facts:
    """What the task lists need of one review: its row (party and cluster loaded), its
    workflow state, its schedule by step, the parties with a draft of the current stage's
    submission (None: a joint draft, every party's), and its parties by code."""

    review: Review
    state: ReviewState
    steps: dict[Step, StepDeadline]
    drafted: frozenset[str | None]
    parties: dict

    def drafted_by(self, code: str) -> bool:
        return None in self.drafted or code in self.drafted

    def named(self, codes: Iterable[str]) -> tuple:
        """The parties of `codes` (Party rows, for their names in the active language)."""
        return tuple(self.parties[code] for code in codes)


def facts(reviews: list[Review], loaded: Loaded, today: dt.date) -> dict[int, Facts]:
    """{pk: Facts} of those of `reviews` (read through `with_schedule_data`, their cluster
    too) that have started by `today`, their schedules as known on `today`, with `loaded`
    built on them: one query per stage with a draft to look for, whatever the number of
    reviews."""
    started = [r for r in reviews if r.started_on <= today]
    by_stage: dict[Stage, list[int]] = {}
    for review in started:
        by_stage.setdefault(Stage(review.stage), []).append(review.pk)
    drafted: dict[int, set[str | None]] = {}
    for stage, pks in by_stage.items():
        for pk, code in stages.drafts(stage, pks):
            drafted.setdefault(pk, set()).add(code)
    result = {}
    for review in started:
        state = _state(review, loaded)
        if state is None:
            continue
        result[review.pk] = Facts(
            review=review,
            state=state,
            steps={sd.step: sd for sd in loaded.schedule(review, today)},
            drafted=frozenset(drafted.get(review.pk, ())),
            parties=loaded.parties(review),
        )
    return result


def _state(review: Review, loaded: Loaded) -> ReviewState | None:
    """The workflow's state of `review` (as actions.state_of). None for a review the workflow
    cannot hold now (no reviewing party in force): a list shows nothing for it rather than
    failing for everyone; its own page says what is wrong."""
    reviewers = loaded.reviewer_codes(review)
    try:
        state = ReviewState(
            reviewed=review.party.code,
            reviewers=reviewers,
            stage=review.stage,
            focal_points=loaded.focal_points(review),
            consultation_recorded=review.consultation_recorded,
        )
    except ValueError:
        return None
    # A clearance of a party no longer on the step (a redraw replaced it) is not counted.
    return replace(state, cleared=set(review.cleared) & step_parties(state))


def load(reviews, today: dt.date, *, completed: bool = False) -> dict[int, Facts]:
    """`facts` of the reviews of the queryset `reviews` (those not completed, unless
    `completed`), in a fixed number of queries."""
    if not completed:
        reviews = reviews.exclude(stage=Stage.COMPLETED)
    rows = list(with_schedule_data(reviews).select_related("cluster"))
    return facts(rows, Loaded(rows), today)


@dataclass(frozen=True)
class Item(Dated):
    """One line of a task list: a task (`is_task`) or what a review waits for, in `review`,
    about `step` (its due date), on the page `page` (a URL name reversed with the review's
    pk); `waiting_for`: the parties waited for (Party rows)."""

    review: Review
    kind: Kind
    step: Step
    due: dt.date | None
    days_late: int | None
    page: str
    waiting_for: tuple = ()
    done: dt.date | None = None

    @property
    def is_task(self) -> bool:
        return self.kind not in NOT_TASKS

    @property
    def url(self) -> str:
        """The page's path, in the active language."""
        return reverse(self.page, args=[self.review.pk])

    @property
    def uid(self) -> str:
        """Stable for the review and the step (the calendar feed's UID)."""
        return f"review-{self.review.pk}-{self.step.value}"

    @property
    def summary(self) -> str:
        """What to do, or what the review waits for, in the active language."""
        if self.kind == Kind.OVERDUE:
            return gettext("Overdue: %(step)s") % {"step": STEP_LABELS[self.step]}
        if self.kind in LABELS:
            return str(LABELS[self.kind])
        names = join_list(p.label for p in self.waiting_for)
        if self.step == Step.FOCAL_POINTS:
            return gettext("Waiting for a focal point to be named by: %(parties)s") % {
                "parties": names
            }
        stage = Stage(self.review.stage)
        if stage in (Stage.AWAITING_NOMINATIONS, Stage.INITIAL_CONSULTATION):
            return gettext("Initial consultation: waiting for the focal points of %(parties)s") % {
                "parties": names
            }
        stage = STAGE_LABELS[stage]
        if not names:
            return gettext("%(stage)s: cleared by every party, waiting for the submission") % {
                "stage": stage
            }
        return gettext("%(stage)s: waiting for %(parties)s") % {"stage": stage, "parties": names}


def _item(f: Facts, kind: Kind, step: Step, today: dt.date, page: str, waiting_for=()) -> Item:
    sd = f.steps[step]
    return Item(
        review=f.review,
        kind=kind,
        step=step,
        due=sd.due,
        days_late=_days(sd.due, None, today),
        page=page,
        waiting_for=f.named(waiting_for),
    )


def ordered(items: Iterable[Item]) -> list[Item]:
    """Overdue first, the most overdue first; then by due date, the nearest first; those
    without a due date last."""

    def key(item: Item):
        late = item.days_late if item.overdue else 0
        return (not item.overdue, -(late or 0), item.due or dt.date.max, item.review.pk)

    return sorted(items, key=key)


def for_person(nominations, reviews: Iterable[Facts], today: dt.date) -> list[Item]:
    """The items of a person whose nominations in force are `nominations` (rows of party pk,
    party code, scope, kind: `nominations_of`), in those of `reviews` they take part in,
    ordered (tasks and waiting lines together: `Item.is_task` tells them apart)."""
    items = []
    for f in reviews:
        actor = actor_among(nominations, f.review.party_id, set(f.state.reviewers))
        found = todo(f.state, actor, f.drafted_by) if actor else None
        step = current_step(f.state)
        if found is None or step is None:
            continue
        kind, parties = found
        items.append(_item(f, kind, step, today, stages.page(f.state.stage), parties))
    return ordered(items)


def nominations_of(person) -> list[tuple]:
    """The rows `for_person` reads of `person`'s nominations in force (one query)."""
    nominations = Nomination.objects.active().filter(person=person)
    return list(nominations.values_list("party", "party__code", "scope", "kind"))


def for_user(user, today: dt.date) -> list[Item]:
    """The items of a participant (not the secretariat) in the reviews they may see now."""
    found = load(Review.objects.visible_to(user), today)
    return for_person(nominations_of(user), found.values(), today)


def for_secretariat(reviews: Iterable[Facts], today: dt.date) -> list[Item]:
    """What needs the secretariat in `reviews`: those blocked awaiting nominations, the
    consultations to record, and every other step past its due date; ordered."""
    items = []
    for f in reviews:
        covered = set()
        state = f.state
        missing = missing_focal_points(state)
        if state.stage == Stage.AWAITING_NOMINATIONS and missing:
            page = stages.REVIEW_PAGE
            items.append(_item(f, Kind.BLOCKED, Step.FOCAL_POINTS, today, page, missing))
            covered.add(Step.FOCAL_POINTS)
        if state.stage == Stage.INITIAL_CONSULTATION and not state.consultation_recorded:
            step = Step.INITIAL_CONSULTATION
            items.append(_item(f, Kind.RECORD_CONSULTATION, step, today, stages.REVIEW_PAGE))
            covered.add(step)
        for sd in f.steps.values():
            if sd.step in covered or sd.done is not None or sd.due is None or sd.due >= today:
                continue
            items.append(_item(f, Kind.OVERDUE, sd.step, today, page_of(sd.step)))
    return ordered(items)


@dataclass(frozen=True)
class Deadline(Dated):
    """A step's deadline as its page shows it: due, done, days late or left; when it is the
    step of the review's current stage, whom it waits for and who has cleared."""

    step: Step
    due: dt.date | None
    done: dt.date | None
    days_late: int | None
    current: bool
    waiting_for: tuple = ()
    cleared: tuple = ()

    @property
    def label(self):
        return STEP_LABELS[self.step]

    @property
    def everyone_cleared(self) -> bool:
        return self.current and not self.waiting_for and bool(self.cleared)


def deadline(f: Facts, step: Step | None, today: dt.date) -> Deadline | None:
    """The deadline of `step` (the current stage's step when None) of the review of `f`."""
    step = step or current_step(f.state)
    if step is None:
        return None
    sd = f.steps[step]
    current = step == current_step(f.state)
    done = None if current else sd.done
    return Deadline(
        step=step,
        due=sd.due,
        done=done,
        days_late=_days(sd.due, done, today),
        current=current,
        waiting_for=f.named(waiting(f.state)) if current else (),
        cleared=f.named(p for p in f.state.parties if p in f.state.cleared) if current else (),
    )


def deadline_of(review: Review, step: Step, today: dt.date) -> Deadline | None:
    """The deadline block of one review's step page (a fixed number of queries)."""
    found = load(Review.objects.filter(pk=review.pk), today, completed=True).get(review.pk)
    return deadline(found, step, today) if found else None
