"""Tests of the country review workflow (revmod.reviews.workflow): plain pytest, no database."""

from __future__ import annotations

import dataclasses

import pytest

from revmod.reviews.workflow import (
    STAGES,
    Action,
    Actor,
    ErrorCode,
    Reopening,
    ReviewState,
    Role,
    Side,
    Stage,
    WorkflowError,
    allowed_actions,
    apply,
    check,
    next_stage,
    reopen_targets,
    stage_index,
    step_parties,
)

# A review of KEN by FRA (same group is irrelevant here), MEX, and JPN drawn for one Protocol.
REVIEWED, REVIEWERS = "KEN", ("FRA", "MEX", "JPN")
ALL = (REVIEWED, *REVIEWERS)

SECRETARIAT = Actor(Role.SECRETARIAT)
REVIEWED_FP = Actor(Role.FOCAL_POINT, "KEN", Side.REVIEWED)
REVIEWED_EXPERT = Actor(Role.EXPERT, "KEN", Side.REVIEWED)
REVIEWED_OBSERVER = Actor(Role.OBSERVER, "KEN", Side.REVIEWED)
FRA_FP = Actor(Role.FOCAL_POINT, "FRA", Side.REVIEWING)
MEX_FP = Actor(Role.FOCAL_POINT, "MEX", Side.REVIEWING)
JPN_FP = Actor(Role.FOCAL_POINT, "JPN", Side.REVIEWING)
FRA_EXPERT = Actor(Role.EXPERT, "FRA", Side.REVIEWING)
OUTSIDER_FP = Actor(Role.FOCAL_POINT, "BRA", Side.REVIEWING)  # BRA takes no part
# KEN's focal point for its role as a reviewer elsewhere (seed ¶13) acts in no side here.
KEN_AS_REVIEWER_FP = Actor(Role.FOCAL_POINT, "KEN", Side.REVIEWING)

FP_OF = {"KEN": REVIEWED_FP, "FRA": FRA_FP, "MEX": MEX_FP, "JPN": JPN_FP}


def new_review(**changes: object) -> ReviewState:
    return dataclasses.replace(ReviewState(REVIEWED, REVIEWERS), **changes)


def at(stage: Stage, **changes: object) -> ReviewState:
    """A review at `stage` with every focal point named and the consultation recorded."""
    changes.setdefault("focal_points", frozenset(ALL))
    changes.setdefault(
        "consultation_recorded", stage_index(stage) >= stage_index(Stage.QUESTIONNAIRE)
    )
    return new_review(stage=stage, **changes)


def refused(state: ReviewState, action: Action, actor: Actor, **kw: object) -> WorkflowError:
    with pytest.raises(WorkflowError) as info:
        apply(state, action, actor, **kw)  # type: ignore[arg-type]
    return info.value


# --- stages ---------------------------------------------------------------------------------


def test_stages_in_order_with_index_and_next() -> None:
    assert [s.value for s in STAGES] == [
        "awaiting_nominations",
        "initial_consultation",
        "questionnaire",
        "written_feedback",
        "observations",
        "completed",
    ]
    assert [stage_index(s) for s in STAGES] == [0, 1, 2, 3, 4, 5]
    assert stage_index("questionnaire") == 2
    assert [next_stage(s) for s in STAGES] == [*STAGES[1:], None]
    assert Stage.QUESTIONNAIRE == "questionnaire"  # a str, for model fields and JSON
    with pytest.raises(ValueError):
        stage_index("published")


# --- state and actor validation ---------------------------------------------------------------


def test_state_is_normalised() -> None:
    state = ReviewState("KEN", ["FRA", "MEX"], "questionnaire", {"KEN"}, True, {"KEN"})  # type: ignore[arg-type]
    assert state.stage is Stage.QUESTIONNAIRE
    assert state.reviewers == ("FRA", "MEX")
    assert state.focal_points == frozenset({"KEN"})
    assert state.parties == ("KEN", "FRA", "MEX")
    assert state.side_of("KEN") is Side.REVIEWED
    assert state.side_of("MEX") is Side.REVIEWING
    assert state.side_of("BRA") is None
    hash(state)  # frozen and hashable


@pytest.mark.parametrize(
    "kwargs",
    [
        {"reviewers": ()},
        {"reviewers": ("FRA", "FRA")},
        {"reviewers": ("KEN", "FRA")},
        {"focal_points": frozenset({"BRA"})},
        {"stage": "published"},
        # Clearances only by the parties of the current step.
        {"stage": Stage.QUESTIONNAIRE, "cleared": frozenset({"FRA"})},
        {"stage": Stage.WRITTEN_FEEDBACK, "cleared": frozenset({"KEN"})},
        {"stage": Stage.COMPLETED, "cleared": frozenset({"KEN"})},
    ],
)
def test_inconsistent_states_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        new_review(**kwargs)


@pytest.mark.parametrize(
    "args",
    [
        (Role.SECRETARIAT, "KEN", None),
        (Role.SECRETARIAT, None, Side.REVIEWED),
        (Role.FOCAL_POINT, None, Side.REVIEWED),
        (Role.FOCAL_POINT, "KEN", None),
        (Role.EXPERT, "", Side.REVIEWED),
        ("judge", None, None),
    ],
)
def test_inconsistent_actors_are_refused(args: tuple[object, object, object]) -> None:
    with pytest.raises(ValueError):
        Actor(*args)  # type: ignore[arg-type]


def test_actor_roles_accept_strings() -> None:
    assert Actor("focal_point", "KEN", "reviewed") == REVIEWED_FP  # type: ignore[arg-type]


# --- start of the consultation ----------------------------------------------------------------


def test_start_consultation_needs_every_focal_point() -> None:
    # Seed ¶11: "nothing starts before the focal points are named" (here MEX and JPN are not).
    state = new_review(focal_points=frozenset({"KEN", "FRA"}))
    error = refused(state, Action.START_CONSULTATION, SECRETARIAT)
    assert error.code == "guard_focal_points"
    assert error.parties == ("MEX", "JPN")
    assert "MEX, JPN" in error.message
    assert allowed_actions(state, SECRETARIAT) == []
    assert allowed_actions(state, REVIEWED_FP) == []


@pytest.mark.parametrize("actor", [SECRETARIAT, REVIEWED_FP, FRA_FP])
def test_start_consultation_once_all_are_named(actor: Actor) -> None:
    state = new_review(focal_points=frozenset(ALL))
    assert allowed_actions(state, actor) == [Action.START_CONSULTATION]
    assert apply(state, Action.START_CONSULTATION, actor).stage is Stage.INITIAL_CONSULTATION


@pytest.mark.parametrize(
    "actor",
    [REVIEWED_EXPERT, REVIEWED_OBSERVER, FRA_EXPERT, OUTSIDER_FP, KEN_AS_REVIEWER_FP],
)
def test_start_consultation_not_by_others(actor: Actor) -> None:
    state = new_review(focal_points=frozenset(ALL))
    assert refused(state, Action.START_CONSULTATION, actor).code == "not_allowed"


# --- consultation and advance -----------------------------------------------------------------


def test_advance_needs_a_recorded_consultation() -> None:
    state = at(Stage.INITIAL_CONSULTATION)
    error = refused(state, Action.ADVANCE, REVIEWED_FP)
    assert error.code == ErrorCode.GUARD_CONSULTATION
    assert allowed_actions(state, MEX_FP) == [Action.RECORD_CONSULTATION]

    recorded = apply(state, Action.RECORD_CONSULTATION, MEX_FP)
    assert recorded.consultation_recorded and recorded.stage is Stage.INITIAL_CONSULTATION
    # Amending the record is recording it again.
    assert apply(recorded, Action.RECORD_CONSULTATION, SECRETARIAT) == recorded
    assert allowed_actions(recorded, REVIEWED_FP) == [Action.RECORD_CONSULTATION, Action.ADVANCE]
    advanced = apply(recorded, Action.ADVANCE, REVIEWED_FP)
    assert advanced.stage is Stage.QUESTIONNAIRE
    assert advanced.cleared == frozenset()


@pytest.mark.parametrize("actor", [REVIEWED_EXPERT, REVIEWED_OBSERVER, OUTSIDER_FP])
def test_consultation_actions_not_by_others(actor: Actor) -> None:
    state = at(Stage.INITIAL_CONSULTATION, consultation_recorded=True)
    for action in (Action.RECORD_CONSULTATION, Action.ADVANCE, Action.REOPEN):
        assert refused(state, action, actor, reason="x", to=Stage.AWAITING_NOMINATIONS).code == (
            "not_allowed"
        )
    assert allowed_actions(state, actor) == []


# --- questionnaire ---------------------------------------------------------------------------


def test_questionnaire_is_cleared_by_the_reviewed_party_only() -> None:
    state = at(Stage.QUESTIONNAIRE)
    assert step_parties(state) == {"KEN"}
    assert refused(state, Action.CLEAR, FRA_FP).code == "not_allowed"
    assert refused(state, Action.CLEAR, REVIEWED_EXPERT).code == "not_allowed"
    assert refused(state, Action.CLEAR, SECRETARIAT).code == "not_allowed"

    error = refused(state, Action.SUBMIT, REVIEWED_FP)
    assert error.code == "guard_clearance"
    assert error.parties == ("KEN",)

    cleared = apply(state, Action.CLEAR, REVIEWED_FP)
    assert cleared.cleared == {"KEN"}
    assert refused(cleared, Action.CLEAR, REVIEWED_FP).code == "already_cleared"
    # A reviewing party neither drafts, clears nor submits the answers.
    assert refused(cleared, Action.SUBMIT, FRA_FP).code == "not_allowed"
    assert allowed_actions(cleared, FRA_FP) == []

    submitted = apply(cleared, Action.SUBMIT, REVIEWED_FP)
    assert submitted.stage is Stage.WRITTEN_FEEDBACK
    assert submitted.cleared == frozenset()


def test_experts_draft_but_neither_clear_nor_submit() -> None:
    state = at(Stage.QUESTIONNAIRE, cleared=frozenset({"KEN"}))
    assert allowed_actions(state, REVIEWED_EXPERT) == [Action.DRAFT]
    assert refused(state, Action.SUBMIT, REVIEWED_EXPERT).code == "not_allowed"
    assert refused(state, Action.DRAFT, FRA_EXPERT).code == "not_allowed"


def test_drafting_withdraws_the_clearances_given() -> None:
    # A clearance approves a text; once the text changes it must be given again.
    state = at(Stage.WRITTEN_FEEDBACK, cleared=frozenset({"FRA", "MEX"}))
    drafted = apply(state, Action.DRAFT, FRA_EXPERT)
    assert drafted.cleared == frozenset()
    assert drafted.stage is Stage.WRITTEN_FEEDBACK


def test_secretariat_submits_once_cleared_but_never_clears() -> None:
    state = at(Stage.QUESTIONNAIRE)
    assert allowed_actions(state, SECRETARIAT) == [Action.DRAFT, Action.REOPEN]
    assert refused(state, Action.SUBMIT, SECRETARIAT).code == "guard_clearance"
    cleared = apply(state, Action.CLEAR, REVIEWED_FP)
    assert allowed_actions(cleared, SECRETARIAT) == [Action.DRAFT, Action.SUBMIT, Action.REOPEN]
    assert apply(cleared, Action.SUBMIT, SECRETARIAT).stage is Stage.WRITTEN_FEEDBACK


# --- written feedback and observations ---------------------------------------------------------


def test_written_feedback_is_joint_every_reviewer_clears() -> None:
    # Seed ¶35: the reviewing parties give the written feedback jointly.
    state = at(Stage.WRITTEN_FEEDBACK)
    assert step_parties(state) == {"FRA", "MEX", "JPN"}
    assert refused(state, Action.CLEAR, REVIEWED_FP).code == "not_allowed"
    state = apply(state, Action.CLEAR, FRA_FP)
    state = apply(state, Action.CLEAR, JPN_FP)
    error = refused(state, Action.SUBMIT, FRA_FP)
    assert (error.code, error.parties) == ("guard_clearance", ("MEX",))
    assert allowed_actions(state, MEX_FP) == [Action.DRAFT, Action.CLEAR]
    assert allowed_actions(state, FRA_FP) == [Action.DRAFT]
    state = apply(state, Action.CLEAR, MEX_FP)
    assert allowed_actions(state, FRA_FP) == [Action.DRAFT, Action.SUBMIT]
    assert apply(state, Action.SUBMIT, JPN_FP).stage is Stage.OBSERVATIONS


def test_observations_need_every_party_then_complete() -> None:
    state = at(Stage.OBSERVATIONS)
    assert step_parties(state) == set(ALL)
    for party in REVIEWERS:
        state = apply(state, Action.CLEAR, FP_OF[party])
    error = refused(state, Action.SUBMIT, SECRETARIAT)
    assert (error.code, error.parties) == ("guard_clearance", ("KEN",))
    state = apply(state, Action.CLEAR, REVIEWED_FP)
    done = apply(state, Action.SUBMIT, REVIEWED_FP)
    assert done.stage is Stage.COMPLETED
    assert next_stage(done.stage) is None


def test_completed_is_final_except_by_reopen() -> None:
    state = at(Stage.COMPLETED)
    for actor in (REVIEWED_FP, FRA_FP, REVIEWED_EXPERT, REVIEWED_OBSERVER):
        assert allowed_actions(state, actor) == []
    assert allowed_actions(state, SECRETARIAT) == [Action.REOPEN]
    for action in (Action.DRAFT, Action.CLEAR, Action.SUBMIT, Action.ADVANCE):
        assert refused(state, action, SECRETARIAT).code == "out_of_order"
        assert refused(state, action, REVIEWED_FP).code == "out_of_order"


def test_actions_out_of_order() -> None:
    assert refused(new_review(), Action.SUBMIT, SECRETARIAT).code == "out_of_order"
    assert refused(new_review(), Action.REOPEN, SECRETARIAT, reason="x").code == "out_of_order"
    assert refused(at(Stage.QUESTIONNAIRE), Action.ADVANCE, SECRETARIAT).code == "out_of_order"
    error = refused(at(Stage.INITIAL_CONSULTATION), Action.CLEAR, REVIEWED_FP)
    assert error.code == ErrorCode.OUT_OF_ORDER
    assert error.message  # short English text for logs and the API
    assert check(at(Stage.QUESTIONNAIRE), "submit", REVIEWED_FP) is not None


# --- who acts, across every stage -------------------------------------------------------------


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("cleared", [False, True])
def test_observers_outsiders_and_wrong_side_never_act(stage: Stage, cleared: bool) -> None:
    state = at(stage, consultation_recorded=True)
    if cleared:
        state = dataclasses.replace(state, cleared=step_parties(state))
    for actor in (
        REVIEWED_OBSERVER,
        Actor(Role.OBSERVER, "FRA", Side.REVIEWING),
        OUTSIDER_FP,
        Actor(Role.EXPERT, "BRA", Side.REVIEWING),
        KEN_AS_REVIEWER_FP,
        Actor(Role.FOCAL_POINT, "FRA", Side.REVIEWED),
    ):
        assert allowed_actions(state, actor) == [], actor
        for action in Action:
            assert check(state, action, actor) is not None


@pytest.mark.parametrize("stage", STAGES)
def test_only_the_secretariat_reopens(stage: Stage) -> None:
    state = at(stage)
    for actor in (REVIEWED_FP, FRA_FP, REVIEWED_EXPERT, REVIEWED_OBSERVER):
        assert Action.REOPEN not in allowed_actions(state, actor)
    assert (Action.REOPEN in allowed_actions(state, SECRETARIAT)) == (
        stage is not Stage.AWAITING_NOMINATIONS
    )


def test_allowed_actions_match_apply() -> None:
    """Every action listed is accepted by apply; every one not listed is refused."""
    states = []
    for stage in STAGES:
        for recorded in (False, True):
            base = at(stage, consultation_recorded=recorded)
            states.append(base)
            parties = sorted(step_parties(base))
            for n in range(1, len(parties) + 1):
                states.append(dataclasses.replace(base, cleared=frozenset(parties[:n])))
    actors = [SECRETARIAT, REVIEWED_EXPERT, REVIEWED_OBSERVER, FRA_EXPERT, *FP_OF.values()]
    for state in states:
        for actor in actors:
            allowed = allowed_actions(state, actor)
            for action in Action:
                target = reopen_targets(state)[:1]
                kw = {"reason": "Reviewer redrawn", "to": target[0] if target else None}
                try:
                    apply(state, action, actor, **kw)  # type: ignore[arg-type]
                except WorkflowError:
                    assert action not in allowed, (state, actor, action)
                else:
                    assert action in allowed, (state, actor, action)


# --- reopen -----------------------------------------------------------------------------------


def test_reopen_targets() -> None:
    assert reopen_targets(new_review()) == []
    assert reopen_targets(at(Stage.INITIAL_CONSULTATION)) == [
        Stage.AWAITING_NOMINATIONS,
        Stage.INITIAL_CONSULTATION,
    ]
    assert reopen_targets(at(Stage.COMPLETED)) == list(STAGES[:-1])


@pytest.mark.parametrize("reason", [None, "", "   \n"])
def test_reopen_needs_a_reason(reason: str | None) -> None:
    error = refused(
        at(Stage.COMPLETED), Action.REOPEN, SECRETARIAT, reason=reason, to="questionnaire"
    )
    assert error.code == "reason_required"


@pytest.mark.parametrize("to", [None, Stage.COMPLETED, Stage.OBSERVATIONS, "nowhere"])
def test_reopen_goes_back_or_stays_never_forward(to: object) -> None:
    state = at(Stage.WRITTEN_FEEDBACK)
    error = refused(state, Action.REOPEN, SECRETARIAT, reason="Error", to=to)
    assert error.code == "bad_target"


def test_reopen_to_the_current_stage_withdraws_clearances() -> None:
    state = at(Stage.WRITTEN_FEEDBACK, cleared=frozenset({"FRA", "MEX"}))
    reopened = apply(
        state, Action.REOPEN, SECRETARIAT, reason="  Cleared by mistake ", to="written_feedback"
    )
    assert reopened.stage is Stage.WRITTEN_FEEDBACK
    assert reopened.cleared == frozenset()
    assert reopened.consultation_recorded
    assert reopened.reopenings == (
        Reopening(Stage.WRITTEN_FEEDBACK, Stage.WRITTEN_FEEDBACK, "Cleared by mistake"),
    )
    # The state passed in is unchanged.
    assert state.cleared == {"FRA", "MEX"} and state.reopenings == ()


def test_reopen_a_completed_review_and_keep_the_history() -> None:
    state = apply(
        at(Stage.COMPLETED), Action.REOPEN, SECRETARIAT, reason="Late annex", to=Stage.OBSERVATIONS
    )
    assert state.stage is Stage.OBSERVATIONS
    state = apply(
        state, Action.REOPEN, SECRETARIAT, reason="Reviewer redrawn", to=Stage.INITIAL_CONSULTATION
    )
    # Back at the consultation: it must be held and recorded again before advancing.
    assert state.stage is Stage.INITIAL_CONSULTATION
    assert not state.consultation_recorded
    assert refused(state, Action.ADVANCE, REVIEWED_FP).code == "guard_consultation"
    assert [(r.from_stage, r.to_stage, r.reason) for r in state.reopenings] == [
        (Stage.COMPLETED, Stage.OBSERVATIONS, "Late annex"),
        (Stage.OBSERVATIONS, Stage.INITIAL_CONSULTATION, "Reviewer redrawn"),
    ]


def test_reopen_to_awaiting_nominations_guards_the_start_again() -> None:
    state = at(Stage.QUESTIONNAIRE)
    state = apply(
        state, Action.REOPEN, SECRETARIAT, reason="Restart", to=Stage.AWAITING_NOMINATIONS
    )
    state = dataclasses.replace(state, focal_points=state.focal_points - {"JPN"})
    assert refused(state, Action.START_CONSULTATION, SECRETARIAT).parties == ("JPN",)


# --- a whole review ---------------------------------------------------------------------------


def test_a_review_from_nominations_to_completion() -> None:
    state = ReviewState(REVIEWED, REVIEWERS)
    for party in ALL:
        state = dataclasses.replace(state, focal_points=state.focal_points | {party})
    state = apply(state, Action.START_CONSULTATION, REVIEWED_FP)
    state = apply(state, Action.RECORD_CONSULTATION, SECRETARIAT)
    state = apply(state, Action.ADVANCE, REVIEWED_FP)
    state = apply(state, Action.DRAFT, REVIEWED_EXPERT)
    state = apply(state, Action.CLEAR, REVIEWED_FP)
    state = apply(state, Action.SUBMIT, REVIEWED_FP)
    assert state.stage is Stage.WRITTEN_FEEDBACK
    state = apply(state, Action.DRAFT, FRA_EXPERT)
    for party in REVIEWERS:
        state = apply(state, Action.CLEAR, FP_OF[party])
    state = apply(state, Action.SUBMIT, MEX_FP)
    assert state.stage is Stage.OBSERVATIONS
    state = apply(state, Action.DRAFT, SECRETARIAT)  # the secretariat helps (seed ¶38-41)
    for party in ALL:
        state = apply(state, Action.CLEAR, FP_OF[party])
    state = apply(state, Action.SUBMIT, SECRETARIAT)
    assert state.stage is Stage.COMPLETED
    assert state.reopenings == ()


def test_workflow_error_carries_code_and_message() -> None:
    error = WorkflowError("not_allowed", "No.")
    assert error.code is ErrorCode.NOT_ALLOWED
    assert str(error) == error.message == "No."
    assert error.parties == ()
    with pytest.raises(ValueError):
        WorkflowError("made_up", "No.")
