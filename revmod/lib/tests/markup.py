"""Checks of a page's markup that a screen reader depends on, shared by the permission matrix's
crawl (every page × persona) and the tests of forms sent back with errors."""

from html.parser import HTMLParser

# Attributes naming other elements of the page by id, several separated by spaces.
REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls")


class _References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in REFERENCES:
                self.references += [(tag, name, ref) for ref in (value or "").split()]


def broken_references(response) -> list[str]:
    """The aria-describedby (and -labelledby, -controls) of an HTML response that name no
    element of the page: a screen reader then reads nothing where a help text or an error
    was meant to be read."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return []
    parser = _References()
    parser.feed(response.content.decode("utf-8", "replace"))
    return [
        f"<{tag} {name}={ref!r}>: no element with this id"
        for tag, name, ref in parser.references
        if ref not in parser.ids
    ]
