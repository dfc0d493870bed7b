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
"""

from collections.abc import Callable
from dataclasses import dataclass

from revmod.reviews.workflow import Stage


@dataclass(frozen=True)
class StageHooks:
    check: Callable[..., str | None] | None = None
    submitted: Callable[..., object] | None = None


HOOKS: dict[Stage, StageHooks] = {}


def register(stage: Stage, *, check=None, submitted=None) -> None:
    """Register what `stage` needs (once per stage: registering again replaces it)."""
    HOOKS[stage] = StageHooks(check=check, submitted=submitted)


def refusal(review, action, actor, state) -> str | None:
    """The registered check of the review's stage for `action`, or None."""
    hooks = HOOKS.get(state.stage)
    return hooks.check(review, action, actor, state) if hooks and hooks.check else None


def submitted(review, stage: Stage, *, by, now) -> None:
    """Run what `stage` does once submitted, if anything is registered."""
    hooks = HOOKS.get(stage)
    if hooks and hooks.submitted:
        hooks.submitted(review, by=by, now=now)
