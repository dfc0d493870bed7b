"""Onboarding of the people parties nominate (UNODC): the secretariat registers a person from a
note verbale, the person activates the account through an e-mailed link and completes the
profile, the secretariat approves (which makes the nomination) or rejects.

Each operation is one transaction that checks first, changes the rows and records what
happened in the registration's history. The activation e-mail goes to the outbox in the same
transaction (notifications): a rolled-back registration sends nothing, a committed one cannot
lose its link.
"""

import datetime as dt
import hashlib
import secrets

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from revmod.accounts import tally
from revmod.accounts.addresses import address_taken
from revmod.accounts.models import ApiToken, Nomination, Registration, User
from revmod.lib import hooks
from revmod.lib.access import is_secretariat
from revmod.lib.hooks import Hook
from revmod.lib.uploads import check_upload, server_name
from revmod.registry import versions
from revmod.registry.models import Party

NOTE_VERBALE_FORMATS = ("pdf", "docx", "odt", "txt")
NOTE_VERBALE_FOLDER = "notes-verbales"


class OnboardingError(Exception):
    """An onboarding operation refused, with a message for the person who tried."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def record_address(person: User, email: str) -> None:
    """Record `email` as `person`'s verified address: the secretariat vouches for it (a note
    verbale, a colleague's invitation). Another account's change to it that awaits
    verification is cancelled, and its link stops working, so nobody can capture an address
    by claiming it first."""
    email = email.lower()
    pending = EmailAddress.objects.filter(email__iexact=email, verified=False).exclude(user=person)
    for address in pending.select_related("user"):
        address.remove()  # the account's own address, if it had been switched to this one
    EmailAddress.objects.filter(user=person).delete()
    EmailAddress.objects.create(user=person, email=email, verified=True, primary=True)


def trust_account_address(person: User) -> None:
    """The address on an account that allauth never recorded (the demo's, an account made
    before issue 15) was set by the secretariat: it is recorded as verified when the person
    first opens their e-mail page, so it keeps naming them. An address the person made
    primary without verifying it (possible before issue 15) stays unverified."""
    email = person.email.lower()
    if not email or EmailAddress.objects.filter(user=person, primary=True).exists():
        return
    if EmailAddress.objects.filter(email=email, verified=True).exclude(user=person).exists():
        return
    address = EmailAddress.objects.filter(user=person, email=email).first()
    if address is None:
        EmailAddress.objects.create(user=person, email=email, verified=True, primary=True)
    elif not address.verified:
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


def _log(registration: Registration, what: str, *, by: User | None, at: dt.datetime, **data):
    entry = {"at": at.isoformat(), "by": by.get_username() if by else None, "what": what}
    registration.history = [*registration.history, {**entry, **data}]


def _new_link(registration: Registration, *, now: dt.datetime) -> str:
    """A fresh single-use secret for `registration` (replacing any earlier one); returns it."""
    token = secrets.token_urlsafe(32)
    registration.token_hash = token_hash(token)
    registration.expires_at = now + dt.timedelta(days=settings.REVMOD_ACTIVATION_DAYS)
    return token


def _send_link(registration: Registration, token: str, *, site_url: str, now: dt.datetime):
    """Put the activation e-mail in the outbox, in the person's language, in this transaction
    (one message per link: a fresh link is a fresh message)."""
    person = registration.person
    with translation.override(person.preferred_language):
        link = site_url.rstrip("/") + reverse("accounts:activate", args=[token])
    context = {
        "person": person,
        "registration": registration,
        "link": link,
        "expires_at": registration.expires_at,
        "days": settings.REVMOD_ACTIVATION_DAYS,
    }
    key = f"activation:{registration.pk}:{registration.token_hash[:16]}"
    hooks.post("activation", person, context, key=key, now=now)


def _check_secretariat(by: User) -> None:
    if not is_secretariat(by):
        raise OnboardingError(_("Only the secretariat may do this."))


def register(
    *,
    email: str,
    first_name: str,
    last_name: str,
    party: Party,
    kind: str,
    scope: str,
    language: str,
    note_verbale,
    received_on: dt.date,
    by: User,
    now: dt.datetime,
    site_url: str,
) -> Registration:
    """Register a person from their party's note verbale: an inactive account without a usable
    password (its username is the e-mail address), the note verbale stored under a name the
    server makes, and an activation link e-mailed in `language`. Refused (OnboardingError,
    nothing created, no file kept) for a duplicate e-mail, a role the mechanism does not allow,
    or a note verbale that is not PDF, DOCX, ODT or TXT by its content."""
    _check_secretariat(by)
    email = User.objects.normalize_email(email.strip()).lower()
    if address_taken(email):
        raise OnboardingError(_("Someone with this e-mail address is already registered."))
    if kind == Nomination.Kind.OBSERVER and scope != Nomination.Scope.OWN:
        raise OnboardingError(_("Observers follow their party's own review only."))
    try:
        extension = check_upload(note_verbale, allowed=NOTE_VERBALE_FORMATS).extension
    except ValidationError as error:
        raise OnboardingError(" ".join(error.messages)) from None
    stored = default_storage.save(
        server_name(NOTE_VERBALE_FOLDER, extension, today=now.date()), note_verbale
    )
    try:
        with transaction.atomic():
            person = User.objects.create_user(
                email,
                email,
                None,  # an unusable password: the person chooses one through the link
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                party=party,
                preferred_language=language,
                is_active=False,
            )
            record_address(person, email)
            registration = Registration(
                person=person,
                party=party,
                kind=kind,
                scope=scope,
                note_verbale=stored,
                note_verbale_received_on=received_on,
                created_by=by,
                created_at=now,
            )
            token = _new_link(registration, now=now)
            _log(registration, "registered", by=by, at=now)
            registration.save()
            _send_link(registration, token, site_url=site_url, now=now)
    except IntegrityError:
        # Registered by someone else a moment ago (the username is the e-mail, unique).
        default_storage.delete(stored)
        raise OnboardingError(
            _("Someone with this e-mail address is already registered.")
        ) from None
    except BaseException:
        # Nothing was created: keep no file either.
        default_storage.delete(stored)
        raise
    return registration


def registration_for_token(token: str) -> Registration | None:
    return (
        Registration.objects.select_related("person", "party")
        .filter(token_hash=token_hash(token))
        .first()
    )


def link_problem(registration: Registration | None, *, now: dt.datetime) -> str | None:
    """Why a link cannot be used: 'unknown', 'used' or 'expired'; None when it can."""
    if registration is None:
        return "unknown"
    if registration.status != Registration.Status.PENDING:
        return "used"
    if registration.expires_at <= now:
        return "expired"
    return None


@transaction.atomic
def activate(
    token: str,
    *,
    password: str,
    gender: str,
    ministry: str,
    languages: list[str],
    preferred_language: str,
    now: dt.datetime,
) -> Registration:
    """The person sets a password and completes the profile through the link. The link works
    once, before it expires; the account stays inactive until the secretariat approves."""
    registration = registration_for_token(token)
    if registration is not None:
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
    problem = link_problem(registration, now=now)
    if problem:
        raise OnboardingError(problem)
    person = registration.person
    validate_password(password, person)
    person.set_password(password)
    person.gender = gender
    person.ministry = ministry
    person.languages = sorted(set(languages))
    person.preferred_language = preferred_language
    person.save()
    versions.bump()  # the statistics count focal points and experts by gender and ministry
    tally.refresh(person.nominations.values_list("party", flat=True))
    registration.status = Registration.Status.ACTIVATED
    registration.activated_at = now
    _log(registration, "activated", by=person, at=now)
    registration.save()
    return registration


def _locked(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update()
        .select_related("person", "party")
        .get(pk=registration.pk)
    )


@transaction.atomic
def approve(
    registration: Registration,
    *,
    by: User,
    now: dt.datetime,
    starts_on: dt.date | None = None,
    handover_note: str = "",
) -> Registration:
    """Approve an activated registration: the person may sign in, and the nomination asked for
    is made through the review actions' `nominate` (events recorded in the reviews concerned;
    a new focal point replaces the active one, which needs a handover note)."""
    _check_secretariat(by)
    registration = _locked(registration)
    if registration.status != Registration.Status.ACTIVATED:
        raise OnboardingError(_("Only a registration awaiting approval can be approved."))
    try:
        nomination = nominate(
            party=registration.party,
            person=registration.person,
            kind=registration.kind,
            scope=registration.scope,
            starts_on=starts_on or now.date(),
            by=by,
            now=now,
            handover_note=handover_note,
            approval=True,
        )
    except NominationError as error:
        raise OnboardingError(str(error)) from None
    person = registration.person
    person.is_active = True
    person.save(update_fields=["is_active"])
    registration.status = Registration.Status.APPROVED
    registration.nomination = nomination
    registration.decided_by, registration.decided_at = by, now
    _log(registration, "approved", by=by, at=now)
    registration.save()
    return registration


@transaction.atomic
def reject(registration: Registration, *, by: User, now: dt.datetime, reason: str) -> Registration:
    """Reject a registration not yet approved, with a reason; the account stays inactive and
    any link stops working. The note verbale is kept with the registration."""
    _check_secretariat(by)
    registration = _locked(registration)
    if registration.status in (Registration.Status.APPROVED, Registration.Status.REJECTED):
        raise OnboardingError(_("This registration has already been decided."))
    if not reason.strip():
        raise OnboardingError(_("Give the reason for rejecting the registration."))
    registration.status = Registration.Status.REJECTED
    registration.rejection_reason = reason.strip()
    registration.decided_by, registration.decided_at = by, now
    # The old link must not activate a rejected registration: replace its secret with one
    # nobody knows.
    _new_link(registration, now=now)
    _log(registration, "rejected", by=by, at=now, reason=registration.rejection_reason)
    registration.save()
    return registration


@transaction.atomic
def resend(registration: Registration, *, by: User, now: dt.datetime, site_url: str):
    """A fresh link (valid REVMOD_ACTIVATION_DAYS from now) for a registration awaiting
    activation, expired or not; the earlier link stops working."""
    _check_secretariat(by)
    registration = _locked(registration)
    if registration.status != Registration.Status.PENDING:
        raise OnboardingError(_("Only a registration awaiting activation needs a new link."))
    token = _new_link(registration, now=now)
    _log(registration, "link_sent", by=by, at=now)
    registration.save()
    _send_link(registration, token, site_url=site_url, now=now)
    return registration


# --- Secretariat staff -----------------------------------------------------------------------


@transaction.atomic
def invite_secretariat(
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    language: str,
    by: User,
    now: dt.datetime,
    site_url: str,
) -> User:
    """A colleague's secretariat account, with no password yet: an e-mail (through the outbox,
    in their language) gives a link to choose one; at the first sign-in they set up two-factor
    authentication, as every secretariat account must."""
    _check_secretariat(by)
    if User.objects.filter(username__iexact=username).exists():
        raise OnboardingError(_("There is already an account with this user name."))
    if address_taken(email):
        raise OnboardingError(_("There is already an account with this e-mail address."))
    person = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        preferred_language=language,
        is_secretariat=True,
        is_staff=True,
    )
    person.set_unusable_password()
    person.save()
    record_address(person, email)
    _send_invitation(person, by=by, now=now, site_url=site_url)
    return person


def _send_invitation(person: User, *, by: User, now: dt.datetime, site_url: str) -> None:
    key = default_token_generator.make_token(person)
    with translation.override(person.preferred_language):
        path = reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(person), "key": key},
        )
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    context = {"person": person, "by": by, "link": site_url.rstrip("/") + path, "days": days}
    key = f"invitation:{person.pk}:{key[-12:]}"
    hooks.post("secretariat_invitation", person, context, key=key, now=now)


@transaction.atomic
def deactivate_secretariat(person: User, *, by: User, now: dt.datetime) -> User:
    """A colleague leaves: the account can no longer sign in, and its sessions and API tokens
    end at once. It stays in the history (events, decisions) under its name."""
    _check_secretariat(by)
    person = User.objects.select_for_update().get(pk=person.pk)
    if not person.is_secretariat:
        raise OnboardingError(_("This account is not the secretariat's."))
    if person.pk == by.pk:
        raise OnboardingError(_("You cannot deactivate your own account."))
    if not person.is_active:
        raise OnboardingError(_("This account is already deactivated."))
    person.is_active = False
    person.session_epoch += 1  # every session of the account ends (User.get_session_auth_hash)
    person.save(update_fields=["is_active", "session_epoch"])
    revoke_api_tokens(person, by=by, now=now)
    return person


# --- API tokens (a person's own; the secretariat may revoke anyone's) ------------------------


class TokenError(Exception):
    """An API token operation refused, with a message for the person who tried."""


def create_api_token(person: User, *, name: str, now: dt.datetime) -> tuple[ApiToken, str]:
    """A new API token of `person`, valid REVMOD_API_TOKEN_DAYS: the row (which keeps only the
    token's SHA-256) and the token itself, to be shown once and never again."""
    name = name.strip()
    if not name:
        raise TokenError(_("Give the token a name, to recognise it later."))
    if not person.is_active:
        raise TokenError(_("This account is deactivated."))
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    token = f"{prefix}.{secrets.token_urlsafe(32)}"
    row = ApiToken.objects.create(
        person=person,
        name=name[:100],
        prefix=prefix,
        digest=token_hash(token),
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.REVMOD_API_TOKEN_DAYS),
    )
    return row, token


def api_token_for(token: str) -> ApiToken | None:
    """The row of `token` (revoked or expired ones included), or None."""
    prefix, _dot, _secret = token.partition(".")
    row = ApiToken.objects.select_related("person").filter(prefix=prefix).first()
    if row is None or not secrets.compare_digest(row.digest, token_hash(token)):
        return None
    return row


def revoke_api_token(token: ApiToken, *, by: User, now: dt.datetime) -> ApiToken:
    """Revoke a token: its owner's, or anyone's by the secretariat. It stops working at once."""
    if token.person_id != by.pk and not is_secretariat(by):
        raise TokenError(_("Only the token's owner or the secretariat may revoke it."))
    if token.revoked_at is not None:
        raise TokenError(_("This token is already revoked."))
    token.revoked_at, token.revoked_by = now, by
    token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def revoke_api_tokens(person: User, *, by: User | None, now: dt.datetime) -> int:
    """Revoke every token of `person` still in force (an account deactivated; `manage.py
    apitoken --rotate`, `by` None); returns how many."""
    return (
        ApiToken.objects.in_force(now).filter(person=person).update(revoked_at=now, revoked_by=by)
    )


class NominationError(Exception):
    """A nomination refused, with a message for the person who tried."""


# What the layers above do when a nomination is made or ends (reviews records it on the reviews
# concerned, notifications e-mails the people), in the nomination's transaction.
NOMINATED = Hook("hook(nomination, *, replaced, approved, by, now): a person is nominated")
NOMINATION_ENDED = Hook("hook(nomination, *, by, now): a nomination ends")


@transaction.atomic
def nominate(
    *,
    party: Party,
    person: User,
    kind: str,
    scope: str,
    starts_on: dt.date,
    by: User,
    now: dt.datetime,
    handover_note: str = "",
    approval: bool = False,
) -> Nomination:
    """Record a party's nomination. A new focal point replaces the active one for the same
    role at once: the new one has access now, the old one loses it and is signed out
    everywhere (seed ¶14: a handover, with a note); the history stays. The person nominated
    is e-mailed (`approval`: as part of approving their registration, one message says both),
    and so is the focal point replaced; the reviews concerned record it (NOMINATED)."""
    if person.is_secretariat:
        raise NominationError(_("Secretariat staff cannot be nominated by a party."))
    if person.party_id not in (None, party.pk):
        raise NominationError(_("This person works for another party."))
    if kind == Nomination.Kind.OBSERVER and scope != Nomination.Scope.OWN:
        raise NominationError(_("Observers follow their party's own review only."))
    active = Nomination.objects.active().select_for_update().filter(party=party, scope=scope)
    if active.filter(kind=kind, person=person).exists():
        raise NominationError(_("This person already holds this nomination."))
    replaced = None
    if kind == Nomination.Kind.FOCAL_POINT:
        replaced = active.filter(kind=kind).select_related("person").first()
        if replaced:
            if not handover_note.strip():
                raise NominationError(_("Replacing a focal point needs a handover note."))
            replaced.ends_on = starts_on
            replaced.save(update_fields=["ends_on"])
            old = replaced.person
            old.session_epoch += 1
            old.save(update_fields=["session_epoch"])
    if person.party_id is None:
        person.party = party
        person.save(update_fields=["party"])
    nomination = Nomination.objects.create(
        party=party,
        person=person,
        kind=kind,
        scope=scope,
        starts_on=starts_on,
        handover_note=handover_note.strip(),
        recorded_by=by,
        recorded_at=now,
    )
    versions.bump()
    tally.refresh([party.pk])
    NOMINATED(nomination, replaced=replaced, approved=approval, by=by, now=now)
    return nomination


@transaction.atomic
def end_nomination(nomination: Nomination, *, on: dt.date, by: User, now: dt.datetime) -> None:
    """End a nomination (an expert leaving, say). A focal point is ended by naming another."""
    if nomination.ends_on is not None:
        raise NominationError(_("This nomination has already ended."))
    nomination.ends_on = on
    nomination.save(update_fields=["ends_on"])
    versions.bump()
    tally.refresh([nomination.party_id])
    person = nomination.person
    person.session_epoch += 1
    person.save(update_fields=["session_epoch"])
    NOMINATION_ENDED(nomination, by=by, now=now)
