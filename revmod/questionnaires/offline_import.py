"""Importing a filled offline questionnaire (XLSX or DOCX, made by `offline`): the file's
signed hidden part checked, every row checked, then every changed answer saved at once or
nothing; the problems listed per cell or question."""

import datetime as dt
import re
from dataclasses import dataclass

from django.core import signing
from django.utils.translation import gettext as _

from revmod.accounts.models import User
from revmod.questionnaires import actions
from revmod.questionnaires.models import Answer, Question
from revmod.questionnaires.offline import (
    EMPTY,
    SALT,
    OfflineError,
    fingerprint,
    normalized,
    read_docx,
    read_xlsx,
)
from revmod.reviews.models import Review


def _parse_value(
    question: Question, text: str, language: str, where: str
) -> tuple[list[str], list[str]]:
    """The chosen values written in `text` (labels in `language` or values, any case and
    spacing; several separated by ";" or new lines), and the problems found."""
    if not question.has_value:
        return [], []
    options = actions.choice_options(question, language)
    known = {normalized(label): value for value, label in options}
    known.update({normalized(value): value for value, _label in options})
    chosen, problems = [], []
    for part in re.split(r"[;\n]+", text):
        if not part.strip():
            continue
        value = known.get(normalized(part))
        if value is None:
            problems.append(
                _("%(where)s: “%(option)s” is not one of the options (%(options)s).")
                % {
                    "where": where,
                    "option": part.strip(),
                    "options": "; ".join(label for _v, label in options),
                }
            )
        elif value not in chosen:
            chosen.append(value)
    if question.kind != Question.Kind.MULTIPLE and len(chosen) > 1:
        problems.append(_("%(where)s: choose one option only.") % {"where": where})
    order = [value for value, _label in options]
    return sorted(chosen, key=order.index), problems


@dataclass(frozen=True)
class Imported:
    imported: int
    unchanged: int


def _meta(token, review: Review, template) -> dict:
    """The file's signed hidden part (which review, which version, what was downloaded), or
    OfflineError when it is not this review's questionnaire as downloaded from here."""
    try:
        meta = signing.loads(token or "", salt=SALT)
    except signing.BadSignature:
        raise OfflineError(
            [
                _(
                    "This file is not a questionnaire downloaded from this platform, or its hidden "
                    "part was changed. Download the questionnaire again and fill in that file."
                )
            ]
        ) from None
    if meta["review"] != review.pk:
        raise OfflineError(
            [
                _(
                    "This file is the questionnaire of another review. Upload it on that review's "
                    "page, or download this review's questionnaire."
                )
            ]
        )
    if meta["template"] != template.pk:
        raise OfflineError(
            [
                _(
                    "This file holds version %(file)s of the questionnaire; this review answers "
                    "version %(current)s. Download the questionnaire again."
                )
                % {"file": meta["version"], "current": template.version}
            ]
        )
    return meta


def _check_rows(rows, questions: dict, meta: dict, review: Review, template):
    """Every row of the file checked: (problems, the answers changed as (question, version,
    value, citations, text), how many rows are unchanged). Nothing is saved."""
    current = {
        a.question_id: a
        for a in Answer.objects.filter(
            answer_set__review=review, answer_set__template=template
        ).select_related("updated_by")
    }
    problems, changes, seen, unchanged = [], [], set(), 0
    for row in rows:
        question = questions.get(row.key)
        if question is None:
            problems.append(
                _("%(where)s: “%(key)s” is not a question of this questionnaire.")
                % {"where": row.where, "key": row.key}
            )
            continue
        if row.key in seen:
            problems.append(
                _("%(where)s: question %(number)s is in the file twice.")
                % {"where": row.where, "number": question.number}
            )
            continue
        seen.add(row.key)
        where = (
            _("cell %(cell)s (question %(number)s)") % {"cell": row.cell, "number": question.number}
            if row.cell
            else _("question %(number)s") % {"number": question.number}
        )
        if row.problem:
            problems.append(_("%(where)s: %(problem)s") % {"where": where, "problem": row.problem})
            continue
        value, found = _parse_value(question, row.value, meta["language"], where)
        problems += found
        citations = row.citations if question.has_citations else ""
        answer = current.get(question.pk)
        now_saved = fingerprint(answer.value, answer.citations, answer.text) if answer else None
        in_file = fingerprint(value, citations, row.text)
        downloaded_version, downloaded = meta["answers"].get(row.key, [0, EMPTY])
        if found or in_file in {now_saved or EMPTY, downloaded}:
            # As saved now, or as downloaded (what was saved online since then stays).
            unchanged += 1
            continue
        version = answer.version if answer else 0
        if version != downloaded_version:
            who = (
                (answer.updated_by.get_full_name() or answer.updated_by.username)
                if (answer)
                else "?"
            )
            problems.append(
                _(
                    "%(where)s: this answer was changed online by %(who)s after the file was "
                    "downloaded. A new download includes that change: copy your answer into "
                    "it and upload it."
                )
                % {"where": where, "who": who}
            )
            continue
        changes.append((question, version, value, citations, row.text))
    return problems, changes, unchanged


def import_answers(
    review: Review,
    upload,
    fmt: str,
    *,
    by: User,
    now: dt.datetime,
    on_behalf_of: str | None = None,
    reason: str = "",
) -> Imported:
    """Import the answers of an uploaded XLSX or DOCX (already checked by check_upload) into
    `review`, as `by`. Every answer is validated first; any problem raises OfflineError listing
    them all and nothing is saved. Otherwise every answer edited in the file is saved, all or
    none, through actions.save_answers (answers left as they were are not saved again). Who
    may answer, and when, is save_answers' to decide (AnswerError); `on_behalf_of`, `reason`:
    the secretariat uploads the file a party sent (actions.answering_access)."""
    if on_behalf_of:
        try:
            actions.answering_access(by, review, on_behalf_of, reason)
        except actions.AnswerError as error:
            raise OfflineError([str(error)]) from None
    template = actions.template_for(review)
    if template is None:
        raise OfflineError([_("This review has no questionnaire yet.")])
    questions = {q.key: q for q in actions.questions_for(review, template)}
    for number, question in enumerate(questions.values(), start=1):
        question.number = number
    token, rows = read_xlsx(upload) if fmt == "xlsx" else read_docx(upload, questions)
    meta = _meta(token, review, template)
    problems, changes, unchanged = _check_rows(rows, questions, meta, review, template)
    if problems:
        raise OfflineError(problems)
    try:
        drafts = [actions.Draft(*change) for change in changes]
        if drafts:
            actions.save_answers(
                review, drafts, by=by, now=now, on_behalf_of=on_behalf_of, reason=reason
            )
    except actions.StaleAnswer as stale:  # saved online between the checks and the saves
        raise OfflineError(
            [
                _("Question %(number)s: %(error)s Nothing was imported: upload the file again.")
                % {"number": questions[stale.current.question.key].number, "error": stale}
            ]
        ) from None
    except actions.AnswerError as error:
        raise OfflineError([str(error)]) from None
    return Imported(imported=len(changes), unchanged=unchanged)
