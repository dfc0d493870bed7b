"""Written feedback (seed ¶35-37, rule 35): the reviewing parties comment on the submitted
answers, question by question, each on the articles the division of tasks gives it; each
reviewing party's focal point clears (the workflow's clear); the joint submission freezes the
feedback as answers are frozen."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from revmod.accounts.models import User
from revmod.lib.confirm import Link, Summary
from revmod.questionnaires.actions import digest, questions_for, template_for
from revmod.questionnaires.models import Comment, FeedbackSubmission, Question, TaskAssignment
from revmod.registry.models import Party
from revmod.reviews import actions as reviews
from revmod.reviews.access import Material, actor_for
from revmod.reviews.access import may_read as may_read_material
from revmod.reviews.models import Review
from revmod.reviews.schedule import Loaded
from revmod.reviews.workflow import Action, Actor, Role, Side, Stage, stage_index


class FeedbackError(Exception):
    """A change refused, with a message for the person who tried."""


class StaleComment(FeedbackError):
    """The comment changed since the form was opened: `current` is what is saved now."""

    def __init__(self, current: Comment | None):
        super().__init__(_("Someone else saved this comment after you opened it."))
        self.current = current


@dataclass(frozen=True)
class FeedbackAccess:
    """What a person may do with a review's written feedback."""

    actor: Actor
    may_read: bool
    writes_for: str | None  # the reviewing party whose comments they write, if any

    def editable(self, review: Review) -> bool:
        return self.writes_for is not None and review.stage == Stage.WRITTEN_FEEDBACK


def access_for(user, review: Review, loaded: Loaded | None = None) -> FeedbackAccess | None:
    """None when `user` takes no part in `review`. The feedback is read as `reviews.access`
    says (the party under review once submitted); the reviewing parties' focal points and
    experts write it (guideline 6) and read each other's comments (it is joint, rule 35)."""
    loaded = loaded or Loaded([review])
    actor = loaded.actor(user, review)
    if actor is None:
        return None
    writes = (
        actor.party
        if actor.side == Side.REVIEWING and actor.role in {Role.FOCAL_POINT, Role.EXPERT}
        else None
    )
    readable = may_read_material(actor, Material.FEEDBACK, review.stage)
    return FeedbackAccess(actor, may_read=readable, writes_for=writes)


def drafts(review_pks: list[int]):
    """The written feedback stage's drafts (reviews.stages): the reviewing parties that have
    written a comment in each of the reviews among `review_pks`. One query."""
    return (
        Comment.objects.filter(review__in=review_pks)
        .exclude(text="")
        .values_list("review", "party__code")
        .order_by()
        .distinct()
    )


def assignments(review: Review) -> dict[str, set[int]]:
    """The division of tasks: the article ids each reviewing party (by code) comments on. A
    party absent from the result takes the default (see `assigned`)."""
    result: dict[str, set[int]] = {}
    for code, article in TaskAssignment.objects.filter(review=review).values_list(
        "party__code", "article_id"
    ):
        result.setdefault(code, set()).add(article)
    return result


def coverage(review: Review, loaded: Loaded) -> dict[str, set[str]]:
    """The instrument codes each reviewing party in force was drawn for."""
    return {p.reviewer.code: set(p.instruments) for p in loaded.pairings[review.party_id]}


def drawn_for(covers: dict[str, set[str]], party: str, article) -> bool:
    """Whether `party` reviews the instrument of `article`: its pairing names it. A party is
    reviewed for each instrument only by parties to that instrument, and an additional
    reviewing party is drawn for the instruments the others lack only (domain.md "Drawing of
    lots", rules 2-3; UNODC), so no division of tasks gives it another instrument's articles.
    It still reads every instrument's answers (docs/decisions.md, issue 21 item 6)."""
    return article.instrument.code in covers.get(party, ())


def assigned(tasks: dict[str, set[int]], covers: dict[str, set[str]], party: str, article) -> bool:
    """Whether `party` comments on `article`: an article of an instrument it was drawn for
    (`drawn_for`), and, when the division of tasks names articles for it, one of those; else
    every such article — all of them for a main reviewer, those the others lack for an
    additional one."""
    if not drawn_for(covers, party, article):
        return False
    return party not in tasks or article.pk in tasks[party]


@transaction.atomic
def divide_tasks(
    review: Review, *, by: User, now: dt.datetime, tasks: dict[str, list[int]]
) -> None:
    """Record the division of tasks agreed at the consultation: for each reviewing party (by
    code), the ids of the articles it comments on; a party left out, or given no article,
    takes them all (of its instruments). A party is given only articles of the instruments its
    pairing names (`drawn_for`). The secretariat or a focal point of the review records it,
    until the feedback is submitted."""
    review = Review.objects.select_for_update().select_related("party").get(pk=review.pk)
    loaded = Loaded([review])
    actor = actor_for(by, review, set(loaded.reviewer_codes(review)))
    if actor is None or actor.role not in {Role.SECRETARIAT, Role.FOCAL_POINT}:
        raise FeedbackError(_("You may not divide the tasks of this review."))
    if stage_index(review.stage) > stage_index(Stage.WRITTEN_FEEDBACK):
        raise FeedbackError(_("The written feedback has been submitted."))
    reviewers = set(loaded.reviewer_codes(review))
    if set(tasks) - reviewers:
        raise FeedbackError(_("Divide the tasks among the review's reviewing parties only."))
    articles = {a.pk: a for a in review.cluster.articles.select_related("instrument")}
    if any(set(ids) - set(articles) for ids in tasks.values()):
        raise FeedbackError(_("Choose among the articles of the review's cluster."))
    covers = coverage(review, loaded)
    if any(not drawn_for(covers, code, articles[i]) for code, ids in tasks.items() for i in ids):
        raise FeedbackError(
            _("Give each reviewing party only articles of the instruments it was drawn to review.")
        )
    parties = dict(Party.objects.filter(code__in=tasks).values_list("code", "pk"))
    TaskAssignment.objects.filter(review=review).delete()
    TaskAssignment.objects.bulk_create(
        TaskAssignment(review=review, party_id=parties[code], article_id=article)
        for code, ids in tasks.items()
        for article in sorted(set(ids))
    )
    reviews.record(
        review,
        "division_of_tasks",
        by=by,
        at=now,
        tasks={code: sorted(set(ids)) for code, ids in tasks.items()},
    )


@transaction.atomic
def save_comment(
    review: Review, question: Question, *, by: User, now: dt.datetime, version: int, text: str
) -> Comment:
    """Save `by`'s party's comment on `question`, based on `version` (0 for a new one). Refused
    with StaleComment when someone saved it since (nothing is overwritten), with FeedbackError
    when `by` may not write feedback, the review is not at the written feedback stage (submitted
    feedback is frozen), or the division of tasks gives the article to other parties. Saving
    after a clearance withdraws it (the workflow's draft)."""
    review = Review.objects.select_for_update().select_related("party").get(pk=review.pk)
    loaded = Loaded([review])
    access = access_for(by, review, loaded)
    if access is None or access.writes_for is None:
        raise FeedbackError(_("You may not write feedback in this review."))
    if not access.editable(review):
        raise FeedbackError(_("The feedback can be changed only at the written feedback stage."))
    template = template_for(review)
    if template is None or question not in questions_for(review, template):
        raise FeedbackError(_("This question is not part of this review's questionnaire."))
    covers = coverage(review, loaded)
    if not drawn_for(covers, access.writes_for, question.article):
        raise FeedbackError(_("Your party was not drawn to review this instrument."))
    if not assigned(assignments(review), covers, access.writes_for, question.article):
        raise FeedbackError(_("This article was given to another reviewing party."))
    party = Party.objects.get(code=access.writes_for)
    # Under the review's row lock: two saves of one comment are checked one after the other.
    comment = Comment.objects.filter(review=review, party=party, question=question).first()
    if version != (comment.version if comment else 0):
        raise StaleComment(comment)
    if comment is None:
        comment = Comment.objects.create(
            review=review,
            party=party,
            question=question,
            text=text.strip(),
            updated_by=by,
            updated_at=now,
        )
    else:
        comment.text, comment.updated_by, comment.updated_at = text.strip(), by, now
        comment.version += 1
        comment.save()
    if review.cleared:
        reviews.act(review, Action.DRAFT, by=by, now=now)
    return comment


def summary(review: Review, action: Action, actor: Actor, state) -> Summary | None:
    """The written feedback stage's summary (reviews.stages), shown before the feedback is
    cleared or submitted: for the party clearing (every reviewing party, to submit), how many
    of the articles the division of tasks gives it carry its comments, the articles left
    without one (each linked to it: they do not block) and what follows, to whom. A fixed
    number of queries whatever the number of questions and comments."""
    if action not in (Action.CLEAR, Action.SUBMIT):
        return None
    clearing = action == Action.CLEAR
    loaded = Loaded([review])
    codes = [actor.party] if clearing and actor.party else loaded.reviewer_codes(review)
    names = {p.code: p.label for p in Party.objects.filter(code__in=codes)}
    result = Summary(
        title=_("Clear the written feedback of %(party)s")
        % {"party": names.get(actor.party or "", actor.party)}
        if clearing
        else _("Submit the written feedback"),
        next=_next_lines(clearing, names.get(actor.party or "", "")),
    )
    template = template_for(review)
    questions = questions_for(review, template) if template else []
    tasks, covers = assignments(review), coverage(review, loaded)
    commented: dict[str, set[int]] = {}
    for code, question in (
        Comment.objects.filter(review=review)
        .exclude(text="")
        .values_list("party__code", "question")
    ):
        commented.setdefault(code, set()).add(question)
    page = reverse("questionnaires:feedback", args=[review.pk])
    for code in codes:
        articles = list(
            dict.fromkeys(q.article for q in questions if assigned(tasks, covers, code, q.article))
        )
        mine = commented.get(code, set())
        done = {q.article_id for q in questions if q.pk in mine}
        result.sent.append(
            _(
                "%(party)s: comments on %(done)s of the %(total)s articles given to it "
                "(comments written: %(count)s)"
            )
            % {
                "party": names.get(code, code),
                "done": len([a for a in articles if a.pk in done]),
                "total": len(articles),
                "count": len(mine & {q.pk for q in questions}),
            }
        )
        result.missing += [
            Link(_article_line(names.get(code, code), a), f"{page}#a{a.pk}")
            for a in articles
            if a.pk not in done
        ]
    if result.missing:
        result.missing_title = _("Articles without a comment")
        result.warnings.append(
            _(
                "Some articles have no comment yet (listed below). You may clear the feedback "
                "without them."
            )
            if clearing
            else _(
                "Some articles have no comment from the reviewing party they are given to (listed "
                "below). You may submit the feedback without them, but it cannot be completed "
                "afterwards."
            )
        )
    return result


def _article_line(party: str, article) -> str:
    return _("%(party)s: %(instrument)s, article %(number)s: %(label)s") % {
        "party": party,
        "instrument": article.instrument.short_label,
        "number": article.number,
        "label": article.label,
    }


def _next_lines(clearing: bool, party: str) -> list[str]:
    if clearing:
        return [
            _("The clearance of %(party)s is recorded and the review's focal points are notified.")
            % {"party": party},
            _(
                "The feedback is submitted once every reviewing party has cleared it. A comment "
                "saved before that withdraws the clearances."
            ),
        ]
    return [
        _("The written feedback is frozen as submitted: no one can change it any more."),
        _(
            "The review moves on to the list of observations. The party under review's focal "
            "point, experts and observers will be notified and can read the feedback."
        ),
        _("Everyone else taking part in the review is notified too."),
    ]


def snapshot(review: Review) -> list[dict]:
    """The comments as plain data, by question key then party."""
    comments = Comment.objects.filter(review=review).select_related(
        "question", "party", "updated_by"
    )
    return sorted(
        (
            {
                "question": c.question.key,
                "party": c.party.code,
                "text": c.text,
                "version": c.version,
                "updated_by": c.updated_by.username,
                "updated_at": c.updated_at.isoformat(),
            }
            for c in comments
        ),
        key=lambda item: (item["question"], item["party"]),
    )


def freeze(review: Review, *, by: User, now: dt.datetime) -> FeedbackSubmission:
    """Record the feedback as submitted: a snapshot and its SHA-256, and a `feedback_frozen`
    event. Called by the workflow's submit of the written feedback stage, in its transaction;
    after it `save_comment` refuses every change."""
    data = {"comments": snapshot(review)}
    submission = FeedbackSubmission.objects.create(
        review=review, at=now, by=by, sha256=digest(data), snapshot=data
    )
    reviews.record(
        review,
        "feedback_frozen",
        by=by,
        at=now,
        sha256=submission.sha256,
        comments=len(data["comments"]),
    )
    return submission
