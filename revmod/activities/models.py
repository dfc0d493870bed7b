"""Events (national, regional, side events) and training (sessions, their participants,
e-learning completions): what the secretariat reports in ¶45 and ¶47 of the status paper.

Every row records who created it and when, and who changed it last and when. Who may see
which row is `activities.access`'s to say."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from revmod.lib.i18n import LANGUAGE_CHOICES
from revmod.registry.models import Party

# The languages of training: the six and Portuguese (¶47), and any other.
TRAINING_LANGUAGES = [*LANGUAGE_CHOICES, ("pt", _("Portuguese")), ("other", _("Other"))]


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Other or undisclosed")


class Recorded(models.Model):
    """Who created the row and when, who changed it last and when."""

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


class Event(Recorded):
    """A national, regional or side event (¶45), with the parties involved and how many
    participants of each gender took part."""

    class Kind(models.TextChoices):
        NATIONAL = "national", _("National event")
        REGIONAL = "regional", _("Regional event")
        SIDE = "side", _("Side event")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    online = models.BooleanField(_("online"), default=False)
    place = models.CharField(_("place"), max_length=200, blank=True)
    organisers = models.CharField(_("organisers"), max_length=500, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    parties = models.ManyToManyField(
        Party, related_name="activity_events", verbose_name=_("States involved"), blank=True
    )
    reviews = models.ManyToManyField(
        "reviews.Review", related_name="activity_events", verbose_name=_("reviews"), blank=True
    )
    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)
    other = models.PositiveIntegerField(_("other or undisclosed"), default=0)
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="event_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def participants(self) -> int:
        return self.women + self.men + self.other


class EventDocument(models.Model):
    """A file of an event (agenda, report...). The public sees it only when both the event
    and the document are published (access.documents_visible)."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        REPORT = "report", _("Report")
        PRESENTATION = "presentation", _("Presentation")
        OTHER = "other", _("Other")

    event = models.ForeignKey(Event, models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), max_length=200)
    extension = models.CharField(max_length=5)
    published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.title


class TrainingSession(Recorded):
    """A briefing, training or workshop (¶47)."""

    class Kind(models.TextChoices):
        BRIEFING = "briefing", _("Briefing")
        TRAINING = "training", _("Training")
        WORKSHOP = "workshop", _("Workshop")

    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    online = models.BooleanField(_("online"), default=False)
    place = models.CharField(_("place"), max_length=200, blank=True)

    def __str__(self) -> str:
        return self.title


class Trained(Recorded):
    """What is known of an official trained: State, gender, language, ministry."""

    party = models.ForeignKey(Party, models.PROTECT, related_name="+", verbose_name=_("State"))
    gender = models.CharField(_("gender"), max_length=5, choices=Gender.choices)
    language = models.CharField(_("language"), max_length=7, choices=TRAINING_LANGUAGES)
    ministry = models.CharField(_("ministry"), max_length=200, blank=True)

    class Meta:
        abstract = True


class Participant(Trained):
    """An official who took part in a session. `official` identifies the person across
    sessions: the State's code and the name folded (case, accents kept, spaces collapsed),
    set by the actions (actions.official_key)."""

    session = models.ForeignKey(TrainingSession, models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=200)
    official = models.CharField(max_length=210, db_index=True, editable=False)

    def __str__(self) -> str:
        return self.name


class Completion(Trained):
    """An e-learning module completed by an official. It carries no name, so each completion
    counts as one official in the totals (figures.training)."""

    module = models.CharField(_("module"), max_length=200)
    completed_on = models.DateField(_("completed on"))

    def __str__(self) -> str:
        return self.module
