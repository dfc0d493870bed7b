"""The registry: instruments and their articles, clusters, regional groups, parties and the
dates on which each party joined each instrument. Data, edited by the secretariat."""

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from revmod.lib.i18n import field_names, localized


def search_key(text: str) -> str:
    """Text folded for searching: case and accents removed ('Côte' and 'cote' match)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Translated(models.Model):
    """Base for rows with a `title` or `name` in the six languages."""

    translated_field = "title"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The text in the active language (English when that translation is missing)."""
        return localized(self, self.translated_field)


def six(field: str, verbose, max_length: int) -> dict[str, models.CharField]:
    """Six CharFields `<field>_ar` ... `<field>_es`, one per official language. Only English is
    required; an empty translation falls back to English when shown."""
    return {
        name: models.CharField(
            format_lazy("{} ({})", verbose, language_name),
            max_length=max_length,
            blank=not name.endswith("_en"),
        )
        for name, (_code, language_name) in zip(field_names(field), settings.LANGUAGES, strict=True)
    }


class RegionalGroup(Translated):
    """One of the five UN regional groups (AFR, APG, EEG, GRULAC, WEOG)."""

    translated_field = "name"
    code = models.CharField(_("code"), max_length=10, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    locals().update(six("name", _("name"), 100))

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("regional group")
        verbose_name_plural = _("regional groups")


class Instrument(Translated):
    """A treaty under review: the Convention (UNTOC) or one of its Protocols."""

    class Kind(models.TextChoices):
        CONVENTION = "convention", _("Convention")
        PROTOCOL = "protocol", _("Protocol")

    code = models.CharField(_("code"), max_length=10, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    locals().update(six("title", _("title"), 400))
    locals().update(six("short", _("short title"), 100))

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    @property
    def short_label(self) -> str:
        return localized(self, "short")


class Article(Translated):
    """An article of an instrument."""

    instrument = models.ForeignKey(
        Instrument, models.CASCADE, related_name="articles", verbose_name=_("instrument")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    locals().update(six("title", _("title"), 300))

    class Meta:
        ordering = ["instrument__order", "number"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="article_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} {self.number}: {self.label}"


class Cluster(Translated):
    """A thematic cluster of articles, reviewed over one phase of two years."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    review_order = models.PositiveSmallIntegerField(
        _("order of review"), unique=True, help_text=_("1 for the cluster reviewed first.")
    )
    locals().update(six("title", _("title"), 300))
    articles = models.ManyToManyField(
        Article, blank=True, related_name="clusters", verbose_name=_("articles")
    )

    class Meta:
        ordering = ["review_order"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")


class PartyQuerySet(models.QuerySet):
    def with_instruments(self) -> "PartyQuerySet":
        """Parties with their regional group and current adherences, in two queries in all."""
        return self.select_related("regional_group").prefetch_related(
            Prefetch(
                "adherences",
                queryset=Adherence.objects.current().select_related("instrument"),
                to_attr="current_adherences",
            )
        )

    def party_to(self, instrument_code: str) -> "PartyQuerySet":
        return self.filter(
            adherences__instrument__code=instrument_code, adherences__superseded_at=None
        )

    def search(self, text: str) -> "PartyQuerySet":
        """Parties whose code or name in any of the six languages contains `text`."""
        key = search_key(text.strip())
        if not key:
            return self
        return self.filter(Q(search_names__contains=key) | Q(code__iexact=text.strip()))


class Party(Translated):
    """A party to the Convention: a State or a regional economic integration organization."""

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        REIO = "reio", _("Regional economic integration organization")

    translated_field = "name"
    code = models.CharField(
        _("code"), max_length=3, unique=True, help_text=_("ISO 3166-1 alpha-3, or EU.")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.STATE)
    regional_group = models.ForeignKey(
        RegionalGroup,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="parties",
        verbose_name=_("regional group"),
    )
    locals().update(six("name", _("name"), 200))
    # Every name, folded (see search_key), so a search finds a party in any language.
    search_names = models.TextField(editable=False, default="")

    objects = PartyQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def save(self, *args, **kwargs):
        # A derived column, not a business rule: it must follow the names wherever they change.
        self.search_names = "\n".join(
            search_key(getattr(self, name)) for name in field_names("name")
        )
        super().save(*args, **kwargs)


class AdherenceQuerySet(models.QuerySet):
    def current(self) -> "AdherenceQuerySet":
        return self.filter(superseded_at=None)


class Adherence(models.Model):
    """A party's joining of an instrument. Rows are never deleted: a corrected date or action
    supersedes the earlier row, which stays as history."""

    class Action(models.TextChoices):
        RATIFICATION = "ratification", _("Ratification")
        ACCESSION = "accession", _("Accession")
        ACCEPTANCE = "acceptance", _("Acceptance")
        APPROVAL = "approval", _("Approval")
        SUCCESSION = "succession", _("Succession")

    party = models.ForeignKey(
        Party, models.CASCADE, related_name="adherences", verbose_name=_("party")
    )
    instrument = models.ForeignKey(
        Instrument, models.PROTECT, related_name="adherences", verbose_name=_("instrument")
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    date = models.DateField(_("date"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    objects = AdherenceQuerySet.as_manager()

    class Meta:
        ordering = ["party", "instrument__order", "recorded_at"]
        verbose_name = _("adherence")
        verbose_name_plural = _("adherences")
        constraints = [
            models.UniqueConstraint(
                fields=["party", "instrument"],
                condition=Q(superseded_at=None),
                name="adherence_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.party.code} {self.instrument.code} {self.get_action_display()} {self.date}"


class RecordsVersion(models.Model):
    """A counter per kind of reading (`name`), bumped in the same transaction as every change
    of the records that reading depends on (revmod.registry.versions). Whoever caches what it
    computed from those records keys the cache with the counter: one indexed single-row read
    tells whether anything changed, instead of aggregates over every table read."""

    name = models.CharField(max_length=40, primary_key=True)
    n = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} {self.n}"
