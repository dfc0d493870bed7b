"""The secretariat's statistics on the questionnaire answers (seed ¶52-54: the secretariat
analyses the submitted answers; it alone sees them across parties, seed ¶53).

For each closed question (yes / no / partly, single and multiple choice) of a cluster's
questionnaire: how many parties chose each option, and what share of the parties that answered
the question that is, overall and by regional group or by review group, for one instrument or
all. Counted from the latest submission of each review of the cluster (the frozen snapshot,
never the live answers: drafts and answers changed after a submission do not count).

`count` is pure (plain data in, plain data out); `load` reads the database in a fixed number of
queries and hands `count` its input.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revmod.lots.models import ReviewGroup
from revmod.questionnaires.actions import YES_NO_PARTLY
from revmod.questionnaires.models import AnswerSubmission, Choice, Question
from revmod.questionnaires.models import QuestionnaireTemplate as Template
from revmod.registry.models import RegionalGroup
from revmod.stats.disclosure import suppress

CLOSED = ("yes_no_partly", "single", "multiple")
BREAKDOWNS = {
    "regional_group": gettext_lazy("Regional group"),
    "group": gettext_lazy("Group"),
}


@dataclass(frozen=True)
class QuestionSpec:
    """A closed question, matched across template versions by its stable key."""

    key: str
    label: str
    kind: str
    instrument: str  # code
    instrument_label: str
    article: int
    options: list[tuple[str, str]]  # (value, label), in the order offered
    in_current: bool = True  # False: only in an earlier version some submissions answered

    @property
    def multiple(self) -> bool:
        return self.kind == "multiple"


@dataclass(frozen=True)
class Submitted:
    """One review's latest submitted answers: the slices its party falls in, per breakdown
    (e.g. {"regional_group": "AFR", "group": "1"}), and the values chosen per question key."""

    slices: dict[str, str]
    values: dict[str, list[str]]


@dataclass(frozen=True)
class Row:
    """One line of a question's table: counts per option among the parties that answered
    (`answered`, the denominator); None where the shared form hides a number."""

    key: str
    label: str
    answered: int | None
    counts: list[int | None]

    @property
    def percents(self) -> list[float | None]:
        return [
            None if c is None or not self.answered else round(100 * c / self.answered, 1)
            for c in self.counts
        ]

    @property
    def cells(self) -> list[tuple[int | None, float | None]]:
        return list(zip(self.counts, self.percents, strict=True))


@dataclass(frozen=True)
class Table:
    question: QuestionSpec
    overall: Row
    rows: list[Row]  # one per slice of the breakdown; none without a breakdown
    hidden: int  # numbers hidden (shared form)

    @property
    def lines_charted(self) -> list[Row]:
        return self.rows if self.rows and not self.hidden else [self.overall]

    def series(self) -> list[tuple[str, list[int]]]:
        """(option label, count per line) for the bar chart: per slice of the breakdown when
        nothing is hidden, else the overall row alone, without its hidden options (a bar cannot
        show what the table hides)."""
        lines = self.lines_charted
        return [
            (label, [line.counts[j] or 0 for line in lines])
            for j, (_value, label) in enumerate(self.question.options)
            if self.overall.counts[j] is not None
        ]


def count(
    questions: list[QuestionSpec],
    submissions: list[Submitted],
    *,
    breakdown: str | None = None,
    slices: list[tuple[str, str]] = (),
    shared: bool = False,
) -> list[Table]:
    """A table per question: for each option, how many of the `submissions` that answered the
    question chose it, overall and per slice of `breakdown` (`slices`: (key, label) in the order
    shown; a submission in no listed slice counts in the overall row only). A question is
    answered when a value among its options was chosen; percentages are of those parties (of a
    multiple-choice question they add up to more than 100). `shared`: with what may not leave the
    secretariat hidden (revmod.stats.disclosure)."""
    slices = list(slices) if breakdown else []
    index = {key: n for n, (key, _label) in enumerate(slices)}
    tables = []
    for question in questions:
        offered = {value: j for j, (value, _label) in enumerate(question.options)}
        overall = [0] * len(offered)
        answered = 0
        cells = [[0] * len(offered) for _slice in slices]
        totals = [0] * len(slices)
        for submission in submissions:
            chosen = {offered[v] for v in submission.values.get(question.key, ()) if v in offered}
            if not chosen:
                continue
            answered += 1
            row = index.get(submission.slices.get(breakdown or "", ""))
            if row is not None:
                totals[row] += 1
            for j in chosen:
                overall[j] += 1
                if row is not None:
                    cells[row][j] += 1
        overall_total: int | None = answered
        overall_counts: list[int | None] = list(overall)
        shown_cells: list[list[int | None]] = [list(row) for row in cells]
        shown_totals: list[int | None] = list(totals)
        hidden = 0
        if shared:
            additive = not question.multiple
            if slices and sum(totals) == answered:
                masked = suppress(cells, additive=additive, totals=totals)
                shown_cells, shown_totals = masked.cells, masked.totals
            else:
                # No breakdown (or parties outside every slice): the overall row alone.
                masked = suppress([overall], additive=additive, totals=[answered])
                shown_cells = [[None] * len(offered) for _slice in slices]
                shown_totals = [None] * len(slices)
            overall_counts, overall_total = masked.overall, masked.overall_total
            hidden = masked.hidden
        tables.append(
            Table(
                question=question,
                overall=Row("", _("All parties"), overall_total, overall_counts),
                rows=[
                    Row(key, str(label), shown_totals[n], shown_cells[n])
                    for n, (key, label) in enumerate(slices)
                ],
                hidden=hidden,
            )
        )
    return tables


def rows_for_download(tables: list[Table], breakdown: str | None, *, shared: bool) -> list[list]:
    """The tables as one sheet: a row per question × option × line (all parties, then each
    slice), with the denominator beside each count."""
    hidden = _("hidden") if shared else ""
    header = [
        _("Instrument (code)"),
        _("Instrument"),
        _("Article"),
        _("Question key"),
        _("Question"),
        _("Option"),
        str(BREAKDOWNS[breakdown]) if breakdown else _("Breakdown"),
        _("Parties that answered"),
        _("Parties that chose the option"),
        _("Per cent of the parties that answered"),
        _("Note"),
    ]
    out = [header]
    for table in tables:
        q = table.question
        for j, (_value, option) in enumerate(q.options):
            for line in [table.overall, *table.rows]:
                count_, percent = line.counts[j], line.percents[j]
                out.append(
                    [
                        q.instrument,
                        q.instrument_label,
                        q.article,
                        q.key,
                        q.label,
                        option,
                        line.label,
                        line.answered,
                        count_,
                        percent,
                        hidden if count_ is None or line.answered is None else "",
                    ]
                )
    return out


# --- Reading the database ---------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    questions: list[QuestionSpec]
    submissions: list[Submitted]
    current_version: int | None
    versions: dict[int, int]  # template version -> submissions counted that answered it


def load(cluster, *, instrument=None) -> Loaded:
    """The closed questions of `cluster`'s current questionnaire (and of the earlier versions
    the counted submissions answered, for keys the current one no longer has), and the latest
    submission of each of the cluster's reviews. Four queries, whatever the number of
    submissions."""

    templates = {t.pk: t for t in Template.objects.filter(cluster=cluster)}
    published = [t for t in templates.values() if t.published]
    current = max(published, key=lambda t: t.version) if published else None
    submissions, answered_versions = _latest_submissions(cluster)
    wanted = set(answered_versions) | ({current.pk} if current else set())
    found = (
        Question.objects.filter(template__in=wanted, kind__in=CLOSED)
        .select_related("article__instrument")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order", "pk")))
    )
    if instrument is not None:
        found = found.filter(article__instrument=instrument)
    return Loaded(
        questions=_specs(list(found), templates, current),
        submissions=submissions,
        current_version=current.version if current else None,
        versions={
            templates[pk].version: n
            for pk, n in sorted(answered_versions.items())
            if pk in templates
        },
    )


def _latest_submissions(cluster) -> tuple[list[Submitted], Counter[int]]:
    """The latest submission of each of `cluster`'s reviews, as `Submitted`, and how many of
    them answered each template (by template id). One query."""
    latest = AnswerSubmission.objects.filter(answer_set=OuterRef("answer_set")).order_by(
        "-at", "-pk"
    )
    rows = AnswerSubmission.objects.filter(
        answer_set__review__cluster=cluster, pk=Subquery(latest.values("pk")[:1])
    ).select_related("answer_set__review__party", "answer_set__review__group")
    submissions: list[Submitted] = []
    answered_versions: Counter[int] = Counter()
    for row in rows:
        review = row.answer_set.review
        template_id = row.snapshot.get("template") or row.answer_set.template_id
        answered_versions[template_id] += 1
        submissions.append(
            Submitted(
                slices={
                    "regional_group": str(review.party.regional_group_id or ""),
                    "group": str(review.group.number),
                },
                values={a["question"]: list(a.get("value") or []) for a in row.snapshot["answers"]},
            )
        )
    return submissions, answered_versions


def _specs(found: list[Question], templates: dict[int, Template], current) -> list[QuestionSpec]:
    """One QuestionSpec per key among the questions `found` (all versions, in the model's
    order: instrument, article): the current version's questions first, then those only
    earlier versions have, each group in the order of its wording's question."""
    by_key: dict[str, list[Question]] = {}
    for question in found:
        by_key.setdefault(question.key, []).append(question)
    yes_no = [(value, str(label)) for value, label in YES_NO_PARTLY]
    order = {q.pk: n for n, q in enumerate(found)}
    questions, position = [], {}
    for key, versions in by_key.items():
        # The current version's wording first, then the latest earlier one.
        versions.sort(
            key=lambda q: (
                q.template_id != (current and current.pk),
                -templates[q.template_id].version,
            )
        )
        questions.append(_spec(versions, current, yes_no))
        position[key] = order[versions[0].pk]
    questions.sort(key=lambda q: (not q.in_current, position[q.key]))
    return questions


def _spec(versions: list[Question], current, yes_no: list[tuple[str, str]]) -> QuestionSpec:
    """The question of one key, worded as `versions[0]`, with the options of every version
    (in the order offered, the first version's first, each value once)."""
    first = versions[0]
    options: list[tuple[str, str]] = []
    for question in versions:
        offered = (
            yes_no
            if question.kind == "yes_no_partly"
            else [(c.value, c.label) for c in question.choices.all()]
        )
        options += [o for o in offered if o[0] not in {v for v, _label in options}]
    return QuestionSpec(
        key=first.key,
        label=first.label,
        kind=first.kind,
        instrument=first.article.instrument.code,
        instrument_label=first.article.instrument.short_label,
        article=first.article.number,
        options=options,
        in_current=current is not None and first.template_id == current.pk,
    )


def slices_for(breakdown: str | None) -> list[tuple[str, str]]:
    """The slices of a breakdown, in the order shown (one query)."""

    if breakdown == "regional_group":
        groups = [(str(g.pk), g.label) for g in RegionalGroup.objects.all()]
        return groups + [("", _("No regional group"))]
    if breakdown == "group":
        return [(str(g.number), str(g)) for g in ReviewGroup.objects.all()]
    return []
