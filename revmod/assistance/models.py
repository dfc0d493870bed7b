"""Technical-assistance needs (seed ¶46): the secretariat opens a survey to the focal points;
each party answers once per survey (editable until it closes); every category a party asks
for becomes a request the secretariat tracks to an outcome, with its history kept."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from revmod.assistance import categories


class Survey(models.Model):
    """A survey of technical-assistance needs, open to answers from `opens_on` to `closes_on`
    (both days included). `categories` are the codes it asks about, fixed when opened."""

    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    categories = models.JSONField(_("categories"), default=list, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("technical-assistance survey")
        verbose_name_plural = _("technical-assistance surveys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="assistance_survey_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today) -> bool:
        return self.opens_on <= today <= self.closes_on

    def category_choices(self) -> list[tuple[str, str]]:
        return categories.choices(self.categories)


class Response(models.Model):
    """A party's answer to a survey: one per party and survey. Its categories are its requests
    (those not withdrawn)."""

    survey = models.ForeignKey(
        Survey, models.PROTECT, related_name="responses", verbose_name=_("survey")
    )
    party = models.ForeignKey(
        "registry.Party", models.PROTECT, related_name="+", verbose_name=_("party")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["survey", "party__code"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["survey", "party"], name="assistance_one_response")
        ]

    def __str__(self) -> str:
        return f"{self.survey} — {self.party.code}"


class Request(models.Model):
    """One category a party asked for in its response, tracked by the secretariat to an
    outcome. A category the party takes back while the survey is open is withdrawn, not
    deleted (its history stays); asked again, it comes back."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("In progress")
        MET = "met", _("Met")
        DECLINED = "declined", _("Declined")

    response = models.ForeignKey(
        Response, models.PROTECT, related_name="requests", verbose_name=_("response")
    )
    category = models.CharField(_("category"), max_length=40)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    status_on = models.DateField(_("status date"))
    note = models.TextField(_("note"), blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["response__party__code", "pk"]
        verbose_name = _("assistance request")
        verbose_name_plural = _("assistance requests")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "category"], name="assistance_one_request_per_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.response.party.code}: {self.category_label}"

    @property
    def category_label(self) -> str:
        return categories.label(self.category)


class Change(models.Model):
    """One change of a request: who made it, when, and each field's value before and after
    ({field: [before, after]}, as text). Written by the actions only, never edited."""

    request = models.ForeignKey(Request, models.PROTECT, related_name="changes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    fields = models.JSONField(_("changes"), default=dict)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("change of a request")
        verbose_name_plural = _("changes of requests")

    def __str__(self) -> str:
        return f"{self.request_id} {self.at:%Y-%m-%d %H:%M}"
