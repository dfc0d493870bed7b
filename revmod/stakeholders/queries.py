"""Reads shared by the pages, the exports, the API and the figures: each list with what it
shows counted in the database (one query, however many rows)."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from revmod.stakeholders.models import (
    OTHER_FIELDS,
    Activity,
    Dialogue,
    Observation,
    Pilot,
    Stakeholder,
)


def _count(rows, field: str):
    """The number of `rows` whose `field` is the outer row, as a subquery (0 when none)."""
    counted = (
        rows.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def dialogues_counted(dialogues):
    """`dialogues` with `n_<kind>` (registered stakeholders of each kind), `n_states` (parties)
    and `n_observations`."""
    taking_part = Dialogue.stakeholders.through.objects
    counts = {
        f"n_{kind}": _count(taking_part.filter(stakeholder__kind=kind), "dialogue")
        for kind in OTHER_FIELDS
    }
    counts["n_states"] = _count(Dialogue.parties.through.objects, "dialogue")
    counts["n_observations"] = _count(Observation.objects, "dialogue")
    return dialogues.annotate(**counts)


def participants(dialogue) -> dict:
    """A counted dialogue's participants by kind (registered and other), and States."""
    by_kind = {
        kind: getattr(dialogue, f"n_{kind}") + getattr(dialogue, field)
        for kind, field in OTHER_FIELDS.items()
    }
    stakeholders = sum(n for kind, n in by_kind.items() if kind != Stakeholder.Kind.IGO)
    return {
        "by_kind": by_kind,
        "stakeholders": stakeholders,
        "states": dialogue.n_states + dialogue.other_states,
    }


def pilots_counted(pilots):
    """`pilots` with their review's party and cluster, `n_stakeholders` and `n_activities`."""
    return pilots.select_related("review__party", "review__cluster").annotate(
        n_stakeholders=_count(Pilot.stakeholders.through.objects, "pilot"),
        n_activities=_count(Activity.objects, "pilot"),
    )
