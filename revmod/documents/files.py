"""Serving stored versions: one file as an attachment, or a review's submissions as a ZIP.
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


def zip_name(document: Document, version: DocumentVersion) -> str:
    """A name inside the ZIP: a folder per kind, the document's id to keep names unique."""
    return f"{document.kind}/{document.pk}-{download_name(document, version)}"


def zip_response(documents, filename: str) -> FileResponse:
    """The latest version of each of `documents` (with their versions prefetched) in one ZIP,
    spooled to a temporary file past 10 MB rather than held in memory. Files missing on disk
    are left out and named in MISSING_LIST inside the ZIP."""
    out = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)
    missing = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for document in documents:
            version = document.latest
            if version is None:
                continue
            try:
                source = _open(version)
            except MissingFile:
                missing.append(zip_name(document, version))
                continue
            with source, archive.open(zip_name(document, version), "w") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
        if missing:
            lines = [
                _(
                    "These files are missing on the server and are not in this ZIP file; the "
                    "error has been logged for the platform's administrators:"
                ),
                *missing,
            ]
            archive.writestr(MISSING_LIST, "\n".join(lines) + "\n")
    out.seek(0)
    return attachment(
        FileResponse(out, as_attachment=True, filename=filename, content_type="application/zip")
    )
