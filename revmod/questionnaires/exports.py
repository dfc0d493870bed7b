"""A review's answers, written feedback and list of observations as documents to download: PDF
(WeasyPrint, revmod.lib.pdf) and DOCX (python-docx, revmod.lib.docx), in one of the review's
working languages, right to left in Arabic.

Each export is first built as plain data (`Export`: a header of facts, then sections of blocks),
in the chosen language, from what the pages show and nothing more: the answers and the feedback
as submitted (the frozen snapshot, its SHA-256 and date) once they are, else the current draft,
marked as such; the list of observations' latest version or the one asked for, with its
sign-offs. The two formats then lay out the same data, so they cannot say different things.

Who may read what is decided where the pages decide it (actions.access_for,
feedback.access_for, observations.access_for): see `may_read`."""

from dataclasses import dataclass, field
from itertools import groupby

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from revmod.lib.downloads import attachment, pdf_response, xml_safe
from revmod.lib.i18n import join_list, localized, normalize_language, suffix
from revmod.questionnaires import actions, feedback, observations
from revmod.questionnaires.models import (
    Answer,
    AnswerSubmission,
    Comment,
    FeedbackSubmission,
    ObservationVersion,
    SignOff,
)
from revmod.registry.models import Party
from revmod.reviews import access as review_access
from revmod.reviews.access import Material
from revmod.reviews.models import Consultation, Review
from revmod.reviews.schedule import Loaded

WHATS = ("answers", "feedback", "observations")
FORMATS = ("pdf", "docx")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Block:
    """One item: a heading (a question), then label/text pairs (a two-column table), free text,
    or a table with a header row."""

    heading: str = ""
    note: str = ""
    pairs: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Section:
    heading: str
    blocks: list[Block]
    note: str = ""


@dataclass
class Export:
    what: str
    language: str  # a column suffix: "ar", "zh", ...
    title: str
    facts: list[tuple[str, str]]  # the header: review, language, date, submission
    draft: bool
    status: str  # one sentence: submitted, signed off, or what the draft is
    sections: list[Section]
    empty: str = ""  # said when there is no section
    filename: str = ""

    @property
    def ui_language(self) -> str:
        return normalize_language(self.language)


# Languages ----------------------------------------------------------------------------------


def working_languages(review: Review) -> list[str]:
    """The review's working languages as agreed at its initial consultation (column suffixes,
    in the order of the six); the reader's language when none was agreed (no consultation
    yet, or no agreement), so a document can always be made."""
    return Consultation.languages_of(review) or [suffix()]


def choose_language(asked: str | None, languages: list[str]) -> str | None:
    """The language asked (None when it is not a working language), or by default the reader's
    language if it is one, else the first working language."""
    if asked is not None:
        return asked if asked in languages else None
    current = suffix()
    return current if current in languages else languages[0]


def links(review: Review, what: str, languages: list[str]) -> list[dict]:
    """The download links of one export, per working language (the name in that language)."""
    result = []
    for language in languages:
        urls = {
            fmt: reverse("questionnaires:export", args=[review.pk, what, fmt]) + f"?lang={language}"
            for fmt in FORMATS
        }
        ui = normalize_language(language)
        result.append({"language": ui, "name": get_language_info(ui)["name_local"], **urls})
    return result


# Access -------------------------------------------------------------------------------------


def may_read(user, review: Review, what: str, loaded: Loaded) -> bool:
    """Whether `user` may read `what` of `review`, as on its page: the answers (the reviewing
    parties once submitted), the feedback (the party under review once submitted), the list of
    observations (every participant)."""
    if what == "answers":
        access = actions.access_for(user, review)
    elif what == "feedback":
        access = feedback.access_for(user, review, loaded)
    else:
        return observations.access_for(user, review) is not None
    return access is not None and access.may_read


# Building -----------------------------------------------------------------------------------


def clean(text: str) -> str:
    """What someone typed, without the control characters neither format can draw or hold (a
    vertical tab pasted from a word processor)."""
    return xml_safe(text).strip()


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _person(user) -> str:
    return user.display_name  # never the e-mail address a user name may be


def _header(review: Review, loaded: Loaded, language: str) -> list[tuple[str, str]]:
    ui = normalize_language(language)
    return [
        (_("Party under review"), review.party.label),
        (_("Cluster"), review.cluster.label),
        (
            _("Reviewing parties"),
            join_list(p.reviewer.label for p in loaded.pairings[review.party_id]) or "—",
        ),
        (_("Language"), str(dict(settings.LANGUAGES)[ui])),
        (_("Made on"), formats.date_format(timezone.localdate(), "DATE_FORMAT")),
    ]


def _article_heading(article) -> str:
    # The page's words ("UNTOC, article 5: ..."), with its translation of "article N".
    number = _("article %(number)s") % {"number": article.number}
    return f"{article.instrument.short_label}, {number}: {article.label}"


def _filename(review: Review, what: str, language: str, extra: str = "") -> str:
    """ASCII, made by the server: party code, cluster, what, language."""
    return f"{review.party.code}-cluster{review.cluster.number}-{what}{extra}-{language}"


def _submitted(facts: list[tuple[str, str]], submission) -> None:
    """The facts of a frozen submission (its `by` fetched): when, by whom, its SHA-256."""
    facts += [
        (_("Submitted on"), _when(submission.at)),
        (_("Submitted by"), _person(submission.by)),
        (_("SHA-256"), submission.sha256),
    ]


def answers(
    review: Review, loaded: Loaded, language: str, submission: AnswerSubmission | None = None
) -> Export | None:
    """The answers: `submission` (one of the review's frozen submissions) when given; else as
    submitted when the review is past the questionnaire and they were, else the current draft.
    None when no questionnaire is published for the review's cluster."""
    if submission is None and review_access.submitted(Material.ANSWERS, review.stage):
        submitted = AnswerSubmission.objects.filter(answer_set__review=review)
        submission = submitted.select_related("by", "answer_set__template").last()
    template = (
        submission.answer_set.template if submission is not None else actions.template_for(review)
    )
    if template is None:
        return None
    questions = actions.questions_for(review, template)
    if submission is not None:
        by_key = {a["question"]: a for a in submission.snapshot.get("answers", [])}
        found = {q.pk: by_key[q.key] for q in questions if q.key in by_key}
    else:
        found = {
            a.question_id: {
                "value": a.value,
                "citations": a.citations,
                "text": a.text,
                "attachments": [actions.attached(f) for f in a.attachments.all()],
            }
            for a in Answer.objects.filter(
                answer_set__review=review, answer_set__template=template
            ).prefetch_related(actions.ATTACHMENTS)
        }
    facts = _header(review, loaded, language)
    facts.append((_("Questionnaire"), str(template)))
    if submission is not None:
        _submitted(facts, submission)
        status = _("The answers as submitted.")
    else:
        status = _("The answers as saved so far, not submitted.")
    sections = []
    for article, items in groupby(questions, key=lambda q: q.article):
        blocks = []
        for q in items:
            answer = found.get(q.pk)
            block = Block(heading=localized(q, "text", language))
            if not getattr(q, f"text_{language}"):
                block.note = _("Not yet translated: shown in English.")
            if answer is None:
                block.pairs.append((_("Answer"), _("Not answered.")))
                blocks.append(block)
                continue
            if q.has_value:
                shown = actions.shown_value(q, answer.get("value", []), language)
                block.pairs.append((_("Answer"), "; ".join(shown) or "—"))
            if q.has_citations:
                citations = clean(answer.get("citations", "")) or "—"
                block.pairs.append((_("Citations of legislation"), citations))
            block.pairs.append((_("Explanation"), clean(answer.get("text", "")) or "—"))
            files = answer.get("attachments", [])
            if files:
                listed = [f"{f['name']} (SHA-256 {f['sha256'][:16]}…)" for f in files]
                block.pairs.append((_("Attached files"), "\n".join(listed)))
            blocks.append(block)
        sections.append(Section(_article_heading(article), blocks))
    return Export(
        what="answers",
        language=language,
        title=_("Self-assessment questionnaire"),
        facts=facts,
        draft=submission is None,
        status=status,
        sections=sections,
        empty=_("The questionnaire has no question for this review."),
        filename=_filename(review, "answers", language),
    )


def feedback_export(
    review: Review, loaded: Loaded, language: str, submission: FeedbackSubmission | None = None
) -> Export | None:
    """The written feedback, question by question with each reviewing party's comment:
    `submission` (one of the review's frozen submissions) when given; else as submitted when
    the review is past the written feedback and it was, else the current draft. None when no
    questionnaire is published for the review's cluster."""
    template = actions.template_for(review)
    if template is None:
        return None
    questions = actions.questions_for(review, template)
    if submission is None and review_access.submitted(Material.FEEDBACK, review.stage):
        submission = FeedbackSubmission.objects.filter(review=review).select_related("by").last()
    if submission is not None:
        comments = [
            (c["question"], c["party"], c["text"]) for c in submission.snapshot.get("comments", [])
        ]
    else:
        comments = list(
            Comment.objects.filter(review=review).values_list(
                "question__key", "party__code", "text"
            )
        )
    # The reviewing parties in force are loaded already; one replaced since wrote too.
    parties = {p.reviewer.code: p.reviewer for p in loaded.pairings[review.party_id]}
    gone = {c[1] for c in comments} - set(parties)
    if gone:
        parties.update((p.code, p) for p in Party.objects.filter(code__in=gone))
    order = loaded.reviewer_codes(review)
    by_question: dict[str, list[tuple[str, str]]] = {}
    for key, code, text in sorted(
        comments, key=lambda c: (order.index(c[1]) if c[1] in order else len(order), c[1])
    ):
        if text.strip():
            by_question.setdefault(key, []).append((parties[code].label, clean(text)))
    facts = _header(review, loaded, language)
    if submission is not None:
        _submitted(facts, submission)
        status = _("The written feedback as submitted by the reviewing parties.")
    else:
        status = _("The written feedback as saved so far, not submitted.")
    sections = []
    for article, items in groupby(questions, key=lambda q: q.article):
        blocks = [
            Block(heading=localized(q, "text", language), pairs=by_question[q.key])
            for q in items
            if q.key in by_question
        ]
        if blocks:
            sections.append(Section(_article_heading(article), blocks))
    return Export(
        what="feedback",
        language=language,
        title=_("Written feedback"),
        facts=facts,
        draft=submission is None,
        status=status,
        sections=sections,
        empty=_("No comment has been written."),
        filename=_filename(review, "feedback", language),
    )


def observations_export(
    review: Review, loaded: Loaded, language: str, number: int | None = None
) -> Export | None:
    """The list of observations and its summary: version `number`, or the latest, with its
    sign-offs. None when version `number` does not exist."""
    versions = ObservationVersion.objects.filter(review=review).select_related("created_by")
    version = (
        versions.filter(number=number).first()
        if number is not None
        else versions.order_by("-number").first()
    )
    if version is None and number is not None:
        return None
    facts = _header(review, loaded, language)
    parties = [review.party, *(p.reviewer for p in loaded.pairings[review.party_id])]
    if version is None:
        return Export(
            what="observations",
            language=language,
            title=_("List of observations and summary"),
            facts=facts,
            draft=True,
            status=_("No version has been saved yet."),
            sections=[],
            empty=_("No version of the list of observations has been saved yet."),
            filename=_filename(review, "observations", language),
        )
    signed = {
        s.party_id: s
        for s in SignOff.objects.filter(version=version).select_related("by").order_by("at")
    }
    facts += [
        (_("Version"), str(version.number)),
        (_("Saved on"), f"{_when(version.created_at)} ({_person(version.created_by)})"),
        (_("SHA-256"), version.sha256),
    ]
    everyone = all(p.pk in signed for p in parties)
    status = (
        _("Signed off by every party.") if everyone else _("Not yet signed off by every party.")
    )
    sections = [
        Section(str(label), [Block(text=clean(version.sections.get(key) or "") or "—")])
        for key, label in observations.SECTIONS
    ]
    rows = []
    for party in parties:
        s = signed.get(party.pk)
        rows.append(
            [party.label, _person(s.by), _when(s.at), str(version.number), version.sha256]
            if s
            else [party.label, _("Not yet signed off"), "", "", ""]
        )
    columns = [_("Party"), _("Signed off by"), _("On"), _("Version"), _("SHA-256")]
    sections.append(Section(_("Sign-offs"), [Block(columns=columns, rows=rows)]))
    return Export(
        what="observations",
        language=language,
        title=_("List of observations and summary"),
        facts=facts,
        draft=not everyone,
        status=status,
        sections=sections,
        filename=_filename(review, "observations", language, f"-v{version.number}"),
    )


def build(
    review: Review,
    what: str,
    language: str,
    *,
    loaded: Loaded,
    number: int | None = None,
    submission: AnswerSubmission | FeedbackSubmission | None = None,
) -> Export | None:
    """The export `what` of `review` in `language` (a column suffix), its texts in that
    language: the answers or feedback of `submission` (a frozen one of the review, its `by`
    fetched) when given, version `number` of the list of observations; None when there is
    nothing of that name to export."""
    with translation.override(normalize_language(language)):
        if what == "answers":
            assert submission is None or isinstance(submission, AnswerSubmission)
            return answers(review, loaded, language, submission)
        if what == "feedback":
            assert submission is None or isinstance(submission, FeedbackSubmission)
            return feedback_export(review, loaded, language, submission)
        return observations_export(review, loaded, language, number)


# Formats ------------------------------------------------------------------------------------


def as_pdf(export: Export):
    """A PDF download: pdf/base.html sets lang and dir (rtl in Arabic) on the document."""
    with translation.override(export.ui_language):
        return pdf_response(
            "questionnaires/export_pdf.html", {"export": export}, f"{export.filename}.pdf"
        )


def as_docx(export: Export):
    """A DOCX download: headings, a table of facts, a table per question; right to left in
    Arabic (revmod.lib.docx.rtl)."""
    from revmod.lib import docx  # python-docx is loaded only when needed

    safe = xml_safe  # names and labels too: a DOCX refuses control characters
    with translation.override(export.ui_language):
        document = docx.new(export.language)
        document.core_properties.title = safe(export.title)
        if export.draft:
            document.sections[0].header.paragraphs[0].text = _("Draft")
        document.add_heading(safe(export.title), 0)
        facts = document.add_table(rows=0, cols=2, style="Table Grid")
        for label, value in export.facts:
            cells = facts.add_row().cells
            cells[0].paragraphs[0].add_run(safe(label)).bold = True
            cells[1].text = safe(value)
        status = document.add_paragraph()
        if export.draft:  # as in the PDF: "Draft · what it is"
            status.add_run(_("Draft") + " · ").bold = True
        status.add_run(safe(export.status)).bold = True
        if not export.sections:
            document.add_paragraph(safe(export.empty))
        for section in export.sections:
            document.add_heading(safe(section.heading), 1)
            for block in section.blocks:
                _docx_block(document, block)
    if docx.is_rtl(export.language):
        docx.rtl(document)
    return attachment(docx.save(document), DOCX, f"{export.filename}.docx")


def _docx_block(document, block: Block) -> None:
    safe = xml_safe  # names and labels too: a DOCX refuses control characters
    if block.heading:
        document.add_heading(safe(block.heading), 2)
    if block.note:
        document.add_paragraph().add_run(safe(block.note)).italic = True
    if block.pairs:
        table = document.add_table(rows=0, cols=2, style="Table Grid")
        for label, value in block.pairs:
            cells = table.add_row().cells
            cells[0].paragraphs[0].add_run(safe(label)).bold = True
            cells[1].text = safe(value)
    for paragraph in block.text.split("\n\n") if block.text else []:
        document.add_paragraph(safe(paragraph))
    if block.columns:
        table = document.add_table(rows=1, cols=len(block.columns), style="Table Grid")
        for cell, label in zip(table.rows[0].cells, block.columns, strict=True):
            cell.paragraphs[0].add_run(safe(label)).bold = True
        for row in block.rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                cell.text = safe(value)


RENDERERS = {"pdf": as_pdf, "docx": as_docx}
