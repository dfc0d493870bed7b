"""Machine translation backends: a small base class, a LibreTranslate client and a dummy.

A backend turns a list of texts in one language into the same number of texts in another,
in order. Which one runs is the setting REVMOD_MT_BACKEND: "libretranslate", "dummy" or the
dotted path of a `Backend` subclass (default: LibreTranslate when REVMOD_MT_URL is set, else
the dummy, so a fresh machine and the tests never reach out to the network).

Errors are `TranslationError`s with a message meant for people (the requester and the
secretariat see it) and `transient` saying whether trying again later may help: a server away,
busy (429) or failing (5xx), or an answer that is not what the API promises (a proxy's error
page, say). A refusal (400: a language the server lacks, 403: a wrong API key) is not."""

import json
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string


class TranslationError(Exception):
    """A translation that did not happen; `transient`: worth trying again later."""

    def __init__(self, message: str, *, transient: bool = True):
        super().__init__(message)
        self.transient = transient


class Backend:
    """The interface. `name` is recorded on each request it served."""

    name = "base"

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        """`texts` in language `source` translated into `target` (revmod codes: ar, zh, en,
        fr, ru, es), as many and in the same order; raises TranslationError."""
        raise NotImplementedError


class DummyBackend(Backend):
    """Deterministic and offline, for tests and demo machines: "[fr] text"."""

    name = "dummy"

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        return [f"[{target}] {text}" for text in texts]


# revmod's data language codes -> LibreTranslate's (which names Simplified Chinese "zh").
LIBRETRANSLATE_CODES = {"zh": "zh", "zh-hans": "zh"}


def libretranslate_code(language: str) -> str:
    return LIBRETRANSLATE_CODES.get(language, language)


class LibreTranslateBackend(Backend):
    """A LibreTranslate server (https://libretranslate.com, or one run in-house): POST
    {url}/translate with a JSON body {q: [...], source, target, format: "text", api_key}."""

    name = "libretranslate"

    def __init__(self, url: str | None = None, api_key: str | None = None, timeout=None):
        self.url = (url if url is not None else settings.REVMOD_MT_URL).rstrip("/")
        self.api_key = api_key if api_key is not None else settings.REVMOD_MT_API_KEY
        self.timeout = timeout or settings.REVMOD_MT_TIMEOUT
        if not self.url:
            raise TranslationError("REVMOD_MT_URL is not set.", transient=False)

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        if not texts:
            return []
        body = {
            "q": texts,
            "source": libretranslate_code(source),
            "target": libretranslate_code(target),
            "format": "text",
        }
        if self.api_key:
            body["api_key"] = self.api_key
        request = urllib.request.Request(
            f"{self.url}/translate",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise self._http_error(error) from None
        except OSError as error:  # URLError, timeouts, refused connections
            reason = getattr(error, "reason", error)
            raise TranslationError(
                f"The translation server could not be reached: {reason}"
            ) from None
        try:
            translated = json.loads(raw)["translatedText"]
        except (ValueError, KeyError, TypeError):
            raise TranslationError(
                "The translation server's answer is not the JSON it should be."
            ) from None
        if isinstance(translated, str):
            translated = [translated]
        if not isinstance(translated, list) or not all(isinstance(t, str) for t in translated):
            raise TranslationError("The translation server's answer is not the JSON it should be.")
        if len(translated) != len(texts):
            raise TranslationError(
                f"The translation server returned {len(translated)} texts for {len(texts)}."
            )
        return translated

    @staticmethod
    def _http_error(error: urllib.error.HTTPError) -> TranslationError:
        try:
            detail = json.loads(error.read()).get("error", "")
        except (ValueError, AttributeError, OSError):
            detail = ""
        message = f"The translation server answered HTTP {error.code}"
        message += f": {detail}" if detail else "."
        # Busy (429), failing or overloaded (5xx), a timeout at a proxy (408): try later.
        transient = error.code in {408, 429} or error.code >= 500
        return TranslationError(message, transient=transient)


BACKENDS = {"dummy": DummyBackend, "libretranslate": LibreTranslateBackend}


def get_backend() -> Backend:
    """The backend of the setting REVMOD_MT_BACKEND (a name of BACKENDS or a dotted path)."""
    name = settings.REVMOD_MT_BACKEND
    cls = BACKENDS.get(name) or import_string(name)
    return cls()
