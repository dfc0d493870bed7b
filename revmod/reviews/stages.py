"""What the app that owns a step does at its stage, registered with the reviews at start-up.

`reviews` runs the workflow of every stage but knows nothing of the material of each step (the
answers, the written feedback, the list of observations): the app that owns a step registers,
in its `AppConfig.ready`, what its stage needs (docs/architecture.md), so `reviews` never
imports a step app. The contract of each hook:

- `check(review, action, actor, state) -> str | None`: why `actor` may not take `action`
  (clear or submit) at this stage now, beyond the workflow's rules, or None. `act` calls it
  with the review locked and refuses with its message; `allowed` calls it so that a page never
  offers what `act` would refuse. It reads, never writes.
- `submitted(review, *, by, now)`: the stage has just been submitted; called inside `act`'s
  transaction, after the event is recorded and before the e-mails (e.g. freeze what was
  submitted). If it raises, nothing of the submission is kept.
- `page`: the URL name of the stage's page (reversed with the review's pk), where the people
  who act at this stage do it: the task lists, the calendar feed and the deadline blocks link
  there. A stage without one is done on the review's own page (`reviews:detail`).
- `drafts(review_pks) -> iterable of (review pk, party code or None)`: which of these reviews
  have a draft of the stage's submission, and whose: a party's own draft (its answers, its
  comments), or None for a draft written jointly by every party (the list of observations).
  One query whatever the number of reviews (the task lists ask it for hundreds at once). It
  reads, never writes.
- `summary(review, action, actor, state) -> lib.confirm.Summary | None`: what clearing or
  submitting the stage's submission sends now (counts, what is missing, linked back to where
  it is done) and what follows, to whom; the review's page shows it before the person
  confirms (issue 17, item 3). None for an action it has nothing to say about (`reviews`
  then says what the workflow does). A fixed number of queries; it reads, never writes.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from revmod.lib.confirm import Summary
from revmod.reviews.workflow import Stage

# Where a stage without a page of its own is done: the consultation, the nominations.
REVIEW_PAGE = "reviews:detail"


@dataclass(frozen=True)
class StageHooks:
    check: Callable[..., str | None] | None = None
    submitted: Callable[..., object] | None = None
    page: str | None = None
    drafts: Callable[[list[int]], Iterable[tuple[int, str | None]]] | None = None
    summary: Callable[..., Summary | None] | None = None


HOOKS: dict[Stage, StageHooks] = {}


def register(
    stage: Stage, *, check=None, submitted=None, page=None, drafts=None, summary=None
) -> None:
    """Register what `stage` needs (once per stage: registering again replaces it)."""
    HOOKS[stage] = StageHooks(
        check=check, submitted=submitted, page=page, drafts=drafts, summary=summary
    )


def refusal(review, action, actor, state) -> str | None:
    """The registered check of the review's stage for `action`, or None."""
    hooks = HOOKS.get(state.stage)
    return hooks.check(review, action, actor, state) if hooks and hooks.check else None


def submitted(review, stage: Stage, *, by, now) -> None:
    """Run what `stage` does once submitted, if anything is registered."""
    hooks = HOOKS.get(stage)
    if hooks and hooks.submitted:
        hooks.submitted(review, by=by, now=now)


def page(stage: Stage | str) -> str:
    """The URL name of the page where `stage` is done (REVIEW_PAGE when none is registered)."""
    hooks = HOOKS.get(Stage(stage))
    return hooks.page if hooks and hooks.page else REVIEW_PAGE


def drafts(stage: Stage, review_pks: list[int]) -> set[tuple[int, str | None]]:
    """(review pk, party code or None) for those of `review_pks` with a draft at `stage`, as
    the stage's app says (none when it registered nothing)."""
    hooks = HOOKS.get(stage)
    if not review_pks or not hooks or not hooks.drafts:
        return set()
    return set(hooks.drafts(review_pks))


def summary(review, action, actor, state) -> Summary | None:
    """What the app of the review's stage says `action` will send, or None."""
    hooks = HOOKS.get(state.stage)
    return hooks.summary(review, action, actor, state) if hooks and hooks.summary else None
