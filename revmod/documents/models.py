"""Documents of country reviews: each one a title, a kind and a language, with its versions.

A version's file is stored under a name the server makes (lib.uploads.server_name); the name the
user's file had is kept as metadata only. Versions are never overwritten: a new upload adds the
next number."""

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from revmod.documents.rules import MATERIAL, SUBMISSIONS, Kind
from revmod.lib.i18n import LANGUAGE_CHOICES
from revmod.registry.models import Party
from revmod.reviews import access
from revmod.reviews.models import STAGE_LABELS, Review
from revmod.reviews.workflow import Stage

KIND_LABELS = {
    Kind.QUESTIONNAIRE_ANSWERS: _("Questionnaire answers"),
    Kind.WRITTEN_FEEDBACK: _("Written feedback"),
    Kind.LIST_OF_OBSERVATIONS: _("List of observations"),
    Kind.SUMMARY: _("Summary"),
    Kind.SUPPORTING: _("Supporting document"),
    Kind.NOTE_VERBALE: _("Note verbale"),
}

KIND_CHOICES = [(k.value, label) for k, label in KIND_LABELS.items()]


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DocumentQuerySet":
        """The documents `user` may read (reviews.access): of the reviews they take part in,
        those whose material they may read now — uploaded answers reach the reviewing parties
        and uploaded written feedback the party under review only once submitted, as online."""
        readable = Q(pk__in=[])
        for material in set(MATERIAL.values()):
            kinds = [k.value for k, m in MATERIAL.items() if m == material]
            readable |= Q(kind__in=kinds) & access.readable_q(user, material)
        return self.filter(review__in=Review.objects.visible_to(user)).filter(readable)

    def submissions(self) -> "DocumentQuerySet":
        return self.filter(kind__in=[k.value for k in SUBMISSIONS])

    def with_versions(self) -> "DocumentQuerySet":
        """Documents with their party, uploader and versions (newest first) in two queries."""
        versions = DocumentVersion.objects.select_related("uploaded_by").order_by("-number")
        return self.select_related("party", "uploaded_by").prefetch_related(
            Prefetch("versions", queryset=versions)
        )


class Document(models.Model):
    """One document of a review: questionnaire answers, written feedback, a list of
    observations, a summary, a supporting document or a note verbale, in one language."""

    class Side(models.TextChoices):
        REVIEWED = "reviewed", _("Party under review")
        REVIEWING = "reviewing", _("Reviewing party")
        SECRETARIAT = "secretariat", _("Secretariat")

    review = models.ForeignKey(
        Review, models.PROTECT, related_name="documents", verbose_name=_("country review")
    )
    # The stage of the review when the document was first uploaded: the step it belongs to.
    stage = models.CharField(
        _("stage"), max_length=24, choices=[(s.value, STAGE_LABELS[s]) for s in Stage]
    )
    kind = models.CharField(_("kind"), max_length=24, choices=KIND_CHOICES)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    # The party that uploaded it (the party under review or a reviewing party); empty for the
    # secretariat.
    party = models.ForeignKey(
        Party,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("party"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("created at"))

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    @property
    def latest(self) -> "DocumentVersion | None":
        """The newest version (from the prefetched versions when there are some)."""
        versions = list(self.versions.all())
        return max(versions, key=lambda v: v.number) if versions else None


class DocumentVersion(models.Model):
    """One uploaded file of a document. Never changed once stored."""

    document = models.ForeignKey(
        Document, models.PROTECT, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_once"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="document_version_from_one"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].lower()
