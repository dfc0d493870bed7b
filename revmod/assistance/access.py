"""Who may see and do what with technical-assistance needs. Every page, API endpoint and
export of the app asks this module.

- The secretariat: everything; it opens and edits surveys and tracks the requests.
- A party's people (a nomination in force for the party, any role): the surveys, and their
  own party's responses and requests, read-only — except the party's focal points (either
  scope), who answer for it while a survey is open.
- Anyone else signed in, and the public: none of the records (404).
- The tallies (counts by category and by regional group, and the number of States) are
  public: the status paper publishes them (¶46). Which States asked for what is not: the
  counts by State are the secretariat's (a party's people see their own requests).
"""

from django.db.models import QuerySet

from revmod.accounts.models import Nomination
from revmod.lib.access import is_secretariat


def _in_force(user) -> QuerySet:
    return Nomination.objects.active().filter(person=user)


def party_ids(user) -> QuerySet:
    """The parties `user` holds a nomination in force for, as a subquery of ids."""
    return Nomination.objects.parties_of(user)


def answering_party_ids(user) -> QuerySet:
    """The parties `user` is a focal point in force for (they answer for them)."""
    return Nomination.objects.parties_of(user, Nomination.Kind.FOCAL_POINT)


def may_see_surveys(user) -> bool:
    """The secretariat and anyone with a nomination in force."""
    return is_secretariat(user) or (user.is_authenticated and _in_force(user).exists())


def visible_surveys(surveys: QuerySet, user) -> QuerySet:
    return surveys if may_see_surveys(user) else surveys.none()


def visible_responses(responses: QuerySet, user) -> QuerySet:
    """All for the secretariat; a party's people their own party's."""
    if is_secretariat(user):
        return responses
    return responses.filter(party__in=party_ids(user))


def visible_requests(requests: QuerySet, user) -> QuerySet:
    """All for the secretariat; a party's people their own party's."""
    if is_secretariat(user):
        return requests
    return requests.filter(response__party__in=party_ids(user))


def may_answer(user, party) -> bool:
    """Whether `user` answers surveys for `party`: one of its focal points in force."""
    return bool(
        user.is_authenticated
        and _in_force(user).filter(party=party, kind=Nomination.Kind.FOCAL_POINT).exists()
    )


def may_track(user) -> bool:
    """Tracking requests, opening and editing surveys: the secretariat's."""
    return is_secretariat(user)


def may_see_states(user) -> bool:
    """The tallies by State: the secretariat's."""
    return is_secretariat(user)
