"""Machine translation on request (seed ¶51): who may ask and read, asking, and the worker's
part (claim due requests with a lease, translate, record, tell the requester).

Who may read a translation is exactly who may read its source, asked again at every view:
- the questionnaire answers: `reviews.access.may_read` for the answers (the party under review
  and the secretariat always; the reviewing parties once submitted, seed ¶33). A translation of
  draft answers (requested before submission, or while the questionnaire is reopened) stays
  with the party under review and the secretariat, whatever the stage later;
- the written feedback: the feedback's own rule (`questionnaires.feedback.access_for`, i.e.
  `reviews.access.may_read` for the feedback): the reviewing parties and the secretariat
  always, the party under review once submitted (seed ¶35-37); a translation of draft feedback
  stays with the reviewing parties and the secretariat, whatever the stage later;
- a version of the list of observations and summary: the observations' own rule
  (`questionnaires.observations.access_for`): every participant of the review;
- a document version: `Document.objects.visible_to` (the same rule, by the document's kind).
Who may read a source may ask for its translation; nobody else learns it exists (404).

Answers and feedback are translated as submitted when the review is past their stage (the
latest submission's snapshot), else as saved at the moment of the request (the drafts): which
one is recorded on the request. A list of observations is translated as the version asked for
(every save is a new version, never changed).

The worker's queue (claims, leases, retries, its guarantees) is `revmod.lib.queue`'s, with the
REVMOD_MT_* settings. A request's work is split in calls to the server; each call's result is
kept on the request as soon as it returns, so a retry makes only the calls that failed, and the
whole attempt has a time limit (REVMOD_MT_JOB_SECONDS), so a server that hangs holds a worker
for that long at most. Time comes in as `now`."""

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from revmod.documents.models import Document, DocumentVersion
from revmod.documents.rules import READABLE
from revmod.lib import hooks, queue, timelimit
from revmod.lib.i18n import DATA_CODES, LANGUAGE_CHOICES, language_names, normalize_language
from revmod.questionnaires import actions as questionnaires
from revmod.questionnaires import feedback, observations
from revmod.questionnaires.models import (
    AnswerSet,
    AnswerSubmission,
    FeedbackSubmission,
    ObservationVersion,
)
from revmod.reviews import access as review_access
from revmod.reviews.access import Material
from revmod.reviews.models import Consultation, Review
from revmod.reviews.schedule import Loaded
from revmod.translations import sources
from revmod.translations.backends import TranslationError, get_backend
from revmod.translations.models import TranslationRequest

log = logging.getLogger(__name__)
Status = TranslationRequest.Status
Kind = TranslationRequest.Kind
ACTIVE = [Status.QUEUED, Status.WORKING, Status.DONE]
# The material of a review each kind of translation is of, and the access rule of its app
# (a function of user, review, Loaded; None: takes no part).
MATERIAL = {
    Kind.ANSWERS: Material.ANSWERS,
    Kind.FEEDBACK: Material.FEEDBACK,
    Kind.OBSERVATIONS: Material.OBSERVATIONS,
}
ACCESS = {
    Kind.ANSWERS: questionnaires.access_for,
    Kind.FEEDBACK: feedback.access_for,
    Kind.OBSERVATIONS: observations.access_for,
}


class NotVisible(Exception):
    """The source is not the user's to read: the views answer 404."""


class TranslationRefused(Exception):
    """A request refused, with a message for the person who asked; nothing is stored."""


# Access ------------------------------------------------------------------------------------


def language_name(code: str) -> str:
    """The name of a language (revmod code) in the active language."""
    return str(dict(LANGUAGE_CHOICES)[code])


def ui_language(code: str) -> str:
    """The UI language code of a data language code ('zh' -> 'zh-hans')."""
    return normalize_language(code)


# Marked with gettext_noop for the catalogues; translated where used.
LABEL = gettext_noop(
    "Unofficial machine translation — not reviewed; the original in %(language)s is authoritative."
)


def label(translation_request: TranslationRequest, language: str | None = None) -> str:
    """The notice every view and download of a result carries, in `language` (a UI code;
    default: the active language)."""
    with translation.override(language or translation.get_language()):
        return _(LABEL) % {"language": language_name(translation_request.source_language)}


def label_translated(language: str) -> bool:
    """Whether the catalogue of `language` (a UI code) has the notice (English always has)."""
    with translation.override(language):
        return language == "en" or _(LABEL) != LABEL


def readable(
    user, review: Review, requests, loaded: Loaded | None = None
) -> list[TranslationRequest]:
    """Those of `requests` (of `review`) whose source `user` may read; three queries whatever
    their number and kinds (the review's pairings and nominations unless `loaded`, read for
    `user`, is given; the visible documents)."""
    requests = list(requests)
    kinds = {r.kind for r in requests}
    accesses = {}
    if kinds & set(ACCESS):
        loaded = loaded or Loaded([review], person=user)  # each app's rule asks it, no query
        accesses = {kind: ACCESS[kind](user, review, loaded) for kind in kinds & set(ACCESS)}
    documents = set()
    if Kind.DOCUMENT in kinds:
        documents = set(
            Document.objects.visible_to(user).filter(review=review).values_list("pk", flat=True)
        )
    return [r for r in requests if _may_read(r, accesses, documents, review.stage)]


def _may_read(request: TranslationRequest, accesses: dict, documents: set[int], stage: str) -> bool:
    if request.kind == Kind.DOCUMENT:
        return request.document_version.document_id in documents
    access = accesses.get(request.kind)
    if access is None:  # takes no part in the review
        return False
    draft = request.answers == TranslationRequest.Answers.DRAFT
    return review_access.may_read(access.actor, MATERIAL[request.kind], stage, draft=draft)


def may_read(user, request: TranslationRequest) -> bool:
    return bool(readable(user, request.review, [request]))


def sees_errors(user, request: TranslationRequest) -> bool:
    """The requester and the secretariat read why a translation failed."""
    return user.pk == request.requested_by_id or bool(getattr(user, "is_secretariat", False))


def default_language(review: Review) -> str:
    """The language the answers, the feedback and the list of observations are presumed
    written in: the review's first working language, else English."""
    consultation = getattr(review, "consultation", None)
    languages = consultation.languages if consultation is not None else []
    return languages[0] if languages else "en"


def translatable_versions(user, review: Review) -> list[DocumentVersion]:
    """The latest version of each document of `review` that `user` may read and whose text can
    be read (documents.rules.READABLE), in the documents page's order; two queries."""
    documents = (
        Document.objects.visible_to(user)
        .filter(review=review)
        .with_versions()
        .order_by("kind", "created_at", "pk")
    )
    found = []
    for document in documents:
        latest = document.latest
        if latest is not None and latest.extension in READABLE:
            latest.document = document
            found.append(latest)
    return found


# Asking ------------------------------------------------------------------------------------


def _check_languages(source_language: str, target: str, review: Review | None = None) -> None:
    """Two different languages of the six; with `review` (the answers, the feedback, the list
    of observations: texts written for the review), a source among its working languages once
    the consultation agreed them (rule 50, seed ¶27-28). The target is any of the six: the
    translation is there to read the text in another language (seed ¶51; docs/decisions.md).
    A document's source is the language it was uploaded in, which the upload checked."""
    if source_language not in DATA_CODES or target not in DATA_CODES:
        raise TranslationRefused(_("Choose one of the six official languages."))
    if source_language == target:
        raise TranslationRefused(
            _("The translation must be into another language than the original's.")
        )
    working = Consultation.languages_of(review) if review is not None else []
    if working and source_language not in working:
        raise TranslationRefused(
            _(
                "This review's texts are written in its working languages (%(languages)s), "
                "as agreed at its initial consultation: translate from one of them."
            )
            % {"languages": language_names(working)}
        )


def _store(review, *, by, now, key, source, source_language, target, **fields):
    """The request already queued, working or done for the same source and languages, or a
    new queued one. Returns (request, created)."""
    same = {
        "review": review,
        "source_key": key,
        "source_language": source_language,
        "target_language": target,
    }
    existing = TranslationRequest.objects.filter(**same, status__in=ACTIVE).first()
    if existing is not None:
        return existing, False
    try:
        # A savepoint: the same request made at the same moment by someone else makes this
        # insert fail (the partial unique constraint) without spoiling the transaction.
        with transaction.atomic():
            created = TranslationRequest.objects.create(
                **same,
                source=source,
                requested_by=by,
                requested_at=now,
                next_attempt_at=now,
                **fields,
            )
    except IntegrityError:
        return TranslationRequest.objects.get(**same, status__in=ACTIVE), False
    return created, True


@transaction.atomic
def request_answers(
    review: Review, *, by, target: str, now: dt.datetime, source_language: str | None = None
) -> tuple[TranslationRequest, bool]:
    """Ask for a machine translation of `review`'s answers into `target`: as submitted when
    the review is past the questionnaire, else the drafts as saved now. Returns (request,
    created); an identical request queued, working or done is returned instead of a new one.
    NotVisible when `by` may not read the answers; TranslationRefused for languages that are
    not two different ones of the six, or when there is nothing to translate."""
    access = questionnaires.access_for(by, review)
    if access is None or not access.may_read:
        raise NotVisible
    source_language = source_language or default_language(review)
    _check_languages(source_language, target, review)
    submission = None
    if review_access.submitted(Material.ANSWERS, review.stage):
        submission = AnswerSubmission.objects.filter(answer_set__review=review).last()
    if submission is not None:
        data = submission.snapshot
        key = f"submitted:{submission.sha256}"
        state = TranslationRequest.Answers.SUBMITTED
    else:
        if not review_access.may_read(access.actor, Material.ANSWERS, review.stage, draft=True):
            raise NotVisible  # cannot happen: the other side reads answers once submitted
        answer_set = AnswerSet.objects.filter(review=review).first()
        answers = questionnaires.snapshot(answer_set) if answer_set else []
        data = {"template": answer_set.template_id if answer_set else None, "answers": answers}
        # Not the submitted key even when the text is the same: who may read differs.
        key = f"draft:{questionnaires.digest(data)}"
        state = TranslationRequest.Answers.DRAFT
    if not data["answers"]:
        raise TranslationRefused(_("There are no answers to translate yet."))
    source = sources.answers_source(data["template"], data["answers"])
    return _store(
        review,
        by=by,
        now=now,
        key=key,
        source=source,
        target=target,
        source_language=source_language,
        kind=Kind.ANSWERS,
        answers=state,
        submission=submission,
    )


@transaction.atomic
def request_feedback(
    review: Review, *, by, target: str, now: dt.datetime, source_language: str | None = None
) -> tuple[TranslationRequest, bool]:
    """Ask for a machine translation of `review`'s written feedback into `target`: as
    submitted when the review is past the written feedback, else the comments as saved now.
    Returns (request, created) as `request_answers`. NotVisible when `by` may not read the
    feedback (questionnaires.feedback.access_for); TranslationRefused for languages that are
    not two different ones of the six, or when no comment has any text."""
    access = feedback.access_for(by, review)
    if access is None or not access.may_read:
        raise NotVisible
    source_language = source_language or default_language(review)
    _check_languages(source_language, target, review)
    submission = None
    if review_access.submitted(Material.FEEDBACK, review.stage):
        submission = FeedbackSubmission.objects.filter(review=review).last()
    template = questionnaires.template_for(review)
    if submission is not None:
        comments = submission.snapshot.get("comments", [])
        state = TranslationRequest.Answers.SUBMITTED
    else:
        if not review_access.may_read(access.actor, Material.FEEDBACK, review.stage, draft=True):
            raise NotVisible  # cannot happen: the party under review reads it once submitted
        comments = feedback.snapshot(review)
        state = TranslationRequest.Answers.DRAFT
    source = sources.feedback_source(template.pk if template else None, comments)
    if not sources.segments(source):
        raise TranslationRefused(_("There is no written feedback to translate yet."))
    # Not the submitted key even when the text is the same: who may read differs.
    key = (
        f"feedback:submitted:{submission.sha256}"
        if submission is not None
        else f"feedback:draft:{questionnaires.digest(source)}"
    )
    return _store(
        review,
        by=by,
        now=now,
        key=key,
        source=source,
        target=target,
        source_language=source_language,
        kind=Kind.FEEDBACK,
        answers=state,
        feedback_submission=submission,
    )


@transaction.atomic
def request_observations(
    review: Review,
    *,
    by,
    target: str,
    now: dt.datetime,
    number: int | None = None,
    source_language: str | None = None,
) -> tuple[TranslationRequest, bool]:
    """Ask for a machine translation of version `number` of `review`'s list of observations
    and summary (default: the latest) into `target`, its sections as saved in that version (a
    draft or a version signed off). Returns (request, created) as `request_answers`.
    NotVisible when `by` takes no part in the review (questionnaires.observations.access_for)
    or there is no version `number`; TranslationRefused for languages that are not two
    different ones of the six, when no version is saved yet, or when every section of the
    version is empty."""
    if observations.access_for(by, review) is None:
        raise NotVisible
    versions = ObservationVersion.objects.filter(review=review)
    if number is None:
        version = versions.order_by("-number").first()
        if version is None:
            raise TranslationRefused(
                _("No version of the list of observations has been saved yet.")
            )
    else:
        version = versions.filter(number=number).first()
        if version is None:
            raise NotVisible
    source_language = source_language or default_language(review)
    _check_languages(source_language, target, review)
    keys = [key for key, _label in observations.SECTIONS]
    source = sources.observations_source(version.sections, keys)
    if not sources.segments(source):
        raise TranslationRefused(
            _("This version of the list of observations has no text to translate.")
        )
    return _store(
        review,
        by=by,
        now=now,
        key=f"observations:{version.pk}",
        source=source,
        target=target,
        source_language=source_language,
        kind=Kind.OBSERVATIONS,
        observation_version=version,
    )


@transaction.atomic
def request_document(
    version: DocumentVersion, *, by, target: str, now: dt.datetime
) -> tuple[TranslationRequest, bool]:
    """Ask for a machine translation of a document version into `target`, from the document's
    language. Returns (request, created) as `request_answers`. NotVisible when `by` may not
    read the document; TranslationRefused for a format whose text cannot be read (PDF, ODT),
    a file with no text, or the document's own language."""
    document = version.document
    if not Document.objects.visible_to(by).filter(pk=document.pk).exists():
        raise NotVisible
    _check_languages(document.language, target)
    key = f"version:{version.pk}"
    same = TranslationRequest.objects.filter(
        review=document.review_id,
        source_key=key,
        source_language=document.language,
        target_language=target,
        status__in=ACTIVE,
    ).first()
    if same is not None:  # no need to read the file again
        return same, False
    try:
        with version.file.open("rb") as stored:
            data = stored.read()
    except OSError:
        raise TranslationRefused(_("The text of this document could not be read.")) from None
    try:
        paragraphs = sources.paragraphs_of(version.extension, data)
    except sources.SourceError as error:
        raise TranslationRefused(str(error)) from None
    return _store(
        document.review,
        by=by,
        now=now,
        key=key,
        source={"paragraphs": paragraphs},
        source_language=document.language,
        target=target,
        kind=Kind.DOCUMENT,
        document_version=version,
    )


# The worker's part -------------------------------------------------------------------------


QUEUE = queue.LeasedQueue(
    TranslationRequest,
    due_field="next_attempt_at",
    queued=Status.QUEUED,
    working=Status.WORKING,
    failed=Status.FAILED,
    settings_prefix="REVMOD_MT",
    related=("review__party", "review__cluster", "requested_by", "document_version__document"),
)


@dataclass
class Outcome(queue.Outcome):
    done: int = 0
    retried: int = 0
    failed: int = 0


# Claim up to `limit` due requests, oldest first, with what the work reads (LeasedQueue.claim).
claim = QUEUE.claim

# The message a requester reads when the server hung.
TIME_LIMIT = "The translation server did not answer within %(seconds)s seconds."


@dataclass
class Attempt:
    """What one attempt at a request did: the translation of each segment (None: still to do),
    the error to tell (a refusal, else the first error), whether the attempt was cut short (the
    time limit, the worker stopping, another worker holding the request now) and whether it
    translated anything."""

    translated: list[str | None]
    error: TranslationError | None = None
    timed_out: bool = False
    stopped: bool = False
    taken_over: bool = False
    progress: bool = False

    @property
    def complete(self) -> bool:
        return all(text is not None for text in self.translated)


def job_seconds(lease: dt.timedelta) -> float:
    """The time limit of one request's work: REVMOD_MT_JOB_SECONDS, at most half the lease, so
    the work has ended (and been recorded) long before another worker may take it over."""
    return min(float(settings.REVMOD_MT_JOB_SECONDS), lease.total_seconds() / 2)


def attempt(
    request: TranslationRequest, backend, *, seconds: float, stop: threading.Event | None = None
) -> Attempt:
    """Translate what of `request` is still to do (its `partial`), in calls of REVMOD_MT_BATCH
    segments, each stored as soon as it returns: a retry makes only the calls that failed. A
    call that fails in a way worth retrying does not stop the others; a refusal (permanent), the
    time limit (`seconds` for the whole attempt: a server that hangs) and `stop` do. The calls
    run outside any transaction, each in a thread of its own (lib.timelimit)."""
    texts = sources.segments(request.source)
    translated: list[str | None] = list(request.partial or [])
    if len(translated) != len(texts):  # nothing done yet (or a source of another shape)
        translated = [None] * len(texts)
    done = Attempt(translated)
    todo = [i for i, text in enumerate(translated) if text is None]
    size = max(settings.REVMOD_MT_BATCH, 1)
    deadline = time.monotonic() + seconds
    for start in range(0, len(todo), size):
        call = todo[start : start + size]
        try:
            left = deadline - time.monotonic()
            if left <= 0:
                raise timelimit.TimeLimitExceeded(seconds)
            out = timelimit.call(
                backend.translate,
                [texts[i] for i in call],
                request.source_language,
                request.target_language,
                seconds=left,
                stop=stop,
            )
            if len(out) != len(call):
                raise TranslationError(
                    f"The translation server returned {len(out)} texts for {len(call)}."
                )
        except timelimit.Stopped:
            done.stopped = True
            break
        except timelimit.TimeLimitExceeded:
            done.timed_out = True
            done.error = done.error or TranslationError(TIME_LIMIT % {"seconds": f"{seconds:g}"})
            break
        except Exception as error:
            if not isinstance(error, TranslationError):  # a backend's bug: said, and retried
                log.exception("machine translation %s failed", request.pk)
                error = TranslationError(f"{type(error).__name__}: {error}")
            if not error.transient:  # a refusal: said rather than an earlier passing error
                done.error = error
                break
            done.error = done.error or error
            continue
        for i, text in zip(call, out, strict=True):
            translated[i] = text
        done.progress = True
        if not QUEUE.save(request, partial=translated):
            done.taken_over = True  # our lease ran out and another worker has the request
            break
    return done


def _record(request: TranslationRequest, now: dt.datetime, **changes) -> bool:
    """Store the outcome of our attempt, and tell the requester when it is final; nothing when
    another worker has taken the request since (our lease ran out). True when stored."""
    with transaction.atomic():
        stored = QUEUE.record(request, **changes)
        if stored and changes["status"] in {Status.DONE, Status.FAILED}:
            notify(request, now=now)
    return stored


def notify(request: TranslationRequest, *, now: dt.datetime) -> None:
    """The requester is told the translation is ready (or failed), in their language, if they
    may still read its source."""
    person = request.requested_by
    if not person.is_active or not may_read(person, request):
        return
    context = {
        "review": request.review,
        "translation": request,
        "failed": request.status == Status.FAILED,
    }
    key = f"translation:{request.pk}:{request.status}"
    hooks.post("translation_ready", person, context, key=key, now=now)


def process_due(
    *,
    now: queue.Now,
    limit: int = 5,
    lease: dt.timedelta | None = None,
    backend=None,
    stop: threading.Event | None = None,
) -> Outcome:
    """Translate up to `limit` due requests, each claimed just before its work (`attempt`, within
    `job_seconds`). A complete one is done; else the calls that succeeded are kept and the
    request goes back in the queue: after the first backoff when the attempt translated
    something, else after a doubling backoff until REVMOD_MT_MAX_ATTEMPTS attempts; a refusal
    (or the last attempt's error) fails it with the error, which its requester and the
    secretariat see. After a time limit the round ends (the server hangs: the others wait);
    when `stop` is set the request being translated is put back at once. `now`: the time, or
    a clock read at each claim and record."""
    clock = queue.clock(now)
    lease = lease or dt.timedelta(seconds=QUEUE.setting("LEASE_SECONDS"))
    outcome = Outcome()
    while outcome.claimed < limit and not (stop is not None and stop.is_set()):
        claimed = claim(now=clock(), limit=1, lease=lease)
        if not claimed:
            break
        (request,) = claimed
        outcome.claimed += 1
        try:
            chosen = backend or get_backend()
        except TranslationError as error:  # e.g. REVMOD_MT_URL missing: said, not retried
            _fail(request, error, now=clock(), permanent=not error.transient, outcome=outcome)
            continue
        result = attempt(request, chosen, seconds=job_seconds(lease), stop=stop)
        if result.taken_over:
            continue
        if result.complete:
            if _record(
                request,
                clock(),
                status=Status.DONE,
                result=sources.assemble(request.source, result.translated),
                partial=None,
                backend=chosen.name,
                finished_at=clock(),
                last_error="",
            ):
                outcome.done += 1
        elif result.stopped:
            # The worker is stopping: the request is due again at once, its work kept.
            _record(request, clock(), status=Status.QUEUED, next_attempt_at=clock())
        else:
            assert result.error is not None  # incomplete, not stopped: a call failed
            _fail(
                request,
                result.error,
                now=clock(),
                permanent=not result.error.transient,
                progress=result.progress,
                outcome=outcome,
            )
        if result.timed_out:
            break
    return outcome


def _fail(request, error, *, now, permanent, outcome: Outcome, progress=False) -> None:
    final, changes = QUEUE.failed_attempt(
        request, error, now=now, permanent=permanent, progress=progress
    )
    if final:
        changes["finished_at"] = now
    if _record(request, now, **changes):
        outcome.failed += final
        outcome.retried += not final


def process_all_due(*, now: queue.Now, **options) -> Outcome:
    """Rounds until nothing is due at `now`."""
    return queue.drain(lambda: process_due(now=now, **options))
