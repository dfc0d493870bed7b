"""The working groups' recommendations on the mechanism and their follow-up (seed ¶61-71: 17
adopted so far, more proposed). A recommendation's text is stored once per official language;
its follow-up is a history of rows per party (or for the secretariat's own action), the latest
in force. Who sees what: `recommendations.access`."""

from django.conf import settings
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from revmod.lib.i18n import field_names, localized


def six_texts(field: str, verbose) -> dict[str, models.TextField]:
    """Six TextFields `<field>_ar` ... `<field>_es`; only English is required, an empty
    translation falls back to English when shown."""
    return {
        name: models.TextField(
            format_lazy("{} ({})", verbose, language_name), blank=not name.endswith("_en")
        )
        for name, (_code, language_name) in zip(field_names(field), settings.LANGUAGES, strict=True)
    }


class Recommendation(models.Model):
    """A recommendation adopted by a working group at one of its sessions, numbered within that
    session. Only published ones are seen outside the secretariat."""

    class Addressee(models.TextChoices):
        PARTIES = "parties", _("All parties")
        SECRETARIAT = "secretariat", _("The secretariat")
        BOTH = "both", _("Parties and the secretariat")

    session = models.CharField(
        _("session"),
        max_length=200,
        help_text=_(
            "The working group and its session, e.g. “Working group on ..., 13th session”."
        ),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    adopted_on = models.DateField(_("adopted on"))
    addressee = models.CharField(_("addressed to"), max_length=12, choices=Addressee.choices)
    locals().update(six_texts("text", _("text")))
    published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["adopted_on", "session", "number"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="recommendation_number")
        ]

    def __str__(self) -> str:
        return f"{self.session}, {self.number}"

    @property
    def text(self) -> str:
        """The text in the active language, English when that translation is empty."""
        return localized(self, "text")

    @property
    def to_parties(self) -> bool:
        return self.addressee in (self.Addressee.PARTIES, self.Addressee.BOTH)

    @property
    def to_secretariat(self) -> bool:
        return self.addressee in (self.Addressee.SECRETARIAT, self.Addressee.BOTH)


class FollowUp(models.Model):
    """One update of the follow-up of a recommendation by a party (`party`), or by the
    secretariat for its own action (`party` empty). Updates are never changed but for their
    publication: each is a new row, and the latest of a party's (or the secretariat's) is in
    force. `latest` and `latest_published` are kept by the actions (one chain at a time, under
    a lock on the recommendation) so that every read is a plain filter."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        IMPLEMENTED = "implemented", _("Implemented")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    recommendation = models.ForeignKey(
        Recommendation, models.PROTECT, related_name="follow_ups", verbose_name=_("recommendation")
    )
    party = models.ForeignKey(
        "registry.Party",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("party"),
        help_text=_("Empty for the secretariat's own action."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    evidence = models.TextField(_("evidence"))
    link = models.URLField(_("link"), blank=True)
    on = models.DateField(_("date"))
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Other parties and the public see only published follow-ups."),
    )
    latest = models.BooleanField(default=True, editable=False)
    latest_published = models.BooleanField(default=False, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["recommendation", "party", "-recorded_at", "-pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["recommendation", "party", "latest"])]

    def __str__(self) -> str:
        return f"{self.recommendation}: {self.get_status_display()}"
