"""Country reviews: one per party under review and cluster, its consultation, deadline changes
and the append-only log of everything that happened to it."""

from dataclasses import fields

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from revmod.lib.i18n import DATA_CODES
from revmod.lots.models import Pairing, ReviewGroup
from revmod.registry.models import Cluster, Party
from revmod.reviews import access, chain
from revmod.reviews.deadlines import DeadlineRules, Step, StepDeadline, days_late
from revmod.reviews.workflow import Stage

STAGE_LABELS = {
    Stage.AWAITING_NOMINATIONS: _("Awaiting nominations"),
    Stage.INITIAL_CONSULTATION: _("Initial consultation"),
    Stage.QUESTIONNAIRE: _("Self-assessment questionnaire"),
    Stage.WRITTEN_FEEDBACK: _("Written feedback"),
    Stage.OBSERVATIONS: _("List of observations and summary"),
    Stage.COMPLETED: _("Completed"),
}
STEP_LABELS = {
    Step.FOCAL_POINTS: _("Focal points named"),
    Step.EXPERTS: _("Governmental experts named"),
    Step.INITIAL_CONSULTATION: _("Initial consultation held"),
    Step.QUESTIONNAIRE: _("Questionnaire answers submitted"),
    Step.WRITTEN_FEEDBACK: _("Written feedback completed"),
    Step.OBSERVATIONS: _("List of observations and summary completed"),
}
EVENT_LABELS = {
    "created": _("Review created"),
    "reviewers_changed": _("Reviewing parties changed by a draw"),
    "start_consultation": _("Initial consultation started"),
    "record_consultation": _("Initial consultation recorded"),
    "consultation": _("Consultation details saved"),
    "advance": _("Moved on to the questionnaire"),
    "draft": _("Draft changed"),
    "clear": _("Cleared"),
    "submit": _("Submitted"),
    "reopen": _("Reopened"),
    "focal_point_named": _("Focal point named"),
    "focal_point_replaced": _("Focal point replaced"),
    "expert_named": _("Governmental expert named"),
    "observer_named": _("Observer named"),
    "expert_ended": _("Governmental expert's nomination ended"),
    "observer_ended": _("Observer's nomination ended"),
    "focal_point_ended": _("Focal point's nomination ended"),
    "deadline_extension": _("Deadline extended"),
    "deadline_pause": _("Deadline paused"),
    "officers_assigned": _("Secretariat officers assigned"),
    "document_uploaded": _("Document uploaded"),
    "attachment_removed": _("File taken off an answer"),
    "answers_on_behalf": _("Answers saved"),
    "questionnaire_frozen": _("Questionnaire answers frozen as submitted"),
    "division_of_tasks": _("Division of tasks recorded"),
    "feedback_frozen": _("Written feedback frozen as submitted"),
    "observations_saved": _("New version of the list of observations"),
    "observations_signed": _("List of observations signed off"),
    "publication_decided": _("Publication decision recorded"),
    "answers_publication_decided": _("Publication of the answers decided"),
}


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReviewQuerySet":
        """The reviews `user` takes part in (the rule is `reviews.access`'s): all for the
        secretariat; for a nominated person, its party's own review and the reviews it takes
        part in as reviewing party; nothing for anyone else."""
        return access.visible_reviews(self, user)


class Review(models.Model):
    """The review of one party under review for one cluster, in its group."""

    party = models.ForeignKey(
        Party, models.PROTECT, related_name="reviews", verbose_name=_("party under review")
    )
    cluster = models.ForeignKey(
        Cluster, models.PROTECT, related_name="reviews", verbose_name=_("cluster")
    )
    group = models.ForeignKey(
        ReviewGroup, models.PROTECT, related_name="reviews", verbose_name=_("group")
    )
    started_on = models.DateField(_("started on"))
    stage = models.CharField(
        _("stage"),
        max_length=24,
        choices=[(s.value, STAGE_LABELS[s]) for s in Stage],
        default=Stage.AWAITING_NOMINATIONS.value,
    )
    # The rest of the workflow's state (workflow.ReviewState), kept current by the actions.
    cleared = models.JSONField(default=list, blank=True)
    consultation_recorded = models.BooleanField(default=False)
    stage_since = models.DateTimeField(_("at this stage since"))
    # Raised by every workflow action: a form or API call names the version it saw, so a double
    # click or a stale page changes nothing (reviews.actions.act).
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="followed_reviews",
        verbose_name=_("secretariat officers"),
    )
    # What the lists filter and sort on, derived from the schedule (reviews.tasks.Due) and
    # kept current by the actions that change what a schedule reads, in their transaction
    # (reviews.actions.refresh_due): the current stage's step, its due date, and the earliest
    # due date of the steps still open (the review is overdue after it). docs/decisions.md.
    due_step = models.CharField(
        _("step due"),
        max_length=24,
        choices=[(s.value, STEP_LABELS[s]) for s in Step],
        blank=True,
        default="",
        editable=False,
    )
    due_on = models.DateField(_("due on"), null=True, blank=True, editable=False)
    first_open_due_on = models.DateField(null=True, blank=True, editable=False)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["group__number", "party__name_en"]
        verbose_name = _("country review")
        verbose_name_plural = _("country reviews")
        constraints = [
            models.UniqueConstraint(fields=["party", "cluster"], name="review_once_per_cluster")
        ]
        # The columns the reviews list and the API filter and sort on (ReviewFilterForm), each
        # ending with the pk their order ends with: a page of 100 is read from an index rather
        # than by sorting every review. (cluster, group, party): the list of a cluster by group.
        indexes = [
            models.Index(fields=["stage", "id"], name="review_stage"),
            models.Index(fields=["stage_since", "id"], name="review_stage_since"),
            models.Index(fields=["due_step", "id"], name="review_due_step"),
            models.Index(fields=["due_on", "id"], name="review_due_on"),
            models.Index(fields=["first_open_due_on", "id"], name="review_overdue"),
            models.Index(fields=["started_on", "id"], name="review_started_on"),
            models.Index(fields=["cluster", "group", "party"], name="review_cluster_group_party"),
        ]

    def __str__(self) -> str:
        return f"{self.party.label} — {self.cluster.label}"

    def days_late(self, today) -> int | None:
        """The days the current step (`due_step`, open by definition) is late on `today`, by
        the schedule's rule (deadlines.days_late); None while it is not late."""
        if not self.due_step:
            return None
        step = StepDeadline(Step(self.due_step), None, None, self.due_on, None, None)
        return days_late(step, today)

    def pairings(self):
        """The reviewing parties in force, with the instruments each covers."""
        return Pairing.objects.active().filter(reviewed=self.party).select_related("reviewer")


class Consultation(models.Model):
    """The initial consultation's record (seed ¶26-28): timetable, working languages,
    division of tasks."""

    review = models.OneToOneField(Review, models.CASCADE, related_name="consultation")
    held_on = models.DateField(_("held on"))
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    no_agreement = models.BooleanField(_("no agreement on languages"), default=False)
    exceptional_reason = models.TextField(_("reason for a third language"), blank=True)
    agreed = models.JSONField(_("agreed dates"), default=dict, blank=True)  # {step: "YYYY-MM-DD"}
    agreed_reason = models.TextField(
        _("reason for agreed dates later than the guidelines"), blank=True
    )
    division_of_tasks = models.TextField(_("division of tasks among the reviewers"), blank=True)

    class Meta:
        verbose_name = _("initial consultation")
        verbose_name_plural = _("initial consultations")

    def __str__(self) -> str:
        return f"{self.review} ({self.held_on})"

    @staticmethod
    def languages_of(review) -> list[str]:
        """The working languages agreed at `review`'s initial consultation (data codes, in the
        order of the six); none before it, or when there was no agreement."""
        if Review.consultation.is_cached(review):  # read with the review: no query
            consultation = getattr(review, "consultation", None)
            chosen = set(consultation.languages if consultation else [])
        else:
            agreed = Consultation.objects.filter(review=review).values_list("languages", flat=True)
            chosen = set(agreed.first() or [])
        return [code for code in DATA_CODES if code in chosen]

    @property
    def language_key(self) -> str:
        """'no_agreement', 'three', or the languages joined in a fixed order, e.g. 'ar+en'."""
        if self.no_agreement:
            return "no_agreement"
        if len(self.languages) >= 3:
            return "three"
        return "+".join(sorted(self.languages))


class DeadlineChange(models.Model):
    """An extension or a pause of one step's deadline, always with its reason."""

    class Kind(models.TextChoices):
        EXTENSION = "extension", _("Extension")
        PAUSE = "pause", _("Pause")

    review = models.ForeignKey(Review, models.CASCADE, related_name="deadline_changes")
    step = models.CharField(
        _("step"), max_length=24, choices=[(s.value, STEP_LABELS[s]) for s in Step]
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    new_date = models.DateField(_("new date"), null=True, blank=True)
    days = models.PositiveIntegerField(_("days"), null=True, blank=True)
    first_day = models.DateField(_("first day"), null=True, blank=True)
    last_day = models.DateField(_("last day"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.review}: {self.get_kind_display()} {self.step}"


class ReviewEvent(models.Model):
    """Something that happened to a review: who, what, when, details. Append-only: the
    timeline, the notifications and the statistics "as of a date" are read from these rows.
    The database refuses to change or delete one (lib.appendonly), and each carries the hash of
    the review's event before it (reviews.chain; `manage.py verifyaudit` checks them)."""

    review = models.ForeignKey(Review, models.PROTECT, related_name="events")
    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=40)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("review event")
        verbose_name_plural = _("review events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.kind}"

    def save(self, *args, **kwargs):
        # Append-only: an event, once written, is history.
        if self.pk is not None:
            raise ValueError("Review events are never changed.")
        with transaction.atomic(using=kwargs.get("using")):
            # The review's chain is extended one event at a time: under the review's row lock
            # (the workflow's actions hold it already; PostgreSQL waits here, SQLite's write
            # transactions are one at a time anyway), the last event is the one before this.
            list(Review.objects.select_for_update().filter(pk=self.review_id).values_list("pk"))
            self.prev_hash = (
                ReviewEvent.objects.filter(review_id=self.review_id)
                .order_by("-pk")
                .values_list("hash", flat=True)
                .first()
                or chain.GENESIS
            )
            self.hash = chain.event_hash(
                review_id=self.review_id,
                at=self.at,
                actor_id=self.actor_id,
                kind=self.kind,
                data=self.data,
                prev_hash=self.prev_hash,
            )
            super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))


READ_MATERIAL_LABELS = {
    access.Material.ANSWERS: _("Questionnaire answers"),
    access.Material.FEEDBACK: _("Written feedback"),
    access.Material.OBSERVATIONS: _("List of observations and summary"),
}


class ReviewTimeline(models.Model):
    """What the statistics read of a review's events, one row per review (reviews.timeline):
    `entries` are [when (ISO, UTC), kind, data read], in the order of the events. Maintained by
    actions.record in the event's transaction; rebuilt from the events by migration 0009."""

    review = models.OneToOneField(Review, models.CASCADE, primary_key=True, related_name="timeline")
    entries = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.review_id}: {len(self.entries)}"


class ReadRecord(models.Model):
    """Someone read a review's confidential material (reviews.reads.record_read): who, what,
    how, which object, when. Append-only, like the events (lib.appendonly)."""

    class How(models.TextChoices):
        PAGE = "page", _("Page")
        API = "api", _("API")
        EXPORT = "export", _("Export (PDF or DOCX)")
        OFFLINE = "offline", _("Offline questionnaire")
        FILE = "file", _("File download")
        ZIP = "zip", _("ZIP of the submissions")
        TRANSLATION = "translation", _("Machine translation")

    review = models.ForeignKey(Review, models.PROTECT, related_name="reads")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("reader")
    )
    at = models.DateTimeField(_("when"))
    material = models.CharField(
        _("material"),
        max_length=16,
        choices=[(m.value, label) for m, label in READ_MATERIAL_LABELS.items()],
    )
    how = models.CharField(_("how"), max_length=16, choices=How.choices)
    # The object read, as "app_label.model:pk" (e.g. a document version), or empty for a page.
    target = models.CharField(_("object"), max_length=100, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("read of confidential material")
        verbose_name_plural = _("reads of confidential material")
        indexes = [models.Index(fields=["review", "-at"], name="read_by_review")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.reader_id} {self.material} {self.how}"


class DeadlinePeriods(models.Model):
    """A version of the guideline periods of the steps (deadlines.DeadlineRules), set by the
    secretariat: it applies to the reviews that start on `applies_from` or later, until a later
    version; reviews started before keep the periods they started with. Versions are added,
    never changed (the deadlines already computed from one must not move). Without any, the
    defaults of deadlines.DeadlineRules apply."""

    applies_from = models.DateField(_("applies to reviews starting from"), unique=True)
    focal_points_days = models.PositiveSmallIntegerField(_("focal points named (days)"), default=14)
    experts_days = models.PositiveSmallIntegerField(_("experts named (days)"), default=28)
    consultation_months = models.PositiveSmallIntegerField(
        _("initial consultation (months)"), default=1
    )
    questionnaire_months = models.PositiveSmallIntegerField(
        _("questionnaire answered (months)"), default=6
    )
    feedback_months = models.PositiveSmallIntegerField(_("written feedback (months)"), default=6)
    observations_months = models.PositiveSmallIntegerField(
        _("list of observations (months)"), default=6
    )
    note = models.TextField(_("decision or reason"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["applies_from"]
        verbose_name = _("deadline periods")
        verbose_name_plural = _("deadline periods")

    def __str__(self) -> str:
        return f"{self.applies_from}"

    def rules(self) -> DeadlineRules:
        return DeadlineRules(**{f.name: getattr(self, f.name) for f in fields(DeadlineRules)})


class CalendarFeed(models.Model):
    """A person's calendar feed of their deadlines (reviews.tasks), at a secret address. Only
    the SHA-256 of the address's token is kept, so the address is shown once, when it is made;
    making a new one replaces it (the old address stops working), revoking deletes it."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("person"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.person_id} {self.created_at:%Y-%m-%d}"
