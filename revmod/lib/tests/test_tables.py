"""Every table of the site's pages sits in a box that scrolls sideways on a narrow screen, which
a keyboard reaches and a screen reader names (docs/decisions.md, "Small screens"); the browser
tests (test_browser_pages.py) check the same on the pages they show."""

import re

from django.conf import settings

TEMPLATES = settings.BASE_DIR / "revmod" / "templates"
WRAPPER = re.compile(
    r'<div class="table-scroll" role="region" tabindex="0" aria-labelledby="[^"]+">\s*$'
)


def test_every_table_of_a_page_scrolls_in_a_named_box():
    bare = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "pdf" in path.name:  # printed: a PDF page has no scrolling
            continue
        text = path.read_text()
        for match in re.finditer(r"<table[\s>]", text):
            if not WRAPPER.search(text[: match.start()]):
                line = text.count("\n", 0, match.start()) + 1
                bare.append(f"{path.relative_to(TEMPLATES)}:{line}")
    assert bare == []
    assert len(list(TEMPLATES.rglob("*.html"))) > 50  # the templates were found
