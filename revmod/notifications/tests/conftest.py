"""A review with its people (in several languages), and a real SMTP server on localhost."""

import socket
import threading
from email import message_from_bytes
from email.message import Message as EmailMessage

import pytest
from aiosmtpd.controller import Controller

from revmod.accounts.models import Nomination
from revmod.test import make_user, make_world, nominate


@pytest.fixture
def world():
    """FRA under review; its focal point (Arabic), expert (Chinese) and observer (Russian); the
    focal point of a reviewing party (French); an outsider (Spanish); the secretariat."""
    secretariat, reviews = make_world()
    review = reviews["FRA"]
    reviewers = [p.reviewer.code for p in review.pairings()]
    people = {"secretariat": secretariat, "outsider": make_user("outsider", language="es")}
    for name, party, kind, scope, language in [
        ("reviewed_fp", "FRA", Nomination.Kind.FOCAL_POINT, Nomination.Scope.OWN, "ar"),
        ("expert", "FRA", Nomination.Kind.EXPERT, Nomination.Scope.OWN, "zh-hans"),
        ("observer", "FRA", Nomination.Kind.OBSERVER, Nomination.Scope.OWN, "ru"),
        ("reviewer_fp", reviewers[0], Nomination.Kind.FOCAL_POINT, Nomination.Scope.REVIEWER,
         "fr"),
    ]:  # fmt: skip
        people[name] = make_user(name, language=language)
        nominate(people[name], party, kind, scope, secretariat)
    # Every other reviewing party names a focal point too, so the review can start.
    for i, code in enumerate(reviewers[1:]):
        people[f"reviewer_fp_{i + 2}"] = make_user(f"reviewer_fp_{i + 2}")
        nominate(
            people[f"reviewer_fp_{i + 2}"],
            code,
            Nomination.Kind.FOCAL_POINT,
            Nomination.Scope.REVIEWER,
            secretariat,
        )
    return review, people


class Mailbox:
    """An aiosmtpd handler: keeps what it accepts; refuses as told (`fail`: a callable
    returning an SMTP reply for a message to refuse, or None to accept)."""

    def __init__(self):
        self.received: list[EmailMessage] = []
        self.fail = lambda envelope: None
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        refusal = self.fail(envelope)
        if refusal:
            return refusal
        with self.lock:
            self.received.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.received]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on localhost, and Django's SMTP backend pointed at it."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_TIMEOUT = False, "", 10
    yield mailbox
    controller.stop()
