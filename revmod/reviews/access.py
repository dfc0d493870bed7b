"""Who may see what of a country review, and as whom: the one home for access to reviews and
their material. Every page, API endpoint, export, ZIP, e-mail, digest and machine translation
asks here (through the forms below); nothing else writes these rules.

Who takes part in a review (`TAKES_PART`, seed ¶19, domain.md "Roles")
----------------------------------------------------------------------
- The secretariat: every review.
- The party under review: its focal points, governmental experts and observers nominated for
  its own review.
- Its reviewing parties in force: their focal points and experts nominated as reviewing party
  (a reviewing party's observers take no part; a replaced reviewing party's people lose access
  the day the pairing ends).
Anyone else sees nothing of the review: it answers 404.

What of a review each participant reads (`Material`, `may_read`)
------------------------------------------------------------------
- The questionnaire answers (online or uploaded, their files and their translations) are the
  party under review's: its own side reads them at all times, the reviewing parties once they
  are submitted (rule 40, seed ¶33), i.e. while the review is past the questionnaire stage, and
  never a draft; every instrument's, also for a party drawn for some instruments only (rule 40
  shares them with the participating parties, seed ¶34; it comments on its own instruments
  only: `questionnaires.feedback.drawn_for`).
- The written feedback is the reviewing parties': they read each other's (it is joint, rule
  35); the party under review reads it once submitted (past the written-feedback stage), never
  a draft. (The counterpart of rule 40: seed ¶35-37.)
- The list of observations and the summary are drafted together: every participant reads them.
- Everything else of the review (its stage, schedule, people, supporting documents, notes
  verbales, and the timeline's other events) is shared by the participants.
An event of the timeline that concerns confidential material says so in its data
(`"material": "answers"` or `"feedback"`, written by the app that records it) and is shown,
listed, counted and e-mailed only to those who may read that material now.

The forms of one rule
---------------------
`actor_for` (one person, one review; `actor_among` the same from nominations already read, for
many reviews: the task lists; `actor_of` from the review's people, for its workspace),
`visible_reviews` (a queryset filter), `Visibility` (many people at once, for the digest),
`audience` (the people to tell about a review), and `readable_q` (a queryset filter on
material); and `visible_nominations`, a party's nominations for its people in force. Their
agreement is tested (`reviews/tests/test_access.py`).
"""

from enum import StrEnum

from django.db.models import Q, QuerySet

from revmod.accounts.models import Nomination, User
from revmod.lib.access import is_secretariat
from revmod.lots.models import Pairing
from revmod.reviews.workflow import Actor, Role, Side, Stage, stage_index

ROLE_OF_KIND = {
    Nomination.Kind.FOCAL_POINT: Role.FOCAL_POINT,
    Nomination.Kind.EXPERT: Role.EXPERT,
    Nomination.Kind.OBSERVER: Role.OBSERVER,
}
# The order in which a person's several roles in one review are considered: the strongest first.
STRENGTH = [Nomination.Kind.FOCAL_POINT, Nomination.Kind.EXPERT, Nomination.Kind.OBSERVER]
# The nominations that take part in a review, by scope: every role of the party under review,
# the focal points and experts of its reviewing parties in force.
TAKES_PART = {
    Nomination.Scope.OWN: frozenset(Nomination.Kind),
    Nomination.Scope.REVIEWER: frozenset({Nomination.Kind.FOCAL_POINT, Nomination.Kind.EXPERT}),
}


class Material(StrEnum):
    """What of a review is read, for the rule of who reads it when."""

    ANSWERS = "answers"
    FEEDBACK = "feedback"
    OBSERVATIONS = "observations"
    SHARED = "shared"


# The side that writes each confidential material, and the stage it is submitted at: the other
# side reads it only once the review has moved past that stage.
OWNER = {Material.ANSWERS: Side.REVIEWED, Material.FEEDBACK: Side.REVIEWING}
SUBMITTED_AT = {Material.ANSWERS: Stage.QUESTIONNAIRE, Material.FEEDBACK: Stage.WRITTEN_FEEDBACK}


def submitted(material: Material, stage: Stage | str) -> bool:
    """Whether `material` has been submitted at a review now at `stage` (always true for the
    material every participant reads)."""
    if material not in SUBMITTED_AT:
        return True
    return stage_index(stage) > stage_index(SUBMITTED_AT[material])


def may_read(actor: Actor | None, material: Material | str, stage: Stage | str, *, draft=False):
    """Whether `actor` (None: takes no part) may read `material` of a review at `stage`;
    `draft`: the working version rather than the submitted one."""
    if actor is None:
        return False
    if actor.role == Role.SECRETARIAT:
        return True
    material = Material(material)
    owner = OWNER.get(material)
    if owner is None or actor.side == owner:
        return True
    return not draft and submitted(material, stage)


def material_of(event) -> Material:
    """The material a timeline event concerns (see the module's docstring)."""
    return Material((event.data or {}).get("material", Material.SHARED))


def actor_for(user, review, reviewer_codes: set[str]) -> Actor | None:
    """The workflow actor `user` is in `review`, or None when they take no part in it.
    `reviewer_codes` are the codes of the review's reviewing parties in force."""
    if is_secretariat(user):
        return Actor(Role.SECRETARIAT)
    if not user.is_authenticated:
        return None
    nominations = Nomination.objects.active().filter(person=user)
    rows = nominations.values_list("party", "party__code", "scope", "kind")
    return actor_among(rows, review.party_id, reviewer_codes)


def actor_of(user, review, people: list[Nomination], reviewer_codes) -> Actor | None:
    """`actor_for`, from the review's people already read (`people_of`, their party selected):
    no query. A person's nominations for parties outside the review never make them take part
    in it, so those of the review's parties are all the rule reads."""
    if is_secretariat(user):
        return Actor(Role.SECRETARIAT)
    if not user.is_authenticated:
        return None
    rows = [(n.party_id, n.party.code, n.scope, n.kind) for n in people if n.person_id == user.pk]
    return actor_among(rows, review.party_id, reviewer_codes)


def actor_among(nominations, reviewed: int, reviewer_codes) -> Actor | None:
    """The workflow actor a person is in a review, from their nominations in force (rows of
    party pk, party code, scope, kind), the pk of the party under review and the codes of its
    reviewing parties in force; None when none of them takes part (the rule of `actor_for`,
    for many reviews at once: the task lists)."""
    found = []
    for party, code, scope, kind in nominations:
        if kind not in TAKES_PART[scope]:
            continue
        if scope == Nomination.Scope.OWN and party == reviewed:
            found.append((kind, code, Side.REVIEWED))
        elif scope == Nomination.Scope.REVIEWER and code in reviewer_codes:
            found.append((kind, code, Side.REVIEWING))
    if not found:
        return None
    kind, code, side = min(found, key=lambda item: STRENGTH.index(item[0]))
    return Actor(ROLE_OF_KIND[kind], code, side)


def _taking_part(scope: str, **filters) -> QuerySet:
    """The nominations in force of `scope` that take part in a review, filtered."""
    return Nomination.objects.active().filter(_part(scope, **filters))


def _part(scope: str, **filters) -> Q:
    return Q(scope=scope, kind__in=TAKES_PART[scope], **filters)


def visible_reviews(reviews: QuerySet, user) -> QuerySet:
    """Those of `reviews` that `user` takes part in (Review.objects.visible_to)."""
    if is_secretariat(user):
        return reviews
    if not user.is_authenticated:
        return reviews.none()
    return reviews.filter(party__in=parties_taking_part(user))


def parties_taking_part(user) -> QuerySet:
    """The pks of the parties under review whose reviews `user` (signed in, not secretariat)
    takes part in, as one subquery: the parties of their own-scope nominations in force, and
    the parties reviewed, under pairings in force, by a party they are nominated for as
    reviewer. One `party IN (...)` of a few rows, which the database answers from the reviews'
    index on party (an EXISTS correlated with every review scanned them all)."""
    own = _taking_part(Nomination.Scope.OWN, person=user).values("party").order_by()
    reviewers = _taking_part(Nomination.Scope.REVIEWER, person=user).values("party")
    reviewed = Pairing.objects.active().filter(reviewer__in=reviewers).values("reviewed").order_by()
    return own.union(reviewed)


def readable_q(user, material: Material | str, review: str = "review") -> Q:
    """A filter on rows of reviews that `user` takes part in (the review reached by the lookup
    `review`): those whose `material` they may read now (as submitted; drafts are the caller's
    to exclude for the other side)."""
    material = Material(material)
    if is_secretariat(user) or material not in OWNER:
        return Q()
    own = _taking_part(Nomination.Scope.OWN, person=user).values("party")
    on_owner_side = Q(**{f"{review}__party__in": own})
    if OWNER[material] == Side.REVIEWING:
        on_owner_side = ~on_owner_side
    after = [s for s in Stage if submitted(material, s)]
    return on_owner_side | Q(**{f"{review}__stage__in": after})


def events_for(actor: Actor | None, review, events):
    """Those of `events` (of `review`) that `actor` may see: the shared ones, and those about
    material they may read now."""
    return [e for e in events if may_read(actor, material_of(e), review.stage)]


class Visibility:
    """Which of `reviews` each of many people may see, the rule of `visible_reviews` computed in
    bulk for the monthly digest (a test compares the two): built once in two queries, then one
    query per batch of people. The secretariat is left to the caller."""

    def __init__(self, reviews: QuerySet):
        self.by_party: dict[int, set[int]] = {}
        for pk, party in reviews.values_list("pk", "party"):
            self.by_party.setdefault(party, set()).add(pk)
        self.reviewed: dict[int, set[int]] = {}
        for reviewer, party in Pairing.objects.active().values_list("reviewer", "reviewed"):
            self.reviewed.setdefault(reviewer, set()).add(party)

    def of(self, people: list[int]) -> dict[int, set[int]]:
        """{person pk: the pks of the reviews they may see} for the people `people` (pks)."""
        result: dict[int, set[int]] = {pk: set() for pk in people}
        for person, party, scope, kind in (
            Nomination.objects.active()
            .filter(person__in=people)
            .values_list("person", "party", "scope", "kind")
        ):
            if kind not in TAKES_PART[scope]:
                continue
            if scope == Nomination.Scope.OWN:
                result[person] |= self.by_party.get(party, set())
            else:
                for other in self.reviewed.get(party, ()):
                    result[person] |= self.by_party.get(other, set())
        return result


def audience(review, *, focal_points_only: bool = False) -> QuerySet:
    """The active people who may see `review` now and hear about it: its participants and the
    secretariat officers following it (by pk)."""
    reviewing = Pairing.objects.active().filter(reviewed=review.party_id).values("reviewer")
    nominations = Nomination.objects.active().filter(
        _part(Nomination.Scope.OWN, party=review.party_id)
        | _part(Nomination.Scope.REVIEWER, party__in=reviewing)
    )
    if focal_points_only:
        nominations = nominations.filter(kind=Nomination.Kind.FOCAL_POINT)
    return User.objects.filter(
        Q(pk__in=nominations.values("person")) | Q(followed_reviews=review, is_secretariat=True),
        is_active=True,
    ).distinct()


def visible_nominations(nominations: QuerySet, user) -> QuerySet:
    """Those of `nominations` that `user` may see: all for the secretariat; for anyone else
    those of the parties they hold a nomination in force for (a person whose nominations all
    ended sees none, whatever party their account names)."""
    if is_secretariat(user):
        return nominations
    if not user.is_authenticated:
        return nominations.none()
    parties = Nomination.objects.active().filter(person=user).values("party")
    return nominations.filter(party__in=parties)


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
        and n.kind in TAKES_PART[n.scope]
    ]
