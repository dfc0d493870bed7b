"""Uploaded files: what they are by content, not by name, and where they are stored.

An upload is accepted only if its bytes are one of the allowed formats (PDF, DOCX, XLSX, ODT,
TXT) and its name's extension agrees; a file renamed from .exe to .pdf, a ZIP that is not an
Office document or a text file that is not UTF-8 is refused with a message saying why. The
stored name is made by the server (a random token under a dated folder), never the user's.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


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


def _sniff(upload) -> str | None:
    """The extension the content proves, or None."""
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
        except (zipfile.BadZipFile, KeyError, OSError):
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


def check_upload(upload, *, allowed=tuple(FORMATS)) -> Format:
    """The format of an uploaded file, or ValidationError saying what is wrong: empty, larger
    than settings.REVMOD_MAX_UPLOAD_BYTES, an extension not allowed, or content that is not
    what the extension says."""
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
    return FORMATS[extension]


def server_name(folder: str, extension: str, *, today: dt.date) -> str:
    """A storage name the user does not choose: folder/YYYY/MM/<random>.<extension>."""
    return f"{folder}/{today:%Y/%m}/{secrets.token_urlsafe(18)}.{extension}"
