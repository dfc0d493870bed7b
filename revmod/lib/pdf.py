"""HTML to PDF with WeasyPrint, in the fonts fetched by `manage.py fetchfonts`.

Text is laid out by Pango and shaped by HarfBuzz: Arabic letters join and runs read right to
left (with `dir="rtl"` on the element, tables too); each character takes the first family of
the font-family list that has it (pdf/base.html lists Noto Sans, IBM Plex Sans Arabic, Noto Sans
SC), so a page mixing scripts needs no markup per script."""

from pathlib import Path
from urllib.request import url2pathname

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from revmod.lib import fonts


class LocalFetcher(URLFetcher):
    """Fetches the files under one directory and nothing else: a document showing what users
    typed must not make the server read its disk or call other hosts."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols={"file"})
        self.root = root.resolve()

    def fetch(self, url, headers=None):
        if not url.startswith("file:"):
            raise ValueError(f"PDF documents load no URL: {url}")
        path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"PDF documents load no file outside {self.root}: {path}")
        return super().fetch(url, headers)


def render(html: str) -> bytes:
    """The PDF of the HTML document `html`. Raises ImproperlyConfigured when the fonts are
    missing: without them Chinese would come out as empty boxes."""
    font_dir = settings.REVMOD_FONT_DIR
    if not fonts.is_current(font_dir):
        raise ImproperlyConfigured(
            f"The PDF fonts are missing or out of date in {font_dir}: run manage.py fetchfonts."
        )
    fetcher = LocalFetcher(font_dir)
    font_config = FontConfiguration()
    stylesheet = CSS(
        filename=str(font_dir / fonts.STYLESHEET), font_config=font_config, url_fetcher=fetcher
    )
    document = HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet], font_config=font_config)
