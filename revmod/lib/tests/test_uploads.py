"""Uploads are recognised by their content, whatever their name says."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from revmod.lib.uploads import check_upload, server_name


def zipped(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


@pytest.mark.parametrize(
    "name, data, extension",
    [
        ("answers.pdf", b"%PDF-1.7\n...", "pdf"),
        ("Answers.DOCX", DOCX, "docx"),
        ("table.xlsx", XLSX, "xlsx"),
        ("text.odt", ODT, "odt"),
        ("notes.txt", "ملاحظات 注释 notes".encode(), "txt"),
    ],
)
def test_allowed_formats_are_recognised_by_content(name, data, extension):
    assert check_upload(SimpleUploadedFile(name, data)).extension == extension


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.pdf", b"", "empty"),
        ("program.exe", b"MZ\x90\x00", "cannot be uploaded"),
        ("no-extension", b"%PDF-1.7", "cannot be uploaded"),
        ("disguised.pdf", b"MZ\x90\x00\x03", "not PDF"),
        ("renamed.docx", XLSX, "not DOCX"),
        ("archive.docx", zipped({"a.txt": b"x"}), "not DOCX"),
        (
            "spreadsheet.odt",
            zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
            "not ODT",
        ),
        ("latin1.txt", "café".encode("latin-1"), "not TXT"),
        ("binary.txt", b"abc\x00def", "not TXT"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "not XLSX"),
    ],
)
def test_wrong_files_are_refused_with_the_reason(name, data, message):
    with pytest.raises(ValidationError, match=message):
        check_upload(SimpleUploadedFile(name, data))


def test_the_size_limit_is_a_setting(settings):
    settings.REVMOD_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ValidationError, match="at most 10"):
        check_upload(SimpleUploadedFile("a.txt", b"x" * 11))
    assert check_upload(SimpleUploadedFile("a.txt", b"x" * 10)).extension == "txt"


def test_stored_names_are_made_by_the_server():
    import datetime as dt

    a = server_name("documents", "pdf", today=dt.date(2024, 4, 16))
    b = server_name("documents", "pdf", today=dt.date(2024, 4, 16))
    assert a.startswith("documents/2024/04/") and a.endswith(".pdf") and a != b
