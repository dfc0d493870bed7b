"""What every page of a review's steps asks first: may this person see the review, and what
does the step's access rule give them (404 for anyone it gives nothing)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from revmod.reviews.models import Review


def visible_review(request, pk) -> Review:
    """The review `pk` if `request.user` may see it (Review.objects.visible_to); 404 otherwise."""
    return get_object_or_404(
        Review.objects.visible_to(request.user).select_related("party", "cluster"), pk=pk
    )


def step_access(request, pk, access_for):
    """The review `pk` and what the step's access rule (`access_for(user, review)`) gives
    `request.user` in it; 404 when they may not see the review or the rule gives them nothing."""
    review = visible_review(request, pk)
    access = access_for(request.user, review)
    if access is None:
        raise Http404
    return review, access
