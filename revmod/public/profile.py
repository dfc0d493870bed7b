"""A party's public profile (`/parties/<code>/`): what anyone may read of a party and of the
country reviews it takes part in, read in a fixed number of queries whatever the number of
its reviews, their events, its pairings and the parties.

What is public (seed ¶20, ¶38; issue 20, item 1; docs/decisions.md "Country profiles"):
- each review of the party (one per cluster): its stage, and the day each step was completed
  (the dates of record: the focal points and experts named, the consultation held, the
  answers, the written feedback and the list of observations submitted), never a draft, an
  answer, a comment or a text of the list (the published outputs are `observations.published`);
- the reviewing parties of each review (the pairings in force), and the reviews the party
  takes part in as a reviewing party;
- the recommendations' follow-up the party published (`recommendations.access`);
- for registered participants only, the focal points' names and e-mail addresses
  (`accounts.access.is_registered_participant`).
A step counts as completed only while the review is past it: a step reopened by the
secretariat shows no date until it is submitted again (the date of record then is the new one).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from revmod.accounts.access import is_registered_participant
from revmod.accounts.models import Nomination
from revmod.lots.models import Pairing
from revmod.recommendations.access import published_in_force
from revmod.recommendations.models import FollowUp
from revmod.registry.models import Party
from revmod.reviews.deadlines import STEPS, ReviewDates, Step
from revmod.reviews.models import STEP_LABELS, Review
from revmod.reviews.schedule import Loaded, submissions_prefetch
from revmod.reviews.workflow import Stage, stage_index

# The stage at which each step of a stage is submitted: done only once the review is past it.
STAGE_OF_STEP = {
    Step.INITIAL_CONSULTATION: Stage.INITIAL_CONSULTATION,
    Step.QUESTIONNAIRE: Stage.QUESTIONNAIRE,
    Step.WRITTEN_FEEDBACK: Stage.WRITTEN_FEEDBACK,
    Step.OBSERVATIONS: Stage.OBSERVATIONS,
}


@dataclass(frozen=True)
class StepDone:
    step: Step
    label: str
    done: dt.date | None


@dataclass(frozen=True)
class Progress:
    """One review of the party: its public steps and its reviewing parties in force."""

    review: Review
    steps: list[StepDone]
    reviewers: list[Pairing]


@dataclass(frozen=True)
class Reviewing:
    """A review of another party that the party takes part in as reviewing party."""

    review: Review
    pairing: Pairing


def completed_on(review: Review, step: Step, day: dt.date | None) -> dt.date | None:
    """`day`, the date of record of `step`, if the step counts as done now (the module's
    rule), else None."""
    stage = STAGE_OF_STEP.get(step)
    if day is None or stage is None:
        return day
    if step == Step.INITIAL_CONSULTATION and review.consultation_recorded:
        return day
    return day if stage_index(review.stage) > stage_index(stage) else None


def reviews_of(party: Party) -> tuple[list[Progress], list[Reviewing]]:
    """The party's reviews with their public progress, and the reviews it takes part in as a
    reviewing party (pairings in force), by cluster: four queries, whatever the number."""
    reviewed = Pairing.objects.active().filter(reviewer=party).values("reviewed")
    reviews = list(
        Review.objects.filter(Q(party=party) | Q(party__in=reviewed))
        .select_related("party", "consultation", "cluster", "group")
        .prefetch_related(submissions_prefetch())
        .order_by("cluster__review_order", "party__name_en", "pk")
    )
    loaded = Loaded(reviews)
    own, reviewing = [], []
    for review in reviews:
        pairings = loaded.pairings[review.party_id]
        if review.party_id == party.pk:
            dates = ReviewDates(start=review.started_on, **loaded.done(review))
            steps = [
                StepDone(
                    step, str(STEP_LABELS[step]), completed_on(review, step, dates.done_on(step))
                )
                for step in STEPS
            ]
            own.append(Progress(review, steps, pairings))
        else:
            mine = next((p for p in pairings if p.reviewer_id == party.pk), None)
            if mine is not None:
                reviewing.append(Reviewing(review, mine))
    return own, reviewing


def published_follow_ups(party: Party) -> list[FollowUp]:
    """The party's follow-up of each recommendation, as it published it (one query)."""
    return list(
        published_in_force(FollowUp.objects.filter(party=party))
        .select_related("recommendation")
        .order_by("recommendation__adopted_on", "recommendation__session", "recommendation__number")
    )


def focal_points(party: Party, user) -> list[Nomination] | None:
    """The party's focal points in force with their people, for a registered participant
    (accounts.access); None for anyone else, who sees no contact details. Two queries."""
    if not is_registered_participant(user):
        return None
    return list(
        Nomination.objects.active()
        .filter(party=party, kind=Nomination.Kind.FOCAL_POINT)
        .select_related("person")
        .order_by("scope", "starts_on")
    )
