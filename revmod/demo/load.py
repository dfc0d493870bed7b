"""The demo's country reviews: cluster 1 for every party in a group, brought to the state the
seed describes on 16 April 2024 by the real actions along a simulated calendar
(`revmod.demo.simulation`), with the demo personas around one review (Kenya's); then the
secretariat's outreach, the stakeholders and the recommendations of that date
(`revmod.demo.outreach`)."""

from django.db import transaction

from revmod.accounts.models import Nomination, User
from revmod.demo import outreach, simulation
from revmod.notifications.models import Message

PERSONAS = ["reviewed_fp", "expert", "observer", "reviewer_fp"]


@transaction.atomic
def load(secretariat: User, password: str) -> list[tuple[str, str]]:
    """Run the simulation once (idempotent); returns (username, who) for the logins. The
    simulated history e-mails nobody: the messages its actions put in the outbox are dropped."""

    last = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    simulation.load(secretariat, password)
    # The secretariat's outreach, stakeholders and recommendations (seed ¶42-71), once the
    # reviews exist (the pilots and events name them); its survey's e-mails dropped too.
    outreach.load(secretariat)
    Message.objects.filter(pk__gt=last).delete()
    logins = []
    for username in PERSONAS:
        nomination = (
            Nomination.objects.filter(person__username=username)
            .select_related("party")
            .order_by("starts_on")
            .first()
        )
        logins.append(
            (username, f"{Nomination.Kind(nomination.kind).label} of {nomination.party.name_en}")
        )
    outsider, created = User.objects.get_or_create(
        username="outsider", defaults={"email": "outsider@example.org"}
    )
    if created:
        outsider.set_password(password)
        outsider.save()
    logins.append(("outsider", "signed in, nominated for nothing"))
    return logins
