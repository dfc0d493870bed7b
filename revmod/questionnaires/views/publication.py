"""The publication of a review's submitted answers: the page where the party under review's
focal point decides (questionnaires.publication), and the public download of a published file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from revmod.documents.files import file_response
from revmod.lib import confirm
from revmod.lib.storedfiles import MissingFile, missing_page
from revmod.questionnaires import actions, publication
from revmod.questionnaires.views.common import render_step, step_access

PAGE = "questionnaires:answers_publication"


@login_required
@require_http_methods(["GET", "POST"])
def answers_publication(request, pk):
    """GET: the decision in force, those before it, and (for the party under review's focal
    point, once the answers are submitted) the form. POST: the first shows what will be
    published; the confirmation records it (refused, with a message, when it may not be)."""
    review, _access, loaded = step_access(request, pk, actions.access_for)
    if request.method == "GET":
        context = publication.page_context(review, request.user, loaded)
        return render_step(request, "questionnaires/publication.html", context, loaded=loaded)
    based_on = request.POST.get("based_on", "")
    args = {
        "choice": request.POST.get("choice", ""),
        "sections": request.POST.getlist("section"),
        "based_on": int(based_on) if based_on.isdigit() else None,
    }
    try:
        if not confirm.confirmed(request):
            summary = publication.summary(review, by=request.user, **args)
            return confirm.page(
                request,
                summary,
                action=reverse(PAGE, args=[review.pk]),
                back=reverse(PAGE, args=[review.pk]),
                subject=_("Review of %(party)s") % {"party": review.party.label},
                fields=confirm.carried(request.POST, ["choice", "section", "based_on"]),
            )
        publication.decide(review, by=request.user, now=timezone.now(), **args)
        messages.success(request, _("The publication decision is recorded."))
    except publication.PublicationError as error:
        messages.error(request, str(error))
    return redirect(PAGE, review.pk)


@require_GET
def published_file(request, pk, document, number):
    """A file attached to a published answer, for anyone while the decision in force of the
    review publishes it; 404 otherwise (never published, or no longer)."""
    version = publication.published_file(pk, document, number)
    if version is None:
        raise Http404
    try:
        return file_response(version)
    except MissingFile:
        return missing_page(request)
