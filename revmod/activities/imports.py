"""The import of e-learning completions from a CSV or XLSX file: checked whole before any row
is recorded. A file with one bad row is refused as a whole, with a message per bad row, and
nothing is imported.

The file is checked by lib.uploads first (an XLSX by content and against the archive limits;
a CSV for size and UTF-8 text), its rows read within settings.REVMOD_MAX_ROWS (an XLSX in
openpyxl's read-only mode), each row through the form of a completion entered by hand
(forms.CompletionForm), so the two doors accept the same values."""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from revmod.activities.forms import CompletionForm
from revmod.lib.uploads import check_upload, rows_within_limit

COLUMNS = ["party", "gender", "language", "ministry", "module", "completed_on"]


@dataclass
class Read:
    """The rows read (the actions' data) and the errors found, one line per bad row."""

    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _csv_rows(upload):
    limit = settings.REVMOD_MAX_UPLOAD_BYTES
    if not upload.size:
        raise ValidationError(_("The file is empty."))
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; files may be at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    upload.seek(0)
    data = upload.read()
    if b"\x00" in data:
        raise ValidationError(_("The file is not a CSV file of text."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The CSV file is not in UTF-8: save it as “CSV UTF-8”.")) from None
    return csv.reader(io.StringIO(text))


def _xlsx_rows(upload):
    """The rows of the first sheet, read-only; the workbook closed after the last."""
    from openpyxl import load_workbook  # loaded only when needed

    check_upload(upload, allowed=("xlsx",))
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        raise ValidationError(damaged_xlsx()) from None
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    except (ValueError, KeyError, TypeError, OSError, SyntaxError):  # a damaged sheet
        raise ValidationError(damaged_xlsx()) from None
    finally:
        workbook.close()


def damaged_xlsx() -> str:
    return _("The file is damaged or is not a real XLSX file.")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _form_data(cells: list[str]) -> dict:
    data = dict(zip(COLUMNS, cells, strict=False))
    data["party"] = data.get("party", "").upper()
    data["gender"] = data.get("gender", "").lower()
    language = data.get("language", "").lower()
    data["language"] = "zh" if language == "zh-hans" else language
    return data


def read(upload) -> Read:
    """The completions of `upload` (CSV or XLSX, a header row first), or the errors of every
    bad row ("Row 3: gender: ..."). ValidationError when the file itself is refused."""
    extension = PurePath(upload.name or "").suffix.lower()
    if extension == ".csv":
        rows = _csv_rows(upload)
    elif extension == ".xlsx":
        rows = _xlsx_rows(upload)
    else:
        raise ValidationError(_("Import a CSV or XLSX file."))
    try:
        return _read_rows(rows)
    except csv.Error:
        raise ValidationError(_("The file is not a CSV file of text.")) from None


def _read_rows(rows) -> Read:
    result = Read()
    for number, row in enumerate(rows_within_limit(rows), start=1):
        cells = [_text(value) for value in row]
        if number == 1 or not any(cells):
            continue  # the header; empty lines
        form = CompletionForm(_form_data(cells))
        if form.is_valid():
            result.rows.append(form.completion())
            continue
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                result.errors.append(
                    _("Row %(row)s: %(field)s: %(error)s")
                    % {"row": number, "field": label, "error": error}
                )
    if not result.rows and not result.errors:
        result.errors.append(_("The file holds no completion under its header row."))
    return result
