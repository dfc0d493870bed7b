"""Self-assessment questionnaires: versioned templates of questions per cluster (the
secretariat's), and each review's answers (the party under review's)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from revmod.lib.i18n import localized
from revmod.registry.models import Article, Cluster, six
from revmod.reviews.models import Review


class TemplateQuerySet(models.QuerySet):
    def current(self, cluster) -> "QuestionnaireTemplate | None":
        """The latest published version for `cluster`, or None."""
        found = self.filter(cluster=cluster, published=True).select_related("cluster")
        return found.order_by("-version").first()


class QuestionnaireTemplate(models.Model):
    """One version of a cluster's questionnaire. A published version is frozen: answers point
    at its questions. Changing it means a new draft version (admin action), then publishing."""

    cluster = models.ForeignKey(
        Cluster, models.PROTECT, related_name="questionnaires", verbose_name=_("cluster")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = TemplateQuerySet.as_manager()

    class Meta:
        ordering = ["cluster__review_order", "-version"]
        verbose_name = _("questionnaire template")
        verbose_name_plural = _("questionnaire templates")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "version"], name="template_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.cluster.label} v{self.version}"


class Question(models.Model):
    """A question about one article. Every answer may carry a value (for the choice kinds),
    citations of legislation (yes/no/partly and citation kinds) and an explanation."""

    class Kind(models.TextChoices):
        YES_NO_PARTLY = "yes_no_partly", _("Yes / no / partly")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Free text")
        CITATIONS = "citations", _("Citations of legislation")

    template = models.ForeignKey(
        QuestionnaireTemplate, models.CASCADE, related_name="questions", verbose_name=_("template")
    )
    # Stable across versions (e.g. "UNTOC-5-a"): how the loader and later versions match rows.
    key = models.SlugField(_("key"), max_length=40)
    article = models.ForeignKey(
        Article, models.PROTECT, related_name="questions", verbose_name=_("article")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    locals().update(six("text", _("question"), 1000))

    class Meta:
        ordering = ["article__instrument__order", "article__number", "order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="question_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.text_en[:60]}"

    @property
    def label(self) -> str:
        return localized(self, "text")

    @property
    def has_value(self) -> bool:
        return self.kind in {self.Kind.YES_NO_PARTLY, self.Kind.SINGLE, self.Kind.MULTIPLE}

    @property
    def has_citations(self) -> bool:
        return self.kind in {self.Kind.YES_NO_PARTLY, self.Kind.CITATIONS}


class Choice(models.Model):
    """An option of a single- or multiple-choice question."""

    question = models.ForeignKey(Question, models.CASCADE, related_name="choices")
    value = models.SlugField(_("value"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    locals().update(six("label", _("label"), 300))

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="choice_unique_value")
        ]

    def __str__(self) -> str:
        return self.label_en

    @property
    def label(self) -> str:
        return localized(self, "label")


class AnswerSet(models.Model):
    """The party under review's answers in one review, to one template version (the one
    published when the first answer was saved)."""

    review = models.OneToOneField(Review, models.CASCADE, related_name="answer_set")
    template = models.ForeignKey(QuestionnaireTemplate, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("answer set")
        verbose_name_plural = _("answer sets")

    def __str__(self) -> str:
        return str(self.review)


class Answer(models.Model):
    """One answer. `version` counts the saves: a save must name the version it was based on,
    so two people editing the same answer cannot overwrite each other unseen."""

    answer_set = models.ForeignKey(AnswerSet, models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, models.PROTECT, related_name="answers")
    value = models.JSONField(_("value"), default=list, blank=True)  # chosen values
    citations = models.TextField(_("citations of legislation"), blank=True)
    text = models.TextField(_("explanation"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated at"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["answer_set", "question"], name="answer_once_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.answer_set}: {self.question.key}"

    @property
    def is_answered(self) -> bool:
        """Answered: the value chosen (choice kinds), else the text or citations given, or a
        file attached (a law's text answers a question on legislation). Reads the attachments
        (prefetch them for many answers)."""
        if self.question.has_value:
            return bool(self.value)
        if self.question.kind == Question.Kind.CITATIONS and self.citations.strip():
            return True
        if self.question.kind == Question.Kind.TEXT and self.text.strip():
            return True
        return bool(self.attachments.all())


class AnswerAttachment(models.Model):
    """A file attached to an answer (a law's text, a court decision, a report): a document
    version of the review (kind "questionnaire answers"), so that it has the documents' readers,
    including rule 40 (the reviewing parties see it only once the answers are submitted).
    Removing it from the answer deletes this link only: the document stays in the review's
    documents."""

    answer = models.ForeignKey(Answer, models.CASCADE, related_name="attachments")
    version = models.ForeignKey(
        "documents.DocumentVersion", models.PROTECT, related_name="+", verbose_name=_("file")
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("attached at"))

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.UniqueConstraint(fields=["answer", "version"], name="attachment_once")
        ]

    def __str__(self) -> str:
        return f"{self.answer}: {self.version}"


class Frozen(models.Model):
    """What was submitted, frozen: a snapshot and its SHA-256 (actions.digest), who and when.
    Append-only: one row per submission."""

    at = models.DateTimeField(_("submitted at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    snapshot = models.JSONField()

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


class AnswerSubmission(Frozen):
    """The answers as submitted. One per submission (a review reopened to the questionnaire and
    submitted again has two)."""

    answer_set = models.ForeignKey(AnswerSet, models.PROTECT, related_name="submissions")

    class Meta(Frozen.Meta):
        verbose_name = _("submitted answers")
        verbose_name_plural = _("submitted answers")

    def __str__(self) -> str:
        return f"{self.answer_set} {self.at:%Y-%m-%d} {self.sha256[:12]}"


class TaskAssignment(models.Model):
    """The division of tasks agreed at the initial consultation (seed ¶26-28): one article the
    reviewing party `party` comments on. A review without rows divides nothing: every reviewing
    party takes every article."""

    review = models.ForeignKey(Review, models.CASCADE, related_name="task_assignments")
    party = models.ForeignKey(
        "registry.Party", models.PROTECT, related_name="+", verbose_name=_("reviewing party")
    )
    article = models.ForeignKey(Article, models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("division of tasks")
        verbose_name_plural = _("divisions of tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "party", "article"], name="task_once_per_article"
            )
        ]

    def __str__(self) -> str:
        return f"{self.review}: {self.party_id} {self.article_id}"


class Comment(models.Model):
    """A reviewing party's written feedback on one question of the submitted answers. One per
    party and question; `version` counts the saves, as for answers."""

    review = models.ForeignKey(Review, models.CASCADE, related_name="comments")
    party = models.ForeignKey(
        "registry.Party", models.PROTECT, related_name="+", verbose_name=_("reviewing party")
    )
    question = models.ForeignKey(Question, models.PROTECT, related_name="comments")
    text = models.TextField(_("comment"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated at"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("feedback comment")
        verbose_name_plural = _("feedback comments")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "party", "question"], name="comment_once_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.review}: {self.party_id} {self.question_id}"


class FeedbackSubmission(Frozen):
    """The written feedback as jointly submitted."""

    review = models.ForeignKey(Review, models.PROTECT, related_name="feedback_submissions")

    class Meta(Frozen.Meta):
        verbose_name = _("submitted feedback")
        verbose_name_plural = _("submitted feedback")

    def __str__(self) -> str:
        return f"{self.review} {self.at:%Y-%m-%d} {self.sha256[:12]}"


class ObservationVersion(models.Model):
    """One saved version of the list of observations and its summary. Every save makes a new
    numbered version; none is ever changed (a sign-off names one, by number and hash)."""

    review = models.ForeignKey(Review, models.PROTECT, related_name="observation_versions")
    number = models.PositiveIntegerField(_("version"))
    sections = models.JSONField(default=dict)  # {section key: text}, see observations.SECTIONS
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("saved at"))

    class Meta:
        ordering = ["review", "number"]
        verbose_name = _("list of observations (version)")
        verbose_name_plural = _("lists of observations (versions)")
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="observations_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.review} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A version of the list of observations is never changed.")
        super().save(*args, **kwargs)


class SignOff(models.Model):
    """A focal point's sign-off, for their party, of one frozen version."""

    version = models.ForeignKey(ObservationVersion, models.PROTECT, related_name="sign_offs")
    party = models.ForeignKey("registry.Party", models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(_("signed off at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        constraints = [
            models.UniqueConstraint(fields=["version", "party"], name="sign_off_once_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.party_id}"


class PublicationDecision(models.Model):
    """The party under review's decision on publishing the list of observations (the summary is
    always published). Append-only: the latest row is the decision in force."""

    class Choice(models.TextChoices):
        FULL = "full", _("The full list of observations")
        PART = "part", _("Part of the list of observations")
        NONE = "none", _("The summary only")

    review = models.ForeignKey(Review, models.PROTECT, related_name="publication_decisions")
    choice = models.CharField(_("publication"), max_length=8, choices=Choice.choices)
    # The sections of the full list published besides the summary (observations.PUBLISHABLE
    # keys): all of them in full, those chosen in part, none otherwise.
    sections = models.JSONField(_("sections published"), default=list, blank=True)
    parts = models.TextField(_("note on the parts published"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("publication decision")
        verbose_name_plural = _("publication decisions")

    def __str__(self) -> str:
        return f"{self.review}: {self.choice}"


class AnswerPublication(models.Model):
    """The party under review's decision on publishing its submitted answers (and their
    attached files) on its public page: all of them, some sections (articles of the
    questionnaire), or none. Made on one frozen submission, which is what the public reads.
    Append-only: the latest row of a review is the decision in force; a new one (including
    "none") revokes the previous for the future."""

    class Choice(models.TextChoices):
        ALL = "all", _("All the answers")
        SOME = "some", _("Some sections of the answers")
        NONE = "none", _("None of the answers")

    review = models.ForeignKey(Review, models.PROTECT, related_name="answer_publications")
    submission = models.ForeignKey(
        AnswerSubmission,
        models.PROTECT,
        related_name="publications",
        verbose_name=_("submitted answers"),
    )
    choice = models.CharField(_("publication"), max_length=8, choices=Choice.choices)
    # The sections published (publication.section_key of each article): every section of the
    # questionnaire for "all", those chosen for "some", none for "none".
    sections = models.JSONField(_("sections published"), default=list, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("publication of the answers")
        verbose_name_plural = _("publications of the answers")

    def __str__(self) -> str:
        return f"{self.review}: {self.choice}"
