"""The staged workflow of one country review: who may do what, at which stage, and what follows.

Pure module: standard library only, no Django, no database, no clock. The Django layer builds a
`ReviewState` from its rows, asks `allowed_actions` what to offer, calls `apply` inside its
action, stores the new state and records the event (with the time it supplies).

Stages (seed ¶26-41; domain.md "Country review steps and deadlines")
----------------------------------------------------------------------
awaiting_nominations -> initial_consultation -> questionnaire -> written_feedback
-> observations -> completed.

Actions, by stage (`_ACTIONS_AT`) and by who may take them (`_WHO`)
--------------------------------------------------------------------
- start_consultation (awaiting_nominations -> initial_consultation): the secretariat or a focal
  point of any party of the review; guard: EVERY party of the review has an active focal point
  ("nothing starts before the focal points are named", seed ¶11; ¶26).
- record_consultation (initial_consultation): the secretariat or a focal point of any party of
  the review; may be repeated to amend the record (timetable, languages, division of tasks).
- advance (initial_consultation -> questionnaire): the secretariat or a focal point of any party
  of the review; guard: the consultation is recorded (the SAQ clock runs against the timetable
  set there, seed ¶26, ¶32).
- draft (questionnaire, written_feedback, observations): change the step's submission. The
  secretariat, or the focal point or a governmental expert of a party that works on this step
  (see "step parties" below). Drafting withdraws every clearance given at the step: a clearance
  approves a text, and that text has just changed.
- clear (same stages): a focal point approves its own party's submission at this step (seed
  ¶11-16, domain.md "Roles": the focal point clears each submission of its party). Only a
  focal point of a step party, once per pass. The secretariat does not clear on a party's
  behalf: clearance is the party's own approval.
- submit (same stages; moves to the next stage): the secretariat, or the focal point of a step
  party; guard: every step party has cleared ("a step is submitted only when the party's focal
  point clears it"). Once all have cleared, any of them (or the secretariat) may submit.
- reopen (every stage after awaiting_nominations, completed included): the secretariat only,
  with a non-empty reason, back to an earlier stage or the current one (never to `completed`).
  It withdraws the clearances; going back to initial_consultation or earlier also drops the
  consultation record (a new consultation must be recorded before advancing). Every reopening
  is kept, in order, in `ReviewState.reopenings`.
`completed` is final except by reopen. Observers never act (seed ¶19: read-only). Experts only
draft (guideline 6: they draft, the focal point clears).

Step parties (who drafts and clears at each stage)
--------------------------------------------------
- questionnaire: the party under review (rule 34, seed ¶31);
- written_feedback: every reviewing party - the feedback is joint (rule 35, seed ¶35), so each
  reviewing party's focal point clears it, including reviewers drawn for some instruments only;
- observations: every party of the review, the list of observations and its summary being
  written by the reviewers with the party under review (seed ¶38-41).

Actors
------
An `Actor` is a person acting in this review: a role, and for every role except the
secretariat, the party they act for and the side of the review that party is on. A party may
have one focal point for its own review and another as a reviewer (seed ¶13), so the side is
part of who acts: an actor whose party and side do not match the review takes no action.

Errors
------
`apply` raises `WorkflowError(code, message)`. Codes are stable strings (`ErrorCode`); the
Django layer translates by code; `parties` lists the party codes a guard is waiting for. The
order of checks is: the action exists at this stage (`out_of_order`), the actor may take it
(`not_allowed`), then the guard (`guard_*`, `already_cleared`), then reopen's inputs
(`reason_required`, `bad_target`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum


class Stage(StrEnum):
    """The stages of a country review, in order (seed ¶26-41)."""

    AWAITING_NOMINATIONS = "awaiting_nominations"
    INITIAL_CONSULTATION = "initial_consultation"
    QUESTIONNAIRE = "questionnaire"  # the self-assessment questionnaire (SAQ)
    WRITTEN_FEEDBACK = "written_feedback"
    OBSERVATIONS = "observations"  # the list of observations and its summary
    COMPLETED = "completed"


STAGES: tuple[Stage, ...] = tuple(Stage)


def stage_index(stage: Stage | str) -> int:
    """Position of `stage` in `STAGES` (0 to 5). ValueError for an unknown stage."""
    return STAGES.index(Stage(stage))


def next_stage(stage: Stage | str) -> Stage | None:
    """The stage after `stage`, or None after `completed`."""
    i = stage_index(stage)
    return STAGES[i + 1] if i + 1 < len(STAGES) else None


class Role(StrEnum):
    """Who acts (domain.md "Roles")."""

    SECRETARIAT = "secretariat"
    FOCAL_POINT = "focal_point"
    EXPERT = "expert"  # governmental expert
    OBSERVER = "observer"


class Side(StrEnum):
    """The side of the review a party is on."""

    REVIEWED = "reviewed"  # the party under review
    REVIEWING = "reviewing"  # a reviewing party


class Action(StrEnum):
    """What an actor can do to a review (module docstring for each one's rule)."""

    START_CONSULTATION = "start_consultation"
    RECORD_CONSULTATION = "record_consultation"
    ADVANCE = "advance"
    DRAFT = "draft"
    CLEAR = "clear"
    SUBMIT = "submit"
    REOPEN = "reopen"


class ErrorCode(StrEnum):
    """Stable machine codes of `WorkflowError` (compare equal to their string values)."""

    NOT_ALLOWED = "not_allowed"
    OUT_OF_ORDER = "out_of_order"
    GUARD_FOCAL_POINTS = "guard_focal_points"
    GUARD_CONSULTATION = "guard_consultation"
    GUARD_CLEARANCE = "guard_clearance"
    ALREADY_CLEARED = "already_cleared"
    REASON_REQUIRED = "reason_required"
    BAD_TARGET = "bad_target"


class WorkflowError(Exception):
    """An action refused: `code` (an `ErrorCode`), a short English `message`, and the party
    codes a guard is waiting for in `parties` (empty when not relevant)."""

    def __init__(self, code: ErrorCode | str, message: str, parties: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.code = ErrorCode(code)
        self.message = message
        self.parties: tuple[str, ...] = tuple(parties)

    def __repr__(self) -> str:
        return f"WorkflowError({self.code.value!r}, {self.message!r})"


@dataclass(frozen=True)
class Actor:
    """A person acting in a review. The secretariat has no party and no side; every other role
    acts for `party` (a party code) on `side` of the review. ValueError otherwise."""

    role: Role
    party: str | None = None
    side: Side | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))
        if self.side is not None:
            object.__setattr__(self, "side", Side(self.side))
        if self.role == Role.SECRETARIAT:
            if self.party is not None or self.side is not None:
                raise ValueError("The secretariat acts for no party.")
        elif not self.party or self.side is None:
            raise ValueError(f"A {self.role.value} acts for a party, on a side of the review.")


@dataclass(frozen=True)
class Reopening:
    """One reopening, as kept in the state's history."""

    from_stage: Stage
    to_stage: Stage
    reason: str


@dataclass(frozen=True)
class ReviewState:
    """Where one country review stands.

    - `reviewed`: code of the party under review; `reviewers`: codes of the reviewing parties
      (at least one; additional reviewers for some instruments included, domain.md "Drawing
      of lots" 3).
    - `focal_points`: the parties of the review that have an active focal point now (the
      Django layer keeps it current as nominations change).
    - `consultation_recorded`: the initial consultation is recorded (since the last reopening
      to initial_consultation or earlier).
    - `cleared`: the step parties whose focal point has cleared the current step's submission.
      Clearance belongs to the party: replacing its focal point keeps it (seed ¶14, handover).
    - `reopenings`: every reopening, oldest first.
    Collections are normalised (tuple, frozenset); inconsistent states raise ValueError.
    """

    reviewed: str
    reviewers: tuple[str, ...]
    stage: Stage = Stage.AWAITING_NOMINATIONS
    focal_points: frozenset[str] = frozenset()
    consultation_recorded: bool = False
    cleared: frozenset[str] = frozenset()
    reopenings: tuple[Reopening, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "stage", Stage(self.stage))
        object.__setattr__(self, "reviewers", tuple(self.reviewers))
        object.__setattr__(self, "focal_points", frozenset(self.focal_points))
        object.__setattr__(self, "cleared", frozenset(self.cleared))
        object.__setattr__(self, "reopenings", tuple(self.reopenings))
        if not self.reviewers:
            raise ValueError("A review has at least one reviewing party.")
        if len(set(self.reviewers)) != len(self.reviewers):
            raise ValueError("A reviewing party appears twice.")
        if self.reviewed in self.reviewers:
            raise ValueError("No party reviews itself.")
        if not self.focal_points <= set(self.parties):
            raise ValueError("Focal points of parties outside the review.")
        if not self.cleared <= step_parties(self):
            raise ValueError(f"Clearances that do not belong to the stage {self.stage.value}.")

    @property
    def parties(self) -> tuple[str, ...]:
        """Every party of the review: the party under review first, then the reviewers."""
        return (self.reviewed, *self.reviewers)

    def side_of(self, party: str) -> Side | None:
        """The side `party` is on in this review, or None if it takes no part."""
        if party == self.reviewed:
            return Side.REVIEWED
        if party in self.reviewers:
            return Side.REVIEWING
        return None


def step_parties(state: ReviewState) -> frozenset[str]:
    """The parties that draft and must clear the current stage's submission (empty at stages
    without a submission). See "Step parties" in the module docstring."""
    if state.stage == Stage.QUESTIONNAIRE:
        return frozenset({state.reviewed})  # rule 34, seed ¶31
    if state.stage == Stage.WRITTEN_FEEDBACK:
        return frozenset(state.reviewers)  # joint feedback, rule 35, seed ¶35
    if state.stage == Stage.OBSERVATIONS:
        return frozenset(state.parties)  # seed ¶38-41
    return frozenset()


def reopen_targets(state: ReviewState) -> list[Stage]:
    """The stages the secretariat may reopen the review to: every stage up to the current one,
    never `completed`; none while awaiting nominations (nothing to reopen yet)."""
    if state.stage == Stage.AWAITING_NOMINATIONS:
        return []
    return [s for s in STAGES[: stage_index(state.stage) + 1] if s != Stage.COMPLETED]


# The transition table: the actions that exist at each stage.
_SUBMISSION_ACTIONS = (Action.DRAFT, Action.CLEAR, Action.SUBMIT, Action.REOPEN)
_ACTIONS_AT: dict[Stage, tuple[Action, ...]] = {
    Stage.AWAITING_NOMINATIONS: (Action.START_CONSULTATION,),
    Stage.INITIAL_CONSULTATION: (Action.RECORD_CONSULTATION, Action.ADVANCE, Action.REOPEN),
    Stage.QUESTIONNAIRE: _SUBMISSION_ACTIONS,
    Stage.WRITTEN_FEEDBACK: _SUBMISSION_ACTIONS,
    Stage.OBSERVATIONS: _SUBMISSION_ACTIONS,
    Stage.COMPLETED: (Action.REOPEN,),  # final except by reopen
}

# Who may take each action. Observers appear nowhere (seed ¶19: read-only).
_WHO: dict[Action, frozenset[Role]] = {
    Action.START_CONSULTATION: frozenset({Role.SECRETARIAT, Role.FOCAL_POINT}),
    Action.RECORD_CONSULTATION: frozenset({Role.SECRETARIAT, Role.FOCAL_POINT}),
    Action.ADVANCE: frozenset({Role.SECRETARIAT, Role.FOCAL_POINT}),
    Action.DRAFT: frozenset({Role.SECRETARIAT, Role.FOCAL_POINT, Role.EXPERT}),
    Action.CLEAR: frozenset({Role.FOCAL_POINT}),
    Action.SUBMIT: frozenset({Role.SECRETARIAT, Role.FOCAL_POINT}),
    Action.REOPEN: frozenset({Role.SECRETARIAT}),
}

# Actions a party's people may take only when their party is a step party.
_STEP_PARTY_ONLY = frozenset({Action.DRAFT, Action.CLEAR, Action.SUBMIT})


def _may(state: ReviewState, action: Action, actor: Actor) -> bool:
    if actor.role not in _WHO[action]:
        return False
    if actor.role == Role.SECRETARIAT:
        return True
    assert actor.party is not None  # Actor guarantees it for every other role
    if state.side_of(actor.party) != actor.side:
        return False  # not a party of this review, or acting for the other side (seed ¶13)
    return action not in _STEP_PARTY_ONLY or actor.party in step_parties(state)


# Guards: each returns the refusal, or None when the action may go ahead.


def _guard_focal_points(state: ReviewState, actor: Actor) -> WorkflowError | None:
    # Seed ¶11, ¶26: nothing starts before every party's focal point is named.
    missing = [p for p in state.parties if p not in state.focal_points]
    if missing:
        return WorkflowError(
            ErrorCode.GUARD_FOCAL_POINTS,
            f"Every party must first name a focal point (missing: {', '.join(missing)}).",
            missing,
        )
    return None


def _guard_consultation(state: ReviewState, actor: Actor) -> WorkflowError | None:
    # Seed ¶26, ¶32: the questionnaire runs against the timetable agreed at the consultation.
    if not state.consultation_recorded:
        return WorkflowError(
            ErrorCode.GUARD_CONSULTATION, "The initial consultation must be recorded first."
        )
    return None


def _guard_not_cleared(state: ReviewState, actor: Actor) -> WorkflowError | None:
    if actor.party in state.cleared:
        return WorkflowError(ErrorCode.ALREADY_CLEARED, "Your party has already cleared this step.")
    return None


def _guard_clearance(state: ReviewState, actor: Actor) -> WorkflowError | None:
    # "A step is submitted only when the party's focal point clears it" (seed ¶11-16, rule 34,
    # 35); for joint steps, every step party clears.
    missing = sorted(step_parties(state) - state.cleared)
    if missing:
        return WorkflowError(
            ErrorCode.GUARD_CLEARANCE,
            f"Waiting for clearance by the focal point of: {', '.join(missing)}.",
            missing,
        )
    return None


_GUARDS = {
    Action.START_CONSULTATION: _guard_focal_points,
    Action.ADVANCE: _guard_consultation,
    Action.CLEAR: _guard_not_cleared,
    Action.SUBMIT: _guard_clearance,
}


def check(state: ReviewState, action: Action | str, actor: Actor) -> WorkflowError | None:
    """Why `actor` may not take `action` now (the error `apply` would raise), or None if it may.
    Reopen's own inputs (reason, target) are checked by `apply` only."""
    action = Action(action)
    if action not in _ACTIONS_AT[state.stage]:
        return WorkflowError(
            ErrorCode.OUT_OF_ORDER,
            f"This action ({action.value}) is not possible at this stage ({state.stage.value}).",
        )
    if not _may(state, action, actor):
        return WorkflowError(ErrorCode.NOT_ALLOWED, "You may not do this in this review.")
    guard = _GUARDS.get(action)
    return guard(state, actor) if guard else None


def allowed_actions(state: ReviewState, actor: Actor) -> list[Action]:
    """The actions `actor` may take now, in `Action` order: those `apply` would accept (given,
    for reopen, a reason and one of `reopen_targets(state)`). Empty for observers."""
    return [a for a in Action if a in _ACTIONS_AT[state.stage] and check(state, a, actor) is None]


def apply(
    state: ReviewState,
    action: Action | str,
    actor: Actor,
    *,
    reason: str | None = None,
    to: Stage | str | None = None,
) -> ReviewState:
    """The state after `actor` takes `action`; raises `WorkflowError` if refused.

    `reason` and `to` (the target stage) are required for reopen and ignored otherwise; the
    reason is stored stripped of surrounding white space. `state` itself is never changed.
    """
    action = Action(action)
    error = check(state, action, actor)
    if error is not None:
        raise error
    if action == Action.START_CONSULTATION:
        return replace(state, stage=Stage.INITIAL_CONSULTATION)
    if action == Action.RECORD_CONSULTATION:
        return replace(state, consultation_recorded=True)
    if action == Action.ADVANCE:
        return replace(state, stage=Stage.QUESTIONNAIRE)
    if action == Action.DRAFT:
        # The text changed: the clearances given approved another text.
        return replace(state, cleared=frozenset())
    if action == Action.CLEAR:
        assert actor.party is not None
        return replace(state, cleared=state.cleared | {actor.party})
    if action == Action.SUBMIT:
        following = next_stage(state.stage)
        assert following is not None  # submit does not exist at `completed`
        return replace(state, stage=following, cleared=frozenset())
    return _reopen(state, reason=reason, to=to)


def _reopen(state: ReviewState, *, reason: str | None, to: Stage | str | None) -> ReviewState:
    if reason is None or not reason.strip():
        raise WorkflowError(ErrorCode.REASON_REQUIRED, "Give the reason for reopening.")
    targets = reopen_targets(state)
    if to is None or to not in targets:
        raise WorkflowError(
            ErrorCode.BAD_TARGET,
            "Reopen to an earlier stage or the current one: "
            + ", ".join(s.value for s in targets)
            + ".",
        )
    target = Stage(to)
    return replace(
        state,
        stage=target,
        cleared=frozenset(),
        # Going back to the consultation means holding it again (e.g. after a redraw).
        consultation_recorded=(
            state.consultation_recorded
            and stage_index(target) > stage_index(Stage.INITIAL_CONSULTATION)
        ),
        reopenings=(*state.reopenings, Reopening(state.stage, target, reason.strip())),
    )
