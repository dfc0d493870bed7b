"""A review with its people (in several languages), and a real SMTP server on localhost."""

import socket
import threading
from email import message_from_bytes
from email.message import Message as EmailMessage

import pytest
from aiosmtpd.controller import Controller

from revmod.test import fresh, make_people, make_world, shared_data


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, reviews = make_world()
        review = reviews["FRA"]
        languages = {
            "reviewed_fp": "ar",
            "expert": "zh-hans",
            "observer": "ru",
            "reviewer_fp": "fr",
            "outsider": "es",
        }
        people, _nominations = make_people(secretariat, review, languages=languages)
        yield review, people


@pytest.fixture
def world(shared_world, db):
    """FRA under review; its focal point (Arabic), expert (Chinese) and observer (Russian); the
    focal point of a reviewing party (French) and of every other one; an outsider (Spanish);
    the secretariat."""
    return fresh(shared_world)


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
