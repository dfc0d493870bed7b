"""Publication of the answers by consent (seed ¶20, ¶34, ¶71 d; issue 20, item 2): once its
answers are submitted, the party under review's focal point decides whether all, some sections
or none of them (with the files attached to them) are published on the party's public page.

- A decision is made on the latest frozen submission (`AnswerSubmission`) and publishes what
  that submission holds, never a later draft: answers submitted again after it are published
  only by a new decision.
- A section is an article of the questionnaire, as the template groups its questions (the
  questionnaire's page and exports do the same); its key is `section_key` ("UNTOC-5").
- Decisions are append-only (`AnswerPublication`): the latest of a review is in force; a new
  one, "none" included, revokes the previous one for the future (what someone downloaded
  before cannot be taken back).
- Only the focal point of the party under review decides: the decision on the list of
  observations (observations.decide_publication) has no decision on a party's behalf either,
  and publishing a party's answers is its consent alone to give.
- The public reads `published_answers(party)` and downloads a published file through
  `published_file`, which asks the decision in force every time: 404 once it is revoked."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby

from django.db import transaction
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from revmod.accounts.models import User
from revmod.documents.models import DocumentVersion
from revmod.lib.confirm import Summary
from revmod.lib.i18n import normalize_language, suffix
from revmod.questionnaires import actions
from revmod.questionnaires.models import AnswerPublication, AnswerSubmission, Choice, Question
from revmod.registry.models import Article, Party
from revmod.reviews import actions as reviews
from revmod.reviews.models import Review
from revmod.reviews.schedule import Loaded
from revmod.reviews.workflow import Actor, Role, Side

# Publication decisions, the one in force (the latest) first.
IN_FORCE_FIRST = ("-at", "-pk")
EVENT = "answers_publication_decided"


class PublicationError(Exception):
    """A decision refused, with a message for the person who tried; `status` is the API's."""

    status = 400


class NotAllowed(PublicationError):
    status = 403


class NotYet(PublicationError):
    """Nothing submitted yet, or another decision recorded since the person looked."""

    status = 409


def section_key(article: Article) -> str:
    return f"{article.instrument.code}-{article.number}"


def section_heading(article: Article) -> str:
    """The questionnaire page's words: "UNTOC, article 5: Criminalization of ..."."""
    number = _("article %(number)s") % {"number": article.number}
    return f"{article.instrument.short_label}, {number}: {article.label}"


@dataclass(frozen=True)
class Section:
    key: str
    heading: str


def may_decide(actor: Actor | None) -> bool:
    return actor is not None and actor.role == Role.FOCAL_POINT and actor.side == Side.REVIEWED


def latest_submission(review: Review) -> AnswerSubmission | None:
    """The answers as last submitted (with their template), or None."""
    found = AnswerSubmission.objects.filter(answer_set__review=review)
    return found.select_related("answer_set__template").order_by("-at", "-pk").first()


def sections_of(review: Review, submission: AnswerSubmission) -> list[Section]:
    """The sections of the questionnaire `submission` answered: the articles of its template's
    questions on the instruments the party under review is party to, in the questionnaire's
    order (three queries)."""
    questions = actions.questions_for(review, submission.answer_set.template)
    return [
        Section(section_key(article), section_heading(article))
        for article, _items in groupby(questions, key=lambda q: q.article)
    ]


def in_force(review: Review) -> AnswerPublication | None:
    """The decision in force: the latest, with its submission and who made it."""
    found = AnswerPublication.objects.filter(review=review).select_related("submission", "by")
    return found.order_by(*IN_FORCE_FIRST).first()


def history(review: Review) -> list[AnswerPublication]:
    """Every decision of `review`, the one in force first (one query; the snapshots left out)."""
    found = AnswerPublication.objects.filter(review=review).select_related("by", "submission")
    return list(found.defer("submission__snapshot").order_by(*IN_FORCE_FIRST))


def _deciding(
    review: Review, by: User, choice: str, sections: Sequence[str], based_on: int | None
) -> tuple[AnswerSubmission, list[str]]:
    """`decide`'s checks: the submission decided on and the sections published, or a
    PublicationError (nothing recorded)."""
    access = actions.access_for(by, review)
    if access is None or not may_decide(access.actor):
        raise NotAllowed(
            _("Only the focal point of the party under review decides which answers are published.")
        )
    submission = latest_submission(review)
    if submission is None:
        raise NotYet(_("The answers can be published only once they have been submitted."))
    if based_on is not None:
        current = in_force(review)
        if based_on != (current.pk if current else 0):
            raise NotYet(
                _(
                    "Another publication decision was recorded after you opened this page: "
                    "nothing was recorded. Look at it again before you decide."
                )
            )
    if choice not in AnswerPublication.Choice.values:
        raise PublicationError(_("Choose whether all, some or none of the answers are published."))
    keys = [s.key for s in sections_of(review, submission)]
    chosen = set(sections)
    if chosen - set(keys):
        raise PublicationError(_("Choose among the sections of the questionnaire."))
    if choice == AnswerPublication.Choice.SOME and not chosen:
        raise PublicationError(_("Choose the sections to publish."))
    published = {
        AnswerPublication.Choice.ALL: keys,
        AnswerPublication.Choice.SOME: [key for key in keys if key in chosen],
        AnswerPublication.Choice.NONE: [],
    }[AnswerPublication.Choice(choice)]
    return submission, published


@transaction.atomic
def decide(
    review: Review,
    *,
    by: User,
    now: dt.datetime,
    choice: str,
    sections: Sequence[str] = (),
    based_on: int | None = None,
) -> AnswerPublication:
    """The party under review's focal point `by` records which of the submitted answers are
    published: "all", "some" (the `sections` chosen, section keys) or "none". Made on the latest
    submission; in force at once, until the next decision. `based_on`: the id of the decision
    in force the person saw (0 for none; the page and the API send it): refused when another
    was recorded since. Refused with PublicationError, recording nothing: someone else, answers
    not submitted, a choice or a section that is not one."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    submission, published = _deciding(review, by, choice, sections, based_on)
    decision = AnswerPublication.objects.create(
        review=review, submission=submission, choice=choice, sections=published, by=by, at=now
    )
    reviews.record(
        review,
        EVENT,
        by=by,
        at=now,
        choice=choice,
        sections=published,
        sha256=submission.sha256,
    )
    return decision


def summary(
    review: Review,
    *,
    by: User,
    choice: str,
    sections: Sequence[str] = (),
    based_on: int | None = None,
) -> Summary:
    """What recording this decision means (the confirmation before `decide`, with the same
    arguments); PublicationError when it would be refused."""
    submission, published = _deciding(review, by, choice, sections, based_on)
    headings = {s.key: s.heading for s in sections_of(review, submission)}
    party = review.party.label
    if choice == AnswerPublication.Choice.NONE:
        sent = [_("Published: none of the answers.")]
        follows = _("The public page of %(party)s no longer shows any of its answers.")
    else:
        sent = [
            _("Published: the answers of these sections, with their attached files:"),
            *[headings[key] for key in published],
        ]
        follows = _(
            "The public page of %(party)s shows them at once, as they were submitted, for "
            "anyone to read and download."
        )
    return Summary(
        title=_("Record the publication of the answers"),
        sent=sent,
        next=[
            follows % {"party": party},
            _(
                "Another decision may be recorded later: the latest one is in force, and "
                "replaces this one for the future."
            ),
        ],
    )


# What the public reads -----------------------------------------------------------------------


@dataclass
class PublishedFile:
    document: int
    version: int
    name: str
    language: str  # the file's language code ("fr")
    language_name: str  # its name in itself ("français")
    size: int
    url: str


@dataclass
class PublishedAnswer:
    question: Question
    untranslated: bool  # the question has no text in the active language (shown in English)
    value: list[str]  # the options chosen, as labels in the active language
    citations: str
    text: str
    files: list[PublishedFile] = field(default_factory=list)


@dataclass
class PublishedSection:
    key: str
    heading: str
    answers: list[PublishedAnswer]


@dataclass
class PublishedAnswers:
    """What the decision in force publishes of one review's answers, from the submission it was
    made on."""

    review: Review
    decision: AnswerPublication
    submission: AnswerSubmission
    sections: list[PublishedSection]


def _in_force(reviews_q: Q):
    """The decisions in force of the reviews matching `reviews_q` that publish something, with
    their submissions and reviews (one query)."""
    latest = AnswerPublication.objects.filter(review=OuterRef("review")).order_by(*IN_FORCE_FIRST)
    return (
        AnswerPublication.objects.filter(reviews_q, pk=Subquery(latest.values("pk")[:1]))
        .exclude(choice=AnswerPublication.Choice.NONE)
        .select_related("submission", "review__party", "review__cluster")
        .order_by("review__cluster__review_order", "review__pk")
    )


def _questions(decisions) -> dict[tuple[int, str], Question]:
    """The questions the decisions' snapshots answer, by (template, key), with their articles
    and choices (two queries)."""
    wanted = Q(pk__in=[])
    for decision in decisions:
        snapshot = decision.submission.snapshot
        keys = [a["question"] for a in snapshot.get("answers", [])]
        wanted |= Q(template=snapshot.get("template"), key__in=keys)
    found = (
        Question.objects.filter(wanted)
        .select_related("article__instrument")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order", "pk")))
    )
    return {(q.template_id, q.key): q for q in found}


def _published_rows(decision: AnswerPublication, questions) -> list[tuple[str, Question, dict]]:
    """(section key, question, frozen answer) of each answer `decision` publishes, in the
    submission's order."""
    snapshot = decision.submission.snapshot
    chosen = set(decision.sections)
    rows = []
    for answer in snapshot.get("answers", []):
        question = questions.get((snapshot.get("template"), answer["question"]))
        if question is not None and section_key(question.article) in chosen:
            rows.append((section_key(question.article), question, answer))
    return rows


def _build(decisions: list[AnswerPublication]) -> list[PublishedAnswers]:
    questions = _questions(decisions)
    rows = {d.pk: _published_rows(d, questions) for d in decisions}
    wanted = {
        (f["document"], f["version"])
        for found in rows.values()
        for _key, _q, answer in found
        for f in answer.get("attachments", [])
    }
    versions = {
        (v.document_id, v.number): v
        for v in DocumentVersion.objects.filter(
            document__in={document for document, _n in wanted}
        ).select_related("document")
        if (v.document_id, v.number) in wanted
    }
    language = suffix()
    result = []
    for decision in decisions:
        review = decision.review
        sections = []
        for key, items in groupby(rows[decision.pk], key=lambda row: row[0]):
            answers = []
            for _key, question, answer in items:
                files = [
                    _file(review, versions[(f["document"], f["version"])])
                    for f in answer.get("attachments", [])
                    if (f["document"], f["version"]) in versions
                ]
                answers.append(
                    PublishedAnswer(
                        question=question,
                        untranslated=not getattr(question, f"text_{language}"),
                        value=actions.shown_value(question, answer.get("value") or []),
                        citations=answer.get("citations", ""),
                        text=answer.get("text", ""),
                        files=files,
                    )
                )
            heading = section_heading(answers[0].question.article)
            sections.append(PublishedSection(key, heading, answers))
        result.append(PublishedAnswers(review, decision, decision.submission, sections))
    return result


def _file(review: Review, version: DocumentVersion) -> PublishedFile:
    code = normalize_language(version.document.language)
    return PublishedFile(
        document=version.document_id,
        version=version.number,
        name=version.original_name or version.document.title,
        language=code,
        language_name=get_language_info(code)["name_local"],
        size=version.size,
        url=reverse(
            "questionnaires:published_file", args=[review.pk, version.document_id, version.number]
        ),
    )


def published_answers(party: Party) -> list[PublishedAnswers]:
    """Per review of `party` whose decision in force publishes some answers, exactly what it
    publishes, from the frozen submission it was made on: the sections, their questions (in
    the active language, English where a text is missing), the answers as submitted and the
    files attached to them. Nothing of a review without a decision, or whose decision is
    "none". Five queries, whatever the number of reviews, answers and files."""
    return _build(list(_in_force(Q(review__party=party))))


def published_for(review: Review) -> PublishedAnswers | None:
    """`published_answers` of one review (its publication page shows what the public reads)."""
    found = _build(list(_in_force(Q(review=review))))
    return found[0] if found else None


def published_file(review_pk: int, document: int, number: int) -> DocumentVersion | None:
    """Version `number` of document `document` when the decision in force of review
    `review_pk` publishes it (a file attached, in the submission it was made on, to an answer
    of a section it publishes); None otherwise, so that a file never published, or no longer,
    is not found."""
    decisions = list(_in_force(Q(review=review_pk)))
    if not decisions:
        return None
    rows = _published_rows(decisions[0], _questions(decisions))
    if not any(
        (f["document"], f["version"]) == (document, number)
        for _key, _q, answer in rows
        for f in answer.get("attachments", [])
    ):
        return None
    found = DocumentVersion.objects.filter(
        document_id=document, number=number, document__review=review_pk
    )
    return found.select_related("document").first()


def page_context(review: Review, user, loaded: Loaded) -> dict:
    """The publication page of `review` for `user` (who takes part in it): the decision in
    force and those before it, the sections of the latest submission, whether `user` may
    decide now, and what the public reads."""
    actor = loaded.actor(user, review)
    submission = latest_submission(review)
    decisions = history(review)
    current = decisions[0] if decisions else None
    sections = sections_of(review, submission) if submission else []
    chosen = set(current.sections) if current else set()
    return {
        "review": review,
        "submission": submission,
        "decisions": decisions,
        "current": current,
        "sections": [
            {"key": s.key, "heading": s.heading, "chosen": s.key in chosen} for s in sections
        ],
        "published_headings": [s.heading for s in sections if s.key in chosen],
        # Answers submitted again after the decision in force: it still publishes the older.
        "outdated": bool(current and submission and current.submission_id != submission.pk),
        "may_decide": may_decide(actor) and submission is not None,
        "choices": AnswerPublication.Choice.choices,
        "published_answers": [found] if (found := published_for(review)) else [],
    }
