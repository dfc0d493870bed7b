"""The worker's work: claim due messages with a lease, send them through Django's e-mail
backend, record the outcome. The queue (claims, leases, retries, its guarantees) is
`revmod.lib.queue`'s, with the REVMOD_MAIL_* settings.

Delivery is at least once, never "at most once": a worker that dies after the SMTP server
accepted a message but before recording it leaves the message claimed; once the lease expires
another worker sends it again, with the same Message-ID (derived from the idempotency key), so
receiving servers and mail programs can tell it is the same message. A message recorded as sent
is never claimed again.

Time comes in as `now`, a time or a clock (`lib.queue.Now`): tests move it forward instead of
waiting."""

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from revmod.lib import queue
from revmod.notifications.models import Message

log = logging.getLogger(__name__)
Status = Message.Status
QUEUE = queue.LeasedQueue(
    Message,
    due_field="send_after",
    queued=Status.QUEUED,
    working=Status.SENDING,
    failed=Status.FAILED,
    settings_prefix="REVMOD_MAIL",
)


class Transient(Exception):
    """Sending failed in a way that may pass (the server away, busy, a 4xx answer)."""


class Permanent(Exception):
    """Sending failed in a way retrying cannot mend (a 5xx answer, a bad address)."""


@dataclass
class Outcome(queue.Outcome):
    sent: int = 0
    retried: int = 0
    failed: int = 0


def classify(error: Exception) -> type[Transient] | type[Permanent]:
    """Whether a sending error is worth retrying. Order matters: every SMTP error is an
    OSError, and SMTPConnectError carries a code."""
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return Transient
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return Transient if codes and all(400 <= c < 500 for c in codes) else Permanent
    if isinstance(error, smtplib.SMTPResponseException):
        return Transient if 400 <= error.smtp_code < 500 else Permanent
    if isinstance(error, smtplib.SMTPException):
        return Permanent  # e.g. SMTPNotSupportedError: the server will not change its mind
    if isinstance(error, OSError):
        return Transient  # connection refused, reset, timed out, name not resolved
    return Permanent  # e.g. a header Django refuses (a malformed address)


# Claim up to `limit` due messages, oldest first (LeasedQueue.claim).
claim = QUEUE.claim


def email_for(message: Message, connection) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        message.subject,
        message.text,
        settings.DEFAULT_FROM_EMAIL,
        [message.address],
        connection=connection,
        headers={"Message-ID": message.message_id, "Content-Language": message.language},
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    return email


def send(message: Message, connection) -> None:
    """Hand one message to the e-mail backend; raises Transient or Permanent."""
    try:
        connection.open()  # once per batch: a no-op while the connection is open
        email_for(message, connection).send()
    except Exception as error:
        raise classify(error)(f"{type(error).__name__}: {error}") from error


def mark_sent(message: Message, *, now: dt.datetime) -> None:
    """Record a message sent, even by a worker whose lease ran out: the e-mail is out whoever
    holds the claim now (so not `QUEUE.record`). A message already recorded sent is left alone."""
    changes = {"status": Status.SENT, "sent_at": now, "lease_until": None, "last_error": ""}
    if message.scrub_after_send:
        changes.update(text="", html="")
    Message.objects.filter(pk=message.pk).exclude(status=Status.SENT).update(**changes)


def mark_failed(message: Message, error: Exception, *, now: dt.datetime, permanent: bool) -> bool:
    """Record a failed attempt: a retry after the backoff, or failed for good (a permanent
    error, or too many attempts). Returns True when failed for good. A message another worker
    has meanwhile claimed (our lease ran out) or sent is left alone."""
    final, changes = QUEUE.failed_attempt(message, error, now=now, permanent=permanent)
    QUEUE.record(message, **changes)
    return final


def deliver_due(
    *, now: queue.Now, limit: int | None = None, lease: dt.timedelta | None = None
) -> Outcome:
    """Send up to `limit` (REVMOD_MAIL_BATCH) due messages, oldest first, over one backend
    connection. Each is claimed just before it is sent, so its lease covers its own sending and
    never the rest of the batch: however slow the batch, another worker does not take a message
    this one is still about to send. `now`: the time, or a clock read at each claim and record
    (the worker passes `timezone.now`)."""
    clock = queue.clock(now)
    outcome = Outcome()
    connection = None
    try:
        for _ in range(limit or settings.REVMOD_MAIL_BATCH):
            claimed = claim(now=clock(), limit=1, lease=lease)
            if not claimed:
                break
            (message,) = claimed
            outcome.claimed += 1
            if connection is None:
                connection = get_connection()
            try:
                send(message, connection)
            except (Transient, Permanent) as error:
                # The connection may be broken: the next message opens a fresh one.
                _close(connection)
                connection = None
                permanent = isinstance(error, Permanent)
                if mark_failed(message, error, now=clock(), permanent=permanent):
                    log.warning("message %s failed: %s", message.pk, error)
                    outcome.failed += 1
                else:
                    outcome.retried += 1
                continue
            mark_sent(message, now=clock())
            outcome.sent += 1
    finally:
        _close(connection)
    return outcome


def deliver_all_due(*, now: queue.Now, **options) -> Outcome:
    """Batches until nothing is due (what `runworker --once` does)."""
    return queue.drain(lambda: deliver_due(now=now, **options))


def _close(connection) -> None:
    if connection is not None:
        try:
            connection.close()
        except Exception:  # a connection already broken; nothing to save
            log.debug("closing the e-mail connection failed", exc_info=True)
