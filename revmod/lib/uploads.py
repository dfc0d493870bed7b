"""Uploaded files: what they are by content, not by name, and where they are stored.

An upload is accepted only if its bytes are one of the allowed formats (PDF, DOCX, XLSX, ODT,
TXT) and its name's extension agrees; a file renamed from .exe to .pdf, a ZIP that is not an
Office document or a text file that is not UTF-8 is refused with a message saying why. The
stored name is made by the server (a random token under a dated folder), never the user's.

Files are checked whole, not by their first bytes only: a PDF by its structure (`check_pdf`),
an office file (a ZIP archive) before anything parses it, against the limits in settings
(`check_archive`: parts, unpacked size, compression ratio; a damaged archive is refused). What
reads an office file later reads it within limits too: `rows_within_limit` for workbooks,
`lib.docx.read` for documents (paragraphs). docs/security.md, "Files and exports".
"""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import TypeVar
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

T = TypeVar("T")


@dataclass(frozen=True)
class Format:
    extension: str
    content_type: str
    label: str


FORMATS = {
    f.extension: f
    for f in [
        Format("pdf", "application/pdf", "PDF"),
        Format(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "DOCX",
        ),
        Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
        Format("odt", "application/vnd.oasis.opendocument.text", "ODT"),
        Format("txt", "text/plain; charset=utf-8", "TXT"),
    ]
}
_OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
# The root element (local name) of the parts that make a file what it says it is.
_ROOTS = {
    "docx": {"[Content_Types].xml": "Types", "word/document.xml": "document"},
    "xlsx": {"[Content_Types].xml": "Types", "xl/workbook.xml": "workbook"},
    "odt": {"content.xml": "document-content"},
}
ZIPPED = frozenset(_ROOTS)
# Parts smaller than this may have any compression ratio (a short XML part of repeated markup
# packs far beyond 100:1 harmlessly); larger ones are held to REVMOD_MAX_COMPRESSION_RATIO.
RATIO_FROM_BYTES = 1024 * 1024
# The largest central directory entry an office file needs (46 bytes and a short name), to
# bound the central directory before zipfile reads it whole.
_DIRECTORY_ENTRY = 1024
_EOCD = b"PK\x05\x06"
# The PDF's last lines: "startxref", the cross-reference's offset, "%%EOF", then at most a
# few stray bytes (readers look within the last 1024).
_PDF_HEADER = re.compile(rb"%PDF-\d\.\d")
_PDF_END = re.compile(rb"startxref\s+(\d+)\s+%%EOF")
_PDF_XREF = re.compile(rb"(?<![a-z])xref\s|/Type\s*/XRef\b")
_PDF_OBJECT = re.compile(rb"\d\s+obj\b")  # "1 0 obj": a short pattern, linear on any input
_PDF_STREAM = re.compile(rb"(?<![a-z])stream\r?\n")
_HTML = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|frameset|object|embed|svg)\b", re.I
)


class _Root(Exception):
    """Raised from the XML parser at the first element: its name."""


def damaged(label: str) -> ValidationError:
    return ValidationError(
        _("The file is damaged or is not a real %(format)s file.") % {"format": label},
        code="damaged",
    )


def _sniff(upload) -> str | None:
    """The extension the content claims, or None (PDFs and archives are checked whole after)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    if (
                        archive.read("mimetype").strip()
                        == b"application/vnd.oasis.opendocument.text"
                    ):
                        return "odt"
                    return None
                if "[Content_Types].xml" not in names:
                    return None
                for extension, part in _OOXML_PART.items():
                    if part in names:
                        return extension
                return None
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
            return None
        finally:
            upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "txt"


def _too_many_parts(limit: int) -> ValidationError:
    return ValidationError(
        _("The file is an archive of more than %(limit)s parts; it is not opened.")
        % {"limit": limit},
        code="too_many_parts",
    )


def _directory_within_limits(file, limit: int) -> None:
    """Before zipfile reads the central directory whole: its entry count and size, as the end
    record states them, within `limit` entries. ValidationError beyond, or with no end record."""
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(max(0, size - 22 - 0xFFFF))
    tail = file.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise zipfile.BadZipFile
    entries = int.from_bytes(tail[at + 10 : at + 12], "little")
    directory = int.from_bytes(tail[at + 12 : at + 16], "little")
    if entries > limit or directory > limit * _DIRECTORY_ENTRY:
        raise _too_many_parts(limit)


def _root(stream) -> str:
    """The local name of the root element of an XML stream ("" when there is none)."""
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(name, _attributes):
        raise _Root(name.rsplit(" ", 1)[-1])

    parser.StartElementHandler = start
    try:
        parser.ParseFile(stream)
    except _Root as root:
        return str(root)
    return ""


def _check_members(archive: zipfile.ZipFile) -> None:
    """The parts' number, unpacked sizes and compression ratios within the limits."""
    members = archive.infolist()
    limit = settings.REVMOD_MAX_ARCHIVE_MEMBERS
    if len(members) > limit:
        raise _too_many_parts(limit)
    total, limit = sum(m.file_size for m in members), settings.REVMOD_MAX_UNCOMPRESSED_BYTES
    if total > limit:
        raise ValidationError(
            _("The file would unpack to %(size)s; at most %(limit)s is opened.")
            % {"size": filesizeformat(total), "limit": filesizeformat(limit)},
            code="too_large_unpacked",
        )
    ratio = settings.REVMOD_MAX_COMPRESSION_RATIO
    if any(
        m.file_size > RATIO_FROM_BYTES and m.file_size > ratio * max(m.compress_size, 1)
        for m in members
    ):
        raise ValidationError(
            _(
                "A part of the file unpacks to more than %(limit)s times its packed size, as in "
                "a decompression bomb; it is not opened."
            )
            % {"limit": ratio},
            code="ratio",
        )


def check_archive(file, extension: str) -> None:
    """`file` (a DOCX, XLSX or ODT: a ZIP archive) checked before anything parses it, or
    ValidationError saying why not: more parts than settings.REVMOD_MAX_ARCHIVE_MEMBERS, more
    than settings.REVMOD_MAX_UNCOMPRESSED_BYTES unpacked, a large part packed more than
    settings.REVMOD_MAX_COMPRESSION_RATIO times, or damaged (a part that does not unpack to
    its stated size and checksum, or whose main parts are not the format's XML). The sizes
    checked are the ones zipfile then holds each part to (it stops at the stated size)."""
    label = FORMATS[extension].label
    try:
        _directory_within_limits(file, settings.REVMOD_MAX_ARCHIVE_MEMBERS)
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            _check_members(archive)
            for member in archive.infolist():
                with archive.open(member) as stream:
                    while stream.read(1024 * 1024):
                        pass  # the checksum is checked at the end of each part
            for part, root in _ROOTS[extension].items():
                with archive.open(part) as stream:
                    if _root(stream) != root:
                        raise damaged(label)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError, zlib.error):
        raise damaged(label) from None
    except (expat.ExpatError, RuntimeError):  # RuntimeError: encrypted, unknown compression
        raise damaged(label) from None
    finally:
        file.seek(0)


def _outside_streams(data: bytes) -> list[bytes] | None:
    """The PDF's text between its streams (whose content is anything: images, fonts, page
    text), or None when a stream never ends. One pass, whatever the input."""
    pieces, at = [], 0
    while (start := _PDF_STREAM.search(data, at)) is not None:
        pieces.append(data[at : start.start()])
        end = data.find(b"endstream", start.end())
        if end < 0:
            return None
        at = end + len(b"endstream")
    return [*pieces, data[at:]]


def check_pdf(upload) -> None:
    """A PDF's structure, not only its first bytes: the "%PDF-n.n" header, "startxref" and its
    offset then "%%EOF" near the end, a cross-reference (table or stream), objects, and no HTML
    outside the streams. ValidationError when one is missing. pypdf would check more but is only
    a tool of the tests; this is enough to refuse a page or a script named .pdf."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    end = _PDF_END.search(data, max(0, len(data) - 1024 - 64))
    outside = _outside_streams(data)
    whole = (
        _PDF_HEADER.match(data)
        and end is not None
        and int(end.group(1)) < len(data)
        and _PDF_XREF.search(data)
        and _PDF_OBJECT.search(data)
        and outside is not None
        and not any(_HTML.search(piece) for piece in outside)
    )
    if not whole:
        raise damaged(FORMATS["pdf"].label)


def check_upload(upload, *, allowed=tuple(FORMATS)) -> Format:
    """The format of an uploaded file, or ValidationError saying what is wrong: empty, larger
    than settings.REVMOD_MAX_UPLOAD_BYTES, an extension not allowed, content that is not what
    the extension says, a damaged PDF or archive, or an archive beyond the limits of
    `check_archive`."""
    allowed_labels = ", ".join(FORMATS[e].label for e in allowed)
    if not upload or not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    limit = settings.REVMOD_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; files may be at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in allowed:
        raise ValidationError(
            _("Files of this type cannot be uploaded. Allowed: %(formats)s.")
            % {"formats": allowed_labels},
            code="type",
        )
    found = _sniff(upload)
    if found != extension:
        raise ValidationError(
            _("The file's content is not %(format)s, whatever its name says.")
            % {"format": FORMATS[extension].label},
            code="content",
        )
    if extension == "pdf":
        check_pdf(upload)
    elif extension in ZIPPED:
        check_archive(upload, extension)
    return FORMATS[extension]


def rows_within_limit(rows: Iterable[T]) -> Iterator[T]:
    """`rows` (of a workbook being read) as they come, ValidationError past
    settings.REVMOD_MAX_ROWS: a stream read in openpyxl's read-only mode stops there."""
    limit = settings.REVMOD_MAX_ROWS
    for number, row in enumerate(rows, start=1):
        if number > limit:
            raise ValidationError(
                _("The workbook has more than %(limit)s rows; it is not read.") % {"limit": limit},
                code="too_many_rows",
            )
        yield row


def too_many_paragraphs() -> ValidationError:
    return ValidationError(
        _("The document has more than %(limit)s paragraphs and table cells; it is not read.")
        % {"limit": settings.REVMOD_MAX_PARAGRAPHS},
        code="too_many_paragraphs",
    )


def server_name(folder: str, extension: str, *, today: dt.date) -> str:
    """A storage name the user does not choose: folder/YYYY/MM/<random>.<extension>."""
    return f"{folder}/{today:%Y/%m}/{secrets.token_urlsafe(18)}.{extension}"
