"""Pages of machine translations: a review's list with the request form, asking, a result
(always under the label saying it is an unofficial machine translation), and its plain-text
download. Whoever may not read the source gets 404 (actions module docstring)."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from revmod.documents.files import safe_stem
from revmod.documents.models import DocumentVersion
from revmod.documents.rules import MATERIAL, Kind
from revmod.lib.i18n import RTL_LANGUAGES, SUFFIXES, localized
from revmod.questionnaires import actions as questionnaires
from revmod.questionnaires import feedback, observations
from revmod.questionnaires.models import Question
from revmod.registry.models import Party
from revmod.reviews.models import Review
from revmod.reviews.reads import How, record_read
from revmod.reviews.schedule import Loaded
from revmod.translations import actions
from revmod.translations.models import TranslationRequest


def _review(request, pk) -> Review:
    reviews = Review.objects.visible_to(request.user).select_related("party", "cluster")
    return get_object_or_404(reviews, pk=pk)


def _language(code: str) -> str:
    """A data language code from a form (which may send the UI code 'zh-hans')."""
    return SUFFIXES.get(code, code)


@login_required
@require_GET
def translation_list(request, pk):
    """The review's machine translations the user may read (newest first), and the form to
    ask for one; a fixed number of queries whatever their number."""
    review = _review(request, pk)
    requests = (
        TranslationRequest.objects.filter(review=review)
        .select_related("requested_by", "document_version__document", "observation_version")
        .defer("source", "result")
    )
    loaded = Loaded([review], person=request.user)
    shown = actions.readable(request.user, review, requests, loaded)
    access = questionnaires.access_for(request.user, review, loaded)
    comments = feedback.access_for(request.user, review, loaded)
    context = {
        "review": review,
        "translations": shown,
        "may_translate_answers": access is not None and access.may_read,
        "may_translate_feedback": comments is not None and comments.may_read,
        # Every participant reads the list of observations: its latest version is offered.
        "observation_version": observations.latest(review) if access is not None else None,
        "versions": actions.translatable_versions(request.user, review),
        "default_source": actions.ui_language(actions.default_language(review)),
    }
    return render(request, "translations/list.html", context)


@login_required
@require_POST
def translation_new(request, pk):
    """Ask for a translation of the answers (source=answers), the written feedback
    (source=feedback), a version of the list of observations (source=observations-<number>)
    or a document version (source=version-<id>) into `target`; then to the translation's
    page. A request one may not make (a source one may not read) is a 404; bad input, a
    message and back to the list."""
    review = _review(request, pk)
    source = request.POST.get("source", "")
    target = _language(request.POST.get("target", ""))
    source_language = _language(request.POST.get("source_language", "")) or None
    now = timezone.now()
    asked = {"by": request.user, "target": target, "now": now, "source_language": source_language}
    try:
        if source == "answers":
            made, created = actions.request_answers(review, **asked)
        elif source == "feedback":
            made, created = actions.request_feedback(review, **asked)
        elif source.startswith("observations-") and source[13:].isdigit():
            made, created = actions.request_observations(review, number=int(source[13:]), **asked)
        elif source.startswith("version-") and source[8:].isdigit():
            version = (
                DocumentVersion.objects.select_related("document__review")
                .filter(document__review=review, pk=int(source[8:]))
                .first()
            )
            if version is None:
                raise actions.NotVisible
            made, created = actions.request_document(
                version, by=request.user, target=target, now=now
            )
        else:
            messages.error(request, _("Choose what to translate."))
            return redirect("translations:list", review.pk)
    except actions.NotVisible:
        raise Http404 from None
    except actions.TranslationRefused as error:
        messages.error(request, str(error))
        return redirect("translations:list", review.pk)
    if created:
        messages.success(
            request,
            _("Machine translation requested. You will get an e-mail when it is ready."),
        )
    else:
        messages.info(request, _("This translation was already requested: here it is."))
    return redirect("translations:detail", review.pk, made.pk)


def _translation(request, pk, number) -> TranslationRequest:
    review = _review(request, pk)
    found = get_object_or_404(
        TranslationRequest.objects.select_related(
            "requested_by",
            "document_version__document",
            "feedback_submission",
            "observation_version",
        ),
        review=review,
        pk=number,
    )
    found.review = review
    if not actions.may_read(request.user, found):
        raise Http404
    return found


def _record(request, found: TranslationRequest, detail: str) -> None:
    """The reading of a translation's result in the record of reads: of the answers, the
    feedback or the list of observations, or of the material of the document translated."""
    if found.kind == found.Kind.DOCUMENT:
        material = MATERIAL[Kind(found.document_version.document.kind)]
    else:
        material = actions.MATERIAL[found.kind]
    detail = f"{found.source_language} → {found.target_language}{detail}"
    record_read(request.user, found.review, material, how=How.TRANSLATION, obj=found, detail=detail)


def answer_rows(found: TranslationRequest) -> list[dict]:
    """The translated answers question by question, with the question, its article and the
    chosen values in the target language (from the template, never machine-translated); a
    fixed number of queries."""
    keys = [a["question"] for a in found.source["answers"]]
    questions = {
        q.key: q
        for q in Question.objects.filter(template=found.source["template"], key__in=keys)
        .select_related("article__instrument")
        .prefetch_related("choices")
    }
    translated = {r["question"]: r for r in (found.result or {}).get("answers", [])}
    target = found.target_language
    rows = []
    with translation.override(actions.ui_language(target)):
        yes_no = {value: str(text) for value, text in questionnaires.YES_NO_PARTLY}
        for answer in found.source["answers"]:
            q = questions.get(answer["question"])
            labels = dict(yes_no)
            if q is not None:
                labels.update({c.value: localized(c, "label", target) for c in q.choices.all()})
            article = q.article if q is not None else None
            heading = _heading(article) if article is not None else ""
            done = translated.get(answer["question"], {})
            rows.append(
                {
                    "key": answer["question"],
                    "article": heading,
                    "question": localized(q, "text", target)
                    if q is not None
                    else answer["question"],
                    "values": [labels.get(v, v) for v in answer.get("value", [])],
                    "citations": done.get("citations", ""),
                    "text": done.get("text", ""),
                    "has_value": q is None or q.has_value,
                    "has_citations": q is None or q.has_citations,
                }
            )
    return rows


def _heading(article) -> str:
    """An article as the questionnaire's pages name it, in the active language."""
    return _("%(instrument)s, article %(number)s: %(title)s") % {
        "instrument": article.instrument.short_label,
        "number": article.number,
        "title": article.label,
    }


def feedback_rows(found: TranslationRequest) -> list[dict]:
    """The translated comments question by question in the questionnaire's order, with the
    article, the question (from the template) and the reviewing party's name in the target
    language; a fixed number of queries."""
    comments = found.source["comments"]
    keys = {c["question"] for c in comments}
    questions = {
        q.key: q
        for q in Question.objects.filter(
            template=found.source["template"], key__in=keys
        ).select_related("article__instrument")
    }
    parties = {p.code: p for p in Party.objects.filter(code__in={c["party"] for c in comments})}
    translated = {
        (r["question"], r["party"]): r["text"] for r in (found.result or {}).get("comments", [])
    }
    target = found.target_language

    def order(key: str):
        q = questions.get(key)
        if q is None:
            return (1, 0, 0, 0, key)
        return (0, q.article.instrument.order, q.article.number, q.order, key)

    rows = []
    with translation.override(actions.ui_language(target)):
        for key in sorted(keys, key=order):
            q = questions.get(key)
            rows.append(
                {
                    "key": key,
                    "article": _heading(q.article) if q is not None else "",
                    "question": localized(q, "text", target) if q is not None else key,
                    "comments": [
                        {
                            "party": parties[c["party"]].label
                            if c["party"] in parties
                            else c["party"],
                            "text": translated.get((key, c["party"]), ""),
                        }
                        for c in comments
                        if c["question"] == key and c["text"].strip()
                    ],
                }
            )
    return [row for row in rows if row["comments"]]


def section_rows(found: TranslationRequest) -> list[dict]:
    """The translated sections of the list of observations in their order, each under its
    heading in the target language; no query."""
    labels = dict(observations.SECTIONS)
    translated = {r["key"]: r["text"] for r in (found.result or {}).get("sections", [])}
    with translation.override(actions.ui_language(found.target_language)):
        return [
            {
                "key": s["key"],
                "label": str(labels.get(s["key"], s["key"])),
                "text": translated.get(s["key"], ""),
            }
            for s in found.source["sections"]
        ]


def _labels(found: TranslationRequest) -> list[tuple[str, str]]:
    """The notice in the page's language, and in the target language when that differs:
    (language code for the lang attribute, text)."""
    current = translation.get_language()
    target = actions.ui_language(found.target_language)
    labels = [(current, actions.label(found))]
    # Not in a mix of languages while the target's catalogue lacks the notice.
    if target != current and actions.label_translated(target):
        labels.append((target, actions.label(found, target)))
    return labels


@login_required
@require_GET
def translation_detail(request, pk, translation):
    found = _translation(request, pk, translation)
    done = found.status == TranslationRequest.Status.DONE
    rows = []
    if done and found.kind == found.Kind.ANSWERS:
        rows = answer_rows(found)
    elif done and found.kind == found.Kind.FEEDBACK:
        rows = feedback_rows(found)
    articles = [(article, list(items)) for article, items in groupby(rows, lambda r: r["article"])]
    context = {
        "review": found.review,
        "translation": found,
        "done": done,
        "labels": _labels(found),
        "articles": articles,
        "sections": section_rows(found) if done and found.kind == found.Kind.OBSERVATIONS else [],
        "paragraphs": (found.result or {}).get("paragraphs", []) if done else [],
        "target_lang": actions.ui_language(found.target_language),
        "target_dir": "rtl" if found.target_language in RTL_LANGUAGES else "ltr",
        "sees_errors": actions.sees_errors(request.user, found),
    }
    response = render(request, "translations/detail.html", context)
    if done:
        _record(request, found, "")
    return response


@login_required
@require_GET
def translation_download(request, pk, translation):
    """The result as UTF-8 text, the label first (in the page's and the target language)."""
    found = _translation(request, pk, translation)
    if found.status != TranslationRequest.Status.DONE:
        raise Http404
    lines = [text for _code, text in _labels(found)] + ["", str(found.review), ""]
    if found.kind == found.Kind.ANSWERS:
        for row in answer_rows(found):
            lines += [row["article"], row["question"]]
            lines += ["; ".join(row["values"])] if row["values"] else []
            lines += [text for text in (row["citations"], row["text"]) if text]
            lines.append("")
    elif found.kind == found.Kind.FEEDBACK:
        for row in feedback_rows(found):
            lines += [row["article"], row["question"]]
            for comment in row["comments"]:
                lines += [f"{comment['party']}: {comment['text']}"]
            lines.append("")
    elif found.kind == found.Kind.OBSERVATIONS:
        for section in section_rows(found):
            lines += [section["label"], section["text"] or "—", ""]
    else:
        for paragraph in found.result.get("paragraphs", []):
            lines += [paragraph, ""]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    stem = safe_stem(f"machine-translation-{found.review.party.code}-{found.target_language}")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{found.pk}.txt"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    _record(request, found, ", text file")
    return response
