"""Machine translations requested by a review's participants: of the questionnaire answers, the
written feedback, a version of the list of observations and summary, or a document version,
into another of the six languages. The result is stored here, apart
from the original, and is always shown as an unofficial machine translation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from revmod.lib.i18n import LANGUAGE_CHOICES
from revmod.reviews.models import Review


class TranslationRequest(models.Model):
    """One request. `source` is the text captured when it was asked (sources.py), so the work
    translates what the requester saw; `source_key` names the source and its version
    ("submitted:<sha256>" or "draft:<sha256>" of the answers, "feedback:submitted:<sha256>" or
    "feedback:draft:<sha256>" of the written feedback, "observations:<id>" of a version of the
    list of observations, "version:<id>" of a document): an identical request while one is
    queued, working or done returns that one (the partial unique constraint below)."""

    class Kind(models.TextChoices):
        ANSWERS = "answers", _("Questionnaire answers")
        DOCUMENT = "document", _("Document")
        FEEDBACK = "feedback", _("Written feedback")
        OBSERVATIONS = "observations", _("List of observations and summary")

    class Answers(models.TextChoices):
        SUBMITTED = "submitted", _("as submitted")
        DRAFT = "draft", _("draft, as saved when requested")

    class Status(models.TextChoices):
        # pgettext: the outbox's "Failed" is a message's ("failed to send").
        QUEUED = "queued", pgettext_lazy("machine translation", "Queued")
        WORKING = "working", pgettext_lazy("machine translation", "In progress")
        DONE = "done", pgettext_lazy("machine translation", "Done")
        FAILED = "failed", pgettext_lazy("machine translation", "Failed")

    review = models.ForeignKey(Review, models.CASCADE, related_name="translation_requests")
    kind = models.CharField(_("source"), max_length=12, choices=Kind.choices)
    # For the answers and the written feedback: which text (the submission translated, or the
    # drafts at request time); who may read the translation follows (actions.readable).
    answers = models.CharField(_("answers"), max_length=12, choices=Answers.choices, blank=True)
    submission = models.ForeignKey(
        "questionnaires.AnswerSubmission", models.PROTECT, null=True, blank=True, related_name="+"
    )
    feedback_submission = models.ForeignKey(
        "questionnaires.FeedbackSubmission",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The version of the list of observations translated (each save is a version, never
    # changed: a draft's translation is of the version saved when it was asked).
    observation_version = models.ForeignKey(
        "questionnaires.ObservationVersion",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    document_version = models.ForeignKey(
        "documents.DocumentVersion",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="translation_requests",
    )
    source_key = models.CharField(max_length=100)
    source = models.JSONField()
    source_language = models.CharField(_("source language"), max_length=2, choices=LANGUAGE_CHOICES)
    target_language = models.CharField(_("target language"), max_length=2, choices=LANGUAGE_CHOICES)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    lease_until = models.DateTimeField(null=True, blank=True)
    backend = models.CharField(_("translated by"), max_length=100, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    # The work done so far: the translation of each of sources.segments(source), in order, null
    # for those still to do. Kept across attempts, so a retry calls the server only for what
    # failed (actions.attempt); emptied once the result is stored.
    partial = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("machine translation")
        verbose_name_plural = _("machine translations")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "source_key", "source_language", "target_language"],
                condition=Q(status__in=["queued", "working", "done"]),
                name="translation_once_per_source_and_target",
            ),
            models.CheckConstraint(
                condition=~Q(source_language=models.F("target_language")),
                name="translation_into_another_language",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="translation_due")]

    def __str__(self) -> str:
        return f"{self.review}: {self.source_key} {self.source_language}->{self.target_language}"
