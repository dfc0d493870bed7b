"""What the secretariat does with follow-ups and briefings: one function per operation, each in
one transaction, each recording who did it and when. Who may call them is `followups.access`'s
(the views and the API ask before calling); the row's invariants are `FollowUp.clean`'s and
the database's constraints, checked here again whichever door the data came through: bad input
raises ValidationError and changes nothing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from revmod.followups.models import Briefing, FollowUp
from revmod.registry import versions

FOLLOWUP_FIELDS = (
    "party",
    "whom",
    "contact_name",
    "kind",
    "held_on",
    "subject",
    "review",
    "stage",
    "outcome",
    "next_action",
    "next_action_on",
    "officer",
)
BRIEFING_FIELDS = (
    "held_on",
    "title",
    "kind",
    "languages",
    "place",
    "online",
    "representatives",
    "published",
)


def _fill(record, fields: dict, allowed: tuple) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(record, name, value)


@transaction.atomic
def record_followup(*, by, now, **fields) -> FollowUp:
    """A new follow-up (`FOLLOWUP_FIELDS`) recorded by `by` at `now`; the officer responsible
    for its next action is `by` unless another is given."""
    fields["officer"] = fields.get("officer") or by
    followup = FollowUp(created_by=by, created_at=now, changed_by=by, changed_at=now)
    _fill(followup, fields, FOLLOWUP_FIELDS)
    followup.full_clean()
    followup.save()
    versions.bump()  # the status report counts the follow-ups (¶43)
    return followup


@transaction.atomic
def edit_followup(followup: FollowUp, *, by, now, **fields) -> FollowUp:
    """`followup` with `fields` changed, by `by` at `now`. A next action that changes (its
    text or its date) is a new one: open again, even if the previous one was done."""
    before = (followup.next_action, followup.next_action_on)
    fields["officer"] = fields.get("officer") or followup.officer
    _fill(followup, fields, FOLLOWUP_FIELDS)
    if (followup.next_action, followup.next_action_on) != before:
        followup.done_at = followup.done_by = None
    followup.changed_by, followup.changed_at = by, now
    followup.full_clean()
    followup.save()
    versions.bump()  # the status report counts the follow-ups (¶43)
    return followup


@transaction.atomic
def mark_done(followup: FollowUp, *, by, now, done: bool = True) -> FollowUp:
    """The next action of `followup` marked done by `by` at `now` (or open again when not
    `done`): it leaves, or comes back to, the officer's task list. ValidationError when the
    follow-up has no next action."""
    if not followup.next_action:
        raise ValidationError(_("This follow-up has no next action."))
    followup.done_at, followup.done_by = (now, by) if done else (None, None)
    followup.changed_by, followup.changed_at = by, now
    followup.save(update_fields=["done_at", "done_by", "changed_by", "changed_at"])
    return followup


@transaction.atomic
def record_briefing(*, by, now, parties=(), **fields) -> Briefing:
    """A new briefing (`BRIEFING_FIELDS`) with the parties represented, by `by` at `now`."""
    briefing = Briefing(created_by=by, created_at=now, changed_by=by, changed_at=now)
    _fill(briefing, fields, BRIEFING_FIELDS)
    briefing.full_clean()
    briefing.save()
    briefing.parties.set(parties)
    versions.bump()  # the status report counts the briefings (¶45)
    return briefing


@transaction.atomic
def edit_briefing(briefing: Briefing, *, by, now, parties=None, **fields) -> Briefing:
    """`briefing` with `fields` changed (and its parties, unless None), by `by` at `now`."""
    _fill(briefing, fields, BRIEFING_FIELDS)
    briefing.changed_by, briefing.changed_at = by, now
    briefing.full_clean()
    briefing.save()
    if parties is not None:
        briefing.parties.set(parties)
    versions.bump()
    return briefing
