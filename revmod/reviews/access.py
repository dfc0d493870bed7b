"""Who someone is in a review: the one place that turns nominations into workflow actors."""

from revmod.accounts.models import Nomination
from revmod.lib.access import is_secretariat
from revmod.reviews.workflow import Actor, Role, Side

ROLE_OF_KIND = {
    Nomination.Kind.FOCAL_POINT: Role.FOCAL_POINT,
    Nomination.Kind.EXPERT: Role.EXPERT,
    Nomination.Kind.OBSERVER: Role.OBSERVER,
}
# The order in which a person's several roles in one review are considered: the strongest first.
STRENGTH = [Nomination.Kind.FOCAL_POINT, Nomination.Kind.EXPERT, Nomination.Kind.OBSERVER]


def actor_for(user, review, reviewer_codes: set[str]) -> Actor | None:
    """The workflow actor `user` is in `review`, or None when they take no part in it.
    `reviewer_codes` are the codes of the review's reviewing parties in force."""
    if is_secretariat(user):
        return Actor(Role.SECRETARIAT)
    if not user.is_authenticated:
        return None
    found = []
    for nomination in Nomination.objects.active().filter(person=user).select_related("party"):
        code = nomination.party.code
        if nomination.scope == Nomination.Scope.OWN and nomination.party_id == review.party_id:
            found.append((nomination.kind, code, Side.REVIEWED))
        elif nomination.scope == Nomination.Scope.REVIEWER and code in reviewer_codes:
            if nomination.kind != Nomination.Kind.OBSERVER:
                found.append((nomination.kind, code, Side.REVIEWING))
    if not found:
        return None
    kind, code, side = min(found, key=lambda item: STRENGTH.index(item[0]))
    return Actor(ROLE_OF_KIND[kind], code, side)


def people_of(review, reviewer_ids) -> list[Nomination]:
    """The nominations in force of the people of `review`: its party's for its own review, its
    reviewing parties' (`reviewer_ids`) as reviewers; by party and role (one query)."""
    nominations = (
        Nomination.objects.active()
        .filter(party__in=[review.party_id, *reviewer_ids])
        .select_related("party", "person")
        .order_by("party__code", "kind", "starts_on")
    )
    return [
        n
        for n in nominations
        if (n.party_id == review.party_id) == (n.scope == Nomination.Scope.OWN)
    ]
