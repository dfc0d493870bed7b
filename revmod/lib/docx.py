"""Word documents (DOCX, with python-docx) in the six languages, right to left in Arabic; and
reading an uploaded one within limits (`read`: docs/security.md, "Files and exports").

python-docx writes the run's direction (`Font.rtl`) and the table's (`table_direction`) but not
the paragraph's: `rtl(document)` adds the rest, once the document is written, so code building
a document (the exports, the offline questionnaire) writes it the same way in every language:

    document = docx.new("ar")
    document.add_heading(...); document.add_table(...)
    docx.rtl(document)          # only when docx.is_rtl(language)
    return docx.save(document)

What right to left means in WordprocessingML (ECMA-376 §17.3.1.6, §17.3.2.30, §17.4.1, §17.6.1):
- each paragraph `w:pPr/w:bidi`: its base direction, so it starts at the right margin. No
  `w:jc` left/right is kept: in a bidi paragraph Word reads them as start/end, other readers
  as the page's sides; without one, every reader aligns the paragraph at its start, the right;
- each run holding right-to-left or neutral text `w:rPr/w:rtl` (and `w:bCs` where bold: Word
  takes complex-script weight from it); a run of Latin text only (a code, a law's English
  title) is left without, as the standard asks;
- each table `w:bidiVisual` (its first column on the right), each section `w:bidi`;
- the defaults (`w:docDefaults`), so a paragraph someone adds in Word is right to left too.
"""

import io
import unicodedata
import zipfile
from xml.parsers import expat

from django.conf import settings
from docx import Document as new_document
from docx.document import Document
from docx.enum.table import WD_TABLE_DIRECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from revmod.lib import uploads
from revmod.lib.i18n import RTL_LANGUAGES, SUFFIXES

# The language tag of each language's text (w:lang), by column suffix ("zh") or UI code.
TAGS = {"ar": "ar-SA", "zh": "zh-CN", "en": "en-GB", "fr": "fr-FR", "ru": "ru-RU", "es": "es-ES"}
# The elements that may follow w:bidi in a w:pPr and in a w:sectPr (schema order).
_AFTER_PPR_BIDI = (
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_AFTER_SECTPR_BIDI = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


def _suffix(language: str) -> str:
    code = SUFFIXES.get(language, language)
    if code not in TAGS:
        raise ValueError(f"Not one of the six languages: {language}")
    return code


def is_rtl(language: str) -> bool:
    """Whether text in `language` (a column suffix or a UI code) reads right to left."""
    return _suffix(language) in {SUFFIXES[code] for code in RTL_LANGUAGES}


def new(language: str) -> Document:
    """A blank document whose text is in `language` (see `set_language`)."""
    document = new_document()
    set_language(document, language)
    return document


def set_language(document: Document, language: str) -> None:
    """Mark the document's text as `language`: the spelling checker, hyphenation and the fonts
    Word picks follow it (the defaults' w:lang and the document's properties)."""
    tag = TAGS[_suffix(language)]
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    lang = rpr.find(qn("w:rPr")).find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.find(qn("w:rPr")).append(lang)
    lang.set(qn("w:val"), tag)
    if tag == TAGS["zh"]:
        lang.set(qn("w:eastAsia"), tag)
    lang.set(qn("w:bidi"), TAGS["ar"])
    document.core_properties.language = tag


def _set_bidi(parent, after: tuple[str, ...]) -> None:
    """Add an empty w:bidi child to `parent` (a w:pPr or w:sectPr) in its schema position."""
    if parent.find(qn("w:bidi")) is None:
        parent.insert_element_before(OxmlElement("w:bidi"), *after)


def _latin_only(text: str) -> bool:
    """Holds left-to-right letters and none of a right-to-left script."""
    kinds = {unicodedata.bidirectional(c) for c in text}
    return "L" in kinds and not kinds & {"R", "AL"}


def _rtl_p(p) -> None:
    ppr = p.get_or_add_pPr()
    _set_bidi(ppr, _AFTER_PPR_BIDI)
    jc = ppr.find(qn("w:jc"))
    if jc is not None and jc.get(qn("w:val")) in {"left", "right", "start", "end", "both"}:
        ppr.remove(jc)  # start alignment: the right margin (see the module's docstring)
    for r in p.iter(qn("w:r")):
        if _latin_only("".join(t.text or "" for t in r.iter(qn("w:t")))):
            continue
        rpr = r.get_or_add_rPr()
        rpr._set_bool_val("rtl", True)
        if rpr._get_bool_val("b"):
            rpr._set_bool_val("bCs", True)


def rtl(document: Document) -> None:
    """Make the whole of `document` right to left: every paragraph (body, tables, headers and
    footers), every table, every section, and the defaults. Call it once the content is in."""
    parts = [document.element.body]
    for section in document.sections:
        _set_bidi(section._sectPr, _AFTER_SECTPR_BIDI)
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                parts.append(part._element)
    for part in parts:
        for p in part.iter(qn("w:p")):
            _rtl_p(p)
        for tbl in part.iter(qn("w:tbl")):
            tbl.bidiVisual_val = WD_TABLE_DIRECTION.RTL
    defaults = document.styles.element.find(qn("w:docDefaults"))
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = OxmlElement("w:pPrDefault")
        defaults.append(ppr_default)
    ppr = ppr_default.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        ppr_default.append(ppr)
    _set_bidi(ppr, _AFTER_PPR_BIDI)


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# What `read` counts, as expat names them with a space between namespace and local name.
_COUNTED = frozenset({f"{W} p", f"{W} tc"})


class _TooMany(Exception):
    pass


def _count_paragraphs(archive: zipfile.ZipFile, limit: int) -> None:
    """_TooMany once the XML parts hold more than `limit` paragraphs and table cells, counted
    as a stream (expat, no tree) so that counting a bomb costs no memory."""
    count = 0

    def start(name, _attributes):
        nonlocal count
        if name in _COUNTED:
            count += 1
            if count > limit:
                raise _TooMany

    for name in archive.namelist():
        if name.endswith(".xml"):
            parser = expat.ParserCreate(namespace_separator=" ")
            parser.StartElementHandler = start
            with archive.open(name) as stream:
                parser.ParseFile(stream)


def read(file) -> Document:
    """An uploaded or stored DOCX (a file object) opened with python-docx once it is checked:
    the archive within the limits (`lib.uploads.check_archive`), and at most
    settings.REVMOD_MAX_PARAGRAPHS paragraphs and table cells, counted before python-docx
    builds the whole tree. ValidationError, with a message for the person, otherwise."""
    uploads.check_archive(file, "docx")
    try:
        with zipfile.ZipFile(file) as archive:
            _count_paragraphs(archive, settings.REVMOD_MAX_PARAGRAPHS)
    except _TooMany:
        raise uploads.too_many_paragraphs() from None
    except expat.ExpatError:
        raise uploads.damaged("DOCX") from None
    finally:
        file.seek(0)
    return new_document(file)


def save(document: Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
