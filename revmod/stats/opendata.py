"""The open datasets: what the public may read of the mechanism, as rows and a data dictionary.

Each dataset is a header of columns (name, type, meaning in the active language) and rows of
plain values (text, integers, ISO dates, booleans, None), the same for the CSV and JSON
downloads of the public pages (revmod.public.opendata) and for the API (revmod.api.opendata).
Nothing confidential is read: the registry, the published pairings, each review's stage and
the dates its steps were completed (from its timeline, as the public statistics read it), its
working languages, and the public figures. A fixed number of queries per dataset, whatever
the number of rows.

`day` is the day of a dated snapshot (`?as_of=`), or None for today's data; each dataset says
what of it follows the day and what cannot (`Dataset.dating`).
"""

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revmod.lib.downloads import CHUNK
from revmod.lib.i18n import field_names, suffix
from revmod.lots.models import GroupAssignment, Pairing
from revmod.registry.models import Adherence, Cluster, Instrument, Party
from revmod.reviews.deadlines import STEPS, Step
from revmod.reviews.models import STAGE_LABELS, Review
from revmod.reviews.schedule import rules_by_start
from revmod.reviews.workflow import Stage
from revmod.stats import charts, status

TEXT, INTEGER, DATE, BOOLEAN = "string", "integer", "date", "boolean"


@dataclass(frozen=True)
class Column:
    name: str  # stable, for machines: the CSV header and the JSON key
    type: str  # string, integer, date (YYYY-MM-DD) or boolean
    meaning: str  # in the active language

    def as_json(self) -> dict:
        return {"name": self.name, "type": self.type, "description": str(self.meaning)}


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Promise
    description: Promise
    # What a dated snapshot (`as_of`) gives, and what of the dataset it cannot date.
    dating: Promise
    columns: Callable[[], list[Column]]
    rows: Callable[[dt.date | None], Iterator[list]]


class OpenDataError(ValueError):
    """A request for a dataset that cannot be answered: its message says why."""


DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(text: str | None, today: dt.date) -> dt.date | None:
    """The day of `?as_of=` (YYYY-MM-DD, not after `today`), None when not given; else
    OpenDataError."""
    if text is None or text == "":
        return None
    try:
        day = dt.date.fromisoformat(text) if DAY.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        raise OpenDataError(_("Give the day as YYYY-MM-DD, e.g. 2024-04-16."))
    if day > today:
        raise OpenDataError(_("A dataset cannot be given for a future day."))
    return day


def licence() -> dict:
    """The licence of the open data (settings: REVMOD_OPEN_DATA_LICENCE and its URL)."""
    return {"name": settings.REVMOD_OPEN_DATA_LICENCE, "url": settings.REVMOD_OPEN_DATA_LICENCE_URL}


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


# The parties ----------------------------------------------------------------------------------


def _names(field: str, whose: str) -> list[Column]:
    return [
        Column(name, TEXT, _("The name of %(whose)s in %(language)s.") % {"whose": whose, **lang})
        for name, lang in zip(
            field_names(field),
            ({"language": str(name)} for _code, name in settings.LANGUAGES),
            strict=True,
        )
    ]


def _party_columns() -> list[Column]:
    columns = [
        Column("code", TEXT, _("The party's code: ISO 3166-1 alpha-3, or EU.")),
        Column(
            "kind",
            TEXT,
            _("state, or reio (a regional economic integration organization)."),
        ),
        Column(
            "regional_group",
            TEXT,
            _("Its UN regional group: AFR, APG, EEG, GRULAC or WEOG; empty if none."),
        ),
        Column(
            "review_group",
            INTEGER,
            _("The group in which the drawing of lots placed it (1, 2, 3); empty if none."),
        ),
        *_names("name", _("the party")),
    ]
    for instrument in Instrument.objects.all():
        code, title = instrument.code.lower(), instrument.short_label
        columns += [
            Column(
                f"{code}_action",
                TEXT,
                _(
                    "How it joined %(instrument)s: ratification, accession, acceptance, "
                    "approval or succession; empty if it has not."
                )
                % {"instrument": title},
            ),
            Column(
                f"{code}_date",
                DATE,
                _("The day it joined %(instrument)s; empty if it has not.") % {"instrument": title},
            ),
        ]
    return columns


def _party_rows(day: dt.date | None) -> Iterator[list]:
    instruments = list(Instrument.objects.values_list("pk", flat=True))
    joined = Adherence.objects.current().select_related(None)
    if day:
        joined = joined.filter(date__lte=day)
    parties = Party.objects.select_related("regional_group").prefetch_related(
        Prefetch("adherences", queryset=joined, to_attr="joined")
    )
    placed = GroupAssignment.objects.filter(draw__published_at__isnull=False)
    if day:
        placed = placed.filter(draw__published_at__lt=_end_of(day))
    groups = dict(placed.values_list("party_id", "group__number"))
    for party in parties.order_by("code"):
        if day and not party.joined:
            continue  # not yet a party to anything on that day
        by_instrument = {a.instrument_id: a for a in party.joined}
        row = [
            party.code,
            party.kind,
            party.regional_group.code if party.regional_group else None,
            groups.get(party.pk),
            *(getattr(party, name) for name in field_names("name")),
        ]
        for pk in instruments:
            adherence = by_instrument.get(pk)
            row += [adherence.action, adherence.date.isoformat()] if adherence else [None, None]
        yield row


# The pairings ---------------------------------------------------------------------------------


def _pairing_columns() -> list[Column]:
    return [
        Column("id", INTEGER, _("The pairing's number, stable across downloads.")),
        Column("review_group", INTEGER, _("The group of the party under review (1, 2, 3).")),
        Column("reviewed_code", TEXT, _("The code of the party under review.")),
        Column("reviewed_name", TEXT, _("The name of the party under review.")),
        Column("reviewer_code", TEXT, _("The code of the reviewing party.")),
        Column("reviewer_name", TEXT, _("The name of the reviewing party.")),
        Column(
            "role",
            TEXT,
            _(
                "main (a reviewing party), or additional (drawn for the instruments the "
                "others are not party to)."
            ),
        ),
        Column(
            "instruments",
            TEXT,
            _("The codes of the instruments it reviews, separated by semicolons."),
        ),
        Column("since", DATE, _("The day the pairing took effect.")),
        Column("until", DATE, _("The day a redraw ended it; empty while in force.")),
        Column("status", TEXT, _("active (in force) or superseded (ended by a redraw).")),
        Column("superseded_by", INTEGER, _("The pairing that replaced it; empty if none.")),
        Column("draw", INTEGER, _("The number of the drawing of lots that made it.")),
        Column(
            "draw_kind",
            TEXT,
            _(
                "initial, redraw, late (parties joining later) or protocol (Protocols joined "
                "later)."
            ),
        ),
        Column("meeting_date", DATE, _("The day of the meeting at which the lots were drawn.")),
        Column("meeting_title", TEXT, _("The title of that meeting.")),
    ]


def _pairing_rows(day: dt.date | None, *, in_force: bool) -> Iterator[list]:
    pairings = Pairing.objects.select_related(
        "reviewed", "reviewer", "group", "draw__meeting"
    ).only(
        *(f"reviewed__{n}" for n in ["code", *field_names("name")]),
        *(f"reviewer__{n}" for n in ["code", *field_names("name")]),
        "group__number",
        "draw__kind",
        "draw__meeting__held_on",
        "draw__meeting__title",
        "instruments",
        "role",
        "since",
        "until",
        "superseded_by_id",
    )
    if day:
        pairings = pairings.filter(since__lte=day)
        if in_force:
            pairings = pairings.filter(Q(until=None) | Q(until__gt=day))
    elif in_force:
        pairings = pairings.filter(until=None)
    for p in pairings.order_by(
        "group__number", "reviewed__code", "role", "reviewer__code", "pk"
    ).iterator(chunk_size=CHUNK):
        ended = p.until is not None and (day is None or p.until <= day)
        yield [
            p.pk,
            p.group.number,
            p.reviewed.code,
            p.reviewed.label,
            p.reviewer.code,
            p.reviewer.label,
            p.role,
            ";".join(p.instruments),
            p.since.isoformat(),
            p.until.isoformat() if ended else None,
            "superseded" if ended else "active",
            p.superseded_by_id if ended else None,
            p.draw_id,
            p.draw.kind,
            p.draw.meeting.held_on.isoformat(),
            p.draw.meeting.title,
        ]


# The reviews ----------------------------------------------------------------------------------

STEP_MEANINGS = {
    Step.FOCAL_POINTS: gettext_lazy("The day every party of the review had named a focal point."),
    Step.EXPERTS: gettext_lazy(
        "The day every party of the review had named its governmental experts."
    ),
    Step.INITIAL_CONSULTATION: gettext_lazy("The day the initial consultation was held."),
    Step.QUESTIONNAIRE: gettext_lazy(
        "The day the answers to the self-assessment questionnaire were submitted."
    ),
    Step.WRITTEN_FEEDBACK: gettext_lazy("The day the written feedback was submitted."),
    Step.OBSERVATIONS: gettext_lazy(
        "The day the list of observations and its summary were completed."
    ),
}


def _review_columns() -> list[Column]:
    stages = ", ".join(s.value for s in Stage)
    return [
        Column("id", INTEGER, _("The review's number, stable across downloads.")),
        Column("party_code", TEXT, _("The code of the party under review.")),
        Column("party_name", TEXT, _("The name of the party under review.")),
        Column("regional_group", TEXT, _("Its UN regional group; empty if none.")),
        Column("cluster", INTEGER, _("The number of the cluster of articles reviewed.")),
        Column("review_group", INTEGER, _("The group of the review (1, 2, 3).")),
        Column("started_on", DATE, _("The day the review started.")),
        Column("stage", TEXT, _("Its stage: %(stages)s.") % {"stages": stages}),
        Column("stage_label", TEXT, _("The name of its stage.")),
        Column("stage_since", DATE, _("The day it reached that stage.")),
        Column(
            "reviewing_parties",
            TEXT,
            _("The codes of its reviewing parties in force, separated by semicolons."),
        ),
        Column(
            "working_languages",
            TEXT,
            _(
                "The working languages agreed at the initial consultation (ar, zh, en, fr, ru, "
                "es), separated by semicolons; empty before it."
            ),
        ),
        Column(
            "no_language_agreement",
            BOOLEAN,
            _("Whether the initial consultation recorded no agreement on the languages."),
        ),
        *(Column(f"{step.value}_completed", DATE, STEP_MEANINGS[step]) for step in STEPS),
    ]


def _review_rows(day: dt.date | None) -> Iterator[list]:
    """The reviews started by the day, each as it stood at its end: read as the public
    statistics read them (stats.status), from the review's timeline, its reviewing parties
    then in force, the nominations' tally and the deadline changes recorded by then."""
    day = day or timezone.now().date()
    end = _end_of(day)
    clusters = dict(Cluster.objects.values_list("pk", "number"))
    _counted, named = status._nominations(day)
    reviewers = status.reviewers_on(day)
    started = Review.objects.filter(started_on__lte=day)
    rows = status._raw(
        started.order_by("cluster__review_order", "group__number", "party__code").values_list(
            "pk",
            "party__code",
            "party__regional_group__code",
            "group__number",
            "started_on",
            "timeline__entries",
            "cluster_id",
            *(f"party__{name}" for name in field_names("name")),
        )
    )
    changes = status.changes_before(started, end)
    names = field_names("name")
    language = "name_" + suffix()
    rules, schedules = rules_by_start(), {}
    for row in rows:
        facts = status._review(
            row[:6], reviewers[row[1]], changes[row[0]], named, day, rules, schedules
        )
        by_name = dict(zip(names, row[7:], strict=True))
        languages, no_agreement = _languages(row[5], day)
        yield [
            row[0],
            row[1],
            by_name[language] or by_name["name_en"],
            row[2],
            clusters[row[6]],
            row[3],
            facts.started_on.isoformat(),
            facts.stage,
            str(STAGE_LABELS.get(Stage(facts.stage), facts.stage)),
            facts.stage_since.isoformat(),
            ";".join(facts.reviewers),
            ";".join(languages),
            no_agreement,
            *(_iso(d.done) if (d := facts.deadline(step)) else None for step in STEPS),
        ]


def _languages(entries, day: dt.date) -> tuple[list[str], bool]:
    """The working languages of the last consultation recorded by the end of `day`, and
    whether it recorded no agreement (the timeline's entries, as stats.status reads them)."""
    entries = json.loads(entries) if isinstance(entries, str) else entries or ()
    last, found = day.isoformat(), ([], False)
    for at, kind, data in entries:
        if at[:10] > last:
            break
        if kind == "consultation":
            found = (list(data.get("languages", [])), bool(data.get("no_agreement", False)))
    return found


# The public statistics ------------------------------------------------------------------------

# Figures shown to everyone: aggregate progress by group, as in the published status paper.
# Nothing per party or per regional group (small slices could point at one party).
PUBLIC_FIGURES = ("II", "III", "IV", "V", "VI")


def _statistic_columns() -> list[Column]:
    return [
        Column("cluster", INTEGER, _("The cluster the figures are about (the first reviewed).")),
        Column("figure", TEXT, _("The number of the figure on the public statistics page.")),
        Column("figure_title", TEXT, _("The title of the figure.")),
        Column("category", TEXT, _("The row of the figure (a group, a language, a delay).")),
        Column("series", TEXT, _("The column of the figure (a stage, held or not, ...).")),
        Column("count", INTEGER, _("The number of country reviews.")),
    ]


def _statistic_rows(day: dt.date | None) -> Iterator[list]:
    day = day or timezone.now().date()
    cluster = status.default_cluster()
    result = status.status(day, cluster)
    for figure in charts.figures(result):
        if figure.number not in PUBLIC_FIGURES:
            continue
        for category, values in figure.rows:
            for series, value in zip(figure.series, values, strict=True):
                yield [
                    cluster.number if cluster else None,
                    figure.number,
                    str(figure.title),
                    str(category),
                    str(series),
                    value,
                ]


DATASETS = {
    d.slug: d
    for d in [
        Dataset(
            "parties",
            gettext_lazy("Parties"),
            gettext_lazy(
                "The parties to the Convention: code, kind, regional group, review group, "
                "names in the six languages, and how and when each joined each instrument."
            ),
            gettext_lazy(
                "Dated: the parties that had joined an instrument by that day, with the "
                "joinings dated on or before it, as the registry now records them (a corrected "
                "date applies to every day), and their review group if the draw that placed "
                "them was published by then. Names, kinds and regional groups are today's: the "
                "registry keeps no history of them."
            ),
            _party_columns,
            _party_rows,
        ),
        Dataset(
            "pairings",
            gettext_lazy("Pairings in force"),
            gettext_lazy(
                "Who reviews whom: each reviewing party in force of each party under review, "
                "for which instruments, since when, and the drawing of lots that made it."
            ),
            gettext_lazy(
                "Dated: the pairings in force at the end of that day, from their dates "
                "(a pairing is never changed, only ended by a redraw). Party names are today's."
            ),
            _pairing_columns,
            lambda day: _pairing_rows(day, in_force=True),
        ),
        Dataset(
            "pairings-history",
            gettext_lazy("Pairings and their history"),
            gettext_lazy(
                "Every pairing ever made, in force or ended by a redraw, with the day it "
                "took effect, the day it ended and the pairing that replaced it."
            ),
            gettext_lazy(
                "Dated: the pairings that had taken effect by that day, each in force or ended "
                "as it was at the end of that day. Party names are today's."
            ),
            _pairing_columns,
            lambda day: _pairing_rows(day, in_force=False),
        ),
        Dataset(
            "reviews",
            gettext_lazy("Country reviews: stages and step dates"),
            gettext_lazy(
                "Each country review started: its party, cluster and group, its stage and "
                "since when, its reviewing parties, its working languages, and the day each "
                "step was completed. No content of the review: dates and stages only."
            ),
            gettext_lazy(
                "Dated: each review as it stood at the end of that day, read from its log of "
                "events (the stage, the steps completed and the consultation's languages as "
                "recorded by then). Party names are today's."
            ),
            _review_columns,
            _review_rows,
        ),
        Dataset(
            "statistics",
            gettext_lazy("Public statistics"),
            gettext_lazy(
                "The figures of the public statistics page, one row per count: the country "
                "reviews by group and stage, the initial consultations, the working languages, "
                "the questionnaires and the written feedback."
            ),
            gettext_lazy(
                "Dated: the figures as they stood at the end of that day, computed from the "
                "log of events and the dated records, as on the public statistics page."
            ),
            _statistic_columns,
            _statistic_rows,
        ),
    ]
}


def addresses(slug: str, day: dt.date | None = None) -> dict:
    """The stable addresses of a dataset, in the active language: its downloads (of `day`, if
    given), its dictionary (page and JSON) and the API's."""
    query = f"?as_of={day.isoformat()}" if day else ""
    return {
        "csv": reverse("opendata:download", args=[slug, "csv"]) + query,
        "json": reverse("opendata:download", args=[slug, "json"]) + query,
        "dictionary": reverse("opendata:dataset", args=[slug]),
        "dictionary_json": reverse("opendata:dictionary", args=[slug]),
        "api": reverse("api-open-data", args=[slug]) + query,
    }


def get(slug: str) -> Dataset:
    """The dataset named `slug`; KeyError when there is none."""
    return DATASETS[slug]


def as_records(columns: list[Column], rows) -> list[dict]:
    """The rows as JSON objects keyed by the columns' names."""
    names = [c.name for c in columns]
    return [dict(zip(names, row, strict=True)) for row in rows]


def document(dataset: Dataset, day: dt.date | None, *, now: dt.datetime) -> dict:
    """A dataset as one JSON document: what it is, its licence, its dictionary and its rows."""
    columns = dataset.columns()
    return {
        **metadata(dataset, columns),
        "as_of": _iso(day),
        "generated_at": now.isoformat(),
        "rows": as_records(columns, dataset.rows(day)),
    }


def metadata(dataset: Dataset, columns: list[Column]) -> dict:
    """A dataset's description and data dictionary, in the active language."""
    return {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "dating": str(dataset.dating),
        "licence": licence(),
        "columns": [c.as_json() for c in columns],
    }
