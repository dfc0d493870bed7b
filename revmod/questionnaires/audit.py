"""`manage.py verifyaudit`'s check of what this app freezes (reviews.audit.SNAPSHOTS): each
submitted answers, submitted feedback and version of the list of observations still hashes to
its SHA-256 (actions.digest over its snapshot), and every frozen row — those, the sign-offs and
the publication decisions of the list and of the answers — is named by the review's event
written with it (whose hash chain `verifyaudit` checks first), and every such event by a row.
A row changed together with its hash, added or removed behind the platform's back, does not
match the events."""

from collections import Counter
from collections.abc import Iterable

from revmod.questionnaires.actions import digest
from revmod.questionnaires.models import (
    AnswerPublication,
    AnswerSubmission,
    FeedbackSubmission,
    ObservationVersion,
    PublicationDecision,
    SignOff,
)
from revmod.reviews.audit import Problem, Report
from revmod.reviews.models import ReviewEvent

# The event each kind of frozen row is written with, and how a row and an event are matched.
EVENTS = {
    "submitted answers": "questionnaire_frozen",
    "submitted feedback": "feedback_frozen",
    "version of the list of observations": "observations_saved",
    "sign-off": "observations_signed",
    "publication decision": "publication_decided",
    "publication of the answers": "answers_publication_decided",
}


def _event_keys(what: str, data: dict) -> tuple:
    if what in ("submitted answers", "submitted feedback"):
        return (data.get("sha256"),)
    if what == "version of the list of observations":
        return (data.get("version"), data.get("sha256"))
    if what == "sign-off":
        return (data.get("party"), data.get("version"))
    if what == "publication of the answers":
        return (data.get("choice"), tuple(data.get("sections") or ()), data.get("sha256"))
    return (data.get("choice"), tuple(data.get("sections") or ()))


def check(report: Report) -> None:
    """reviews.audit.SNAPSHOTS's handler (QuestionnairesConfig.ready)."""
    rows: dict[str, Iterable[tuple[int, int, tuple]]] = {}
    answers = AnswerSubmission.objects.values_list(
        "pk", "answer_set__review_id", "snapshot", "sha256"
    )
    rows["submitted answers"] = _hashed(report, "submitted answers", answers.iterator())
    feedback = FeedbackSubmission.objects.values_list("pk", "review_id", "snapshot", "sha256")
    rows["submitted feedback"] = _hashed(report, "submitted feedback", feedback.iterator())
    what = "version of the list of observations"
    versions = []
    for pk, review, sections, sha256, number in ObservationVersion.objects.values_list(
        "pk", "review_id", "sections", "sha256", "number"
    ).iterator():
        if digest(sections) != sha256:
            report(Problem(review, what, pk, _changed(sha256, digest(sections))))
        versions.append((pk, review, (number, sha256)))
    rows[what] = versions
    rows["sign-off"] = [
        (pk, review, (party, number))
        for pk, review, party, number in SignOff.objects.values_list(
            "pk", "version__review_id", "party__code", "version__number"
        ).iterator()
    ]
    rows["publication decision"] = [
        (pk, review, (choice, tuple(sections or ())))
        for pk, review, choice, sections in PublicationDecision.objects.values_list(
            "pk", "review_id", "choice", "sections"
        ).iterator()
    ]
    rows["publication of the answers"] = [
        (pk, review, (choice, tuple(sections or ()), sha256))
        for pk, review, choice, sections, sha256 in AnswerPublication.objects.values_list(
            "pk", "review_id", "choice", "sections", "submission__sha256"
        ).iterator()
    ]
    events: dict[str, Counter] = {what: Counter() for what in EVENTS}
    kinds = {kind: what for what, kind in EVENTS.items()}
    for review, kind, data in ReviewEvent.objects.filter(kind__in=kinds).values_list(
        "review_id", "kind", "data"
    ):
        events[kinds[kind]][(review, _event_keys(kinds[kind], data or {}))] += 1
    for what, found in rows.items():
        written = Counter()
        for pk, review, key in found:
            written[(review, key)] += 1
            if written[(review, key)] > events[what][(review, key)]:
                report(
                    Problem(
                        review,
                        what,
                        pk,
                        "no event of the review records it as it is now: it was changed or "
                        "added outside the platform",
                    )
                )
        for (review, key), count in (events[what] - written).items():
            report(
                Problem(
                    review,
                    what,
                    None,
                    f"the review's event records {count} that no row holds now ({_key(key)}): "
                    "it was changed or removed",
                )
            )


def _hashed(report: Report, what: str, rows) -> list[tuple[int, int, tuple]]:
    """(pk, review, (sha256,)) of submissions, reporting those whose snapshot has changed."""
    result = []
    for pk, review, snapshot, sha256 in rows:
        if digest(snapshot) != sha256:
            report(Problem(review, what, pk, _changed(sha256, digest(snapshot))))
        result.append((pk, review, (sha256,)))
    return result


def _changed(stored: str, computed: str) -> str:
    return (
        f"its snapshot no longer matches its SHA-256 {stored[:16]}… (computed {computed[:16]}…): "
        "the snapshot was changed"
    )


def _key(key: tuple) -> str:
    return ", ".join(str(part)[:16] for part in key)
