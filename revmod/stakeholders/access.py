"""Who may see what of the stakeholders' records: the one home of the rules. Every page, API
endpoint, export and figure of the app asks here.

- The register of stakeholders: the secretariat only (it creates and edits every record of
  the app). A stakeholder's contact person and e-mail address reach nobody else unless the
  stakeholder consented to be contacted (`consent_on`): then the participants of a pilot it
  takes part in see them on the pilot (`shows_contact`). The public sees no name of the
  register: a published dialogue shows how many stakeholders of each kind took part, never
  who.
- Constructive dialogues and their chairs' observations: the secretariat all of them; anyone
  else, signed in or not, the published ones (¶55-56 are public reports).
- Yearly figures of SE4U and WhatsOn: public (the paper publishes them, ¶57-58).
- Pilot initiatives: the secretariat all of them; the participants of the pilot's country
  review (`reviews.access.visible_reviews`: the party under review's people, its reviewing
  parties' focal points and experts) theirs; anyone else the pilots the party agreed to
  publish (`published`).
Anything else answers 404 (`get_or_404`).
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from revmod.lib.access import is_secretariat
from revmod.reviews.access import visible_reviews
from revmod.reviews.models import Review


def may_edit(user) -> bool:
    """Whether `user` may create and change the app's records: the secretariat only."""
    return is_secretariat(user)


def visible_stakeholders(stakeholders: QuerySet, user) -> QuerySet:
    return stakeholders if is_secretariat(user) else stakeholders.none()


def visible_dialogues(dialogues: QuerySet, user) -> QuerySet:
    return dialogues if is_secretariat(user) else dialogues.filter(published=True)


def visible_observations(observations: QuerySet, user) -> QuerySet:
    if is_secretariat(user):
        return observations
    return observations.filter(dialogue__published=True)


def visible_pilots(pilots: QuerySet, user) -> QuerySet:
    if is_secretariat(user):
        return pilots
    if not user.is_authenticated:
        return pilots.filter(published=True)
    theirs = visible_reviews(Review.objects.all(), user).values("pk")
    return pilots.filter(Q(published=True) | Q(review__in=theirs))


def shows_contact(user, stakeholder) -> bool:
    """Whether `user`, who sees `stakeholder` (on the register or a pilot), may see its contact
    details: the secretariat always; anyone else only with the stakeholder's consent."""
    return is_secretariat(user) or stakeholder.consent_on is not None


def get_or_404(queryset: QuerySet, pk):
    """The row `pk` of a queryset already filtered by a `visible_*` rule, or 404."""
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise Http404
    return row
