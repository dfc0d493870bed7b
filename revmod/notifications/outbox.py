"""Putting messages in the outbox. `enqueue` renders a message in its recipient's language and
stores it in the caller's transaction: a change rolled back sends nothing, a committed one
cannot lose its message (the worker, `delivery.py`, sends it)."""

import datetime as dt
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from revmod.notifications.models import Message, Preference, message_id_for

# The kinds of message, each with its templates under templates/notifications/<kind>/.
KINDS = (
    "activation",
    "secretariat_invitation",
    "account_approved",
    "nomination_recorded",
    "focal_point_replaced",
    "focal_point_handover",
    "review_started",
    "step_cleared",
    "step_submitted",
    "step_reopened",
    "redraw_published",
    "reviewers_added",
    "nomination_reminder",
    "deadline_reminder",
    "digest",
    "translation_ready",
    "assistance_survey_opened",
)
# Messages whose body holds a secret (an activation link): emptied once sent.
SECRET_KINDS = {"activation", "secretariat_invitation"}
# Kinds a person cannot switch off nor keep for the digest: they concern their account or
# their role itself. Always sent at once.
MANDATORY_KINDS = {
    "activation",
    "secretariat_invitation",
    "account_approved",
    "nomination_recorded",
    "focal_point_replaced",
    "focal_point_handover",
    # Reminders chase deadlines (seed ¶15, ¶32, ¶37): nobody opts out of being chased.
    "nomination_reminder",
    "deadline_reminder",
    # The digest itself: choosing "only in the digest" for it would mean nothing.
    "digest",
}
# What the preferences page calls each kind.
KIND_LABELS = {
    "activation": _("Account activation link"),
    "secretariat_invitation": _("Invitation to the secretariat's account"),
    "account_approved": _("Your registration is approved"),
    "nomination_recorded": _("You are nominated for a party"),
    "focal_point_replaced": _("You are replaced as focal point"),
    "focal_point_handover": _("You take over as focal point"),
    "review_started": _("A review you take part in starts"),
    "step_cleared": _("A step of a review is cleared"),
    "step_submitted": _("A step of a review is submitted"),
    "step_reopened": _("A step of a review is reopened"),
    "redraw_published": _("A redraw of reviewing parties is published"),
    "reviewers_added": _("Reviewers are drawn for a Protocol joined later"),
    "nomination_reminder": _("Reminder: a nomination is due"),
    "deadline_reminder": _("Reminder: a step of a review is due"),
    "digest": _("The monthly digest"),
    "translation_ready": _("A machine translation you asked for is ready (or failed)"),
    "assistance_survey_opened": _("A survey of technical-assistance needs opens"),
}


def mode_for(recipient, kind: str) -> str:
    """How `recipient` wants messages of `kind` (a Preference.Mode value)."""
    if kind in MANDATORY_KINDS or recipient.pk is None:
        return Preference.Mode.NOW
    mode = (
        Preference.objects.filter(user=recipient, kind=kind).values_list("mode", flat=True).first()
    )
    return mode or Preference.Mode.NOW


def render(kind: str, language: str, context: dict) -> tuple[str, str, str]:
    """(subject, text body, HTML body) of a message of `kind` in `language`."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of message: {kind}")
    with translation.override(language):
        info = translation.get_language_info(language)
        context = {
            **context,
            "language": language,
            "direction": "rtl" if info["bidi"] else "ltr",
            "site_url": settings.REVMOD_SITE_URL.rstrip("/"),
        }
        subject = render_to_string(f"notifications/{kind}/subject.txt", context)
        text = render_to_string(f"notifications/{kind}/body.txt", context)
        html = render_to_string(f"notifications/{kind}/body.html", context)
    # A subject is one line (a newline in a header is refused by Django).
    return re.sub(r"\s+", " ", subject).strip(), text.strip() + "\n", html


def link(name: str, *args, language: str) -> str:
    """The absolute address of a page, in `language`, for an e-mail."""
    with translation.override(language):
        return settings.REVMOD_SITE_URL.rstrip("/") + reverse(name, args=args)


def prepare(
    kind: str,
    recipient,
    context: dict,
    *,
    key: str,
    now: dt.datetime,
    send_after: dt.datetime | None = None,
) -> Message | None:
    """The message of `kind` to `recipient`, rendered in their language, not saved; None when
    they have no address or switched the kind off. `enqueue` stores one; the digest stores a
    batch of them at once (`Message.objects.bulk_create`)."""
    if not recipient.email:
        return None
    mode = mode_for(recipient, kind)
    if mode == Preference.Mode.OFF:
        return None
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    subject, text, html = render(kind, language, {**context, "recipient": recipient})
    return Message(
        recipient=recipient,
        address=recipient.email,
        language=language,
        kind=kind,
        subject=subject,
        text=text,
        html=html,
        key=key,
        message_id=message_id_for(key),
        scrub_after_send=kind in SECRET_KINDS,
        created_at=now,
        send_after=send_after or now,
        status=Message.Status.DIGEST if mode == Preference.Mode.DIGEST else Message.Status.QUEUED,
    )


def enqueue(
    kind: str,
    recipient,
    context: dict,
    *,
    key: str,
    send_after: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Message | None:
    """Store a message of `kind` to `recipient` (a user), rendered now in their preferred
    language with `context` (plus `recipient`), to be sent from `send_after` (default: now).

    Must be called inside the transaction of the change it tells about (RuntimeError
    otherwise). Idempotent per `key`: a second call with the same key returns the message
    already stored and renders nothing. None when the recipient has no e-mail address.

    The recipient's preference for `kind` applies (`mode_for`): "off" stores nothing (None);
    "digest" stores the message with status DIGEST, which the worker never sends: the monthly
    digest folds it in."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue() belongs inside the transaction of the change it reports.")
    try:
        # get(), not first(): no ORDER BY, so the lookup is the unique index's alone.
        return Message.objects.get(key=key)
    except Message.DoesNotExist:
        pass
    message = prepare(
        kind, recipient, context, key=key, now=now or timezone.now(), send_after=send_after
    )
    if message is None:
        return None
    try:
        # A savepoint: a concurrent transaction that stored the same key first makes this
        # insert fail without spoiling the caller's transaction.
        with transaction.atomic():
            message.save(force_insert=True)
            return message
    except IntegrityError:
        return Message.objects.get(key=key)
