"""The questionnaire page of a review: every question of the instruments the party under review
is party to, grouped by article with its progress; a form per question for those who answer,
saved one question at a time; the offline questionnaire."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from revmod.lib import downloads, uploads
from revmod.lib.i18n import LANGUAGE_CHOICES, suffix
from revmod.questionnaires import actions, exports, offline, offline_import
from revmod.questionnaires.models import (
    Answer,
    AnswerSubmission,
)
from revmod.questionnaires.views.common import render_step, step_access, step_deadline
from revmod.reviews.access import Material
from revmod.reviews.deadlines import Step
from revmod.reviews.reads import How, record_read
from revmod.reviews.workflow import Role, Stage


def _context(
    review, access, loaded, *, conflict=None, error=None, problems=None, kept=None
) -> dict:
    """The page: questions grouped by instrument and article with progress, in a fixed number
    of queries whatever the number of questions and answers. `conflict`: a stale save (the
    question, what is saved now, the person's values); `kept`: a refused save (the question and
    the person's values, shown again in its form with `error`)."""
    template = actions.template_for(review)
    context = {
        "review": review,
        "access": access,
        "template": template,
        "editable": access.editable(review),
        "conflict": conflict,
        "error": error,
        "stand_in": access.may_stand_in(review),
        "yes_no_partly": actions.YES_NO_PARTLY,
        "problems": problems,
        "file_languages": LANGUAGE_CHOICES,
        "file_language": suffix(),
        "max_attachments": actions.MAX_ATTACHMENTS,
        "kept_question": kept["question"] if kept else None,
        "deadline": step_deadline(review, loaded, Step.QUESTIONNAIRE, timezone.localdate()),
        "stage": Stage.QUESTIONNAIRE,
    }
    if template is None or not access.may_read:
        return context
    languages = offline.languages_for(review)
    default = offline.default_language(languages)
    context["offline_formats"] = [("XLSX", "xlsx"), ("DOCX", "docx")]
    context["offline_languages"] = [
        {"code": code, "info": get_language_info(code)}
        for code in sorted(languages, key=lambda code: code != default)
    ]
    questions = actions.questions_for(review, template)
    # The last submission comes with the answers (a submission freezes answers: none without
    # them), its time and digest only, not the snapshot of every answer it holds.
    last = AnswerSubmission.objects.filter(answer_set=OuterRef("answer_set")).order_by("-pk")
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(answer_set__review=review, answer_set__template=template)
        .annotate(
            submitted_at=Subquery(last.values("at")[:1]),
            submitted_sha256=Subquery(last.values("sha256")[:1]),
        )
        .select_related("updated_by")
        .prefetch_related(actions.ATTACHMENTS)
    }
    first = next(iter(answers.values()), None)
    submission = (
        {"at": first.submitted_at, "sha256": first.submitted_sha256}
        if first is not None and first.submitted_at is not None
        else None
    )
    language = suffix()
    kept = kept or conflict
    articles = []
    numbers = {q.pk: number for number, q in enumerate(questions, start=1)}
    for article, items in groupby(questions, key=lambda q: q.article):
        rows = []
        for question in items:
            answer = answers.get(question.pk)
            current = (
                conflict["current"] if conflict and conflict["question"] == question.pk else None
            )
            rows.append(
                {
                    "question": question,
                    # As the confirmation of a clearance or submission lists the unanswered.
                    "number": numbers[question.pk],
                    "answer": answer,
                    "answered": actions.is_answered(question, answer),
                    "untranslated": not getattr(question, f"text_{language}"),
                    "shown": actions.shown_value(question, answer.value) if answer else [],
                    "current_shown": actions.shown_value(question, current.value)
                    if current
                    else [],
                    "mine": kept["mine"] if kept and kept["question"] == question.pk else None,
                    "error": error if kept and kept["question"] == question.pk else None,
                }
            )
        articles.append(
            {"article": article, "rows": rows, "answered": sum(r["answered"] for r in rows)}
        )
    context.update(
        shown=[Material.ANSWERS] if answers else [],
        exports=exports.links(review, "answers", exports.working_languages(review)),
        articles=articles,
        answered=sum(a["answered"] for a in articles),
        total=len(questions),
        submission=submission,
    )
    return context


@login_required
@require_GET
def answers(request, pk):
    review, access, loaded = step_access(request, pk, actions.access_for)
    context = _context(review, access, loaded)
    return render_step(request, "questionnaires/answers.html", context, loaded=loaded)


@login_required
@require_POST
def save(request, pk, question):
    """Save one answer (with its files); a stale version is refused (409) showing what the other
    person saved, and nothing is overwritten. Asked for JSON (the page's autosave), the answer
    is the new version and a line to show, or the error with the same status."""
    review, access, loaded = step_access(request, pk, actions.access_for)
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
    detach = [int(pk) for pk in request.POST.getlist("detach") if pk.isdigit()]
    now = timezone.now()
    autosave = "application/json" in request.headers.get("Accept", "")
    try:
        answer = actions.save_answer(
            review,
            question,
            by=request.user,
            now=now,
            version=version,
            attach=request.FILES.getlist("attachment"),
            detach=detach,
            language=request.POST.get("language", ""),
            **mine,
        )
    except actions.AnswerError as error:
        status = actions.refusal_status(error, access, review)
        if not autosave:
            return _refused(request, review, access, loaded, question, mine, error, status)
        message = str(error)
        if status == 409:
            message = _(
                "Someone else saved this answer after you opened it: save with the "
                "button to see their answer next to yours."
            )
        return JsonResponse({"error": message}, status=status)
    if autosave:
        return JsonResponse({"version": answer.version, "message": draft_saved(now)})
    messages.success(request, _("Answer saved."))
    return redirect(reverse("questionnaires:answers", args=[review.pk]) + f"#q{question.pk}")


def draft_saved(now) -> str:
    """The line the autosave shows, in the active language: a status line ending with the time,
    without a full stop of its own (English writes the time "10:47 a.m.", which made
    "a.m.." with one)."""
    when = formats.time_format(timezone.localtime(now), "TIME_FORMAT")
    return _("Draft saved at %(time)s") % {"time": when}


def _refused(request, review, access, loaded, question, mine, error, status):
    """The page again after a refused save: a stale one (409) with the other person's answer
    beside the person's own, any other with the person's values kept in the form."""
    if status == 409:
        conflict = {"question": question.pk, "current": error.current, "mine": mine}
        context = _context(review, access, loaded, conflict=conflict, error=str(error))
        return render_step(request, "questionnaires/answers.html", context, status=409)
    kept = {"question": question.pk, "mine": mine} if status == 400 else None
    context = _context(review, access, loaded, error=str(error), kept=kept)
    return render_step(request, "questionnaires/answers.html", context, status=status)


@login_required
@require_GET
def offline_download(request, pk, fmt):
    """The questions and current answers as XLSX or DOCX, in `?language=` (one of the review's
    working languages; by default the person's, when it is one of them), to fill offline."""
    review, access, _loaded = step_access(request, pk, actions.access_for)
    if fmt not in offline.FORMATS or not access.may_read:
        raise Http404
    languages = offline.languages_for(review)
    language = request.GET.get("language") or offline.default_language(languages)
    if language not in languages:
        raise Http404
    sheet = offline.sheet_for(review, language)
    if sheet is None:
        raise Http404
    render_file = offline.render_xlsx if fmt == "xlsx" else offline.render_docx
    content_type = downloads.XLSX if fmt == "xlsx" else uploads.FORMATS["docx"].content_type
    filename = f"questionnaire-{review.party.code}-{review.pk}-{language}.{fmt}"
    response = downloads.attachment(render_file(sheet), content_type, filename)
    record_read(request.user, review, Material.ANSWERS, how=How.OFFLINE, detail=filename)
    return response


@login_required
@require_POST
def offline_upload(request, pk):
    """Import a filled XLSX or DOCX: every answer is validated first; any problem is listed
    (400) and nothing is imported. Those who may not answer now are refused (403)."""
    review, access, loaded = step_access(request, pk, actions.access_for)
    on_behalf_of = request.POST.get("on_behalf_of") or None
    if not (access.editable(review) or on_behalf_of and access.may_stand_in(review)):
        may = access.may_answer or access.actor.role == Role.SECRETARIAT
        error = (
            _("The answers can be changed only at the questionnaire stage.")
            if may and review.stage != Stage.QUESTIONNAIRE
            else _("You may not answer this questionnaire.")
        )
        return render_step(
            request,
            "questionnaires/answers.html",
            _context(review, access, loaded, error=error),
            status=403,
        )
    upload = request.FILES.get("file")
    try:
        fmt = uploads.check_upload(upload, allowed=offline.FORMATS).extension
        result = offline_import.import_answers(
            review,
            upload,
            fmt,
            by=request.user,
            now=timezone.now(),
            on_behalf_of=on_behalf_of,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        problems = error.messages
    except offline.OfflineError as error:
        problems = error.problems
    else:
        text = ngettext(
            "%(imported)s answer imported, %(unchanged)s unchanged.",
            "%(imported)s answers imported, %(unchanged)s unchanged.",
            result.imported,
        )
        messages.success(
            request, text % {"imported": result.imported, "unchanged": result.unchanged}
        )
        return redirect("questionnaires:answers", review.pk)
    context = _context(review, access, loaded, problems=problems)
    return render_step(request, "questionnaires/answers.html", context, status=400)
