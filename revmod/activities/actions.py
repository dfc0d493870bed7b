"""Recording events and training: one function per operation a user sees, each in one
transaction, each stamping who did it and when. The forms (activities.forms) check the input
first; an action given bad data raises ActivityError and changes nothing."""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from revmod.activities.models import Completion, Event, EventDocument, Participant, TrainingSession
from revmod.lib.uploads import check_upload, server_name
from revmod.registry import versions

DOCUMENT_FOLDER = "events"


class ActivityError(Exception):
    """Refused: the message says why, in the active language."""


def official_key(party, name: str) -> str:
    """The identity of an official across sessions: the State's code and the name with case
    folded and spaces collapsed ("FRA|jean dupont"). Two sessions' "Jean  Dupont" and "jean
    dupont" of France are one official; a name spelt differently is another (no guessing)."""
    folded = " ".join(unicodedata.normalize("NFC", name).casefold().split())
    return f"{party.code}|{folded}"


def _stamp(row, by, now, *, new: bool) -> None:
    if new:
        row.created_by, row.created_at = by, now
    row.changed_by, row.changed_at = by, now


@transaction.atomic
def save_event(event: Event | None, data: dict, *, by, now) -> Event:
    """A new event (`event` None) or `event` changed, from `data` (the event's fields, with
    `parties` and `reviews` as lists): saved with its parties and reviews, stamped."""
    event = event or Event()
    new = event.pk is None
    related = {name: data.pop(name) for name in ("parties", "reviews") if name in data}
    for name, value in data.items():
        setattr(event, name, value)
    if event.ends_on < event.starts_on:
        raise ActivityError(_("The event cannot end before it starts."))
    _stamp(event, by, now, new=new)
    event.save()
    for name, value in related.items():
        getattr(event, name).set(value)
    versions.bump()  # the status report counts the events by kind (¶45)
    return event


@transaction.atomic
def add_document(
    event: Event, *, kind: str, title: str, file, published: bool, by, now
) -> EventDocument:
    """`file` checked by content (lib.uploads.check_upload), stored under a name the server
    makes, and recorded as a document of `event`. ActivityError when the file is refused; the
    stored file is removed if the row cannot be saved."""
    try:
        fmt = check_upload(file)
    except ValidationError as error:
        raise ActivityError(" ".join(error.messages)) from None
    document = EventDocument(
        event=event,
        kind=kind,
        title=title,
        extension=fmt.extension,
        published=published,
        created_by=by,
        created_at=now,
    )
    name = server_name(DOCUMENT_FOLDER, fmt.extension, today=now.date())
    document.file.save(name, file, save=False)
    try:
        document.save()
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def save_session(session: TrainingSession | None, data: dict, *, by, now) -> TrainingSession:
    """A new training session (`session` None) or `session` changed, from `data`, stamped."""
    session = session or TrainingSession()
    new = session.pk is None
    for name, value in data.items():
        setattr(session, name, value)
    _stamp(session, by, now, new=new)
    session.save()
    versions.bump()  # its day decides when its officials count (¶47)
    return session


@transaction.atomic
def save_participant(participant: Participant, data: dict, *, by, now) -> Participant:
    """A participant (new when it has no pk, its session set) saved from `data`, with the key
    that identifies the official across sessions (official_key)."""
    new = participant.pk is None
    for name, value in data.items():
        setattr(participant, name, value)
    participant.official = official_key(participant.party, participant.name)
    _stamp(participant, by, now, new=new)
    participant.save()
    versions.bump()  # the status report counts the officials trained (¶47)
    return participant


@transaction.atomic
def save_completion(completion: Completion | None, data: dict, *, by, now) -> Completion:
    """An e-learning completion recorded (or changed) from `data`, stamped."""
    completion = completion or Completion()
    new = completion.pk is None
    for name, value in data.items():
        setattr(completion, name, value)
    _stamp(completion, by, now, new=new)
    completion.save()
    versions.bump()
    return completion


@transaction.atomic
def import_completions(rows: list[dict], *, by, now) -> int:
    """The completions of `rows` (each already checked: activities.imports.read) recorded
    all together; how many."""
    completions = []
    for data in rows:
        completion = Completion(**data)
        _stamp(completion, by, now, new=True)
        completions.append(completion)
    Completion.objects.bulk_create(completions)
    versions.bump()
    return len(completions)
