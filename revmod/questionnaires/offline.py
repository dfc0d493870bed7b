"""The questionnaire's offline round trip, for ministries on slow links: download the questions
and the current answers as XLSX or DOCX in one of the review's working languages, fill the file
offline, upload it. The upload is validated as a whole: any problem (an unknown option, two
options for a single choice, a question not ours, a file of another review or another version
of the questionnaire, an answer changed online since the download and in the file too) is
reported with its cell or question number, and nothing is imported until the file is right.

Each file carries what the upload needs to map it back, signed (django.core.signing) so that a
file that is not one of ours is recognised: the review, the template, the language, and for each
question the answer's version and a fingerprint of its content at download time. The fingerprint
tells an answer edited in the file from one left as downloaded: an answer changed online after
the download but not edited in the file is kept as it is online, not reported as a conflict.
This module makes and reads the files; `offline_import` imports them."""

import hashlib
import io
import json
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from revmod.lib import cells, uploads
from revmod.lib.downloads import xml_safe
from revmod.lib.i18n import LANGUAGE_CODES, RTL_LANGUAGES, localized, normalize_language
from revmod.questionnaires import actions
from revmod.questionnaires.models import Answer, Question, QuestionnaireTemplate
from revmod.reviews.models import Consultation, Review

SALT = "revmod.questionnaires.offline"
FORMATS = ("xlsx", "docx")
META_SHEET = "revmod"
FIRST_ROW = 4  # XLSX: title, instructions, column headings, then one row per question
COLUMNS = "ABCDEFG"  # key, article, question, instructions, answer, citations, explanation
ANSWER, CITATIONS, EXPLANATION = 4, 5, 6  # 0-based column indexes
ATTACHED = "H"  # the names of the files attached online: shown, never read back


class OfflineError(Exception):
    """The upload refused as a whole: `problems` lists each, for the person who uploaded."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Row:
    """One question's answer as read from a file: `where` is its row (XLSX) or table (DOCX),
    `cell` its answer cell (XLSX), `problem` what makes it unreadable (DOCX)."""

    key: str
    where: str
    cell: str = ""
    value: str = ""
    citations: str = ""
    text: str = ""
    problem: str = ""


def languages_for(review: Review) -> list[str]:
    """The review's working languages (UI codes, in the six's order); all six when the initial
    consultation has not recorded any."""
    agreed = Consultation.languages_of(review)
    return [normalize_language(code) for code in agreed] or list(LANGUAGE_CODES)


def default_language(languages: list[str]) -> str:
    """The person's current language if it is one of `languages`, else the first."""
    current = normalize_language(translation.get_language())
    return current if current in languages else languages[0]


def normalized(text: str) -> str:
    return " ".join(text.split()).casefold()


def _clean_text(text) -> str:
    return "" if text is None else str(text).replace("\r\n", "\n").strip()


def fingerprint(value: list[str], citations: str, text: str) -> str:
    """A short digest of an answer's content, to tell an edited answer from one untouched."""
    data = json.dumps([sorted(value), _clean_text(citations), _clean_text(text)])
    return hashlib.sha256(data.encode()).hexdigest()[:16]


EMPTY = fingerprint([], "", "")


@dataclass
class Sheet:
    """What both formats show: the review's questions in order with their answers."""

    review: Review
    template: QuestionnaireTemplate
    language: str
    questions: list[Question]
    answers: dict[int, Answer]

    def token(self) -> str:
        answers = {
            q.key: [a.version, fingerprint(a.value, a.citations, a.text)]
            for q in self.questions
            if (a := self.answers.get(q.pk))
        }
        data = {
            "review": self.review.pk,
            "template": self.template.pk,
            "version": self.template.version,
            "language": self.language,
            "answers": answers,
        }
        return signing.dumps(data, salt=SALT, compress=True)

    def shown(self, question: Question) -> str:
        answer = self.answers.get(question.pk)
        if answer is None:
            return ""
        return "; ".join(actions.shown_value(question, answer.value, self.language))

    def attached(self, question: Question) -> str:
        """The names of the files attached to the answer online (attachments are added and taken
        off online only: a file cannot carry them)."""
        answer = self.answers.get(question.pk)
        files = answer.attachments.all() if answer else []
        names = (f.version.original_name or f.version.document.title for f in files)
        return "\n".join(xml_safe(name) for name in names)

    def article(self, question: Question) -> str:
        article = question.article
        return _("%(instrument)s, article %(number)s: %(title)s") % {
            "instrument": localized(article.instrument, "short", self.language),
            "number": article.number,
            "title": localized(article, "title", self.language),
        }

    def instructions(self, question: Question) -> str:
        if question.kind == Question.Kind.MULTIPLE:
            return _("Choose one or more, separated by “;”: %(options)s") % {
                "options": "; ".join(
                    label for _v, label in actions.choice_options(question, self.language)
                )
            }
        if question.has_value:
            return _("Choose one: %(options)s") % {
                "options": "; ".join(
                    label for _v, label in actions.choice_options(question, self.language)
                )
            }
        if question.kind == Question.Kind.CITATIONS:
            return _("Cite the legislation; explain if needed.")
        return _("Answer in the explanation.")


def sheet_for(review: Review, language: str) -> Sheet | None:
    """The questions and current answers of `review` (None without a questionnaire), in a fixed
    number of queries."""
    template = actions.template_for(review)
    if template is None:
        return None
    questions = actions.questions_for(review, template)
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(
            answer_set__review=review, answer_set__template=template
        ).prefetch_related(actions.ATTACHMENTS)
    }
    return Sheet(review, template, language, questions, answers)


def _title(sheet: Sheet) -> str:
    return _("Self-assessment questionnaire: %(party)s, %(cluster)s (version %(version)s)") % {
        "party": localized(sheet.review.party, "name", sheet.language),
        "cluster": localized(sheet.review.cluster, "title", sheet.language),
        "version": sheet.template.version,
    }


def _how_to() -> str:
    return _(
        "Fill in the answers offline, then upload this file on the questionnaire page. Do not "
        "change the questions or their order. For a choice, write the option as offered (or "
        "several, separated by “;”, where more than one may be chosen). Nothing is imported "
        "until every answer in the file is valid."
    )


# XLSX ---------------------------------------------------------------------------------------


def render_xlsx(sheet: Sheet) -> bytes:
    """The questionnaire as a workbook: one row per question, the answer cells unlocked (with a
    drop-down of the options), everything else locked; the signed metadata on a hidden sheet.
    Every cell is written by lib.cells: text, whoever typed it, never runs as a formula."""
    from openpyxl import Workbook

    with translation.override(sheet.language):
        workbook = Workbook()
        ws = workbook.active
        ws.title = _("Questionnaire")[:31]
        meta = workbook.create_sheet(META_SHEET)
        meta.sheet_state = "hidden"
        cells.set_cell(meta["A1"], sheet.token())
        _xlsx_headings(ws, sheet)
        for n, question in enumerate(sheet.questions, start=1):
            row = FIRST_ROW + n - 1
            _xlsx_question(ws, sheet, question, n, row)
            if question.has_value:
                _xlsx_options(ws, meta, sheet, question, row)
        _xlsx_layout(ws, sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_headings(ws, sheet: Sheet) -> None:
    """The title, how to answer, and the columns' headings (rows 1 to 3)."""
    from openpyxl.styles import Alignment, Font

    cells.set_cell(ws["B1"], _title(sheet))
    ws["B1"].font = Font(bold=True, size=14)
    cells.set_cell(ws["B2"], _how_to())
    ws["B2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"B2:{ATTACHED}2")
    ws.row_dimensions[2].height = 60
    headings = [
        "key",
        _("Article"),
        _("Question"),
        _("How to answer"),
        _("Answer"),
        _("Citations of legislation"),
        _("Explanation"),
    ]
    for column, heading in zip(COLUMNS, headings, strict=True):
        cells.set_cell(ws[f"{column}3"], heading)
        ws[f"{column}3"].font = Font(bold=True)
    cells.set_cell(ws[f"{ATTACHED}3"], _("Attached files (attach them online)"))
    ws[f"{ATTACHED}3"].font = Font(bold=True)


def _xlsx_question(ws, sheet: Sheet, question: Question, n: int, row: int) -> None:
    """Question `n`'s row: its text and answer, the cells it answers in unlocked, the others
    grey, the attached files' names shown (grey: attached online only)."""
    from openpyxl.styles import Alignment, PatternFill, Protection

    grey = PatternFill("solid", fgColor="DDDDDD")
    wrap = Alignment(wrap_text=True, vertical="top")
    answer = sheet.answers.get(question.pk)
    values = [
        question.key,
        sheet.article(question),
        f"{n}. {localized(question, 'text', sheet.language)}",
        sheet.instructions(question),
        sheet.shown(question),
        answer.citations if answer else "",
        answer.text if answer else "",
    ]
    for column, value in zip(COLUMNS, values, strict=True):
        cells.set_cell(ws[f"{column}{row}"], value)
        ws[f"{column}{row}"].alignment = wrap
    editable = [EXPLANATION]
    editable += [ANSWER] if question.has_value else []
    editable += [CITATIONS] if question.has_citations else []
    cells.set_cell(ws[f"{ATTACHED}{row}"], sheet.attached(question))
    ws[f"{ATTACHED}{row}"].alignment = wrap
    ws[f"{ATTACHED}{row}"].fill = grey
    for index in (ANSWER, CITATIONS, EXPLANATION):
        cell = ws[f"{COLUMNS[index]}{row}"]
        if index in editable:
            cell.protection = Protection(locked=False)
        else:
            cell.fill = grey


def _xlsx_options(ws, meta, sheet: Sheet, question: Question, row: int) -> None:
    """A choice question's drop-down: its options on the hidden sheet, one row per question (a
    list written inline in the rule breaks on commas and stops at 255 characters)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    options = [label for _v, label in actions.choice_options(question, sheet.language)]
    for i, label in enumerate(options):
        cells.set_cell(meta.cell(row=row, column=2 + i), label)
    last = meta.cell(row=row, column=1 + len(options)).column_letter
    rule = DataValidation(
        type="list",
        formula1=f"{META_SHEET}!$B${row}:${last}${row}",
        # Several options may be typed ("a; b") where several may be chosen.
        showErrorMessage=question.kind != Question.Kind.MULTIPLE,
        error=_("Choose among the options offered."),
        prompt=sheet.instructions(question)[:250],
        showInputMessage=True,
    )
    rule.add(f"E{row}")
    ws.add_data_validation(rule)


def _xlsx_layout(ws, sheet: Sheet) -> None:
    """Widths, the key column hidden, the headings frozen, the sheet protected (widths and
    heights may still be changed), right to left in Arabic."""
    ws.column_dimensions["A"].hidden = True
    for column, width in zip("BCDEFGH", [30, 60, 30, 30, 40, 60, 30], strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = f"B{FIRST_ROW}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.sheet_view.rightToLeft = sheet.language in RTL_LANGUAGES


def read_xlsx(upload) -> tuple[str | None, list[Row]]:
    """The signed metadata (None when absent) and the rows of an uploaded workbook, read as a
    stream (openpyxl's read-only mode) once the archive is checked (lib.uploads.check_archive),
    at most settings.REVMOD_MAX_ROWS rows: beyond a limit, OfflineError says which. Text comes
    back as written: the cells we wrote are strings (lib.cells), not text with a quote added."""
    from openpyxl import load_workbook

    try:
        uploads.check_archive(upload, "xlsx")
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except ValidationError as error:
        raise OfflineError(error.messages) from None
    except Exception:  # a damaged or foreign workbook: openpyxl raises many kinds
        return None, []
    try:
        if META_SHEET not in workbook.sheetnames or len(workbook.worksheets) < 2:
            return None, []
        token = workbook[META_SHEET]["A1"].value
        rows = _xlsx_rows(workbook.worksheets[0])
    except ValidationError as error:
        raise OfflineError(error.messages) from None
    except Exception:  # read as a stream: a damaged sheet is found while reading it
        return None, []
    finally:
        workbook.close()
    return (token if isinstance(token, str) else None), rows


def _xlsx_rows(ws) -> list[Row]:
    rows = []
    read = ws.iter_rows(min_row=FIRST_ROW, max_col=len(COLUMNS))
    for cells_of_row in uploads.rows_within_limit(read):
        key = _clean_text(cells_of_row[0].value)
        if not key:
            continue
        number = cells_of_row[0].row
        rows.append(
            Row(
                key=key,
                where=_("row %(row)s") % {"row": number},
                cell=f"{COLUMNS[ANSWER]}{number}",
                value=_clean_text(cells_of_row[ANSWER].value),
                citations=_clean_text(cells_of_row[CITATIONS].value),
                text=_clean_text(cells_of_row[EXPLANATION].value),
            )
        )
    return rows


# DOCX ---------------------------------------------------------------------------------------


def _rows_of(question: Question) -> list[str]:
    """The fields of a question's table after its first row, in order."""
    return [
        *(["value"] if question.has_value else []),
        *(["citations"] if question.has_citations else []),
        "text",
    ]


def render_docx(sheet: Sheet) -> bytes:
    """The questionnaire as a document: per article, per question a table (first row: the key
    in a small cell and the question; then the answer with its options, the citations where the
    kind has them, the explanation). The signed metadata is the document's description (core
    properties), the key maps each table back."""
    from docx.shared import Cm, Pt, RGBColor

    from revmod.lib import docx  # python-docx is loaded only when needed

    with translation.override(sheet.language):
        document = docx.new(sheet.language)
        document.core_properties.title = _title(sheet)[:255]
        # python-docx caps core properties at 255 characters when set through its API; the
        # format has no such limit and the token (one version per question) is longer.
        document.core_properties._element._get_or_add("description").text = sheet.token()
        document.add_heading(_title(sheet), level=1)
        document.add_paragraph(_how_to())
        labels = {
            "value": _("Answer"),
            "citations": _("Citations of legislation"),
            "text": _("Explanation"),
        }
        article = None
        for n, question in enumerate(sheet.questions, start=1):
            if question.article != article:
                article = question.article
                document.add_heading(sheet.article(question), level=2)
            answer = sheet.answers.get(question.pk)
            contents = {
                "value": sheet.shown(question),
                "citations": answer.citations if answer else "",
                "text": answer.text if answer else "",
            }
            fields = _rows_of(question)
            table = document.add_table(rows=1 + len(fields), cols=2)
            table.style = "Table Grid"
            key_cell, question_cell = table.rows[0].cells
            key_cell.text = question.key
            key_run = key_cell.paragraphs[0].runs[0]
            key_run.font.size, key_run.font.color.rgb = Pt(7), RGBColor(0x77, 0x77, 0x77)
            question_cell.paragraphs[0].add_run(
                f"{n}. {localized(question, 'text', sheet.language)}"
            ).bold = True
            for row, field in zip(table.rows[1:], fields, strict=True):
                label_cell, content_cell = row.cells
                label_cell.paragraphs[0].add_run(labels[field]).bold = True
                if field == "value":
                    hint = label_cell.add_paragraph().add_run(sheet.instructions(question))
                    hint.font.size = Pt(8)
                content_cell.text = contents[field]
            for row in table.rows:
                row.cells[0].width, row.cells[1].width = Cm(4), Cm(12)
            attached = sheet.attached(question)
            if attached:
                # Below the table: shown, never read back (files are attached online).
                note = document.add_paragraph()
                note.add_run(_("Attached files (attach them online)") + ": ").bold = True
                note.add_run(attached.replace("\n", "; "))
            document.add_paragraph()
        if docx.is_rtl(sheet.language):
            docx.rtl(document)
    return docx.save(document)


def read_docx(upload, questions: dict[str, Question]) -> tuple[str | None, list[Row]]:
    """The signed metadata (None when absent) and the answers of an uploaded document. Each
    question's table is found by the key in its first cell; its rows are read by position."""
    from revmod.lib import docx  # python-docx is loaded only when needed

    try:
        document = docx.read(upload)  # within the limits of lib.uploads
    except ValidationError as error:
        raise OfflineError(error.messages) from None
    except Exception:  # a damaged or foreign document: python-docx raises many kinds
        return None, []
    token = document.core_properties.comments or None
    rows = []
    for t, table in enumerate(document.tables, start=1):
        cells = [[c.text for c in row.cells] for row in table.rows]
        key = _clean_text(cells[0][0]) if cells and cells[0] else ""
        row = Row(key=key, where=_("table %(number)s") % {"number": t})
        question = questions.get(key)
        if question is not None:
            fields = _rows_of(question)
            extra = [r for r in cells[1 + len(fields) :] if any(_clean_text(c) for c in r)]
            if extra or len(cells) < 1 + len(fields) or any(len(r) < 2 for r in cells):
                row.problem = _(
                    "the table's rows were changed; write only in the cells of its second column."
                )
            else:
                for field, cells_of_field in zip(fields, cells[1:], strict=False):
                    setattr(row, field, _clean_text(cells_of_field[1]))
        rows.append(row)
    return token, rows
