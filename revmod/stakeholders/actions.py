"""What the secretariat does with the stakeholders' records: one function per operation, each
in one transaction. Each checks the record whole (`full_clean`) before writing it, so a caller
other than a page (the API, the demo) gets the same refusals: a `ValidationError` that names
the field, and nothing written. Each records who created and changed the record, and when."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from revmod.registry import versions
from revmod.registry.models import Party
from revmod.stakeholders.models import (
    Activity,
    Dialogue,
    Observation,
    Outreach,
    Pilot,
    Stakeholder,
)


def _save(instance, data: dict, *, by, now, exclude=()):
    """`instance` with `data` (fields and many-to-many sets by name) checked and saved."""
    m2m = {f.name for f in instance._meta.many_to_many}
    for name, value in data.items():
        if name not in m2m:
            setattr(instance, name, value)
    if instance.pk is None:
        instance.created_by, instance.created_at = by, now
    instance.changed_by, instance.changed_at = by, now
    instance.full_clean(exclude=list(exclude))
    try:
        with transaction.atomic():  # a duplicate saved meanwhile: refused, nothing written
            instance.save()
    except IntegrityError as error:
        raise ValidationError(_("This record duplicates another one.")) from error
    for name in m2m & set(data):
        getattr(instance, name).set(data[name])
    # The status report shows dialogues, observations, outreach and pilots (¶55-60).
    versions.bump()
    return instance


@transaction.atomic
def save_stakeholder(stakeholder: Stakeholder | None, data: dict, *, by, now) -> Stakeholder:
    """Register a stakeholder (None) or change one: name, kind, country, contact, consent."""
    return _save(stakeholder or Stakeholder(), data, by=by, now=now)


@transaction.atomic
def save_dialogue(dialogue: Dialogue | None, data: dict, *, by, now) -> Dialogue:
    """Record a dialogue (None) or change one. `parties` may be given as codes."""
    data = dict(data)
    codes = data.get("parties")
    if codes is not None and any(isinstance(c, str) for c in codes):
        data["parties"] = list(Party.objects.filter(code__in=codes))
    return _save(dialogue or Dialogue(), data, by=by, now=now)


@transaction.atomic
def save_observation(
    observation: Observation | None, data: dict, *, dialogue: Dialogue | None = None, by, now
) -> Observation:
    """Add one of the chairs' observations to `dialogue` (numbered next when `data` has no
    number) or change one. Two observations of a dialogue never share a number."""
    observation = observation or Observation(dialogue=dialogue)
    data = dict(data)
    if not data.get("number"):
        last = observation.dialogue.observations.aggregate(n=Max("number"))["n"]
        data["number"] = observation.number or (last or 0) + 1
    taken = observation.dialogue.observations.filter(number=data["number"])
    if taken.exclude(pk=observation.pk).exists():
        raise ValidationError(
            {"number": _("Another observation of this dialogue has this number.")}
        )
    return _save(observation, data, by=by, now=now)


@transaction.atomic
def save_outreach(outreach: Outreach | None, data: dict, *, by, now) -> Outreach:
    """Record a programme's figures for a year (None) or change them: one record per programme
    and year."""
    return _save(outreach or Outreach(), data, by=by, now=now)


@transaction.atomic
def save_pilot(pilot: Pilot | None, data: dict, *, by, now) -> Pilot:
    """Flag a country review as a pilot initiative (None) with its party's consent, or change
    one. Whoever records or changes the consent is recorded with it."""
    pilot = pilot or Pilot()
    consent = ("consent_on", "consent_note")
    # Compared with what is stored: a form has already set its values on `pilot`.
    stored = Pilot.objects.filter(pk=pilot.pk).values(*consent).first() if pilot.pk else None
    if stored is None or any(name in data and data[name] != stored[name] for name in consent):
        pilot.consent_recorded_by = by
    return _save(pilot, data, by=by, now=now)


@transaction.atomic
def save_activity(
    activity: Activity | None, data: dict, *, pilot: Pilot | None = None, by, now
) -> Activity:
    """Add an activity to `pilot` or change one."""
    return _save(activity or Activity(pilot=pilot), data, by=by, now=now)
