"""Who may upload which kind of document in a country review.

Pure module: standard library and the reviews' vocabulary only, no database. The Django layer
turns a user into a workflow `Actor` (reviews.access.actor_for) and asks here.

The rules (domain.md "Country review steps" and "Roles")
--------------------------------------------------------
- Observers never upload: their access is read-only (seed ¶19).
- The secretariat may upload every kind: it facilitates every step and receives the notes
  verbales.
- Questionnaire answers: the party under review only (its focal point or experts; seed ¶31,
  rule 34: experts draft, the focal point clears).
- Written feedback: the reviewing parties only (the feedback is theirs, written jointly;
  seed ¶35).
- List of observations and summary: either side; they are written by the reviewers with the
  party under review (seed ¶38-41).
- Supporting documents and notes verbales: any participant (focal point or expert) of either
  side; a party sends its own notes verbales and may back its text with documents.
- A new version of an existing document: whoever may upload its kind, and, for a document a
  party owns alone (answers, supporting documents, notes verbales), only that same party (or
  the secretariat). Jointly written kinds (written feedback among the reviewing parties, list
  of observations, summary) take new versions from any party allowed to write them.
"""

from __future__ import annotations

from enum import StrEnum

from revmod.reviews.access import Material
from revmod.reviews.workflow import Actor, Role, Side


class Kind(StrEnum):
    QUESTIONNAIRE_ANSWERS = "questionnaire_answers"
    WRITTEN_FEEDBACK = "written_feedback"
    LIST_OF_OBSERVATIONS = "list_of_observations"
    SUMMARY = "summary"
    SUPPORTING = "supporting"
    NOTE_VERBALE = "note_verbale"


ALL_SIDES = frozenset({Side.REVIEWED, Side.REVIEWING})
# The sides whose focal points and experts may upload each kind (the secretariat: every kind).
SIDES_FOR = {
    Kind.QUESTIONNAIRE_ANSWERS: frozenset({Side.REVIEWED}),
    Kind.WRITTEN_FEEDBACK: frozenset({Side.REVIEWING}),
    Kind.LIST_OF_OBSERVATIONS: ALL_SIDES,
    Kind.SUMMARY: ALL_SIDES,
    Kind.SUPPORTING: ALL_SIDES,
    Kind.NOTE_VERBALE: ALL_SIDES,
}
# What each kind is, for who reads it when (reviews.access): uploaded answers are answers and
# uploaded feedback is feedback, exactly as typed online.
MATERIAL = {
    Kind.QUESTIONNAIRE_ANSWERS: Material.ANSWERS,
    Kind.WRITTEN_FEEDBACK: Material.FEEDBACK,
    Kind.LIST_OF_OBSERVATIONS: Material.OBSERVATIONS,
    Kind.SUMMARY: Material.OBSERVATIONS,
    Kind.SUPPORTING: Material.SHARED,
    Kind.NOTE_VERBALE: Material.SHARED,
}
JOINT = frozenset({Kind.WRITTEN_FEEDBACK, Kind.LIST_OF_OBSERVATIONS, Kind.SUMMARY})
# The kinds of the uploaded documents gathered on a review's submissions page and in its ZIP,
# beside what was submitted online: the answers, the written feedback, the list of
# observations and the summary (questionnaires.submissions).
SUBMISSIONS = (
    Kind.QUESTIONNAIRE_ANSWERS,
    Kind.WRITTEN_FEEDBACK,
    Kind.LIST_OF_OBSERVATIONS,
    Kind.SUMMARY,
)
# The formats whose text machine translation reads (the extension of a stored version).
READABLE = ("txt", "docx", "xlsx")


def may_upload(actor: Actor | None, kind: Kind | str) -> bool:
    """Whether `actor` may upload a new document of `kind`."""
    if actor is None or actor.role == Role.OBSERVER:
        return False
    if actor.role == Role.SECRETARIAT:
        return True
    return actor.side in SIDES_FOR[Kind(kind)]


def kinds_for(actor: Actor | None) -> list[Kind]:
    """The kinds `actor` may upload, in the order of `Kind`."""
    return [kind for kind in Kind if may_upload(actor, kind)]


def may_add_version(actor: Actor | None, kind: Kind | str, owner: str | None) -> bool:
    """Whether `actor` may add a version to a document of `kind` first uploaded by the party
    `owner` (None: by the secretariat)."""
    if actor is None or not may_upload(actor, kind):
        return False
    if actor.role == Role.SECRETARIAT or Kind(kind) in JOINT:
        return True
    return owner is not None and actor.party == owner
