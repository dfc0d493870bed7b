"""The Arabic and Chinese fonts of pages: `manage.py fetchfonts` writes them with their
stylesheet (make test fetches them), they are static files, and every page links them. The
PDFs' fonts are tested with the PDFs (revmod/lots/tests/test_pdf.py)."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from revmod.lib import fonts

WEB = settings.REVMOD_FONT_DIR / fonts.WEB
RULE = re.compile(r"@font-face \{(?P<body>[^}]*)\}")
LINK = '<link rel="stylesheet" href="/static/fonts/fonts.css">'


def rules() -> list[str]:
    return RULE.findall((WEB / fonts.STYLESHEET).read_text(encoding="utf-8"))


def test_fetchfonts_writes_the_pages_stylesheet_whose_fonts_are_there():
    css = (WEB / fonts.STYLESHEET).read_text(encoding="utf-8")
    assert css.startswith(fonts.MANIFEST)
    found = rules()
    sources = [re.search(r'src: url\("([^"]+)"\) format\("woff2"\);', r) for r in found]
    assert all(sources)
    files = [source[1] for source in sources if source]
    # Every URL names a WOFF2 file beside the stylesheet (relative, so collectstatic's hashed
    # names rewrite them), each once.
    assert all("/" not in name for name in files)
    assert len(set(files)) == len(files)
    assert [name for name in files if (WEB / name).read_bytes()[:4] != b"wOF2"] == []
    # Only the slices of the characters a page shows are downloaded: each face has its range.
    assert all("unicode-range: U+" in rule for rule in found)
    families = {re.search(r"font-family: '([\w-]+)';", rule)[1] for rule in found}  # type: ignore[index]
    assert families == {"ibm-plex-sans-arabic", "noto-sans-sc"}
    chinese = [name for name in files if name.startswith("noto-sans-sc-")]
    assert len(chinese) > 90 and all(name.endswith("-400-normal.woff2") for name in chinese)
    assert {f"ibm-plex-sans-arabic-arabic-{w}-normal.woff2" for w in (400, 700)} <= set(files)
    # The licence travels with the fonts.
    assert {"ibm-plex-sans-arabic.LICENSE.txt", "noto-sans-sc.LICENSE.txt"} <= {
        path.name for path in WEB.iterdir()
    }


def test_the_pages_fonts_are_static_files():
    assert finders.find("fonts/fonts.css") == str(WEB / fonts.STYLESHEET)
    assert finders.find("fonts/noto-sans-sc-119-400-normal.woff2")


def test_pages_take_only_the_faces_meant_for_them():
    package = next(p for p in fonts.PACKAGES if p.slug == "ibm-plex-sans-arabic")
    css = "".join(
        f"/* ibm-plex-sans-arabic-{subset}-400-normal */\n@font-face {{\n"
        "  font-family: 'IBM Plex Sans Arabic';\n  font-style: normal;\n"
        "  font-display: swap;\n  font-weight: 400;\n"
        f"  src: url(./files/ibm-plex-sans-arabic-{subset}-400-normal.woff2) format('woff2'), "
        f"url(./files/ibm-plex-sans-arabic-{subset}-400-normal.woff) format('woff');\n"
        "  unicode-range: U+0600-06FF;\n}\n"
        for subset in ("arabic", "cyrillic-ext", "latin")
    )
    kept = fonts.web_faces(package, css)
    assert [file for file, _rule in kept] == [
        "ibm-plex-sans-arabic-arabic-400-normal.woff2",
        "ibm-plex-sans-arabic-latin-400-normal.woff2",
    ]
    rule = kept[0][1]
    assert "font-family: 'ibm-plex-sans-arabic';" in rule
    assert 'src: url("ibm-plex-sans-arabic-arabic-400-normal.woff2") format("woff2");' in rule
    assert "unicode-range: U+0600-06FF;" in rule and "font-display: swap;" in rule
    assert ".woff)" not in rule
    # A Chinese package keeps every slice, whose names Fontsource writes with brackets.
    chinese = next(p for p in fonts.PACKAGES if p.slug == "noto-sans-sc")
    css = (
        "/* noto-sans-sc-[4]-400-normal */\n@font-face {\n  font-family: 'Noto Sans SC';\n"
        "  src: url(./files/noto-sans-sc-4-400-normal.woff2) format('woff2');\n"
        "  unicode-range: U+1f1e9-1f1f5;\n}\n"
    )
    assert [file for file, _rule in fonts.web_faces(chinese, css)] == [
        "noto-sans-sc-4-400-normal.woff2"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "ar", "en"])
def test_every_page_links_the_fonts_and_site_css_uses_them(client, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert LINK in response.content.decode()
    assert "font-src 'self'" in response.headers["Content-Security-Policy"]
    site = (settings.BASE_DIR / "revmod" / "static" / "revmod" / "site.css").read_text()
    assert re.search(r'body:lang\(zh-hans\)[^{]*\{ font-family: "noto-sans-sc",', site)
    assert re.search(r'body:lang\(ar\)[^{]*\{ font-family: "ibm-plex-sans-arabic",', site)
