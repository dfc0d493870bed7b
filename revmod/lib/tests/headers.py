"""Checks of a response's security headers and of what its HTML asks the browser to run, shared
by test_headers and the permission matrix's crawl (every URL × persona)."""

from html.parser import HTMLParser

# Script types a browser does not run (data for a script loaded from a file).
DATA_SCRIPTS = {"application/json", "application/ld+json", "text/template"}
# What the policy must say, directive by directive (docs/security.md, "Headers and throttling").
STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "font-src": {"'self'"},
    "style-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}


def policy(response) -> dict[str, set[str]]:
    """The Content-Security-Policy header as {directive: sources}."""
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def policy_problems(response) -> list[str]:
    if "Content-Security-Policy" not in response.headers:
        return ["no Content-Security-Policy header"]
    found = policy(response)
    return [
        f"{name}: {' '.join(sorted(found.get(name, []))) or 'missing'}"
        for name, want in STRICT.items()
        if found.get(name) != want
    ]


class _Inline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._script: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>: an inline event handler")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>: a javascript: URL")
        if tag == "script" and not attrs.get("src"):
            kind = (attrs.get("type") or "text/javascript").lower()
            if kind not in DATA_SCRIPTS:
                self._script, self._text = kind, ""
        if tag == "style":
            self.problems.append("<style>: an inline style sheet")

    def handle_data(self, data):
        if self._script is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.problems.append(f"<script> with inline code: {self._text.strip()[:60]!r}")
            self._script = None


def inline_problems(response) -> list[str]:
    """What in an HTML response the policy would block: inline scripts, event handlers,
    javascript: URLs, <style> elements."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return []
    parser = _Inline()
    parser.feed(response.content.decode("utf-8", "replace"))
    return parser.problems


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def response_problems(response, *, signed_in: bool) -> list[str]:
    """Everything wrong with a response's headers and inline code; a signed-in person's
    response must not be stored by any cache."""
    problems = policy_problems(response) + inline_problems(response)
    if signed_in and not no_store(response):
        problems.append(f"Cache-Control {response.get('Cache-Control')!r}, not no-store")
    return problems
