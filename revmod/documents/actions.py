"""Uploading documents of a country review: a new document, or a new version of one.

Who may upload what is decided in `documents.rules` (module docstring there): observers never;
questionnaire answers by the party under review; written feedback by the reviewing parties;
lists of observations, summaries, supporting documents and notes verbales by either side; the
secretariat everything. Anyone who does not take part in the review may upload nothing.

A new document is in one of the six official languages and, once the initial consultation has
agreed the review's working languages, in one of those (rule 50, seed ¶27-28; before the
consultation, or when the parties could not agree, any of the six: docs/decisions.md). A new
version keeps its document's language.

Every upload is checked by content (lib.uploads.check_upload), stored under a name the server
makes (lib.uploads.server_name), and recorded as a `document_uploaded` review event, in one
transaction. A refusal changes nothing; a failure after the file was stored deletes the file,
so no stray file is left behind. (If a caller wraps `upload` in a larger transaction that later
rolls back, the file stays behind: call it as its own transaction, as the views do.)
"""

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy

from revmod.accounts.models import User
from revmod.documents import rules
from revmod.documents.models import KIND_LABELS, Document, DocumentVersion
from revmod.lib.i18n import DATA_CODES, language_names
from revmod.lib.uploads import Format, check_upload, server_name
from revmod.registry.models import Party
from revmod.reviews.access import actor_for
from revmod.reviews.models import Consultation, Review, ReviewEvent
from revmod.reviews.workflow import Actor, Role, Side

FOLDER = "documents"
ERROR_MESSAGES = {
    "not_allowed": gettext_lazy("You may not upload documents in this review."),
    "kind_not_allowed": gettext_lazy("You may not upload a document of this kind: %(kind)s."),
    "version_not_allowed": gettext_lazy("You may not add a version to this document."),
    "bad_kind": gettext_lazy("Choose a kind of document."),
    "bad_language": gettext_lazy("Choose one of the six official languages."),
    "not_working_language": gettext_lazy(
        "This review works in %(languages)s, as agreed at its initial consultation: upload "
        "the document in one of them."
    ),
    "no_title": gettext_lazy("Give the document a title."),
    "other_review": gettext_lazy("This document belongs to another review."),
}


class DocumentError(Exception):
    """An upload refused, with a message for the person who tried. `code`: "not_allowed" for
    who may not upload (the API answers 403), "bad_file" for a file refused by its content or
    size, otherwise a code of ERROR_MESSAGES (the API answers 400)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code

    @property
    def forbidden(self) -> bool:
        return self.code in {"not_allowed", "kind_not_allowed", "version_not_allowed"}


def _refuse(code: str, **params):
    message = str(ERROR_MESSAGES[code])
    raise DocumentError(message % params if params else message, code)


def check_working_language(review: Review, language: str) -> None:
    """DocumentError "not_working_language" when `review`'s initial consultation agreed its
    working languages and `language` is not one of them (rule 50, seed ¶27-28; module
    docstring)."""
    working = Consultation.languages_of(review)
    if working and language not in working:
        _refuse("not_working_language", languages=language_names(working))


def actor_in(review: Review, user) -> Actor | None:
    """The workflow actor `user` is in `review` (None: no part in it)."""
    return actor_for(user, review, {p.reviewer.code for p in review.pairings()})


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


@dataclass(frozen=True)
class Checked:
    """An uploaded file accepted by its content, with its format and SHA-256."""

    file: object
    fmt: Format
    sha256: str


def check(file) -> Checked:
    """`file` checked by content and size (lib.uploads.check_upload); DocumentError "bad_file"
    when refused."""
    try:
        fmt = check_upload(file)
    except ValidationError as error:
        raise DocumentError(" ".join(error.messages), "bad_file") from None
    return Checked(file, fmt, _sha256(file))


@contextmanager
def storing(files: list[Checked], now: dt.datetime) -> Iterator[list[str]]:
    """Store `files` under names the server makes and give those names; if the block fails,
    delete them again, so that a refused or failed upload leaves no stray file."""
    stored: list[str] = []
    try:
        for checked in files:
            name = server_name(FOLDER, checked.fmt.extension, today=now.date())
            stored.append(default_storage.save(name, checked.file))
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def record(
    review: Review,
    actor: Actor,
    *,
    by: User,
    now: dt.datetime,
    checked: Checked,
    stored: str,
    kind: str,
    language: str,
    title: str,
    document: Document | None = None,
    **event,
) -> DocumentVersion:
    """The rows of one stored upload (call it in a transaction, after the checks): a new document
    or the next version of `document`, and its `document_uploaded` event (with `event`'s data
    added)."""
    version = _save(
        review, actor, by, now, document, kind, language, title, checked.file, checked.fmt
    )
    version.file.name, version.sha256 = stored, checked.sha256
    version.save()
    data = {
        "document": version.document_id,
        "version": version.number,
        "kind": version.document.kind,
        "language": version.document.language,
        "material": rules.MATERIAL[rules.Kind(version.document.kind)].value,
        **event,
    }
    if actor.party:
        data["party"] = actor.party
    # The event's data has a "kind" of its own, hence a plain row rather than record().
    ReviewEvent.objects.create(review=review, kind="document_uploaded", actor=by, at=now, data=data)
    return version


def upload(
    review: Review,
    *,
    by: User,
    kind: str,
    language: str,
    title: str,
    file,
    now: dt.datetime,
    document: Document | None = None,
) -> DocumentVersion:
    """Upload `file` as a new document of `review` (kind, language, title), or, with `document`,
    as its next version (kind, language and title then stay the document's). Refused with
    DocumentError when `by` may not upload it or the file is refused (empty, too large, a type
    not allowed, content that is not what its name says): nothing is then saved or stored."""
    actor = actor_in(review, by)
    if actor is None or actor.role == Role.OBSERVER:
        _refuse("not_allowed")
    if document is not None:
        if document.review_id != review.pk:
            _refuse("other_review")
        kind, owner = document.kind, document.party.code if document.party_id else None
        if not rules.may_add_version(actor, kind, owner):
            _refuse("version_not_allowed")
    else:
        if kind not in {k.value for k in rules.Kind}:
            _refuse("bad_kind")
        if not rules.may_upload(actor, kind):
            _refuse("kind_not_allowed", kind=KIND_LABELS[rules.Kind(kind)])
        if language not in DATA_CODES:
            _refuse("bad_language")
        check_working_language(review, language)
        title = (title or "").strip()
        if not title:
            _refuse("no_title")
    checked = check(file)
    with storing([checked], now) as stored, transaction.atomic():
        return record(
            review,
            actor,
            by=by,
            now=now,
            checked=checked,
            stored=stored[0],
            kind=kind,
            language=language,
            title=title,
            document=document,
        )


def _save(review, actor, by, now, document, kind, language, title, file, fmt) -> DocumentVersion:
    """The rows of the upload (the version unsaved): a new document, or the locked existing one
    and its next number."""
    if document is None:
        side = {Side.REVIEWED: Document.Side.REVIEWED, Side.REVIEWING: Document.Side.REVIEWING}
        document = Document.objects.create(
            review=review,
            stage=review.stage,
            kind=kind,
            language=language,
            title=title[:200],
            side=side.get(actor.side, Document.Side.SECRETARIAT),
            party=Party.objects.get(code=actor.party) if actor.party else None,
            uploaded_by=by,
            created_at=now,
        )
        number = 1
    else:
        # Lock the document so that two uploads at once cannot take the same number.
        document = Document.objects.select_for_update().get(pk=document.pk)
        last = document.versions.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
    return DocumentVersion(
        document=document,
        number=number,
        original_name=(file.name or "")[-255:],
        size=file.size,
        content_type=fmt.content_type,
        uploaded_by=by,
        uploaded_at=now,
    )
