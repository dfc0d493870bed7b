"""The demo's country reviews: cluster 1 for every party in a group, and the demo personas
nominated around one review (Kenya's), through the real actions. The full reproduction of the
seed's state of 16 April 2024 comes with the statistics work."""

import datetime as dt

from django.db import transaction

from revmod.accounts.models import Nomination, User
from revmod.registry.models import Cluster, Party
from revmod.reviews import actions
from revmod.reviews.models import Review

PERSONAS = [
    # username, party (None: the reviewed party, "reviewer": its first reviewer), kind, scope
    ("reviewed_fp", None, Nomination.Kind.FOCAL_POINT, Nomination.Scope.OWN),
    ("expert", None, Nomination.Kind.EXPERT, Nomination.Scope.OWN),
    ("observer", None, Nomination.Kind.OBSERVER, Nomination.Scope.OWN),
    ("reviewer_fp", "reviewer", Nomination.Kind.FOCAL_POINT, Nomination.Scope.REVIEWER),
]
REVIEWED = "KEN"


@transaction.atomic
def load(secretariat: User, password: str) -> list[tuple[str, str]]:
    """Create the reviews and the personas once; returns (username, who) for the logins."""
    now = dt.datetime(2021, 1, 4, 9, tzinfo=dt.UTC)
    if not Review.objects.exists():
        actions.create_reviews(Cluster.objects.get(review_order=1), by=secretariat, now=now)
    review = Review.objects.get(party__code=REVIEWED, cluster__review_order=1)
    reviewer = review.pairings().order_by("reviewer__code").first().reviewer
    logins = []
    for username, where, kind, scope in PERSONAS:
        party = reviewer if where == "reviewer" else Party.objects.get(code=REVIEWED)
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        if created:
            user.set_password(password)
            user.save()
            actions.nominate(
                party=party, person=user, kind=kind, scope=scope, starts_on=now.date(),
                by=secretariat, now=now,
            )  # fmt: skip
        logins.append((username, f"{Nomination.Kind(kind).label} of {party.name_en}"))
    outsider, created = User.objects.get_or_create(
        username="outsider", defaults={"email": "outsider@example.org"}
    )
    if created:
        outsider.set_password(password)
        outsider.save()
    logins.append(("outsider", "signed in, nominated for nothing"))
    return logins
