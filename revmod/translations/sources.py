"""What a machine translation translates, as plain data, and its result.

Pure module (python-docx and openpyxl for reading files, within the limits of lib.uploads; no
database). A source is captured when the translation is requested, so what is translated is
what the requester saw then, and the original is never touched:

- answers: {"template": id, "answers": [{"question": key, "value": [...], "citations": str,
  "text": str}, ...]} — the values are choices, shown from the template in the target
  language; the citations and explanations are the texts sent to the backend;
- the written feedback: {"template": id, "comments": [{"question": key, "party": code, "text":
  str}, ...]} — each reviewing party's comment on a question, shown under the question from
  the template in the target language;
- a version of the list of observations and summary: {"sections": [{"key": section key,
  "text": str}, ...]} in the sections' order, shown under the sections' headings;
- a document: {"paragraphs": [str, ...]}.

The result has the same shape with the translated texts, the rows keeping what names them:
{"answers": [{"question", "citations", "text"}]}, {"comments": [{"question", "party",
"text"}]}, {"sections": [{"key", "text"}]} or {"paragraphs": [...]}."""

import io
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from revmod.documents.rules import READABLE
from revmod.lib import uploads

ANSWER_FIELDS = ("citations", "text")
# The sources made of rows: the list's name, the fields that name a row (kept as they are) and
# those translated.
ROWS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "answers": (("question",), ANSWER_FIELDS),
    "comments": (("question", "party"), ("text",)),
    "sections": (("key",), ("text",)),
}


class SourceError(Exception):
    """A source that cannot be translated, with a message for the person who asked."""


def _rows(source: dict) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The name of the list of rows of `source`, the fields naming a row and those translated."""
    name = next(name for name in ROWS if name in source)
    kept, fields = ROWS[name]
    return name, kept, fields


def segments(source: dict) -> list[str]:
    """The texts to translate, in a fixed order (empty ones left out)."""
    if "paragraphs" in source:
        return [p for p in source["paragraphs"] if p.strip()]
    name, _kept, fields = _rows(source)
    return [row[field] for row in source[name] for field in fields if row.get(field, "").strip()]


def assemble(source: dict, translated: list[str]) -> dict:
    """The result: `translated` (as returned for `segments(source)`) put back in place."""
    texts = iter(translated)
    if "paragraphs" in source:
        return {"paragraphs": [next(texts) for p in source["paragraphs"] if p.strip()]}
    name, kept, fields = _rows(source)
    result = []
    for row in source[name]:
        done = {key: row[key] for key in kept}
        for field in fields:
            done[field] = next(texts) if row.get(field, "").strip() else ""
        result.append(done)
    return {name: result}


def answers_source(template_id: int, answers: list[dict]) -> dict:
    """A source from answers as in a submission's snapshot (questionnaires.actions.snapshot)."""
    return {
        "template": template_id,
        "answers": [
            {
                key: answer.get(key, default)
                for key, default in (
                    ("question", ""),
                    ("value", []),
                    ("citations", ""),
                    ("text", ""),
                )
            }
            for answer in answers
        ],
    }


def feedback_source(template_id: int | None, comments: list[dict]) -> dict:
    """A source from the comments as in a feedback snapshot (questionnaires.feedback.snapshot):
    their question, party and text only (who saved them and when is not translated)."""
    return {
        "template": template_id,
        "comments": [
            {key: comment.get(key, "") for key in ("question", "party", "text")}
            for comment in comments
        ],
    }


def observations_source(sections: dict, keys: list[str]) -> dict:
    """A source from a version's sections ({key: text}), in the order of `keys`."""
    return {"sections": [{"key": key, "text": sections.get(key) or ""} for key in keys]}


def paragraphs_of(extension: str, data: bytes) -> list[str]:
    """The text of a file as paragraphs: TXT (split at blank lines), DOCX (paragraphs, then
    table cells), XLSX (every text cell, sheet by sheet). Other formats (PDF, ODT) and files
    with no text are refused with SourceError."""
    extension = extension.lower()
    if extension not in READABLE:
        raise SourceError(
            _(
                "Machine translation reads TXT, DOCX and XLSX files; this document is %(format)s."
                " Upload a version in one of those formats to have it translated."
            )
            % {"format": extension.upper()}
        )
    try:
        if extension == "txt":
            text = data.decode("utf-8-sig")
            found = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
        elif extension == "docx":
            found = _docx(data)
        else:
            found = _xlsx(data)
    except SourceError:
        raise
    except ValidationError as error:  # beyond the limits of lib.uploads, or damaged
        raise SourceError(" ".join(error.messages)) from None
    except Exception:  # a damaged file: python-docx and openpyxl raise many kinds
        raise SourceError(_("The text of this document could not be read.")) from None
    found = [p for p in found if p and p.strip()]
    if not found:
        raise SourceError(_("This document has no text to translate."))
    return found


def _docx(data: bytes) -> list[str]:
    from revmod.lib import docx  # python-docx is loaded only when needed

    document = docx.read(io.BytesIO(data))  # within the paragraphs' limit
    found = [p.text.strip() for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            seen = set()
            for cell in row.cells:
                # Merged cells appear once per grid column: keep each once.
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    found.append(cell.text.strip())
    return found


def _xlsx(data: bytes) -> list[str]:
    import openpyxl

    file = io.BytesIO(data)
    uploads.check_archive(file, "xlsx")
    workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    rows = (row for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True))
    try:
        return [
            cell.strip()
            for row in uploads.rows_within_limit(rows)
            for cell in row
            if isinstance(cell, str)
        ]
    finally:
        workbook.close()
