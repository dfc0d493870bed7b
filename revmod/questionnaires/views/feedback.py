"""The written feedback page of a review: the reviewing parties' comments per question."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from revmod.questionnaires import actions, exports, feedback
from revmod.questionnaires.models import (
    Answer,
    Comment,
    FeedbackSubmission,
)
from revmod.questionnaires.views.common import render_step, step_access, step_deadline
from revmod.reviews import access as review_access
from revmod.reviews.access import Material
from revmod.reviews.deadlines import Step
from revmod.reviews.workflow import Role, Stage, stage_index


def _feedback_context(review, access, loaded, *, conflict=None, error=None) -> dict:
    """The feedback page: the submitted answers' questions by article, each reviewing party's
    comment, a form where the person's party writes; a fixed number of queries."""
    template = actions.template_for(review)
    reviewers = loaded.reviewer_codes(review)
    parties = loaded.parties(review)  # names for the codes, shown instead of them
    tasks = feedback.assignments(review)
    covers = feedback.coverage(review, loaded)
    editable = access.editable(review)
    context = {
        "review": review,
        "access": access,
        "editable": editable,
        "error": error,
        "conflict": conflict,
        "reviewers": [(code, parties[code]) for code in reviewers],
        "writes_for": parties.get(access.writes_for) if access.writes_for else None,
        "template": template,
        "may_divide": access.actor.role in {Role.SECRETARIAT, Role.FOCAL_POINT}
        and stage_index(review.stage) <= stage_index(Stage.WRITTEN_FEEDBACK),
        "deadline": step_deadline(review, loaded, Step.WRITTEN_FEEDBACK, timezone.localdate()),
        "stage": Stage.WRITTEN_FEEDBACK,
    }
    if template is None or not access.may_read:
        return context
    questions = actions.questions_for(review, template)
    # The reviewing parties read the answers only once submitted (rule 40, seed ¶33): before,
    # this page shows them the questions (to divide the tasks), not the answers.
    answers_shown = review_access.may_read(access.actor, Material.ANSWERS, review.stage)
    answers = (
        {
            a.question_id: a
            for a in Answer.objects.filter(answer_set__review=review).prefetch_related(
                actions.ATTACHMENTS
            )
        }
        if answers_shown
        else {}
    )
    comments = {}
    for c in Comment.objects.filter(review=review).select_related("party", "updated_by"):
        comments.setdefault(c.question_id, {})[c.party.code] = c
    articles = []
    for article, items in groupby(questions, key=lambda q: q.article):
        mine = access.writes_for and feedback.assigned(tasks, covers, access.writes_for, article)
        rows = []
        for q in items:
            by_party = comments.get(q.pk, {})
            clash = conflict if conflict and conflict["question"] == q.pk else None
            answer = answers.get(q.pk)
            rows.append(
                {
                    "question": q,
                    "answer": answer,
                    "shown": actions.shown_value(q, answer.value) if answer else [],
                    "comments": [by_party[code] for code in reviewers if code in by_party],
                    "own": by_party.get(access.writes_for) if access.writes_for else None,
                    "conflict": clash,
                }
            )
        articles.append(
            {
                "article": article,
                "rows": rows,
                "mine": bool(mine),
                "parties": [
                    parties[c] for c in reviewers if feedback.assigned(tasks, covers, c, article)
                ],
                "divided": [c for c in reviewers if article.pk in tasks.get(c, ())],
                # Those who may be given it: the parties drawn for its instrument.
                "eligible": [c for c in reviewers if feedback.drawn_for(covers, c, article)],
            }
        )
    context.update(
        shown=([Material.FEEDBACK] if comments else []) + ([Material.ANSWERS] if answers else []),
        exports=exports.links(review, "feedback", exports.working_languages(review)),
        articles=articles,
        answers_shown=answers_shown,
        submission=FeedbackSubmission.objects.filter(review=review).last(),
        # A machine translation is offered once a comment has text (translations.actions).
        translatable=any(c.text for by_party in comments.values() for c in by_party.values()),
    )
    return context


@login_required
@require_GET
def feedback_page(request, pk):
    review, access, loaded = step_access(request, pk, feedback.access_for)
    context = _feedback_context(review, access, loaded)
    return render_step(request, "questionnaires/feedback.html", context, loaded=loaded)


@login_required
@require_POST
def feedback_save(request, pk, question):
    """Save one comment of the person's party; a stale version is refused (409) showing what
    the other person saved."""
    review, access, loaded = step_access(request, pk, feedback.access_for)
    template = actions.template_for(review)
    found = (
        [q for q in actions.questions_for(review, template) if q.pk == question]
        if (template)
        else []
    )
    if not found:
        raise Http404
    text = request.POST.get("text", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        feedback.save_comment(
            review, found[0], by=request.user, now=timezone.now(), version=version, text=text
        )
    except feedback.StaleComment as stale:
        conflict = {"question": question, "current": stale.current, "mine": text}
        context = _feedback_context(review, access, loaded, conflict=conflict, error=str(stale))
        return render_step(request, "questionnaires/feedback.html", context, status=409)
    except feedback.FeedbackError as error:
        status = 400 if access.editable(review) else 403
        context = _feedback_context(review, access, loaded, error=str(error))
        return render_step(request, "questionnaires/feedback.html", context, status=status)
    messages.success(request, _("Comment saved."))
    return redirect(reverse("questionnaires:feedback", args=[review.pk]) + f"#q{question}")


@login_required
@require_POST
def feedback_tasks(request, pk):
    """Record the division of tasks: checkboxes named `task`, valued `PARTY:article id`."""
    review, access, _loaded = step_access(request, pk, feedback.access_for)
    tasks: dict[str, list[int]] = {}
    for item in request.POST.getlist("task"):
        code, _sep, article = item.partition(":")
        if article.isdigit():
            tasks.setdefault(code, []).append(int(article))
    try:
        feedback.divide_tasks(review, by=request.user, now=timezone.now(), tasks=tasks)
        messages.success(request, _("The division of tasks is recorded."))
    except feedback.FeedbackError as error:
        messages.error(request, str(error))
    return redirect("questionnaires:feedback", review.pk)
