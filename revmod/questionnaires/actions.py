"""Who may read and answer a review's questionnaire, and the operations on answers: save one
answer (refusing a stale version), freeze the answers when the questionnaire is submitted, and
the secretariat's template versions."""

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from revmod.accounts.models import User
from revmod.documents import actions as documents
from revmod.documents.rules import Kind
from revmod.lib.confirm import Link, Summary
from revmod.lib.i18n import DATA_CODES, localized, normalize_language
from revmod.questionnaires.models import (
    Answer,
    AnswerAttachment,
    AnswerSet,
    AnswerSubmission,
    Choice,
    Question,
    QuestionnaireTemplate,
)
from revmod.registry.models import Adherence
from revmod.reviews import actions as reviews
from revmod.reviews.access import Material
from revmod.reviews.access import may_read as may_read_material
from revmod.reviews.models import Review
from revmod.reviews.schedule import Loaded
from revmod.reviews.workflow import Action, Actor, Role, Side, Stage

YES_NO_PARTLY = [
    ("yes", gettext_lazy("Yes")),
    ("no", gettext_lazy("No")),
    ("partly", gettext_lazy("Partly")),
]


# An answer's attachments with their files' rows, in the order attached (prefetch them).
ATTACHMENTS = Prefetch(
    "attachments", queryset=AnswerAttachment.objects.select_related("version__document")
)


class AnswerError(Exception):
    """A save refused, with a message for the person who tried."""


class StaleAnswer(AnswerError):
    """The answer changed since the form was opened: `current` is what is saved now."""

    def __init__(self, current: Answer):
        super().__init__(_("Someone else saved this answer after you opened it."))
        self.current = current


@dataclass(frozen=True)
class Access:
    """What a person may do with a review's answers."""

    actor: Actor
    may_read: bool  # the answers (the questions are never secret to the review's people)
    may_answer: bool  # their role lets them answer; the stage decides whether now

    def editable(self, review: Review) -> bool:
        return self.may_answer and review.stage == Stage.QUESTIONNAIRE

    def may_stand_in(self, review: Review) -> bool:
        """The secretariat may answer for the party under review now (answering_access)."""
        return self.actor.role == Role.SECRETARIAT and review.stage == Stage.QUESTIONNAIRE


def refusal_status(
    error: AnswerError, access: Access, review: Review, on_behalf_of: str | None = None
) -> int:
    """The HTTP status of a refused save (page, autosave and API alike): 409 for a stale one,
    403 for someone who may not change the answers now, else 400 (the secretariat standing in
    for the party, `on_behalf_of`, may change them at the questionnaire stage)."""
    if isinstance(error, StaleAnswer):
        return 409
    if on_behalf_of and access.may_stand_in(review):
        return 400
    return 400 if access.editable(review) else 403


def access_for(user, review: Review, loaded: Loaded | None = None) -> Access | None:
    """None when `user` takes no part in `review`. The answers are read as `reviews.access`
    says (the reviewing parties once submitted: rule 40, seed ¶33); the party under review's
    focal point and experts answer them (guideline 6: experts draft, the focal point clears)."""
    loaded = loaded or Loaded([review])
    actor = loaded.actor(user, review)
    if actor is None:
        return None
    answers = actor.side == Side.REVIEWED and actor.role in {Role.FOCAL_POINT, Role.EXPERT}
    return Access(
        actor, may_read=may_read_material(actor, Material.ANSWERS, review.stage), may_answer=answers
    )


def answering_access(user, review: Review, on_behalf_of: str | None, reason: str) -> Access | None:
    """`access_for`, or with `on_behalf_of` (a party code) the access of the focal point of
    the party under review that the secretariat member `user` stands in for, with a reason (the
    digital gap, seed ¶33: a party that cannot use the platform sends its answers, the
    secretariat enters or uploads them). AnswerError when that is not allowed."""
    if not on_behalf_of:
        return access_for(user, review)
    try:
        actor = reviews.stand_in(user, review, on_behalf_of, reason)
    except reviews.ReviewError as error:
        raise AnswerError(str(error)) from None
    if actor.side != Side.REVIEWED:
        raise AnswerError(_("Only the party under review answers its questionnaire."))
    return Access(actor, may_read=True, may_answer=True)


def drafts(review_pks: list[int]):
    """The questionnaire stage's drafts (reviews.stages): the reviews among `review_pks` with
    answers saved, each the party under review's draft. One query."""
    return (
        Answer.objects.filter(answer_set__review__in=review_pks)
        .values_list("answer_set__review", "answer_set__review__party__code")
        .order_by()
        .distinct()
    )


def template_for(review: Review) -> QuestionnaireTemplate | None:
    """The template the review answers: its answer set's, else the cluster's current one (one
    query, its cluster with it)."""
    answered = Exists(AnswerSet.objects.filter(review=review, template=OuterRef("pk")))
    return (
        QuestionnaireTemplate.objects.alias(answered=answered)
        .filter(Q(answered=True) | Q(cluster=review.cluster_id, published=True))
        .select_related("cluster")
        .order_by(F("answered").desc(), "-version")
        .first()
    )


def questions_for(review: Review, template: QuestionnaireTemplate) -> list[Question]:
    """The template's questions on the instruments the party under review is party to, with
    their article, instrument and choices (two queries)."""
    instruments = Adherence.objects.current().filter(party=review.party_id).values("instrument")
    return list(
        template.questions.filter(article__instrument__in=instruments)
        .select_related("article__instrument")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order", "pk")))
    )


def is_answered(question: Question, answer: Answer | None) -> bool:
    """Whether `answer` (of `question`, fetched with it: no query for it; its attachments
    prefetched) answers it (Answer.is_answered)."""
    if answer is None:
        return False
    answer.question = question
    return answer.is_answered


def summary(review: Review, action: Action, actor: Actor, state) -> Summary | None:
    """The questionnaire stage's summary (reviews.stages), shown before the answers are cleared
    or submitted: the questions answered of those asked, the files attached, the questions
    left unanswered (numbered as on the questionnaire's page, each linked to its form; they do
    not block: the party may submit with gaps, and is told so) and what follows, to whom. A
    fixed number of queries whatever the number of questions and answers."""
    if action not in (Action.CLEAR, Action.SUBMIT):
        return None
    clearing = action == Action.CLEAR
    party = review.party.label
    result = Summary(
        title=_("Clear the answers of %(party)s") % {"party": party}
        if clearing
        else _("Submit the self-assessment questionnaire"),
        next=_next_lines(clearing, party),
    )
    template = template_for(review)
    if template is None:
        result.sent.append(_("No questionnaire has been published for this cluster yet."))
        return result
    questions = questions_for(review, template)
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(answer_set__review=review).prefetch_related(ATTACHMENTS)
    }
    page = reverse("questionnaires:answers", args=[review.pk])
    missing = [
        Link(f"{number}. {Truncator(q.label).chars(100)}", f"{page}#q{q.pk}")
        for number, q in enumerate(questions, start=1)
        if not is_answered(q, answers.get(q.pk))
    ]
    total, done = len(questions), len(questions) - len(missing)
    result.sent.append(
        ngettext(
            "%(answered)s of %(total)s question answered",
            "%(answered)s of %(total)s questions answered",
            total,
        )
        % {"answered": done, "total": total}
    )
    files = sum(len(a.attachments.all()) for a in answers.values())
    if files:
        result.sent.append(
            ngettext(
                "%(count)s file attached to the answers",
                "%(count)s files attached to the answers",
                files,
            )
            % {"count": files}
        )
    if missing:
        result.warnings.append(_gaps(clearing, len(missing)))
        result.missing, result.missing_title = missing, _("Questions not answered")
    return result


def _gaps(clearing: bool, count: int) -> str:
    if clearing:
        text = ngettext(
            "%(count)s question is not answered (listed below). You may clear the answers "
            "with this gap; once they are submitted, the reviewing parties read it unanswered.",
            "%(count)s questions are not answered (listed below). You may clear the answers "
            "with these gaps; once they are submitted, the reviewing parties read them "
            "unanswered.",
            count,
        )
    else:
        text = ngettext(
            "%(count)s question is not answered (listed below). You may submit the answers "
            "with this gap, but it cannot be filled afterwards: the reviewing parties will "
            "read it unanswered.",
            "%(count)s questions are not answered (listed below). You may submit the answers "
            "with these gaps, but they cannot be filled afterwards: the reviewing parties "
            "will read them unanswered.",
            count,
        )
    return text % {"count": count}


def _next_lines(clearing: bool, party: str) -> list[str]:
    if clearing:
        return [
            _("The clearance of %(party)s is recorded and the review's focal points are notified.")
            % {"party": party},
            _(
                "The answers can then be submitted. A change to an answer before that "
                "withdraws the clearance."
            ),
        ]
    return [
        _("The answers are frozen as submitted: no one can change them any more."),
        _(
            "The review moves on to the written feedback. The reviewing parties' focal points "
            "and experts will be notified and can read the answers and comment on them."
        ),
        _("Everyone else taking part in the review is notified too."),
    ]


def choice_options(question: Question, language: str | None = None) -> list[tuple[str, str]]:
    """(value, label in `language`, else the active language) of each option of a choice
    question: a person reads the label, never the value stored."""
    if question.kind == Question.Kind.YES_NO_PARTLY:
        with translation.override(normalize_language(language or translation.get_language())):
            return [(value, str(label)) for value, label in YES_NO_PARTLY]
    return [(c.value, localized(c, "label", language)) for c in question.choices.all()]


def shown_value(question: Question, value: list[str], language: str | None = None) -> list[str]:
    """The options chosen in an answer, as their labels in `language` (else the active one); a
    value that is no longer an option is shown as stored."""
    labels = dict(choice_options(question, language))
    return [labels.get(v, v) for v in value]


def clean_value(question: Question, value: list[str]) -> list[str]:
    """The chosen values, checked against the question's kind and choices."""
    value = [v for v in value if v]
    if not question.has_value:
        return []
    allowed = (
        [v for v, _label in YES_NO_PARTLY]
        if question.kind == Question.Kind.YES_NO_PARTLY
        else [c.value for c in question.choices.all()]
    )
    if any(v not in allowed for v in value):
        raise AnswerError(_("Choose among the options offered."))
    if question.kind != Question.Kind.MULTIPLE and len(value) > 1:
        raise AnswerError(_("Choose one option only."))
    return sorted(set(value), key=allowed.index)


@dataclass(frozen=True)
class Draft:
    """One answer to save: the values, and the version of the saved answer it was based on (0
    for an answer not saved before)."""

    question: Question
    version: int
    value: list[str]
    citations: str = ""
    text: str = ""


MAX_ATTACHMENTS = 20  # files attached to one answer


def save_answer(
    review: Review,
    question: Question,
    *,
    by: User,
    now: dt.datetime,
    version: int,
    value: list[str],
    citations: str = "",
    text: str = "",
    attach: Sequence = (),
    detach: Sequence[int] = (),
    language: str = "",
    on_behalf_of: str | None = None,
    reason: str = "",
) -> Answer:
    """Save one answer as `by`, based on `version` (0 for an answer not saved before). Refused
    with StaleAnswer when someone saved it since (nothing is overwritten), with AnswerError
    when `by` may not answer or the review is not at the questionnaire stage (submitted
    answers are frozen). Saving after a clearance withdraws it: it approved another text.

    `attach`: uploaded files to attach to the answer, in `language` (one of the six), each
    checked by its content and stored as a document version of the review; `detach`: the ids
    of attachments to take off it (the documents stay among the review's documents). A refused
    file refuses the whole save, and nothing is saved or stored. `on_behalf_of`, `reason`: the
    secretariat answers for the party under review (`answering_access`)."""
    checked = []
    for file in attach:
        try:
            checked.append(documents.check(file))
        except documents.DocumentError as error:
            raise AnswerError(
                _("%(name)s: %(error)s") % {"name": getattr(file, "name", ""), "error": error}
            ) from None
    if checked and language not in DATA_CODES:
        raise AnswerError(_("Choose the language of the attached files."))
    if checked:
        try:
            documents.check_working_language(review, language)
        except documents.DocumentError as error:
            raise AnswerError(str(error)) from None
    draft = Draft(question, version, value, citations, text)
    with documents.storing(checked, now) as stored, transaction.atomic():
        answer = save_answers(
            review, [draft], by=by, now=now, on_behalf_of=on_behalf_of, reason=reason
        )[0]
        if checked or detach:
            _attach(
                review, answer, by, now, list(zip(checked, stored, strict=True)), detach, language
            )
    return answer


def _attach(review, answer, by, now, files, detach, language) -> None:
    """Take the attachments `detach` off `answer` and attach the stored `files` (in the
    transaction of the answer's save, after its checks)."""
    key = answer.question.key
    removed = list(
        AnswerAttachment.objects.filter(answer=answer, pk__in=set(detach)).select_related("version")
    )
    if len(removed) != len(set(detach)):
        raise AnswerError(_("This file is not attached to this answer."))
    for attachment in removed:
        reviews.record(
            review,
            "attachment_removed",
            by=by,
            at=now,
            material=Material.ANSWERS,
            question=key,
            document=attachment.version.document_id,
            version=attachment.version.number,
        )
        attachment.delete()
    if AnswerAttachment.objects.filter(answer=answer).count() + len(files) > MAX_ATTACHMENTS:
        raise AnswerError(
            _("An answer takes at most %(count)s files.") % {"count": MAX_ATTACHMENTS}
        )
    actor = documents.actor_in(review, by)
    for checked, stored in files:
        name = (getattr(checked.file, "name", "") or "").rsplit("/", 1)[-1]
        version = documents.record(
            review,
            actor,
            by=by,
            now=now,
            checked=checked,
            stored=stored,
            kind=Kind.QUESTIONNAIRE_ANSWERS,
            language=language,
            title=f"{key} · {name}"[:200],
            question=key,
        )
        AnswerAttachment.objects.create(answer=answer, version=version, added_by=by, added_at=now)


@transaction.atomic
def save_answers(
    review: Review,
    drafts: list[Draft],
    *,
    by: User,
    now: dt.datetime,
    on_behalf_of: str | None = None,
    reason: str = "",
) -> list[Answer]:
    """Save several answers as `by` at once, each under `save_answer`'s rules, all or none (a
    refusal of one refuses them all). Who may answer is checked once: for an import of many
    answers (the demo's drafting, an offline questionnaire). Answers the secretariat saves on
    behalf of the party (`answering_access`) are an event on the timeline with the reason."""
    review = Review.objects.select_for_update().select_related("party").get(pk=review.pk)
    access = answering_access(by, review, on_behalf_of, reason)
    if access is None or not access.may_answer:
        raise AnswerError(_("You may not answer this questionnaire."))
    if not access.editable(review):
        raise AnswerError(_("The answers can be changed only at the questionnaire stage."))
    answer_set = _answer_set_for(review, drafts, now)
    saved = _write(answer_set, drafts, by=by, now=now)
    if on_behalf_of and saved:
        keys = [answer.question.key for answer in saved]
        reviews.record(
            review,
            "answers_on_behalf",
            by=by,
            at=now,
            questions=keys,
            material=Material.ANSWERS,
            on_behalf_of=access.actor.party,
            reason=reason.strip(),
        )
    if review.cleared and saved:
        reviews.act(review, Action.DRAFT, by=by, now=now)
    return saved


def _answer_set_for(review: Review, drafts: list[Draft], now: dt.datetime) -> AnswerSet | None:
    """The review's answer set, created on the template of the drafts' questions when the
    review has none yet (None: none and nothing to save). AnswerError, and nothing created,
    when a question is not of the answer set's template or not on one of the instruments the
    party under review is party to (`questions_for`'s rule, asked once for these questions
    rather than by loading every question and its choices)."""
    answer_set = AnswerSet.objects.filter(review=review).first()
    instruments = Adherence.objects.current().filter(party=review.party_id).values("instrument")
    allowed = set(
        Question.objects.filter(
            pk__in=[d.question.pk for d in drafts], article__instrument__in=instruments
        ).values_list("pk", flat=True)
    )
    template_id = answer_set.template_id if answer_set else None
    for draft in drafts:
        template_id = template_id or draft.question.template_id
        if draft.question.template_id != template_id or draft.question.pk not in allowed:
            raise AnswerError(_("This question is not part of this review's questionnaire."))
    if answer_set is None and drafts:
        answer_set = AnswerSet.objects.create(
            review=review, template_id=template_id, created_at=now
        )
    return answer_set


def _write(
    answer_set: AnswerSet | None, drafts: list[Draft], *, by: User, now: dt.datetime
) -> list[Answer]:
    """Each draft saved in order (created, or its answer's version moved up by one), checked
    against the version saved: StaleAnswer when it is not the draft's (a later draft of the
    same question is based on the earlier one's save). Run under the review's row lock, so two
    saves of one answer are checked one after the other."""
    existing = {
        a.question_id: a
        for a in Answer.objects.filter(
            answer_set=answer_set, question__in=[d.question.pk for d in drafts]
        )
    }
    saved = []
    for draft in drafts:
        question = draft.question
        value = clean_value(question, draft.value)
        answer = existing.get(question.pk)
        current = answer.version if answer else 0
        if draft.version != current:
            raise StaleAnswer(answer)
        fields = {
            "value": value,
            "citations": draft.citations.strip() if question.has_citations else "",
            "text": draft.text.strip(),
            "updated_by": by,
            "updated_at": now,
        }
        if answer is None:
            answer = Answer.objects.create(answer_set=answer_set, question=question, **fields)
        else:
            for name, field_value in fields.items():
                setattr(answer, name, field_value)
            answer.version += 1
            answer.save()
        existing[question.pk] = answer
        saved.append(answer)
    return saved


def attached(attachment: AnswerAttachment) -> dict:
    """An attached file as plain data: its document, version, name and SHA-256."""
    version = attachment.version
    return {
        "document": version.document_id,
        "version": version.number,
        "name": version.original_name,
        "sha256": version.sha256,
    }


def snapshot(answer_set: AnswerSet) -> list[dict]:
    """The answers as plain data, in question order, keyed by the questions' stable keys, each
    with its attached files (document, version, name and SHA-256)."""
    answers = answer_set.answers.select_related(
        "question__article__instrument", "updated_by"
    ).prefetch_related(ATTACHMENTS)
    answers = sorted(
        answers,
        key=lambda a: (
            a.question.article.instrument.order,
            a.question.article.number,
            a.question.order,
            a.question.key,
        ),
    )
    return [
        {
            "question": a.question.key,
            "value": a.value,
            "citations": a.citations,
            "text": a.text,
            "version": a.version,
            "updated_by": a.updated_by.username,
            "updated_at": a.updated_at.isoformat(),
            "attachments": [attached(f) for f in a.attachments.all()],
        }
        for a in answers
    ]


def digest(data) -> str:
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()


def freeze(review: Review, *, by: User, now: dt.datetime) -> AnswerSubmission | None:
    """Record the answers as submitted: a snapshot and its SHA-256, and a `questionnaire_frozen`
    event. Called by the workflow's submit of the questionnaire stage, in its transaction; after
    it the review is past the questionnaire, so `save_answer` refuses every change. None when
    the review has no answers."""
    answer_set = AnswerSet.objects.filter(review=review).first()
    if answer_set is None:
        return None
    data = {"template": answer_set.template_id, "answers": snapshot(answer_set)}
    submission = AnswerSubmission.objects.create(
        answer_set=answer_set, at=now, by=by, sha256=digest(data), snapshot=data
    )
    reviews.record(
        review,
        "questionnaire_frozen",
        by=by,
        at=now,
        sha256=submission.sha256,
        answers=len(data["answers"]),
    )
    return submission


@transaction.atomic
def new_version(template: QuestionnaireTemplate) -> QuestionnaireTemplate:
    """A draft copy of `template` (questions and choices) as the cluster's next version."""
    latest = QuestionnaireTemplate.objects.filter(cluster=template.cluster_id).aggregate(
        Max("version")
    )["version__max"]
    draft = QuestionnaireTemplate.objects.create(
        cluster_id=template.cluster_id, version=latest + 1, note=template.note
    )
    for question in template.questions.prefetch_related("choices"):
        choices = list(question.choices.all())
        question.pk, question.template = None, draft
        question.save()
        for choice in choices:
            choice.pk, choice.question = None, question
            choice.save()
    return draft
