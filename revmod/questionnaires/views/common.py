"""What every page of a review's steps asks first: may this person see the review, and what
does the step's access rule give them (404 for anyone it gives nothing); and, once the page is
made, the record of the confidential material it showed (reviews.reads)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from revmod.reviews.models import Review
from revmod.reviews.reads import How, record_read
from revmod.reviews.schedule import Loaded


def visible_review(request, pk) -> Review:
    """The review `pk` if `request.user` may see it (Review.objects.visible_to); 404 otherwise."""
    return get_object_or_404(
        Review.objects.visible_to(request.user).select_related("party", "cluster"), pk=pk
    )


def step_access(request, pk, access_for):
    """The review `pk`, what the step's access rule (`access_for(user, review, loaded)`) gives
    `request.user` in it, and the review's pairings and nominations (`Loaded`, read once for
    the rule and the page); 404 when they may not see the review or the rule gives nothing."""
    review = visible_review(request, pk)
    loaded = Loaded([review])
    access = access_for(request.user, review, loaded)
    if access is None:
        raise Http404
    return review, access, loaded


def render_step(request, template: str, context: dict, status: int = 200):
    """`template` rendered with `context`; the material the page shows (`context["shown"]`, set
    by the page's context: none when there was nothing to read) is recorded as read."""
    response = render(request, template, context, status=status)
    record_read(request.user, context["review"], context.get("shown", ()), how=How.PAGE)
    return response
