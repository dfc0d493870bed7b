"""Serving stored versions: one file as an attachment, or several in a ZIP (`Bundle`).
Never from MEDIA_URL: the views check access first and then call these, and record the download
of confidential material (reviews.reads).

A version whose file is missing on disk (a database restored without its files, say) is no
server error: `file_response` raises lib.storedfiles.MissingFile, which the page and the API
answer with 410 and a message saying so; the ZIP leaves the file out and lists it in a
`missing-files.txt` of its own. Each writes a line at error level."""

import re
import shutil
import tempfile
import zipfile

from django.http import FileResponse
from django.utils.translation import gettext as _

from revmod.documents.models import Document, DocumentVersion
from revmod.documents.rules import MATERIAL, Kind
from revmod.lib.storedfiles import MissingFile, open_stored
from revmod.reviews.reads import How, record_read


def safe_stem(text: str, fallback: str = "document") -> str:
    """Letters (any script), digits, '-' and '_' only, words joined by '-', at most 80
    characters: no path separators, quotes or control characters can get through."""
    stem = re.sub(r"[^\w\-]+", "-", text, flags=re.UNICODE).strip("-_")[:80].strip("-_")
    return stem or fallback


def download_name(document: Document, version: DocumentVersion) -> str:
    """e.g. 'Answers-to-the-questionnaire-en-v2.pdf' (title, language, version)."""
    stem = safe_stem(document.title, fallback=document.kind)
    return f"{stem}-{document.language}-v{version.number}.{version.extension}"


def attachment(response: FileResponse) -> FileResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _open(version: DocumentVersion):
    return open_stored(version.file, named_by=f"document version {version.pk}")


def file_response(version: DocumentVersion) -> FileResponse:
    """The version's file as an attachment; MissingFile when it is not on disk."""
    return attachment(
        FileResponse(
            _open(version),
            as_attachment=True,
            filename=download_name(version.document, version),
            content_type=version.content_type,
        )
    )


MISSING_LIST = "missing-files.txt"


def record_download(user, version: DocumentVersion, detail: str = "") -> None:
    """The download of `version` (its document fetched) by `user` in the record of reads, when
    its kind is confidential material."""
    document = version.document
    material = MATERIAL[Kind(document.kind)]
    detail = f"{document.title} (v{version.number}){detail}"
    record_read(user, document.review_id, material, how=How.FILE, obj=version, detail=detail)


class TooLarge(Exception):
    """A ZIP would hold more than its limit (settings.REVMOD_MAX_ZIP_BYTES) of files."""


class Bundle:
    """A ZIP being written, spooled to a temporary file past 10 MB rather than held in memory;
    its files at most `limit` bytes together (TooLarge past it). Each name is made unique (a
    number before the extension). A stored version whose file is missing on disk is left out
    and named in MISSING_LIST inside the ZIP."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.names: set[str] = set()
        self.missing: list[str] = []
        self.out = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)
        self.archive = zipfile.ZipFile(self.out, "w", compression=zipfile.ZIP_DEFLATED)

    def _unique(self, name: str) -> str:
        stem, dot, extension = name.rpartition(".")
        if not dot:
            stem, extension = name, ""
        candidate, n = name, 1
        while candidate in self.names:
            n += 1
            candidate = f"{stem}-{n}{dot}{extension}"
        self.names.add(candidate)
        return candidate

    def _count(self, size: int) -> None:
        self.size += size
        if self.size > self.limit:
            raise TooLarge

    def add_version(self, name: str, version: DocumentVersion) -> None:
        """The stored file of `version` under `name`."""
        name = self._unique(name)
        self._count(version.size)
        try:
            source = _open(version)
        except MissingFile:
            self.missing.append(name)
            return
        with source, self.archive.open(name, "w") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)

    def add_bytes(self, name: str, data: bytes) -> None:
        self._count(len(data))
        self.archive.writestr(self._unique(name), data)

    def response(self, filename: str) -> FileResponse:
        """The ZIP, closed, as an attachment named `filename` (made by the server)."""
        if self.missing:
            lines = [
                _(
                    "These files are missing on the server and are not in this ZIP file; the "
                    "error has been logged for the platform's administrators:"
                ),
                *self.missing,
            ]
            self.archive.writestr(MISSING_LIST, "\n".join(lines) + "\n")
        self.archive.close()
        self.out.seek(0)
        return attachment(
            FileResponse(
                self.out, as_attachment=True, filename=filename, content_type="application/zip"
            )
        )

    def discard(self) -> None:
        self.archive.close()
        self.out.close()
