"""The questionnaire page of a review: every question of the instruments the party under review
is party to, grouped by article with its progress; a form per question for those who answer,
saved one question at a time."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from revmod.lib import downloads, uploads
from revmod.lib.i18n import LANGUAGE_CHOICES, suffix
from revmod.questionnaires import actions, exports, feedback, observations, offline
from revmod.questionnaires.models import (
    Answer,
    AnswerSubmission,
    Comment,
    FeedbackSubmission,
    ObservationVersion,
    PublicationDecision,
    SignOff,
)
from revmod.reviews.actions import ReviewError
from revmod.reviews.models import Review
from revmod.reviews.schedule import Loaded
from revmod.reviews.workflow import Role, Side, Stage, stage_index


def _review_and_access(request, pk):
    review = get_object_or_404(
        Review.objects.visible_to(request.user).select_related("party", "cluster"), pk=pk
    )
    access = actions.access_for(request.user, review)
    if access is None:
        raise Http404
    return review, access


def _context(review, access, *, conflict=None, error=None, problems=None, kept=None) -> dict:
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
        "stand_in": _may_stand_in(review, access),
        "yes_no_partly": actions.YES_NO_PARTLY,
        "problems": problems,
        "file_languages": LANGUAGE_CHOICES,
        "file_language": suffix(),
        "max_attachments": actions.MAX_ATTACHMENTS,
        "kept_question": kept["question"] if kept else None,
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
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(answer_set__review=review, answer_set__template=template)
        .select_related("updated_by")
        .prefetch_related(actions.ATTACHMENTS)
    }
    language = suffix()
    kept = kept or conflict
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
                    "mine": kept["mine"] if kept and kept["question"] == question.pk else None,
                    "error": error if kept and kept["question"] == question.pk else None,
                }
            )
        articles.append(
            {"article": article, "rows": rows, "answered": sum(r["answered"] for r in rows)}
        )
    context.update(
        exports=exports.links(review, "answers", exports.working_languages(review)),
        articles=articles,
        answered=sum(a["answered"] for a in articles),
        total=len(questions),
        submission=AnswerSubmission.objects.filter(answer_set__review=review).last(),
    )
    return context


def _may_stand_in(review, access) -> bool:
    """The secretariat may upload the answers of a party that cannot use the platform."""
    return access.actor.role == Role.SECRETARIAT and review.stage == Stage.QUESTIONNAIRE


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
    """Save one answer (with its files); a stale version is refused (409) showing what the other
    person saved, and nothing is overwritten. Asked for JSON (the page's autosave), the answer
    is the new version and a line to show, or the error with the same status."""
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
            return _refused(request, review, access, question, mine, error, status)
        message = str(error)
        if status == 409:
            message = _(
                "Someone else saved this answer after you opened it: save with the "
                "button to see their answer next to yours."
            )
        return JsonResponse({"error": message}, status=status)
    if autosave:
        when = formats.time_format(timezone.localtime(now), "TIME_FORMAT")
        message = _("Draft saved at %(time)s.") % {"time": when}
        return JsonResponse({"version": answer.version, "message": message})
    messages.success(request, _("Answer saved."))
    return redirect(reverse("questionnaires:answers", args=[review.pk]) + f"#q{question.pk}")


def _refused(request, review, access, question, mine, error, status):
    """The page again after a refused save: a stale one (409) with the other person's answer
    beside the person's own, any other with the person's values kept in the form."""
    if status == 409:
        conflict = {"question": question.pk, "current": error.current, "mine": mine}
        context = _context(review, access, conflict=conflict, error=str(error))
        return render(request, "questionnaires/answers.html", context, status=409)
    kept = {"question": question.pk, "mine": mine} if status == 400 else None
    context = _context(review, access, error=str(error), kept=kept)
    return render(request, "questionnaires/answers.html", context, status=status)


@login_required
@require_GET
def offline_download(request, pk, fmt):
    """The questions and current answers as XLSX or DOCX, in `?language=` (one of the review's
    working languages; by default the person's, when it is one of them), to fill offline."""
    review, access = _review_and_access(request, pk)
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
    return downloads.attachment(render_file(sheet), content_type, filename)


@login_required
@require_POST
def offline_upload(request, pk):
    """Import a filled XLSX or DOCX: every answer is validated first; any problem is listed
    (400) and nothing is imported. Those who may not answer now are refused (403)."""
    review, access = _review_and_access(request, pk)
    on_behalf_of = request.POST.get("on_behalf_of") or None
    if not (access.editable(review) or on_behalf_of and _may_stand_in(review, access)):
        may = access.may_answer or access.actor.role == Role.SECRETARIAT
        error = (
            _("The answers can be changed only at the questionnaire stage.")
            if may and review.stage != Stage.QUESTIONNAIRE
            else _("You may not answer this questionnaire.")
        )
        return render(
            request,
            "questionnaires/answers.html",
            _context(review, access, error=error),
            status=403,
        )
    upload = request.FILES.get("file")
    try:
        fmt = uploads.check_upload(upload, allowed=offline.FORMATS).extension
        result = offline.import_answers(
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
    context = _context(review, access, problems=problems)
    return render(request, "questionnaires/answers.html", context, status=400)


# Written feedback ---------------------------------------------------------------------------


def _feedback_access(request, pk):
    review = get_object_or_404(
        Review.objects.visible_to(request.user).select_related("party", "cluster"), pk=pk
    )
    loaded = Loaded([review])
    access = feedback.access_for(request.user, review, loaded)
    if access is None:
        raise Http404
    return review, access, loaded


def _feedback_context(review, access, loaded, *, conflict=None, error=None) -> dict:
    """The feedback page: the submitted answers' questions by article, each reviewing party's
    comment, a form where the person's party writes; a fixed number of queries."""
    template = actions.template_for(review)
    reviewers = loaded.reviewer_codes(review)
    tasks = feedback.assignments(review)
    covers = feedback.coverage(review, loaded)
    editable = access.editable(review)
    context = {
        "review": review,
        "access": access,
        "editable": editable,
        "error": error,
        "conflict": conflict,
        "reviewers": reviewers,
        "template": template,
        "may_divide": access.actor.role in {Role.SECRETARIAT, Role.FOCAL_POINT}
        and stage_index(review.stage) <= stage_index(Stage.WRITTEN_FEEDBACK),
    }
    if template is None or not access.may_read:
        return context
    questions = actions.questions_for(review, template)
    # The reviewing parties read the answers only once submitted (rule 40, seed ¶33): before,
    # this page shows them the questions (to divide the tasks), not the answers.
    answers = (
        {a.question_id: a for a in Answer.objects.filter(answer_set__review=review)}
        if access.actor.side != Side.REVIEWING
        or stage_index(review.stage) > stage_index(Stage.QUESTIONNAIRE)
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
            rows.append(
                {
                    "question": q,
                    "answer": answers.get(q.pk),
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
                "parties": [c for c in reviewers if feedback.assigned(tasks, covers, c, article)],
                "divided": [c for c in reviewers if article.pk in tasks.get(c, ())],
            }
        )
    context.update(
        exports=exports.links(review, "feedback", exports.working_languages(review)),
        articles=articles,
        submission=FeedbackSubmission.objects.filter(review=review).last(),
    )
    return context


@login_required
@require_GET
def feedback_page(request, pk):
    review, access, loaded = _feedback_access(request, pk)
    return render(
        request, "questionnaires/feedback.html", _feedback_context(review, access, loaded)
    )


@login_required
@require_POST
def feedback_save(request, pk, question):
    """Save one comment of the person's party; a stale version is refused (409) showing what
    the other person saved."""
    review, access, loaded = _feedback_access(request, pk)
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
        return render(request, "questionnaires/feedback.html", context, status=409)
    except feedback.FeedbackError as error:
        status = 400 if access.editable(review) else 403
        context = _feedback_context(review, access, loaded, error=str(error))
        return render(request, "questionnaires/feedback.html", context, status=status)
    messages.success(request, _("Comment saved."))
    return redirect(reverse("questionnaires:feedback", args=[review.pk]) + f"#q{question}")


@login_required
@require_POST
def feedback_tasks(request, pk):
    """Record the division of tasks: checkboxes named `task`, valued `PARTY:article id`."""
    review, access, loaded = _feedback_access(request, pk)
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


# List of observations -----------------------------------------------------------------------


def _observations_access(request, pk):
    review = get_object_or_404(
        Review.objects.visible_to(request.user).select_related("party", "cluster"), pk=pk
    )
    access = observations.access_for(request.user, review)
    if access is None:
        raise Http404
    return review, access


def _observations_context(review, access, *, conflict=None, error=None, mine=None) -> dict:
    versions = list(
        ObservationVersion.objects.filter(review=review)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("sign_offs", queryset=SignOff.objects.select_related("party", "by"))
        )
        .order_by("-number")
    )
    current = versions[0] if versions else None
    parties = [review.party.code, *Loaded([review]).reviewer_codes(review)]
    signed = {s.party.code for s in current.sign_offs.all()} if current else set()
    texts = mine or (current.sections if current else {})
    decisions = list(
        PublicationDecision.objects.filter(review=review)
        .select_related("by")
        .order_by(*observations.IN_FORCE_FIRST)
    )
    chosen = decisions[0].sections if decisions else []
    return {
        "review": review,
        "access": access,
        "editable": access.may_draft and review.stage == Stage.OBSERVATIONS,
        "signing": access.may_sign and review.stage == Stage.OBSERVATIONS,
        "versions": versions,
        "current": current,
        "sections": [
            {
                "key": key,
                "label": label,
                "text": texts.get(key, ""),
                "current": (current.sections.get(key, "") if current else ""),
            }
            for key, label in observations.SECTIONS
        ],
        "parties": [{"code": code, "signed": code in signed} for code in parties],
        "my_party_signed": access.actor.party in signed,
        # The secretariat signs for a party that cannot use the platform (seed ¶33).
        "unsigned": [code for code in parties if code not in signed]
        if access.actor.role == Role.SECRETARIAT and review.stage == Stage.OBSERVATIONS
        else [],
        "decisions": decisions,
        "published_labels": [label for key, label in observations.SECTIONS if key in chosen],
        "choices": PublicationDecision.Choice.choices,
        "publishable": [
            (k, label) for k, label in observations.SECTIONS if k in observations.PUBLISHABLE
        ],
        "exports": exports.links(review, "observations", exports.working_languages(review))
        if current
        else [],
        "conflict": conflict,
        "error": error,
    }


@login_required
@require_GET
def observations_page(request, pk):
    review, access = _observations_access(request, pk)
    return render(
        request, "questionnaires/observations.html", _observations_context(review, access)
    )


@login_required
@require_POST
def observations_save(request, pk):
    """Save the sections as a new version; a save based on an older version is refused (409),
    showing the newer one next to the person's text."""
    review, access = _observations_access(request, pk)
    mine = {key: request.POST.get(key, "") for key, _label in observations.SECTIONS}
    try:
        based_on = int(request.POST.get("based_on", ""))
    except ValueError:
        based_on = -1
    try:
        version = observations.save_version(
            review, by=request.user, now=timezone.now(), based_on=based_on, sections=mine
        )
    except observations.StaleVersion as stale:
        context = _observations_context(
            review, access, conflict=stale.current, error=str(stale), mine=mine
        )
        return render(request, "questionnaires/observations.html", context, status=409)
    except observations.ObservationError as error:
        status = 400 if access.may_draft and review.stage == Stage.OBSERVATIONS else 403
        context = _observations_context(review, access, error=str(error), mine=mine)
        return render(request, "questionnaires/observations.html", context, status=status)
    messages.success(request, _("Version %(number)s saved.") % {"number": version.number})
    return redirect("questionnaires:observations", review.pk)


@login_required
@require_GET
def observations_diff(request, pk):
    """What changed between two versions (`a` and `b`, numbers), section by section."""
    review, access = _observations_access(request, pk)
    numbers = list(
        ObservationVersion.objects.filter(review=review)
        .order_by("number")
        .values_list("number", flat=True)
    )
    context = {"review": review, "numbers": numbers, "changes": None}
    try:
        a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError:
        return render(request, "questionnaires/observations_diff.html", context)
    found = {
        v.number: v for v in ObservationVersion.objects.filter(review=review, number__in=[a, b])
    }
    if a not in found or b not in found:
        raise Http404
    context.update(old=found[a], new=found[b], changes=observations.diff(found[a], found[b]))
    return render(request, "questionnaires/observations_diff.html", context)


@login_required
@require_POST
def observations_sign(request, pk):
    review, _access = _observations_access(request, pk)
    try:
        number = int(request.POST.get("version", ""))
    except ValueError:
        number = -1
    on_behalf_of = request.POST.get("on_behalf_of") or None
    try:
        observations.sign_off(
            review,
            by=request.user,
            now=timezone.now(),
            number=number,
            on_behalf_of=on_behalf_of,
            reason=request.POST.get("reason", ""),
        )
        if on_behalf_of:
            messages.success(request, _("Signed off on the party's behalf."))
        else:
            messages.success(request, _("Signed off for your party."))
    except (observations.ObservationError, ReviewError) as error:
        messages.error(request, str(error))
    return redirect("questionnaires:observations", review.pk)


@login_required
@require_POST
def observations_publication(request, pk):
    review, _access = _observations_access(request, pk)
    try:
        observations.decide_publication(
            review,
            by=request.user,
            now=timezone.now(),
            choice=request.POST.get("choice", ""),
            sections=request.POST.getlist("section"),
            parts=request.POST.get("parts", ""),
        )
        messages.success(request, _("The publication decision is recorded."))
    except observations.ObservationError as error:
        messages.error(request, str(error))
    return redirect("questionnaires:observations", review.pk)


# Exports ------------------------------------------------------------------------------------


@login_required
@require_GET
def export(request, pk, what, fmt):
    """The answers, the written feedback or the list of observations as a PDF or DOCX in one of
    the review's working languages (`lang`; by default the reader's if it is one, else the
    first), for those who may read them on their page; anything else is a 404."""
    if what not in exports.WHATS or fmt not in exports.FORMATS:
        raise Http404
    review = get_object_or_404(
        Review.objects.visible_to(request.user).select_related("party", "cluster"), pk=pk
    )
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
    return exports.RENDERERS[fmt](document)
