"""Non-governmental stakeholders (seed ¶55-60): the register of stakeholders, the constructive
dialogues held with them after the working groups' sessions and the chairs' observations, the
yearly figures of SE4U and WhatsOn, and the pilot initiatives of country reviews.

Who sees what is `stakeholders.access`'s; what each change does is `stakeholders.actions`'."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from revmod.registry.models import Party
from revmod.reviews.models import Review
from revmod.stakeholders.countries import validate_country


class Recorded(models.Model):
    """Who created and last changed a record, and when (set by the actions)."""

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


class Stakeholder(Recorded):
    """A non-governmental stakeholder of the register. Its contact details reach nobody but the
    secretariat unless it consented to be contacted (`consent_on`)."""

    class Kind(models.TextChoices):
        NGO = "ngo", _("Non-governmental organization")
        ACADEMIC = "academic", _("Academic institution")
        PRIVATE = "private", _("Private sector")
        # ¶55 counts one intergovernmental organization apart from the stakeholders.
        IGO = "igo", _("Intergovernmental organization")

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    country = models.CharField(
        _("country"),
        max_length=3,
        blank=True,
        validators=[validate_country],
        help_text=_("ISO 3166-1 alpha-3 code."),
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    consent_on = models.DateField(
        _("consented to be contacted on"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty without consent: the contact details are then shown to the "
            "secretariat only."
        ),
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")

    def __str__(self) -> str:
        return self.name


class Dialogue(Recorded):
    """A constructive dialogue with non-governmental stakeholders (¶55-56)."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid")
        ONLINE = "online", _("Online")

    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=300)
    session = models.CharField(_("working group session"), max_length=300, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    stakeholders = models.ManyToManyField(
        Stakeholder, blank=True, related_name="dialogues", verbose_name=_("stakeholders")
    )
    parties = models.ManyToManyField(
        Party, blank=True, related_name="+", verbose_name=_("States taking part")
    )
    # Participants not registered one by one (a count from an attendance sheet).
    other_ngo = models.PositiveIntegerField(_("other non-governmental organizations"), default=0)
    other_academic = models.PositiveIntegerField(_("other academic institutions"), default=0)
    other_private = models.PositiveIntegerField(_("other private sector entities"), default=0)
    other_igo = models.PositiveIntegerField(_("other intergovernmental organizations"), default=0)
    other_states = models.PositiveIntegerField(_("other States"), default=0)
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown to everyone, with its observations.")
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("constructive dialogue")
        verbose_name_plural = _("constructive dialogues")

    def __str__(self) -> str:
        return self.title


# The count of participants not registered one by one, per kind of stakeholder.
OTHER_FIELDS = {
    Stakeholder.Kind.NGO: "other_ngo",
    Stakeholder.Kind.ACADEMIC: "other_academic",
    Stakeholder.Kind.PRIVATE: "other_private",
    Stakeholder.Kind.IGO: "other_igo",
}


class Observation(Recorded):
    """One of the chairs' observations of a dialogue, numbered (¶56)."""

    dialogue = models.ForeignKey(
        Dialogue, models.CASCADE, related_name="observations", verbose_name=_("dialogue")
    )
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["dialogue", "number"]
        verbose_name = _("chairs' observation")
        verbose_name_plural = _("chairs' observations")
        constraints = [
            models.UniqueConstraint(
                fields=["dialogue", "number"],
                name="stakeholders_observation_number",
                violation_error_message=_("Another observation of this dialogue has this number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class Outreach(Recorded):
    """A year's figures of a programme for non-governmental stakeholders (¶57-58)."""

    class Programme(models.TextChoices):
        SE4U = "se4u", _("SE4U")
        WHATSON = "whatson", _("WhatsOn")

    programme = models.CharField(_("programme"), max_length=10, choices=Programme.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    people = models.PositiveIntegerField(_("people"))
    countries = models.PositiveSmallIntegerField(_("countries"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-year", "programme"]
        verbose_name = _("yearly figure")
        verbose_name_plural = _("yearly figures")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year"],
                name="stakeholders_outreach_year",
                violation_error_message=_("This programme has figures for this year already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} {self.year}"


class Pilot(Recorded):
    """A country review run as a pilot initiative of multi-stakeholder engagement, with the
    reviewed party's consent (¶59-60). Its status follows from its dates, so that it can be
    told as of any date: starting from the consent, under way from `started_on`, completed
    from `completed_on`."""

    class Status(models.TextChoices):
        STARTING = "starting", _("Starting")
        UNDER_WAY = "under_way", _("Under way")
        COMPLETED = "completed", _("Completed")

    review = models.OneToOneField(
        Review, models.PROTECT, related_name="pilot", verbose_name=_("country review")
    )
    consent_on = models.DateField(_("party's consent given on"))
    consent_note = models.CharField(
        _("consent reference"),
        max_length=300,
        help_text=_("The note verbale or document that records the consent."),
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    started_on = models.DateField(_("under way from"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("The party agreed that everyone may see the pilot."),
    )
    stakeholders = models.ManyToManyField(
        Stakeholder, blank=True, related_name="pilots", verbose_name=_("stakeholders")
    )

    class Meta:
        ordering = ["-consent_on", "-pk"]
        verbose_name = _("pilot initiative")
        verbose_name_plural = _("pilot initiatives")
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(started_on__gte=models.F("consent_on")),
                name="stakeholders_pilot_started_after_consent",
                violation_error_message=_("A pilot cannot be under way before the consent."),
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(started_on__isnull=False, completed_on__gte=models.F("started_on")),
                name="stakeholders_pilot_completed_after_start",
                violation_error_message=_(
                    "A pilot is completed after it got under way: give both dates in order."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.review.party)

    def status_on(self, day) -> str | None:
        """The status on `day` (None before the consent)."""
        if self.completed_on and self.completed_on <= day:
            return self.Status.COMPLETED
        if self.started_on and self.started_on <= day:
            return self.Status.UNDER_WAY
        if self.consent_on <= day:
            return self.Status.STARTING
        return None

    @property
    def status(self) -> str:
        if self.completed_on:
            return self.Status.COMPLETED
        return self.Status.UNDER_WAY if self.started_on else self.Status.STARTING

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)


class Activity(Recorded):
    """Something done in a pilot initiative."""

    pilot = models.ForeignKey(
        Pilot, models.CASCADE, related_name="activities", verbose_name=_("pilot initiative")
    )
    held_on = models.DateField(_("date"))
    description = models.TextField(_("description"))

    class Meta:
        ordering = ["pilot", "held_on", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.description[:60]
