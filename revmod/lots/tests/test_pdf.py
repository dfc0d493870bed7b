"""The pairings as PDF: real text in each language (Arabic shaped and right to left, Chinese in
its own font), the same doors as the CSV, and a flat query count. Needs the fonts of
`manage.py fetchfonts` (make test fetches them)."""

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader
from pypdf.generic import ByteStringObject, ContentStream, TextStringObject

from revmod.lib import fonts, pdf
from revmod.lots import actions
from revmod.lots.generated import documents
from revmod.lots.models import Draw, Pairing, ReviewGroup
from revmod.test import count_queries, load_registry, make_user, pdf_made, shared_data

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)
# Parties with Arabic and Chinese names in data/parties.csv; the drawn reviewers add others.
REVIEWED = ["ARE", "CHN", "EGY", "FRA", "BOL"]
# The families of revmod.lib.fonts (one per script subset), as PDF font names begin.
FETCHED = tuple(family for package in fonts.PACKAGES for family in package.families())


@pytest.fixture(autouse=True)
def language_reset():
    """A request to /ar/... leaves Arabic active in this thread (LocaleMiddleware activates,
    nothing deactivates): later tests of the same process must not start in Arabic."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def url(fmt, language="en"):
    with translation.override(language):
        return reverse("lots:pairing-export", args=[fmt])


def hold(kind, reviewed=None, day=dt.date(2024, 5, 1)):
    meeting = actions.create_meeting(held_on=day, title="Draw")
    secretariat = make_user(f"secretariat-{kind}", secretariat=True)
    draw = actions.prepare_draw(
        kind=kind,
        meeting=meeting,
        by=secretariat,
        now=NOW,
        **({"reviewed": reviewed} if reviewed else {}),
    )
    draw = actions.announce(draw, now=NOW)
    draw = actions.enter_entropy(draw, entropy="5 8 13 21", now=NOW)
    return actions.publish(actions.perform_draw(draw, now=NOW), now=NOW)


@pytest.fixture(scope="module")
def shared_draw(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        load_registry()
        for number, day in [(1, "2020-12-01"), (2, "2021-11-01"), (3, "2022-11-01")]:
            ReviewGroup.objects.create(number=number, starts_on=day)
        hold(Draw.Kind.INITIAL, REVIEWED)
        yield


@pytest.fixture
def drawn(shared_draw, db):
    """The registry, three groups and a published initial draw of REVIEWED (once a module)."""


def document(response) -> tuple[str, set[str]]:
    """The text of a PDF response, each run of white space as one space (names wrap in their
    cells), and the names of its embedded fonts."""
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    names = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    return text, names


def squeezed(text: str) -> str:
    """`text` without white space: a name wrapped in its cell (after a space, a hyphen or any
    Chinese character) comes back with a line break."""
    return "".join(text.split())


def parties():
    return {party for p in Pairing.objects.with_parties() for party in (p.reviewed, p.reviewer)}


def test_pdf_is_an_attachment_with_the_english_names(client, drawn):
    response = pdf_made(client, url("pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="pairings.pdf"'
    assert response.content.startswith(b"%PDF-")
    text, names = document(response)
    assert "Party under review" in text and "Group 1" in text
    assert left_edge(response, "Instruments") < left_edge(response, "Until")
    for party in parties():
        assert squeezed(party.name_en) in squeezed(text), party.code
    # Every glyph came from the fetched fonts: no fallback to a system font, no empty boxes.
    assert names == {"noto-sans-latin", "noto-sans-latin-Bold"}


def test_pdf_in_chinese_has_the_chinese_names(client, drawn):
    text, names = document(pdf_made(client, url("pdf", "zh-hans")))
    for party in parties():
        assert party.name_zh and party.name_zh in squeezed(text), party.code
    assert "第1组" in text  # "Group 1", translated
    assert "noto-sans-sc-chinese-simplified" in names
    assert all(n.startswith(FETCHED) for n in names), names


def test_pdf_in_russian_draws_cyrillic_and_latin_from_their_own_fonts(client, drawn):
    # Two files of one family once drew each other's glyph numbers: Cyrillic came out as
    # Latin garbage and "Группа 1" as "Группа Ѣ".
    text, names = document(pdf_made(client, url("pdf", "ru")))
    for party in parties():
        assert party.name_ru and squeezed(party.name_ru) in squeezed(text), party.code
    assert "Группа 1" in text and "UNTOC" in text
    assert {"noto-sans-cyrillic", "noto-sans-latin"} <= names
    assert all(n.startswith(FETCHED) for n in names), names


ARABIC_WORD = re.compile(r"[\u0600-\u06FF]+")


def to_unicode(font) -> dict[bytes, str]:
    """A PDF font's map from glyph codes (2 bytes) to text."""
    cmap = font["/ToUnicode"].get_object().get_data().decode()
    return {
        bytes.fromhex(glyph): bytes.fromhex(text).decode("utf-16-be")
        for glyph, text in re.findall(r"<([0-9a-f]{4})>\s*<([0-9a-f]+)>\n", cmap)
    }


def lines(response) -> list[tuple[float, str]]:
    """(left edge, text) of each line drawn in a PDF, read from its glyphs. Not pypdf's
    extract_text: its guesses at right-to-left order move a ligature glyph (ين, two letters
    in logical order as the PDF standard says) to the start of the line. Here a line's glyphs,
    drawn left to right, are mapped to text and reversed when the line has Arabic."""
    reader = PdfReader(io.BytesIO(response.content))
    drawn: list[tuple[float, list[str]]] = []
    for page in reader.pages:
        fonts = {
            name: to_unicode(ref.get_object()) for name, ref in page["/Resources"]["/Font"].items()
        }
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tm":  # WeasyPrint starts each line box with a text matrix
                drawn.append((float(operands[4]), []))
            elif operator == b"Tf":
                cmap = fonts[operands[0]]
            elif operator == b"TJ":
                for item in operands[0]:
                    if isinstance(item, TextStringObject | ByteStringObject):
                        data = item.original_bytes
                        drawn[-1][1].extend(
                            cmap.get(data[i : i + 2], "?") for i in range(0, len(data), 2)
                        )
    return [
        (x, "".join(reversed(glyphs) if ARABIC_WORD.search("".join(glyphs)) else glyphs))
        for x, glyphs in drawn
    ]


def arabic_words(response) -> set[str]:
    return {word for _x, text in lines(response) for word in ARABIC_WORD.findall(text)}


def left_edge(response, text: str) -> float:
    """Where the first line reading `text` starts (in the first group's table)."""
    return next(x for x, line in lines(response) if line.strip() == text)


def glyphs_per_letter(response, font: str) -> dict[str, set[bytes]]:
    """For each letter, the glyphs of `font` that draw it (from the PDF's ToUnicode map)."""
    letters: dict[str, set[bytes]] = {}
    for page in PdfReader(io.BytesIO(response.content)).pages:
        for ref in page["/Resources"]["/Font"].values():
            if font in str(ref.get_object()["/BaseFont"]):
                for glyph, text in to_unicode(ref.get_object()).items():
                    letters.setdefault(text, set()).add(glyph)
    return letters


def test_pdf_in_arabic_is_shaped_and_has_the_arabic_names(client, drawn):
    response = pdf_made(client, url("pdf", "ar"))
    assert response["Content-Type"] == "application/pdf"
    text, names = document(response)
    words = arabic_words(response)
    for party in parties():
        # Every word of the name, letter for letter: the glyphs exist and map back to the
        # right letters (with Noto Sans Arabic, ق came back as ت: see revmod/lib/fonts.py).
        assert party.name_ar and set(ARABIC_WORD.findall(party.name_ar)) <= words, party.code
    assert "الاقترانات" in text and "الطرف المستعرَض" in text  # "Pairings", "Party under review"
    # The table reads right to left: "Instruments" stands right of "Until", not left as in English.
    assert left_edge(response, "الصكوك") > left_edge(response, "حتى")
    assert "ibm-plex-sans-arabic-arabic" in names
    assert all(n.startswith(FETCHED) for n in names), names
    # Shaped: a letter takes another glyph at the start and in the middle of a word (لـ ـلـ),
    # which only HarfBuzz's Arabic shaping chooses; unshaped, each letter has one glyph.
    assert len(glyphs_per_letter(response, "ibm-plex-sans-arabic")["ل"]) >= 2


def test_the_html_of_the_pdf_sets_language_and_direction(drawn):
    from django.template.loader import render_to_string

    for language, head in [
        ("ar", '<html lang="ar" dir="rtl">'),
        ("zh-hans", '<html lang="zh-hans" dir="ltr">'),
        ("fr", '<html lang="fr" dir="ltr">'),
    ]:
        with translation.override(language):
            html = render_to_string("lots/pairings_pdf.html", {"groups": [], "today": NOW})
        assert head in html


def test_pdf_has_the_doors_of_the_csv(client, drawn):
    for user in [None, make_user("outsider")]:
        if user:
            client.force_login(user)
        # 202: the PDF is being made for them (see test_generated.py).
        assert client.get(url("pdf")).status_code == 202
        assert client.get(url("csv")).status_code == 200
    assert client.get(url("doc")).status_code == 404


def test_pdf_query_count_stays_flat(client, drawn):
    """Asking for the PDF (queued) and getting it once made: as many queries with the first
    draw's dozen pairings as with the 300 and more after a late draw of every other party (a
    late draw places them all; no action adds fewer). About 5 s, nearly all of it the worker
    rendering the second PDF."""

    def export():
        path = url("pdf", "ar")
        asked = count_queries(lambda: assert_status(client.get(path), 202))
        documents.make_all_due(now=timezone.now)
        served = count_queries(lambda: assert_status(client.get(path), 200))
        return asked, served

    few = export()
    hold(Draw.Kind.LATE, day=dt.date(2024, 6, 1))
    assert Pairing.objects.count() > 300
    assert export() == few


def assert_status(response, status):
    assert response.status_code == status


def test_pdf_documents_load_no_file_but_the_fonts(tmp_path):
    fetcher = pdf.LocalFetcher(settings.REVMOD_FONT_DIR)
    for url in [
        "file:///etc/passwd",
        "https://example.org/a.png",
        "data:text/plain,x",
        f"file://{settings.REVMOD_FONT_DIR}/../fonts/../../pyproject.toml",
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    css = fetcher.fetch(f"file://{settings.REVMOD_FONT_DIR}/{fonts.STYLESHEET}")
    assert css.read().decode().startswith(fonts.MANIFEST)


def test_fetched_fonts_must_match_the_pinned_checksum(tmp_path):
    package = fonts.PACKAGES[0]
    with pytest.raises(fonts.FontError, match="checksum"):
        fonts.fetch(tmp_path / "fonts", pack=lambda package, into: b"not the package")
    assert not (tmp_path / "fonts").exists()
    css = (
        "/* noto-sans-latin-400-normal */\n@font-face {\n  font-family: 'Noto Sans';\n"
        "  font-weight: 400;\n  src: url(./files/noto-sans-latin-400-normal.woff2) "
        "format('woff2');\n  unicode-range: U+0000-00FF;\n}"
        "/* noto-sans-devanagari-400-normal */\n@font-face {\n  src: url(./files/d.woff2);\n}"
    )
    ((name, family, file, body),) = fonts.faces(package, css)
    assert (name, family) == ("noto-sans-latin-400-normal", "noto-sans-latin")
    assert file == "noto-sans-latin-400-normal.woff2"
    rule = fonts.font_face(name, family, body)
    assert "font-family: 'noto-sans-latin';" in rule
    assert 'src: url("noto-sans-latin-400-normal.ttf") format("truetype");' in rule
    assert "unicode-range: U+0000-00FF;" in rule
    assert fonts.is_current(settings.REVMOD_FONT_DIR)
    assert not fonts.is_current(tmp_path)
