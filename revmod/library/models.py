"""The resources library (¶48): manuals, guides, compendia, compilations, legislative guides,
model laws and e-learning modules, each with a title and description in the six languages and
its files per language, versioned.

A resource's versions are never changed nor deleted: uploading a new file (or giving a new link)
for a language adds the next number for that language, and the newest is the one offered first.
"""

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from revmod.lib.i18n import LANGUAGE_CHOICES, field_names, localized
from revmod.library import languages


class ResourceQuerySet(models.QuerySet):
    def published(self) -> "ResourceQuerySet":
        return self.filter(published=True)

    def with_versions(self) -> "ResourceQuerySet":
        """Resources with their versions (by language, newest first) in one more query."""
        versions = ResourceVersion.objects.order_by("language", "-number")
        return self.prefetch_related(Prefetch("versions", queryset=versions))


def six_text(field: str, verbose, *, required: bool, **kwargs) -> dict[str, models.Field]:
    """Six fields `<field>_ar` ... `<field>_es` (as registry.models.six; English alone may be
    required). `kwargs` choose the field: a `max_length` makes CharFields, none TextFields."""
    make = models.CharField if "max_length" in kwargs else models.TextField
    return {
        name: make(
            format_lazy("{} ({})", verbose, language_name),
            blank=not (required and name.endswith("_en")),
            **kwargs,
        )
        for name, (_code, language_name) in zip(field_names(field), LANGUAGE_CHOICES, strict=True)
    }


class Resource(models.Model):
    """One resource of the library, published or not (the public sees the published only)."""

    class Kind(models.TextChoices):
        MANUAL = "manual", _("Manual")
        GUIDE = "guide", _("Guide")
        COMPENDIUM = "compendium", _("Compendium")
        RECOMMENDATIONS = "recommendations", _("Compilation of recommendations")
        OBSERVATIONS = "observations", _("Compilation of observations")
        LEGISLATIVE_GUIDE = "legislative_guide", _("Legislative guide")
        MODEL_LAW = "model_law", _("Model law or legislative provisions")
        ELEARNING = "elearning", _("E-learning module")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    locals().update(six_text("title", _("title"), required=True, max_length=300))
    locals().update(six_text("description", _("description"), required=False))
    published = models.BooleanField(_("published"), default=False)
    # When it was last published (empty while unpublished): the figures count it from then.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed at"))

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["title_en", "pk"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """The title in the active language, English when that one is empty."""
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")

    def by_language(self) -> list[tuple[str, str, list["ResourceVersion"]]]:
        """(code, name in the page's language, versions newest first) for each language it has
        a version in, the six first (from the prefetched versions)."""
        grouped: dict[str, list[ResourceVersion]] = {}
        for version in sorted(self.versions.all(), key=lambda v: (v.language, -v.number)):
            grouped.setdefault(version.language, []).append(version)
        order = {code: n for n, code in enumerate(languages.CODES)}
        codes = sorted(grouped, key=lambda c: (order.get(c, len(order)), c))
        return [(c, languages.name(c), grouped[c]) for c in codes]

    def language_names(self) -> list[str]:
        return [name for _code, name, _versions in self.by_language()]


class ResourceVersion(models.Model):
    """One version of a resource in one language: a stored file (checked by lib.uploads) or a
    link (an e-learning module hosted elsewhere). Never changed once recorded."""

    resource = models.ForeignKey(
        Resource, models.PROTECT, related_name="versions", verbose_name=_("resource")
    )
    language = models.CharField(_("language"), max_length=8)
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), max_length=255, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["resource", "language", "number"]
        verbose_name = _("resource version")
        verbose_name_plural = _("resource versions")
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "language", "number"], name="resource_version_once"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="resource_version_from_one"),
            # A file or a link, never both nor neither.
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(link="")) | (~Q(file="") & Q(link="")),
                name="resource_version_file_or_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} ({self.language}) v{self.number}"

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].lower() if self.file else ""

    @property
    def language_name(self) -> str:
        return languages.name(self.language)
