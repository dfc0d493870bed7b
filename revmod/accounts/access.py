"""Who sees the contact details of a party's people outside a review (seed ¶20: "registered
users" see the focal points' contact details; the public sees the country profiles without
them).

A registered participant is the secretariat or anyone holding a nomination in force, for any
party and any role: the people the mechanism registered and has not let go. A signed-in
account whose nominations all ended, or that never had one, is not (its party's name on the
account counts for nothing), and neither is an anonymous visitor. They see the focal points'
names and e-mail addresses on the directory (`/people/directory/`) and on every party's
profile (`/parties/<code>/`); everyone else sees neither. A review's own people are the
business of `reviews.access` (its participants table), not of this rule.
"""

from revmod.accounts.models import Nomination
from revmod.lib.access import is_secretariat


def is_registered_participant(user) -> bool:
    """Whether `user` sees the focal points' contact details (the module's rule): the
    secretariat, or a person holding a nomination in force. At most one query."""
    if is_secretariat(user):
        return True
    if not user.is_authenticated:
        return False
    return Nomination.objects.active().filter(person=user).exists()
