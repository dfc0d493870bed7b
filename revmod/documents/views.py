"""Pages of a review's documents: the list with its upload form, and downloads (through an
access check, never from MEDIA_URL). The submissions page and its ZIP, which hold the documents
made from what was submitted online too, are the questionnaires app's (views/submissions.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from revmod.documents import actions, rules
from revmod.documents.files import file_response, record_download
from revmod.documents.forms import DocumentListForm, UploadForm
from revmod.documents.models import Document, DocumentVersion
from revmod.documents.rules import READABLE
from revmod.lib import lists
from revmod.lib.storedfiles import MissingFile, missing_page
from revmod.reviews.models import Review

# The sortable columns of a review's documents page (DocumentListForm.SORTS).
DOCUMENT_COLUMNS = {
    "title": gettext_lazy("Title"),
    "kind": gettext_lazy("Kind"),
    "language": gettext_lazy("Language"),
    "party": gettext_lazy("Sent by"),
}


def section(request, review: Review, data=None, files=None) -> dict:
    """The context of a review's documents page: 50 of its documents with their versions, in
    the order asked (`ordering`), and the upload form (bound to `data`/`files` when given)
    when the user may upload something. The same queries whatever the number of documents."""
    user = request.user
    visible = Document.objects.visible_to(user).filter(review=review)
    order = DocumentListForm(request.GET)
    page = lists.paged(
        request.GET, order.order(visible.with_versions()) if order.is_valid() else visible.none()
    )
    actor = actions.actor_in(review, user)
    kinds = rules.kinds_for(actor)
    form = None
    if kinds:
        versionable = [
            d
            for d in visible.select_related("party").order_by("kind", "created_at", "pk")
            if rules.may_add_version(actor, d.kind, d.party.code if d.party_id else None)
        ]
        form = UploadForm(data, files, kinds=kinds, documents=versionable)
    # The latest version of each document of the page whose text machine translation can read
    # (from the prefetched versions: no query).
    translatable = [d.latest for d in page if d.latest and d.latest.extension in READABLE]
    return {
        "review": review,
        "documents": page,
        "page": page,
        "order_form": order,
        "columns": order.columns(request.GET, DOCUMENT_COLUMNS),
        "query": lists.query(request.GET),
        "upload_form": form,
        "translatable": translatable,
    }


def _review(request, pk) -> Review:
    reviews = Review.objects.visible_to(request.user).select_related("party", "cluster")
    return get_object_or_404(reviews, pk=pk)


def _page(request, context, status=200):
    return render(request, "documents/review_documents.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def document_list(request, pk):
    """GET: the review's documents; POST: upload one (or a new version), then back here."""
    review = _review(request, pk)
    if request.method == "GET":
        context = section(request, review)
        return _page(request, context, status=400 if context["order_form"].errors else 200)
    context = section(request, review, request.POST, request.FILES)
    form = context["upload_form"]
    if form is None:  # an observer (who is not offered the form): say why, change nothing
        context["refused"] = actions.ERROR_MESSAGES["not_allowed"]
        return _page(request, context, status=403)
    if not form.is_valid():
        return _page(request, context, status=400)
    data = form.cleaned_data
    try:
        version = actions.upload(
            review,
            by=request.user,
            kind=data["kind"],
            language=data["language"],
            title=data["title"],
            file=data["file"],
            now=timezone.now(),
            document=data["document"],
        )
    except actions.DocumentError as error:
        form.add_error("file" if error.code == "bad_file" else None, str(error))
        return _page(request, context, status=403 if error.forbidden else 400)
    messages.success(
        request,
        _("Uploaded: %(title)s, version %(number)s.")
        % {"title": version.document.title, "number": version.number},
    )
    return redirect("documents:list", review.pk)


@login_required
@require_GET
def document_download(request, pk, document, number):
    version = get_object_or_404(
        DocumentVersion.objects.select_related("document").filter(
            document__in=Document.objects.visible_to(request.user).filter(review_id=pk)
        ),
        document_id=document,
        number=number,
    )
    try:
        response = file_response(version)
    except MissingFile:
        return missing_page(request)
    record_download(request.user, version)
    return response
