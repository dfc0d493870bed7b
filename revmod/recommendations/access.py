"""Who may see and do what with recommendations and their follow-up: every page, API endpoint
and export of the app asks this module, and nothing else.

- Recommendations: the secretariat sees and edits all; everyone else, the public included,
  sees the published ones only.
- Follow-ups (only of recommendations they may see):
  - the secretariat sees all and records any: its own actions (no party) and any party's;
  - a party's people (anyone holding a nomination in force for the party) see all of their
    party's follow-ups, published or not;
  - a party's focal point (a focal point nomination in force, for either scope) records its
    party's follow-up and publishes or withdraws it;
  - others and the public see only published follow-ups.
- What is in force: of a party's (or the secretariat's) follow-up of a recommendation, the
  latest update; for those who see only published ones, the latest published update.
Anything else answers 404.
"""

from django.db.models import Q, QuerySet

from revmod.accounts.models import Nomination
from revmod.lib.access import is_secretariat
from revmod.registry.models import Party


def own_parties(user) -> QuerySet:
    """The pks of the parties `user` holds a nomination in force for (a subquery)."""
    return Nomination.objects.parties_of(user)


def focal_point_parties(user) -> QuerySet:
    """The parties whose follow-up `user` records: all for the secretariat, else those
    `user` is a focal point in force for."""
    if is_secretariat(user):
        return Party.objects.all()
    return Party.objects.filter(
        pk__in=Nomination.objects.parties_of(user, Nomination.Kind.FOCAL_POINT)
    )


def visible_recommendations(recommendations: QuerySet, user) -> QuerySet:
    if is_secretariat(user):
        return recommendations
    return recommendations.filter(published=True)


def visible_follow_ups(follow_ups: QuerySet, user) -> QuerySet:
    """Those of `follow_ups` that `user` may see (every update, not only those in force)."""
    if is_secretariat(user):
        return follow_ups
    seen = Q(published=True)
    if user.is_authenticated:
        seen |= Q(party__in=own_parties(user))
    return follow_ups.filter(seen, recommendation__published=True)


def in_force(follow_ups: QuerySet, user) -> QuerySet:
    """Of the follow-ups `user` may see, those in force for them: the latest update of each
    chain they see whole, the latest published one of each chain they see only published."""
    if is_secretariat(user):
        return follow_ups.filter(latest=True)
    if not user.is_authenticated:
        return published_in_force(follow_ups)
    follow_ups = visible_follow_ups(follow_ups, user)
    own = Q(party__in=own_parties(user))
    return follow_ups.filter((own & Q(latest=True)) | (~own & Q(latest_published=True)))


def published_in_force(follow_ups: QuerySet) -> QuerySet:
    """Of `follow_ups`, those in force for the public: the latest published update of each
    chain, of a published recommendation (what a party's profile shows to everyone)."""
    return follow_ups.filter(published=True, latest_published=True, recommendation__published=True)


def may_record(user, recommendation, party) -> bool:
    """Whether `user` may record a follow-up of `recommendation` for `party` (None: the
    secretariat's own action) — and the recommendation is addressed to them."""
    if party is None:
        return is_secretariat(user) and recommendation.to_secretariat
    if not recommendation.to_parties:
        return False
    if is_secretariat(user):
        return True
    return recommendation.published and focal_point_parties(user).filter(pk=party.pk).exists()


def may_record_any(user, recommendation) -> bool:
    """Whether `user` may record some follow-up of `recommendation` (to show the form)."""
    if is_secretariat(user):
        return True
    return (
        recommendation.published
        and recommendation.to_parties
        and focal_point_parties(user).exists()
    )


def may_publish(user, follow_up) -> bool:
    """Whether `user` may publish or withdraw `follow_up`: its party's focal point, or the
    secretariat."""
    if is_secretariat(user):
        return True
    if follow_up.party_id is None:
        return False
    return focal_point_parties(user).filter(pk=follow_up.party_id).exists()


def publisher(user):
    """`may_publish` for many follow-ups of `user`'s: a function of a follow-up, asking the
    database once (a page of every party's follow-up asks it once, not once a row)."""
    if is_secretariat(user):
        return lambda follow_up: True
    parties = set(focal_point_parties(user).values_list("pk", flat=True))
    return lambda follow_up: follow_up.party_id is not None and follow_up.party_id in parties
