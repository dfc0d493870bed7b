"""The outbox: every e-mail the platform sends is first a row here, written in the same
transaction as the change it tells about (design.md, "Outbox for e-mail")."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def message_id_for(key: str) -> str:
    """The Message-ID header of the message with idempotency key `key`: the same on every
    attempt, so a message sent twice (a worker dying between sending and recording) is one
    message to the receiving servers and mail programs."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@revmod>"


class Message(models.Model):
    """One e-mail to one person, rendered in their language when it was enqueued."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Its recipient wants this kind only in the monthly digest: never sent on its own.
        DIGEST = "digest", _("Kept for the digest")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("recipient"),
    )
    address = models.EmailField(_("address"), max_length=254)
    language = models.CharField(_("language"), max_length=7)
    kind = models.CharField(_("kind"), max_length=40)
    subject = models.TextField(_("subject"))
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=100)
    # The link of an activation e-mail is a secret (only its hash is stored elsewhere): such a
    # body is emptied once sent.
    scrub_after_send = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created at"))
    send_after = models.DateTimeField(_("send after"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["send_after", "pk"]
        verbose_name = _("e-mail message")
        verbose_name_plural = _("e-mail messages")
        indexes = [models.Index(fields=["status", "send_after"], name="message_due")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.address} ({self.status})"


class Preference(models.Model):
    """How one person wants messages of one kind: at once, only in the monthly digest, or not
    at all. No row means at once. Kinds in `outbox.MANDATORY_KINDS` ignore this."""

    class Mode(models.TextChoices):
        NOW = "now", _("At once")
        DIGEST = "digest", _("Only in the monthly digest")
        OFF = "off", _("Off")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="mail_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    mode = models.CharField(_("delivery"), max_length=6, choices=Mode.choices, default=Mode.NOW)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.mode}"
