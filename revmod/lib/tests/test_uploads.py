"""Uploads are recognised by their content, whatever their name says."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from revmod.lib.uploads import check_upload, server_name
from revmod.test import PDF, pdf_bytes


def zipped(parts: dict[str, bytes], compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


TYPES = b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
BODY = b"<w:document " + W + b"><w:body>%s</w:body></w:document>"
DOCX = zipped({"[Content_Types].xml": TYPES, "word/document.xml": BODY % b"<w:p/>"})
XLSX = zipped(
    {
        "[Content_Types].xml": TYPES,
        "xl/workbook.xml": b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main"/>',
    }
)
ODT = zipped(
    {
        "mimetype": b"application/vnd.oasis.opendocument.text",
        "content.xml": b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
        b'xmlns:office:1.0"/>',
    }
)


@pytest.mark.parametrize(
    "name, data, extension",
    [
        ("answers.pdf", PDF, "pdf"),
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
        ("no-extension", PDF, "cannot be uploaded"),
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


def refused(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile(name, data))
    return " ".join(error.value.messages)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n",
        # Whole in every other way, with a page inside.
        pdf_bytes("<!DOCTYPE html><html><script>alert(1)</script></html>"),
        PDF[: PDF.index(b"startxref")],  # cut short: no end
        PDF.replace(b"\nxref\n", b"\n").replace(b"trailer", b"x"),  # no cross-reference
        b"%PDF-1.7\nstartxref\n0\n%%EOF\n",  # no object at all
    ],
)
def test_a_pdf_is_checked_as_a_pdf_not_by_its_first_bytes(data):
    assert "damaged or is not a real PDF" in refused("report.pdf", data)


def test_a_pdf_whose_streams_hold_markup_is_still_a_pdf():
    stream = b"4 0 obj\n<< /Length 20 >>\nstream\n<html><script>x</script>\nendstream\nendobj\n"
    data = PDF.replace(b"\nxref\n", b"\n" + stream + b"xref\n")
    assert check_upload(SimpleUploadedFile("report.pdf", data)).extension == "pdf"


def corrupted(data: bytes, part: bytes) -> bytes:
    """`data` with the first byte of `part`'s content changed (its checksum no longer holds)."""
    at = data.index(part)
    return data[:at] + bytes([part[0] ^ 0xFF]) + data[at + 1 :]


def test_a_broken_zip_is_refused_even_with_the_right_names():
    # Its central directory names the parts of a workbook; its content does not unpack.
    broken = corrupted(XLSX, b"<workbook")
    assert len(broken) < 400
    assert "damaged or is not a real XLSX" in refused("table.xlsx", broken)
    # Whole, but the parts are not the format's XML.
    foreign = zipped({"[Content_Types].xml": TYPES, "xl/workbook.xml": b"not xml at all"})
    assert "damaged or is not a real XLSX" in refused("table.xlsx", foreign)
    odt = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
    assert "damaged or is not a real ODT" in refused("text.odt", odt)


def test_a_decompression_bomb_is_refused_before_anything_parses_it():
    # 20 MB of one repeated paragraph packs into a few tens of KB.
    bomb = zipped(
        {"[Content_Types].xml": TYPES, "word/document.xml": BODY % (b"<w:p/>" * 3_500_000)},
        zipfile.ZIP_DEFLATED,
    )
    assert len(bomb) < 100_000
    assert "more than 100 times its packed size" in refused("answers.docx", bomb)


def test_the_archive_limits_are_settings(settings):
    settings.REVMOD_MAX_UNCOMPRESSED_BYTES = 1000
    big = zipped({"[Content_Types].xml": TYPES, "word/document.xml": BODY % (b"<w:p/>" * 200)})
    assert "would unpack to 1.4" in refused("answers.docx", big)
    settings.REVMOD_MAX_UNCOMPRESSED_BYTES = 10**6
    settings.REVMOD_MAX_ARCHIVE_MEMBERS = 3
    parts = {"[Content_Types].xml": TYPES, "word/document.xml": BODY % b""}
    many = zipped(parts | {f"word/media/{n}.png": b"x" for n in range(2)})
    assert "more than 3 parts" in refused("answers.docx", many)
    assert check_upload(SimpleUploadedFile("a.docx", zipped(parts))).extension == "docx"
    settings.REVMOD_MAX_COMPRESSION_RATIO = 2000
    packed = zipped(
        {"[Content_Types].xml": TYPES, "word/document.xml": BODY % (b"<w:p/>" * 500_000)},
        zipfile.ZIP_DEFLATED,
    )
    settings.REVMOD_MAX_UNCOMPRESSED_BYTES = 10**7
    assert check_upload(SimpleUploadedFile("a.docx", packed)).extension == "docx"


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
