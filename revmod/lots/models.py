"""The drawing of lots: groups, meetings, verifiable draws, pairings and redraw requests."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from revmod.lib.access import is_secretariat
from revmod.lots.draw import DrawRules
from revmod.registry.models import Party


class Rules(models.Model):
    """The rules of the draw, as settings the secretariat edits (defaults from domain.md).
    One row; a draw freezes a copy of them when it is prepared."""

    reviewers_per_review = models.PositiveSmallIntegerField(
        _("reviewing parties per review"), default=2, help_text=_("UNODC: two.")
    )
    same_group_reviewers = models.PositiveSmallIntegerField(
        _("reviewers from the reviewed party's own regional group"),
        default=1,
        help_text=_("UNODC: one from the same regional group, the other from another."),
    )
    no_mutual = models.BooleanField(
        _("no mutual reviews in a phase"), default=True, help_text=_("UNCAC practice.")
    )
    max_reviews_per_reviewer = models.PositiveSmallIntegerField(
        _("most reviews per reviewing party per phase"), default=3, help_text=_("UNCAC: three.")
    )
    no_group_policy = models.CharField(
        _("parties without a regional group"),
        max_length=10,
        choices=[
            ("any", _("are reviewed by parties of any group")),
            ("strict", _("form a group of their own (the same-group rule cannot be met)")),
        ],
        default="any",
    )
    max_load_spread = models.PositiveSmallIntegerField(
        _("most difference between the workloads of reviewing parties"),
        null=True,
        blank=True,
        default=1,
        help_text=_("1: as even as possible. Empty: only the cap applies."),
    )
    mixing_sweeps = models.PositiveSmallIntegerField(
        _("mixing sweeps of the draw"),
        default=DrawRules().mixing_sweeps,
        help_text=_("More sweeps bring the draw closer to its exact distribution, slower."),
    )
    max_redraw_requests = models.PositiveSmallIntegerField(
        _("most redraw requests per party"), default=4, help_text=_("Rule 28 (d) and (f).")
    )
    volunteers_first = models.BooleanField(
        _("volunteers placed first in the group they asked for"), default=True
    )
    late_joiner_group = models.PositiveSmallIntegerField(
        _("group of parties joining after the draw"),
        default=3,
        help_text=_("UNCAC: reviewed in the last year of the cycle."),
    )

    class Meta:
        verbose_name = _("rules of the draw")
        verbose_name_plural = _("rules of the draw")

    def __str__(self) -> str:
        return str(_("Rules of the draw"))

    @classmethod
    def current(cls) -> "Rules":
        rules, _created = cls.objects.get_or_create(pk=1)
        return rules

    def as_json(self) -> dict:
        """The rules a draw freezes: the pairing draw's, and how volunteers are placed."""
        return {
            **DrawRules(
                reviewers_per_review=self.reviewers_per_review,
                same_group_reviewers=self.same_group_reviewers,
                no_group_policy=self.no_group_policy,
                no_mutual=self.no_mutual,
                max_reviews_per_reviewer=self.max_reviews_per_reviewer,
                max_load_spread=self.max_load_spread,
                mixing_sweeps=self.mixing_sweeps,
            ).to_dict(),
            "volunteers_first": self.volunteers_first,
        }


class ReviewGroup(models.Model):
    """One of the cohorts of reviews that start a year apart (seed ¶6, ¶22)."""

    number = models.PositiveSmallIntegerField(_("group"), unique=True)
    starts_on = models.DateField(_("reviews start on"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("review group")
        verbose_name_plural = _("review groups")

    def __str__(self) -> str:
        return str(_("Group %(number)s") % {"number": self.number})


class Meeting(models.Model):
    """A public meeting at which lots are drawn (seed ¶6-7: joint intersessional meetings)."""

    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=300)
    place = models.CharField(_("place"), max_length=200, blank=True)
    notes = models.TextField(_("record"), blank=True)

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class DrawQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DrawQuerySet":
        """Every draw for the secretariat; for everyone else, the draws whose commitment has
        been published (a prepared draw is the secretariat's own work until then)."""
        if is_secretariat(user):
            return self
        return self.exclude(status=Draw.Status.PREPARED)


class Draw(models.Model):
    """One verifiable drawing of lots. Its inputs, rules and algorithm are frozen when it is
    prepared; the commitment (SHA-256 of a secret) is announced before the meeting; at the
    meeting public entropy is entered; the seed is SHA-256(secret ‖ entropy); the result is
    computed and stored with all that is needed to compute it again, and the secret revealed."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Groups and reviewing parties")
        REDRAW = "redraw", _("Redraw of reviewing parties")
        LATE = "late", _("Parties joining later")
        PROTOCOL = "protocol", _("Reviewers for Protocols joined later")

    class Status(models.TextChoices):
        PREPARED = "prepared", _("Prepared")
        ANNOUNCED = "announced", _("Commitment published")
        ENTROPY = "entropy", _("Public entropy entered")
        DRAWN = "drawn", _("Drawn")
        PUBLISHED = "published", _("Result published")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREPARED
    )
    meeting = models.ForeignKey(
        Meeting, models.PROTECT, related_name="draws", verbose_name=_("meeting")
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("prepared by")
    )
    prepared_at = models.DateTimeField(_("prepared at"))
    algorithm = models.CharField(_("algorithm"), max_length=40)
    inputs = models.JSONField(_("inputs"))
    rules = models.JSONField(_("rules"))
    inputs_hash = models.CharField(_("hash of inputs and rules"), max_length=64)
    secret = models.CharField(max_length=64, editable=False)  # hex; shown once drawn
    commitment = models.CharField(_("commitment"), max_length=64)
    announced_at = models.DateTimeField(_("commitment published at"), null=True, blank=True)
    entropy = models.TextField(_("public entropy"), blank=True)
    entropy_entered_at = models.DateTimeField(null=True, blank=True)
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    result_hash = models.CharField(_("hash of the result"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = DrawQuerySet.as_manager()

    class Meta:
        ordering = ["meeting__held_on", "pk"]
        verbose_name = _("draw")
        verbose_name_plural = _("draws")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} ({self.meeting.held_on:%Y-%m-%d})"

    @property
    def secret_revealed(self) -> bool:
        return self.status in (self.Status.DRAWN, self.Status.PUBLISHED)


class GroupAssignment(models.Model):
    """Which group a party is reviewed in, and the draw that placed it."""

    party = models.OneToOneField(
        Party, models.PROTECT, related_name="group_assignment", verbose_name=_("party")
    )
    group = models.ForeignKey(
        ReviewGroup, models.PROTECT, related_name="assignments", verbose_name=_("group")
    )
    draw = models.ForeignKey(Draw, models.PROTECT, related_name="group_assignments")

    class Meta:
        ordering = ["group__number", "party__code"]
        verbose_name = _("group assignment")
        verbose_name_plural = _("group assignments")

    def __str__(self) -> str:
        return f"{self.party.code} → {self.group}"


class PairingQuerySet(models.QuerySet):
    def active(self) -> "PairingQuerySet":
        return self.filter(until=None)

    def with_parties(self) -> "PairingQuerySet":
        return self.select_related("reviewed__regional_group", "reviewer__regional_group", "group")


class Pairing(models.Model):
    """A reviewing party of a party under review, for some instruments, from a date until it
    is superseded by a redraw (kept as history) — for the whole review process (seed ¶6)."""

    class Role(models.TextChoices):
        MAIN = "main", _("Reviewing party")
        ADDITIONAL = "additional", _("Additional reviewing party (instruments the others lack)")

    group = models.ForeignKey(ReviewGroup, models.PROTECT, related_name="pairings")
    reviewed = models.ForeignKey(
        Party, models.PROTECT, related_name="reviewed_in", verbose_name=_("party under review")
    )
    reviewer = models.ForeignKey(
        Party, models.PROTECT, related_name="reviewing", verbose_name=_("reviewing party")
    )
    instruments = models.JSONField(_("instruments"))  # list of instrument codes, in order
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    draw = models.ForeignKey(Draw, models.PROTECT, related_name="pairings")
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="supersedes"
    )

    objects = PairingQuerySet.as_manager()

    class Meta:
        ordering = ["group__number", "reviewed__code", "role", "reviewer__code"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [
            models.UniqueConstraint(
                fields=["reviewed", "reviewer"],
                condition=Q(until=None),
                name="pairing_one_active",
            ),
            models.CheckConstraint(
                condition=~Q(reviewed=models.F("reviewer")), name="pairing_no_self_review"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer.code} reviews {self.reviewed.code} ({', '.join(self.instruments)})"

    @property
    def status(self) -> str:
        return "active" if self.until is None else "superseded"


class RedrawRequest(models.Model):
    """A party's request to redraw one reviewing party (seed ¶6; rule 28 (d), (f))."""

    class Kind(models.TextChoices):
        REPLACE_REVIEWER = "replace", _("The party under review asks to replace a reviewer")
        WITHDRAW = "withdraw", _("A reviewing party asks to be replaced")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DRAWN = "drawn", _("Drawn")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    pairing = models.ForeignKey(
        Pairing, models.PROTECT, related_name="redraw_requests", verbose_name=_("pairing")
    )
    requested_by = models.ForeignKey(
        Party, models.PROTECT, related_name="redraw_requests", verbose_name=_("requesting party")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    received_on = models.DateField(_("received on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    draw = models.ForeignKey(
        Draw, models.PROTECT, null=True, blank=True, related_name="redraw_requests"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name = _("redraw request")
        verbose_name_plural = _("redraw requests")

    def __str__(self) -> str:
        return f"{self.requested_by.code}: {self.pairing} ({self.received_on:%Y-%m-%d})"


class Generation(models.Model):
    """The making of a document by the worker (revmod.lib.generated): one row per document and
    version of its inputs (`key`), so that many requests queue one job. Here, in the lowest app
    that makes a document (the pairings PDF): revmod.lib holds no models. Rows of a family
    (one document's versions) other than the last made are deleted when it is made."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        WORKING = "working", _("working")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    key = models.CharField(max_length=64, unique=True)
    family = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=40)
    language = models.CharField(max_length=10)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    due_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "due_at"], name="generation_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.language} {self.params} ({self.status})"
