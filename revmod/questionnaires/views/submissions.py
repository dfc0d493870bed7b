"""A review's submissions page, the document of one online submission, and the ZIP of all
(questionnaires.submissions): for the review's participants, each seeing what they may read."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from revmod.questionnaires import exports, submissions
from revmod.questionnaires.views.common import visible_review
from revmod.reviews.reads import How, record_read
from revmod.reviews.schedule import Loaded


@login_required
@require_GET
def submissions_page(request, pk):
    """What was submitted online (its documents made when a link is followed) and the uploaded
    documents, that the user may read; the ZIP's link when there is something to put in it."""
    review = visible_review(request, pk)
    found = submissions.listing(review, request.user, Loaded([review]))
    context = {"review": review, "listing": found, "limit": settings.REVMOD_MAX_ZIP_BYTES}
    return render(request, "questionnaires/submissions.html", context)


@login_required
@require_GET
def submission_file(request, pk, what, number, fmt):
    """The PDF or DOCX of one online submission, as frozen, in one of the review's working
    languages (`lang`; by default the reader's if it is one, else the first); 404 for what the
    user may not read or that does not exist."""
    if fmt not in exports.FORMATS:
        raise Http404
    review = visible_review(request, pk)
    loaded = Loaded([review])
    item = submissions.find(review, request.user, loaded, what, number)
    language = exports.choose_language(request.GET.get("lang"), exports.working_languages(review))
    if item is None or language is None:
        raise Http404
    response = submissions.document(review, item, language, fmt, loaded)
    if response is None:
        raise Http404
    detail = f"{fmt.upper()}, {language}, {item.what} {item.number}"
    record_read(request.user, review, item.material, how=How.EXPORT, obj=item.frozen, detail=detail)
    return response


@login_required
@require_GET
def submissions_zip(request, pk):
    """Everything the submissions page lists in one ZIP; a page saying why when there is
    nothing to put in it (404) or too much for one ZIP (409)."""
    review = visible_review(request, pk)
    loaded = Loaded([review])
    found = submissions.listing(review, request.user, loaded)
    context = {"review": review, "listing": found, "limit": settings.REVMOD_MAX_ZIP_BYTES}
    if not found.files:
        return render(request, "questionnaires/submissions_no_zip.html", context, status=404)
    try:
        response = submissions.bundle(found, loaded)
    except submissions.TooLarge:
        context["too_large"] = True
        return render(request, "questionnaires/submissions_no_zip.html", context, status=409)
    detail = submissions.zip_name(review)
    record_read(request.user, review, found.materials, how=How.ZIP, detail=detail)
    return response
