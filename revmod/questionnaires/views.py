"""The questionnaire page of a review: every question of the instruments the party under review
is party to, grouped by article with its progress; a form per question for those who answer,
saved one question at a time."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from revmod.lib.i18n import suffix
from revmod.questionnaires import actions
from revmod.questionnaires.models import Answer, AnswerSubmission
from revmod.reviews.models import Review


def _review_and_access(request, pk):
    review = get_object_or_404(
        Review.objects.visible_to(request.user).select_related("party", "cluster"), pk=pk
    )
    access = actions.access_for(request.user, review)
    if access is None:
        raise Http404
    return review, access


def _context(review, access, *, conflict=None, error=None) -> dict:
    """The page: questions grouped by instrument and article with progress, in a fixed number
    of queries whatever the number of questions and answers."""
    template = actions.template_for(review)
    context = {"review": review, "access": access, "template": template,
               "editable": access.editable(review), "conflict": conflict, "error": error,
               "yes_no_partly": actions.YES_NO_PARTLY}  # fmt: skip
    if template is None or not access.may_read:
        return context
    questions = actions.questions_for(review, template)
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(
            answer_set__review=review, answer_set__template=template
        ).select_related("updated_by")
    }
    language = suffix()
    articles = []
    for article, items in groupby(questions, key=lambda q: q.article):
        rows = []
        for question in items:
            answer = answers.get(question.pk)
            labels = _labels(question)
            current = (
                conflict["current"] if conflict and conflict["question"] == question.pk else None
            )
            rows.append(
                {
                    "question": question,
                    "answer": answer,
                    "answered": answer is not None and _answered(question, answer),
                    "untranslated": not getattr(question, f"text_{language}"),
                    "shown": [labels.get(v, v) for v in answer.value] if answer else [],
                    "current_shown": [labels.get(v, v) for v in current.value] if current else [],
                    "mine": conflict["mine"]
                    if conflict and conflict["question"] == question.pk
                    else None,
                }
            )
        articles.append(
            {"article": article, "rows": rows, "answered": sum(r["answered"] for r in rows)}
        )
    context.update(
        articles=articles,
        answered=sum(a["answered"] for a in articles),
        total=len(questions),
        submission=AnswerSubmission.objects.filter(answer_set__review=review).last(),
    )
    return context


def _labels(question) -> dict:
    if question.kind == question.Kind.YES_NO_PARTLY:
        return dict(actions.YES_NO_PARTLY)
    return {c.value: c.label for c in question.choices.all()}


def _answered(question, answer) -> bool:
    answer.question = question  # already fetched: no query
    return answer.is_answered


@login_required
@require_GET
def answers(request, pk):
    review, access = _review_and_access(request, pk)
    return render(request, "questionnaires/answers.html", _context(review, access))


@login_required
@require_POST
def save(request, pk, question):
    """Save one answer; a stale version is refused (409) showing what the other person
    saved, and nothing is overwritten."""
    review, access = _review_and_access(request, pk)
    template = actions.template_for(review)
    if template is None:
        raise Http404
    found = [q for q in actions.questions_for(review, template) if q.pk == question]
    if not found:
        raise Http404
    question = found[0]
    mine = {
        "value": request.POST.getlist("value"),
        "citations": request.POST.get("citations", ""),
        "text": request.POST.get("text", ""),
    }
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        actions.save_answer(review, question, by=request.user, now=timezone.now(),
                            version=version, **mine)  # fmt: skip
    except actions.StaleAnswer as stale:
        conflict = {"question": question.pk, "current": stale.current, "mine": mine}
        context = _context(review, access, conflict=conflict, error=str(stale))
        return render(request, "questionnaires/answers.html", context, status=409)
    except actions.AnswerError as error:
        status = 400 if access.editable(review) else 403
        context = _context(review, access, error=str(error))
        return render(request, "questionnaires/answers.html", context, status=status)
    messages.success(request, _("Answer saved."))
    return redirect(reverse("questionnaires:answers", args=[review.pk]) + f"#q{question.pk}")
