"""The secretariat's follow-ups with the parties and its briefings (seed ¶42-45).

A follow-up is one contact with a party (its permanent mission or a focal point): the
secretariat's internal working record, with an optional next action that shows in the
responsible officer's task list until it is marked done. A briefing is a meeting the
secretariat held for the States (the February 2024 briefing: 193 representatives of 89 Member
States, ¶45), which the public sees once published. Who sees what: `followups.access`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from revmod.lib.i18n import LANGUAGE_CHOICES
from revmod.registry.models import Party
from revmod.reviews.models import STAGE_LABELS, Review
from revmod.reviews.workflow import Stage

STAGE_CHOICES = [(s.value, STAGE_LABELS[s]) for s in Stage]


class Audited(models.Model):
    """Who created the record and when, who changed it last and when."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        abstract = True


class FollowUp(Audited):
    """One contact of the secretariat with a party, and what it leads to."""

    class Whom(models.TextChoices):
        MISSION = "mission", _("Permanent mission")
        FOCAL_POINT = "focal_point", _("Focal point")

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        BRIEFING = "briefing", _("Briefing")

    party = models.ForeignKey(
        Party, models.PROTECT, related_name="followups", verbose_name=_("party")
    )
    whom = models.CharField(_("with"), max_length=12, choices=Whom.choices)
    contact_name = models.CharField(_("name of the contact"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=300)
    review = models.ForeignKey(
        Review,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="followups",
        verbose_name=_("review"),
    )
    stage = models.CharField(_("step"), max_length=24, choices=STAGE_CHOICES, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    next_action = models.TextField(_("next action"), blank=True)
    next_action_on = models.DateField(_("next action by"), null=True, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="followup_actions",
        verbose_name=_("officer responsible"),
    )
    done_at = models.DateTimeField(_("next action done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("next action done by"),
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            # A step is that of a linked review; a next action's date is that of an action.
            models.CheckConstraint(
                condition=Q(stage="") | Q(review__isnull=False),
                name="followup_stage_of_review",
                violation_error_message=_("A step belongs to a review: choose the review too."),
            ),
            models.CheckConstraint(
                condition=Q(next_action_on__isnull=True) | ~Q(next_action=""),
                name="followup_date_of_action",
                violation_error_message=_("Say what the next action is, or remove its date."),
            ),
        ]
        indexes = [models.Index(fields=["officer", "done_at", "next_action_on"])]

    def __str__(self) -> str:
        return f"{self.held_on} {self.party.code}: {self.subject}"

    @property
    def is_open(self) -> bool:
        """Whether a next action waits to be done."""
        return bool(self.next_action) and self.done_at is None

    def clean(self):
        """The invariants a form cannot see field by field: the review is the party's, a step
        needs a review, a date needs a next action, the officer is active secretariat staff."""
        errors = {}
        if self.review_id and self.party_id and self.review.party_id != self.party_id:
            errors["review"] = _("Choose a review of this party.")
        if self.stage and not self.review_id:
            errors["stage"] = _("A step belongs to a review: choose the review too.")
        if self.next_action_on and not self.next_action.strip():
            errors["next_action"] = _("Say what the next action is, or remove its date.")
        officer = self.officer if self.officer_id else None
        if officer and not (officer.is_secretariat and officer.is_active):
            errors["officer"] = _("The officer responsible is a member of the secretariat.")
        if errors:
            raise ValidationError(errors)


class BriefingQuerySet(models.QuerySet):
    def with_states(self):
        """Each briefing with `states`: how many States it had represented (a regional
        economic integration organization is not a State), in the same query."""
        state = Q(parties__kind=Party.Kind.STATE)
        return self.annotate(states=Count("parties", filter=state, distinct=True))


class Briefing(Audited):
    """A briefing the secretariat held for the States, and who attended (seed ¶45)."""

    class Kind(models.TextChoices):
        GLOBAL = "global", _("Global overview")
        REGIONAL = "regional", _("Regional overview")
        OTHER = "other", _("Other")

    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    representatives = models.PositiveIntegerField(_("representatives"), default=0)
    parties = models.ManyToManyField(
        Party, blank=True, related_name="briefings", verbose_name=_("States represented")
    )
    published = models.BooleanField(_("published"), default=False)

    objects = BriefingQuerySet.as_manager()

    class Meta:
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        constraints = [
            models.CheckConstraint(
                condition=Q(online=True) | ~Q(place=""),
                name="briefing_place_or_online",
                violation_error_message=_("Give the place, or say it was held online."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"

    def clean(self):
        """The languages are among the six; a briefing took place somewhere or online."""
        codes = {code for code, _name in LANGUAGE_CHOICES}
        if not isinstance(self.languages, list) or not set(self.languages) <= codes:
            raise ValidationError({"languages": _("Choose among the six official languages.")})
        if not self.online and not self.place.strip():
            raise ValidationError({"place": _("Give the place, or say it was held online.")})

    def language_codes(self) -> list[str]:
        """The languages (data codes) in the order of the six."""
        return [code for code, _name in LANGUAGE_CHOICES if code in set(self.languages)]
