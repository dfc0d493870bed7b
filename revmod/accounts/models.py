from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person using the platform. Secretariat staff run the mechanism; everyone else acts
    through nominations by their party (focal point, expert, observer)."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")
        UNDISCLOSED = "undisclosed", _("Prefers not to say")

    class Ministry(models.TextChoices):
        FOREIGN_AFFAIRS = "foreign_affairs", _("Foreign affairs")
        JUSTICE = "justice", _("Justice")
        INTERIOR = "interior", _("Interior")
        OTHER = "other", _("Other")

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=7,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_(
            "Pages, e-mails and documents come in this language unless you choose another."
        ),
    )
    is_secretariat = models.BooleanField(
        _("secretariat"),
        default=False,
        help_text=_("Secretariat staff run the mechanism and must use two-factor authentication."),
    )
    party = models.ForeignKey(
        "registry.Party",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("party"),
        help_text=_("The party whose government the person works for."),
    )
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    ministry = models.CharField(
        _("type of ministry"), max_length=16, choices=Ministry.choices, blank=True
    )
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    # Raised to end every session of the user at once (a replaced focal point loses access).
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # The secretariat's officers by name (reviews.forms.officers: every page of the
        # secretariat's reviews and tasks) among 63,500 people at fifty times the mechanism.
        indexes = [
            models.Index(
                fields=["username"],
                condition=Q(is_secretariat=True, is_active=True),
                name="user_secretariat_officers",
            )
        ]

    @property
    def display_name(self) -> str:
        """How other people see the person (timelines, the events API): the full name; never
        the e-mail address, which is the user name of a person registered by their party."""
        if self.get_full_name():
            return self.get_full_name()
        return str(_("A participant")) if "@" in self.username else self.username

    def lacks_second_factor(self) -> bool:
        """A secretariat account that has not set up TOTP, where the rule applies
        (REVMOD_REQUIRE_SECRETARIAT_2FA): it may do nothing else until it has, neither on the
        pages (SecretariatTwoFactorMiddleware) nor through the API (its tokens)."""
        return bool(
            settings.REVMOD_REQUIRE_SECRETARIAT_2FA
            and self.is_secretariat
            and not Authenticator.objects.filter(user=self, type=Authenticator.Type.TOTP).exists()
        )

    def get_session_auth_hash(self) -> str:
        """Django checks this on every request: a new epoch ends the user's sessions."""
        return salted_hmac(
            "revmod.accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            algorithm="sha256",
        ).hexdigest()


class NominationQuerySet(models.QuerySet):
    def active(self) -> "NominationQuerySet":
        return self.filter(ends_on=None)

    def parties_of(self, user, kind: str | None = None) -> models.QuerySet:
        """The parties `user` holds a nomination in force for (of `kind` when given), as a
        subquery of party ids: a party's people, whom its records are shown to. None for an
        anonymous visitor."""
        if not user.is_authenticated:
            return self.none().values("party")
        nominations = self.active().filter(person=user)
        if kind is not None:
            nominations = nominations.filter(kind=kind)
        return nominations.values("party")


class Nomination(models.Model):
    """A person nominated by a party for a role: focal point, governmental expert or observer,
    for the party's own review or for its role as a reviewing party (seed ¶11-19). Nominations
    end, they are never deleted: the history stays (seed ¶14)."""

    class Kind(models.TextChoices):
        FOCAL_POINT = "focal_point", _("Focal point")
        EXPERT = "expert", _("Governmental expert")
        OBSERVER = "observer", _("Observer")

    class Scope(models.TextChoices):
        OWN = "own", _("Its own review")
        REVIEWER = "reviewer", _("As reviewing party")

    party = models.ForeignKey(
        "registry.Party", models.PROTECT, related_name="nominations", verbose_name=_("party")
    )
    person = models.ForeignKey(
        User, models.PROTECT, related_name="nominations", verbose_name=_("person")
    )
    kind = models.CharField(_("role"), max_length=12, choices=Kind.choices)
    scope = models.CharField(_("for"), max_length=8, choices=Scope.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    handover_note = models.TextField(_("handover note"), blank=True)
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["party__code", "scope", "kind", "starts_on"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            # One active focal point per party and role (seed ¶13).
            models.UniqueConstraint(
                fields=["party", "scope"],
                condition=Q(kind="focal_point", ends_on=None),
                name="nomination_one_focal_point",
            ),
            models.UniqueConstraint(
                fields=["party", "scope", "kind", "person"],
                condition=Q(ends_on=None),
                name="nomination_once",
            ),
            # Observers have read-only access to their party's own review (seed ¶19).
            models.CheckConstraint(
                condition=~Q(kind="observer") | Q(scope="own"), name="nomination_observer_own"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party.code} {self.get_kind_display()} ({self.get_scope_display()})"


class NominationTally(models.Model):
    """A party's nominations as they stood from `since` until the day before `until` (None: still
    so): the counts the status paper reads (revmod.stats.status), kept by accounts.tally in the
    transaction of every change to a nomination or to a nominated person's gender or ministry.
    The counts change only on a day a nomination starts or ends, so one row per such day holds
    every day's figures: the statistics read one row per party instead of every nomination."""

    party = models.ForeignKey("registry.Party", models.CASCADE, related_name="+")
    since = models.DateField()
    until = models.DateField(null=True)
    # Plain columns, no JSON: the status paper reads one row per party (8,150 at fifty times
    # the mechanism) and decoding is what would cost.
    focal_points = models.PositiveIntegerField()
    focal_point_women = models.PositiveIntegerField()
    focal_points_foreign_affairs = models.PositiveIntegerField()
    focal_points_justice = models.PositiveIntegerField()
    focal_points_interior = models.PositiveIntegerField()
    focal_points_other = models.PositiveIntegerField()
    focal_point_changed = models.BooleanField()
    experts = models.PositiveIntegerField()
    expert_women = models.PositiveIntegerField()
    observers = models.PositiveIntegerField()
    # The day each role (scope, kind) was first filled, while it is filled (else None).
    named_own_focal_point = models.DateField(null=True)
    named_reviewer_focal_point = models.DateField(null=True)
    named_own_expert = models.DateField(null=True)
    named_reviewer_expert = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["party", "since"], name="nomination_tally_once")
        ]
        indexes = [models.Index(fields=["since", "until"], name="nomination_tally_day")]

    def __str__(self) -> str:
        return f"{self.party_id} {self.since}–{self.until or ''}"


class RegistrationQuerySet(models.QuerySet):
    def in_state(self, state: str, now) -> "RegistrationQuerySet":
        """Registrations in `state` (one of Registration.State) at `now`: a link not used in
        time has expired, which no row records (so nothing has to run at midnight)."""
        pending = Q(status=Registration.Status.PENDING)
        if state == Registration.State.PENDING:
            return self.filter(pending, expires_at__gt=now)
        if state == Registration.State.EXPIRED:
            return self.filter(pending, expires_at__lte=now)
        return self.filter(status=state)


class Registration(models.Model):
    """A person the secretariat registered from their party's note verbale (UNODC onboarding):
    the account is created inactive, the person activates it through a single-use link valid
    REVMOD_ACTIVATION_DAYS, completes their profile, and the secretariat approves, which
    makes the nomination asked for in the note verbale. Only the SHA-256 of the link's secret
    is stored, so a copy of the database cannot be used to activate accounts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting activation")
        ACTIVATED = "activated", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class State(models.TextChoices):
        """The status as the secretariat sees it: a pending link may have expired."""

        PENDING = "pending", _("Awaiting activation")
        EXPIRED = "expired", _("Link expired")
        ACTIVATED = "activated", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    person = models.OneToOneField(
        User, models.PROTECT, related_name="registration", verbose_name=_("person")
    )
    party = models.ForeignKey(
        "registry.Party", models.PROTECT, related_name="registrations", verbose_name=_("party")
    )
    kind = models.CharField(_("role"), max_length=12, choices=Nomination.Kind.choices)
    scope = models.CharField(_("for"), max_length=8, choices=Nomination.Scope.choices)
    note_verbale = models.FileField(_("note verbale"), max_length=200)
    note_verbale_received_on = models.DateField(_("note verbale received on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("link valid until"))
    created_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("registered at"))
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    decided_by = models.ForeignKey(User, models.PROTECT, related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    nomination = models.OneToOneField(
        Nomination, models.PROTECT, null=True, blank=True, related_name="registration"
    )
    # What happened, oldest first: [{"at": iso, "by": username, "what": "registered"}, ...].
    history = models.JSONField(default=list, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.person.email} ({self.party.code})"

    def state(self, now) -> str:
        if self.status == self.Status.PENDING and self.expires_at <= now:
            return self.State.EXPIRED
        return self.status

    def state_label(self, now) -> str:
        return self.State(self.state(now)).label


class ApiTokenQuerySet(models.QuerySet):
    def in_force(self, now) -> "ApiTokenQuerySet":
        """Tokens neither revoked nor expired at `now`."""
        return self.filter(revoked_at=None, expires_at__gt=now)


class ApiToken(models.Model):
    """A person's token for the API (`Authorization: Token <token>`), made by the person on
    their tokens page or by `manage.py apitoken`. Only the SHA-256 of the token is stored and
    the token is shown once, when it is made: a copy of the database, or the secretariat,
    cannot act as anyone. It expires (REVMOD_API_TOKEN_DAYS) and can be revoked by its owner
    or the secretariat; it works only while its owner may use the API
    (revmod.accounts.authentication)."""

    person = models.ForeignKey(
        User, models.CASCADE, related_name="api_tokens", verbose_name=_("person")
    )
    name = models.CharField(_("name"), max_length=100)
    # The token's first characters, shown to recognise it and used to find it.
    prefix = models.CharField(_("starts with"), max_length=8, unique=True)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, models.PROTECT, related_name="+", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def in_force(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now


class LoginAttempt(models.Model):
    """A sign-in with a password that failed, or that is being checked (it is deleted when the
    password is right). Counted by revmod.accounts.throttle, in the database so that every
    process of every server counts the same attempts; rows older than the window are deleted as
    new ones come. Neither the password nor the login typed is kept: `account` is a user's id
    or a hash of a login that matches no one."""

    address = models.CharField(max_length=45)
    account = models.CharField(max_length=72)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["address", "at"], name="loginattempt_address_at"),
            models.Index(fields=["account", "at"], name="loginattempt_account_at"),
        ]

    def __str__(self) -> str:
        return f"{self.account} from {self.address} at {self.at:%Y-%m-%d %H:%M:%S}"
