"""What every page of a review's steps asks first: may this person see the review, and what
does the step's access rule give them (404 for anyone it gives nothing); and, once the page is
made, the record of the confidential material it showed (reviews.reads)."""

import datetime as dt

from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from revmod.reviews import actions, tasks
from revmod.reviews.confirmations import ACTION_LABELS
from revmod.reviews.deadlines import Step
from revmod.reviews.models import Review
from revmod.reviews.reads import How, record_read
from revmod.reviews.schedule import Loaded, schedule_prefetches
from revmod.reviews.workflow import Action

# What a step's page offers to do once its work is done (each through its confirmation): the
# same buttons as the review's page, so a task list's link leads where the task is finished.
STEP_ACTIONS = (Action.CLEAR, Action.SUBMIT)


def visible_review(request, pk) -> Review:
    """The review `pk` if `request.user` may see it (Review.objects.visible_to); 404 otherwise.
    Its initial consultation comes with it (the working languages, the schedule)."""
    return get_object_or_404(
        Review.objects.visible_to(request.user).select_related("party", "cluster", "consultation"),
        pk=pk,
    )


def step_access(request, pk, access_for):
    """The review `pk`, what the step's access rule (`access_for(user, review, loaded)`) gives
    `request.user` in it, and the review's pairings and nominations (`Loaded`, read once for
    the rule and the page); 404 when they may not see the review or the rule gives nothing."""
    review = visible_review(request, pk)
    loaded = Loaded([review], person=request.user)
    access = access_for(request.user, review, loaded)
    if access is None:
        raise Http404
    return review, access, loaded


def step_deadline(review: Review, loaded: Loaded, step: Step, today: dt.date):
    """The deadline block of the step page (tasks.deadline_of) from the review and `loaded`
    that step_access read: the review's submissions and deadline changes added to them, not
    the review and its people read again."""
    prefetch_related_objects([review], *schedule_prefetches())
    found = tasks.facts([review], loaded, today).get(review.pk)
    return tasks.deadline(found, step, today) if found else None


def render_step(
    request, template: str, context: dict, status: int = 200, *, loaded: Loaded | None = None
):
    """`template` rendered with `context`; the material the page shows (`context["shown"]`, set
    by the page's context: none when there was nothing to read) is recorded as read. While the
    review is at the page's stage (`context["stage"]`), the page offers the step's actions the
    person may take now (clearing, submitting: each asks for confirmation first); `loaded`:
    the review's people as step_access read them, with the person's actor in
    `context["access"]`, so neither is read again."""
    review = context["review"]
    if context.get("stage") == review.stage and request.user.is_authenticated:
        access = context.get("access")
        actor = access.actor if loaded is not None and access is not None else None
        context["step_buttons"] = [
            (action.value, ACTION_LABELS[action])
            for action in actions.allowed(review, request.user, loaded=loaded, actor=actor)
            if action in STEP_ACTIONS
        ]
    response = render(request, template, context, status=status)
    record_read(request.user, context["review"], context.get("shown", ()), how=How.PAGE)
    return response
