"""A real HTTP server on localhost speaking the LibreTranslate API, and a review whose
questionnaire is being answered (in English) by its people."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from revmod.test import (
    fresh,
    load_questionnaire,
    make_people,
    make_world,
    shared_data,
    to_questionnaire,
)

NOW = dt.datetime(2021, 2, 1, 9, tzinfo=dt.UTC)
API_KEY = "test-key-123"
# What the fake server knows of French; anything else comes back as "«fr» text".
FRENCH = {
    "Conspiracy only.": "Entente seulement.",
    "Penal Code, art. 450-1": "Code pénal, art. 450-1",
    "Hello.": "Bonjour.",
}


class LibreTranslate:
    """The server's state: what it received, and how to misbehave. `fail`: None (answer), or
    500 / 429 (that HTTP error), or "json" (a body that is not JSON); `fail_times`: how many
    calls misbehave before it answers again (None: all)."""

    def __init__(self):
        self.received: list[dict] = []
        self.fail = None
        self.fail_times = None
        self.api_key = API_KEY
        self.lock = threading.Lock()

    def translate(self, text: str, target: str) -> str:
        if target == "fr" and text in FRENCH:
            return FRENCH[text]
        return f"«{target}» {text}"


def _handler(state: LibreTranslate):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output quiet
            pass

        def _send(self, status: int, body: bytes, content_type="application/json"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data):
            self._send(status, json.dumps(data).encode())

        def do_GET(self):
            if self.path == "/languages":
                codes = ["ar", "zh", "en", "fr", "ru", "es"]
                return self._json(200, [{"code": c, "name": c, "targets": codes} for c in codes])
            return self._json(404, {"error": "Not found"})

        def do_POST(self):
            if self.path != "/translate":
                return self._json(404, {"error": "Not found"})
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with state.lock:
                state.received.append(body)
                failing = state.fail is not None and (
                    state.fail_times is None or state.fail_times > 0
                )
                if failing and state.fail_times is not None:
                    state.fail_times -= 1
            if failing and state.fail == "json":
                return self._send(200, b"<html>Bad gateway</html>", "text/html")
            if failing:
                error = "Slowdown: too many requests" if state.fail == 429 else "Internal error"
                return self._json(state.fail, {"error": error})
            if state.api_key and body.get("api_key") != state.api_key:
                return self._json(403, {"error": "Invalid API key"})
            q, target = body["q"], body["target"]
            if isinstance(q, list):
                return self._json(200, {"translatedText": [state.translate(t, target) for t in q]})
            return self._json(200, {"translatedText": state.translate(q, target)})

    return Handler


@pytest.fixture
def libretranslate(settings):
    """The server on 127.0.0.1 (a free port), and the settings pointing at it."""
    state = LibreTranslate()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.REVMOD_MT_BACKEND = "libretranslate"
    settings.REVMOD_MT_URL, settings.REVMOD_MT_API_KEY = state.url, API_KEY
    settings.REVMOD_MT_TIMEOUT = 5
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, made = make_world()
        load_questionnaire()
        languages = {"outsider": "fr", "expert": "fr", "reviewer_fp": "es"}
        people, nominations = make_people(secretariat, made["FRA"], languages=languages)
        people["expert_nomination"] = nominations["expert"]
        yield to_questionnaire(made["FRA"], people["reviewed_fp"], now=NOW), people


@pytest.fixture
def world(shared_world, db):
    """FRA's cluster-1 review at the questionnaire stage (working language English), its focal
    point, expert (French) and observer, the reviewing parties' focal points (the first in
    Spanish), an outsider (French), the secretariat; the shipped questionnaire loaded."""
    return fresh(shared_world)
