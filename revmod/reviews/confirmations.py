"""What a workflow action of the review's page will do, said before it is done (issue 17,
item 3). Every action the page offers (`ACTION_LABELS`) moves the review or gives a party's
approval, tells people, and cannot be undone by the person who takes it (only the
secretariat's reopening takes a review back): the page shows `summary` and acts only on the
confirmation (revmod.lib.confirm).

The step's app says what clearing or submitting its stage sends (`reviews.stages`, `summary`:
the answers counted, the questions left unanswered); this module says what the workflow does
(the stage it moves to, the clearances withdrawn) for the rest, and adds the secretariat's
reason when it acts on a party's behalf."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revmod.lib.confirm import Summary
from revmod.registry.models import Party
from revmod.reviews import stages
from revmod.reviews.models import STAGE_LABELS
from revmod.reviews.workflow import Action, Actor, ReviewState, Stage

ACTION_LABELS = {
    Action.START_CONSULTATION: gettext_lazy("Start the initial consultation"),
    Action.ADVANCE: gettext_lazy("Move on to the questionnaire"),
    Action.CLEAR: gettext_lazy("Clear for my party"),
    Action.SUBMIT: gettext_lazy("Submit"),
    Action.REOPEN: gettext_lazy("Reopen"),
}

SUBMISSION_STAGES = (Stage.QUESTIONNAIRE, Stage.WRITTEN_FEEDBACK, Stage.OBSERVATIONS)


def summary(
    review,
    action: Action | str,
    actor: Actor,
    before: ReviewState,
    after: ReviewState,
    *,
    reason: str | None = None,
    on_behalf_of: str | None = None,
) -> Summary:
    """What `action` (checked by `actions.preview`: `actor`, the states `before` and `after`)
    will send and what follows: the step's app's summary when it has one, else the workflow's."""
    action = Action(action)
    result = stages.summary(review, action, actor, before) or _workflow(action, before, after)
    if on_behalf_of:
        party = Party.objects.filter(code=actor.party).first()
        on_behalf(result, party.label if party else actor.party or "", reason or "")
    return result


def on_behalf(result: Summary, party: str, reason: str) -> None:
    """Add to `result` that the secretariat acts on behalf of `party` (seed ¶33), and why."""
    result.sent.append(
        _("On behalf of %(party)s, for this reason: %(reason)s")
        % {"party": party, "reason": reason.strip()}
    )
    result.next.append(
        _(
            "The timeline and the notifications say that the secretariat acted on the "
            "party's behalf, and why."
        )
    )


def moves(before: ReviewState, after: ReviewState) -> str:
    """The line of a summary saying from which stage to which the review moves."""
    return _("The review moves from “%(from)s” to “%(to)s”.") % {
        "from": STAGE_LABELS[before.stage],
        "to": STAGE_LABELS[after.stage],
    }


def _workflow(action: Action, before: ReviewState, after: ReviewState) -> Summary:
    back = _("Only the secretariat can take the review back to an earlier stage.")
    stage = STAGE_LABELS[before.stage]
    if action == Action.START_CONSULTATION:
        return Summary(
            title=str(ACTION_LABELS[action]),
            sent=[moves(before, after)],
            next=[
                _(
                    "The parties agree on the timetable, the working languages and the "
                    "division of tasks, and record the consultation on the review's page."
                ),
                back,
            ],
        )
    if action == Action.ADVANCE:
        return Summary(
            title=str(ACTION_LABELS[action]),
            sent=[moves(before, after)],
            next=[
                _(
                    "The party under review's focal point and experts answer the "
                    "self-assessment questionnaire, by the date agreed at the consultation."
                ),
                back,
            ],
        )
    if action == Action.CLEAR:
        return Summary(
            title=_("Clear “%(stage)s”") % {"stage": stage},
            sent=[_("Your party's approval of the submission of this stage as it stands now.")],
            next=[
                _("The focal points of the review are notified."),
                _("A change to the submission before it is submitted withdraws the clearance."),
            ],
        )
    if action == Action.SUBMIT:
        return Summary(
            title=_("Submit “%(stage)s”") % {"stage": stage},
            sent=[_("The submission of this stage as it stands now."), moves(before, after)],
            next=[
                _("Everyone taking part in the review is notified."),
                _(
                    "The submission can no longer be changed; only the secretariat can reopen "
                    "the review."
                ),
            ],
        )
    if action == Action.DRAFT:  # the API's only: the pages draft by saving
        return Summary(
            title=_("Mark “%(stage)s” as changed") % {"stage": stage},
            sent=[_("The submission of this stage is marked as changed.")],
            next=[_("Every clearance given at this stage is withdrawn: the parties clear again.")],
        )
    if action == Action.REOPEN:
        return _reopen(before, after)
    return Summary(title=str(ACTION_LABELS.get(action, action.value)), sent=[moves(before, after)])


def _reopen(before: ReviewState, after: ReviewState) -> Summary:
    reopening = after.reopenings[-1]
    result = Summary(
        title=_("Reopen the review"),
        sent=[moves(before, after), _("Reason: %(reason)s") % {"reason": reopening.reason}],
        next=[_("Every clearance given at this stage is withdrawn: the parties clear again.")],
    )
    if before.consultation_recorded and not after.consultation_recorded:
        result.next.append(
            _(
                "The record of the initial consultation is dropped: it is recorded again "
                "before the review moves on."
            )
        )
    if after.stage in SUBMISSION_STAGES:
        result.next.append(
            _("What is done at “%(stage)s” can be changed again until it is submitted anew.")
            % {"stage": STAGE_LABELS[after.stage]}
        )
    result.next.append(_("Everyone taking part in the review is notified, with the reason."))
    return result
