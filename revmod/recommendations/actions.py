"""The operations on recommendations and their follow-up, one function each, atomic. The
caller (a page or the API) has asked `recommendations.access` first; these check again what
would make a record wrong whoever asks (a follow-up of a recommendation not addressed to them)."""

from django.db import transaction
from django.utils.translation import gettext as _

from revmod.recommendations import access
from revmod.recommendations.models import FollowUp, Recommendation
from revmod.registry import versions


class FollowUpError(Exception):
    """A follow-up refused; the message says why, in the user's language."""


@transaction.atomic
def create_recommendation(*, by, now, **fields) -> Recommendation:
    """A new recommendation with `fields` (the form's), recorded as created by `by`."""
    recommendation = Recommendation.objects.create(
        **fields, created_by=by, created_at=now, changed_by=by, changed_at=now
    )
    versions.bump()  # the status report counts the recommendations adopted (¶61)
    return recommendation


@transaction.atomic
def edit_recommendation(recommendation: Recommendation, *, by, now, **fields) -> Recommendation:
    """`recommendation` with `fields` changed, recorded as changed by `by`."""
    for name, value in fields.items():
        setattr(recommendation, name, value)
    recommendation.changed_by = by
    recommendation.changed_at = now
    recommendation.save()
    versions.bump()
    return recommendation


def _lock(recommendation_id: int) -> None:
    """Lock the recommendation's row until the transaction ends: the updates of its follow-up
    go one at a time, so two at once cannot both be latest."""
    list(Recommendation.objects.select_for_update().filter(pk=recommendation_id).values("pk"))


def _refresh_chain(recommendation_id: int, party_id: int | None) -> None:
    """Mark the latest update, and the latest published one, of one chain (a party's or the
    secretariat's follow-up of one recommendation): the newest recorded, then highest pk."""
    chain = FollowUp.objects.filter(recommendation_id=recommendation_id, party_id=party_id)
    chain.update(latest=False, latest_published=False)
    newest = chain.order_by("-recorded_at", "-pk").values_list("pk", flat=True)
    chain.filter(pk__in=list(newest[:1])).update(latest=True)
    chain.filter(pk__in=list(newest.filter(published=True)[:1])).update(latest_published=True)
    versions.bump()  # the status report counts the follow-ups by status


@transaction.atomic
def record_follow_up(recommendation: Recommendation, *, party, by, now, **fields) -> FollowUp:
    """A new update of `party`'s follow-up of `recommendation` (None: the secretariat's own
    action), now in force. Refused (FollowUpError) when `by` may not record it: the
    recommendation is not addressed to them, or they are not the party's focal point."""
    if not access.may_record(by, recommendation, party):
        if party is None:
            raise FollowUpError(_("This recommendation is not addressed to the secretariat."))
        if not recommendation.to_parties:
            raise FollowUpError(_("This recommendation is not addressed to the parties."))
        raise FollowUpError(_("Only the party's focal point records its follow-up."))
    _lock(recommendation.pk)
    follow_up = FollowUp.objects.create(
        recommendation=recommendation,
        party=party,
        recorded_by=by,
        recorded_at=now,
        changed_by=by,
        changed_at=now,
        **fields,
    )
    _refresh_chain(recommendation.pk, party.pk if party else None)
    follow_up.refresh_from_db()
    return follow_up


@transaction.atomic
def set_published(follow_up: FollowUp, *, published: bool, by, now) -> FollowUp:
    """Publish or withdraw one update of a follow-up (its party's focal point, or the
    secretariat): other parties and the public see only published ones."""
    if not access.may_publish(by, follow_up):
        raise FollowUpError(_("Only the party's focal point publishes its follow-up."))
    _lock(follow_up.recommendation_id)
    FollowUp.objects.filter(pk=follow_up.pk).update(
        published=published, changed_by=by, changed_at=now
    )
    _refresh_chain(follow_up.recommendation_id, follow_up.party_id)
    follow_up.refresh_from_db()
    return follow_up
