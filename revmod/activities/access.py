"""Who may see and do what with events and training: every page, API endpoint and export of
the app asks this module, and what a person may not see answers 404.

- The secretariat sees everything, and alone creates and changes (`may_edit`).
- A party's people (those holding a nomination in force for a party, any role or scope) see
  every event that involves their party, with all its documents, and the training participants
  and e-learning completions of their own party, and the sessions those took part in (with
  only their party's participants).
- Everyone else (the public, and a signed-in person without a nomination in force) sees the
  published events, and of their documents only those published too: an unpublished agenda
  or report may be a draft or name people. Of training the public sees only the totals
  (figures.training: no name, no row).
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from revmod.accounts.models import Nomination
from revmod.activities.models import Event, Participant
from revmod.lib.access import is_secretariat


def may_edit(user) -> bool:
    """Only the secretariat records events and training."""
    return is_secretariat(user)


def own_parties(user) -> QuerySet:
    """The pks of the parties `user` holds a nomination in force for (a subquery)."""
    return Nomination.objects.parties_of(user)


def _involves_own(user) -> Exists:
    return Exists(
        Event.parties.through.objects.filter(event=OuterRef("pk"), party__in=own_parties(user))
    )


def events_visible(events: QuerySet, user) -> QuerySet:
    """Those of `events` that `user` may see (no duplicates)."""
    if is_secretariat(user):
        return events
    if not user.is_authenticated:
        return events.filter(published=True)
    return events.filter(Q(published=True) | _involves_own(user))


def documents_visible(documents: QuerySet, user) -> QuerySet:
    """Those of `documents` (EventDocument) that `user` may see: all of an event involving
    their party; else those published of a published event."""
    if is_secretariat(user):
        return documents
    public = Q(published=True, event__published=True)
    if not user.is_authenticated:
        return documents.filter(public)
    own = Exists(
        Event.parties.through.objects.filter(event=OuterRef("event"), party__in=own_parties(user))
    )
    return documents.filter(public | own)


def participants_visible(participants: QuerySet, user) -> QuerySet:
    """Those of `participants` (or completions) that `user` may see: their own party's."""
    if is_secretariat(user):
        return participants
    return participants.filter(party__in=own_parties(user))


def sessions_visible(sessions: QuerySet, user) -> QuerySet:
    """Those of `sessions` in which someone of `user`'s parties took part (all for the
    secretariat; none for the public)."""
    if is_secretariat(user):
        return sessions
    if not user.is_authenticated:
        return sessions.none()
    mine = Participant.objects.filter(session=OuterRef("pk"), party__in=own_parties(user))
    return sessions.filter(Exists(mine))


def completions_visible(completions: QuerySet, user) -> QuerySet:
    return participants_visible(completions, user)
