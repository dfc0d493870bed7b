"""A review's answers, written feedback or list of observations as PDF or DOCX."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_GET

from revmod.questionnaires import exports
from revmod.questionnaires.views.common import visible_review
from revmod.reviews.access import Material
from revmod.reviews.reads import How, record_read
from revmod.reviews.schedule import Loaded


@login_required
@require_GET
def export(request, pk, what, fmt):
    """The answers, the written feedback or the list of observations as a PDF or DOCX in one of
    the review's working languages (`lang`; by default the reader's if it is one, else the
    first), for those who may read them on their page; anything else is a 404."""
    if what not in exports.WHATS or fmt not in exports.FORMATS:
        raise Http404
    review = visible_review(request, pk)
    loaded = Loaded([review])
    if not exports.may_read(request.user, review, what, loaded):
        raise Http404
    language = exports.choose_language(request.GET.get("lang"), exports.working_languages(review))
    if language is None:
        raise Http404
    number = None
    if what == "observations" and "version" in request.GET:
        try:
            number = int(request.GET["version"])
        except ValueError:
            raise Http404 from None
    document = exports.build(review, what, language, loaded=loaded, number=number)
    if document is None:
        raise Http404
    response = exports.RENDERERS[fmt](document)
    detail = f"{fmt.upper()}, {language}" + (f", version {number}" if number else "")
    record_read(request.user, review, Material(what), how=How.EXPORT, detail=detail)
    return response
