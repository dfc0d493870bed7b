"""The registry as tables: read from CSV or XLSX files, validated row by row, written into the
database in one transaction, and written back out in the same format.

Every table has a file of its own under data/ (`parties.csv`, ...). An XLSX workbook holds the
same tables as sheets of the same names. Lines starting with '#' in a CSV file are comments.
Text a spreadsheet would run as a formula ("=...", "+...") is written with a leading quote in
CSV and as a string in XLSX (lib.cells); the loader takes that quote off again.
The loader never deletes a row: it adds and changes, and an adherence whose date or action
changes supersedes the earlier one, which is kept as history.
"""

import csv
import datetime as dt
import gettext
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from revmod.lib import cells, uploads
from revmod.lib.i18n import field_names
from revmod.registry import versions
from revmod.registry.models import (
    Adherence,
    Article,
    Cluster,
    Instrument,
    Party,
    RegionalGroup,
)

PYCOUNTRY_LANGUAGES = {"ar": "ar", "zh": "zh_CN", "fr": "fr", "ru": "ru", "es": "es"}


class LoadError(Exception):
    """A row that cannot be loaded: says where (file and line) and what is wrong."""

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


@dataclass
class Row:
    where: str  # "parties.csv, line 12" — for messages
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def fail(self, problem: str) -> LoadError:
        return LoadError(self.where, problem)


@dataclass
class Report:
    """What one load did to one table."""

    table: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def lines(self, verbose: bool = False) -> list[str]:
        out = [
            f"{self.table}: {len(self.added)} added, {len(self.changed)} changed, "
            f"{self.unchanged} unchanged"
        ]
        if self.added:
            shown = self.added if verbose or len(self.added) <= 20 else self.added[:20] + ["…"]
            out.append("  added: " + ", ".join(shown))
        out += [f"  changed {item}" for item in self.changed]
        return out


# --- Parsing helpers -------------------------------------------------------------------------


def parse_int(row: Row, column: str, minimum: int = 0) -> int:
    text = row.get(column)
    if not re.fullmatch(r"\d+", text) or int(text) < minimum:
        raise row.fail(f"{column} must be a whole number of at least {minimum}, not {text!r}")
    return int(text)


def parse_date(row: Row, column: str) -> dt.date:
    text = row.get(column)
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise row.fail(f"{column} {text!r} is not a date (YYYY-MM-DD)") from None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise row.fail(f"{column} {text!r} is not a date (YYYY-MM-DD)")
    return date


def parse_choice(row: Row, column: str, choices: Iterable[str]) -> str:
    text = row.get(column).lower()
    allowed = list(choices)
    if text not in allowed:
        raise row.fail(f"{column} must be one of {', '.join(allowed)}, not {row.get(column)!r}")
    return text


def required(row: Row, column: str) -> str:
    text = row.get(column)
    if not text:
        raise row.fail(f"{column} is empty")
    return text


def lookup(row: Row, column: str, items: dict, what: str):
    key = row.get(column)
    if key not in items:
        raise row.fail(f"unknown {what} {key!r} in {column}")
    return items[key]


def translations(row: Row, name: str) -> dict[str, str]:
    values = {col: row.get(col) for col in field_names(name)}
    if not values[f"{name}_en"]:
        raise row.fail(f"{name}_en is empty")
    return values


def pycountry_names(code: str) -> dict[str, str]:
    """The six names of an ISO 3166-1 country, from pycountry ({} when the code is unknown)."""
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return {}
    names = {"name_en": country.name}
    for suffix, locale in PYCOUNTRY_LANGUAGES.items():
        names[f"name_{suffix}"] = _catalog(locale).gettext(country.name)
    return names


_catalogs: dict[str, gettext.NullTranslations] = {}


def _catalog(locale: str) -> gettext.NullTranslations:
    if locale not in _catalogs:
        _catalogs[locale] = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True
        )
    return _catalogs[locale]


def upsert(report: Report, model, key: dict, values: dict, label: str) -> object:
    """Create or update one row; record in `report` what changed, field by field."""
    obj = model.objects.filter(**key).first()
    if obj is None:
        obj = model.objects.create(**key, **values)
        report.added.append(label)
        return obj
    changes = []
    for name, value in values.items():
        old = getattr(obj, name)
        if getattr(old, "pk", old) != getattr(value, "pk", value):
            changes.append(f"{name}: {_show(old)} → {_show(value)}")
            setattr(obj, name, value)
    if changes:
        obj.save()
        report.changed.append(f"{label}: " + "; ".join(changes))
    else:
        report.unchanged += 1
    return obj


def _show(value) -> str:
    if value is None or value == "":
        return "(empty)"
    return str(getattr(value, "code", value))


# --- The tables ------------------------------------------------------------------------------


def load_regional_groups(rows: list[Row], report: Report) -> None:
    for row in rows:
        code = required(row, "code").upper()
        if not re.fullmatch(r"[A-Z]{2,10}", code):
            raise row.fail(f"code {code!r} must be 2 to 10 letters")
        values = {"order": parse_int(row, "order"), **translations(row, "name")}
        upsert(report, RegionalGroup, {"code": code}, values, code)


def load_instruments(rows: list[Row], report: Report) -> None:
    for row in rows:
        code = required(row, "code").upper()
        values = {
            "kind": parse_choice(row, "kind", Instrument.Kind.values),
            "order": parse_int(row, "order"),
            **translations(row, "title"),
            **translations(row, "short"),
        }
        upsert(report, Instrument, {"code": code}, values, code)
    if Instrument.objects.filter(kind=Instrument.Kind.CONVENTION).count() > 1:
        raise rows[0].fail("only one instrument may be the convention")


def load_articles(rows: list[Row], report: Report) -> None:
    instruments = {i.code: i for i in Instrument.objects.all()}
    for row in rows:
        instrument = lookup(row, "instrument", instruments, "instrument")
        number = parse_int(row, "number", minimum=1)
        upsert(
            report,
            Article,
            {"instrument": instrument, "number": number},
            translations(row, "title"),
            f"{instrument.code} {number}",
        )


def load_clusters(rows: list[Row], report: Report) -> None:
    for row in rows:
        number = parse_int(row, "number", minimum=1)
        values = {"review_order": parse_int(row, "review_order", 1), **translations(row, "title")}
        clash = Cluster.objects.filter(review_order=values["review_order"]).exclude(number=number)
        if clash.exists():
            raise row.fail(f"review_order {values['review_order']} is taken by another cluster")
        upsert(report, Cluster, {"number": number}, values, str(number))


def load_cluster_articles(rows: list[Row], report: Report) -> None:
    """The file gives the complete list of articles of each cluster it names."""
    clusters = {str(c.number): c for c in Cluster.objects.all()}
    articles = {(a.instrument.code, str(a.number)): a for a in Article.objects.select_related()}
    wanted: dict[Cluster, set[Article]] = {}
    for row in rows:
        cluster = lookup(row, "cluster", clusters, "cluster")
        key = (row.get("instrument").upper(), row.get("article"))
        if key not in articles:
            raise row.fail(f"unknown article {' '.join(key)} (load it in articles first)")
        wanted.setdefault(cluster, set()).add(articles[key])
    for cluster, new in wanted.items():
        old = set(cluster.articles.all())
        for article in sorted(new - old, key=_article_order):
            report.added.append(
                f"cluster {cluster.number}: {article.instrument.code} {article.number}"
            )
        for article in sorted(old - new, key=_article_order):
            report.changed.append(
                f"cluster {cluster.number}: removed {article.instrument.code} {article.number}"
            )
        report.unchanged += len(old & new)
        cluster.articles.set(new)


def _article_order(article: Article) -> tuple[int, int]:
    return (article.instrument.order, article.number)


def load_parties(rows: list[Row], report: Report) -> None:
    groups = {g.code: g for g in RegionalGroup.objects.all()}
    seen: set[str] = set()
    for row in rows:
        code = required(row, "code").upper()
        kind = parse_choice(row, "kind", Party.Kind.values)
        iso = pycountry_names(code)
        if kind == Party.Kind.STATE and not iso:
            raise row.fail(f"unknown code {code!r}: not an ISO 3166-1 alpha-3 code")
        if kind == Party.Kind.REIO and not re.fullmatch(r"[A-Z]{2,3}", code):
            raise row.fail(f"code {code!r} must be 2 or 3 letters")
        if code in seen:
            raise row.fail(f"party {code} appears twice")
        seen.add(code)
        group = None
        if row.get("regional_group"):
            group = lookup(row, "regional_group", groups, "regional group")
        names = {col: row.get(col) or iso.get(col, "") for col in field_names("name")}
        if not names["name_en"]:
            raise row.fail("name_en is empty and pycountry has no name for this code")
        upsert(
            report, Party, {"code": code}, {"kind": kind, "regional_group": group, **names}, code
        )


def load_adherences(rows: list[Row], report: Report) -> None:
    parties = {p.code: p for p in Party.objects.all()}
    instruments = {i.code: i for i in Instrument.objects.all()}
    current = {
        (a.party_id, a.instrument_id): a for a in Adherence.objects.current().select_related()
    }
    now = timezone.now()
    parsed = []
    for row in rows:
        party = lookup(row, "party", parties, "party")
        instrument = lookup(row, "instrument", instruments, "instrument")
        action = parse_choice(row, "action", Adherence.Action.values)
        date = parse_date(row, "date")
        if date > now.date():
            raise row.fail(f"date {date} is in the future")
        parsed.append((row, party, instrument, action, date))
    # The Convention's date for each party, from this file or else from the database.
    convention = {
        party.code: date
        for _row, party, instrument, _a, date in parsed
        if instrument.kind == Instrument.Kind.CONVENTION
    }
    for adherence in current.values():
        if adherence.instrument.kind == Instrument.Kind.CONVENTION:
            convention.setdefault(adherence.party.code, adherence.date)
    seen: set[tuple[str, str]] = set()
    for row, party, instrument, action, date in parsed:
        if (party.code, instrument.code) in seen:
            raise row.fail(f"{party.code} joins {instrument.code} twice in this file")
        seen.add((party.code, instrument.code))
        if instrument.kind == Instrument.Kind.PROTOCOL:
            # UNTOC art. 37(2): only a party to the Convention may become party to a Protocol.
            if party.code not in convention:
                raise row.fail(
                    f"{party.code} joins the Protocol {instrument.code} "
                    f"without being party to the Convention"
                )
            if date < convention[party.code]:
                raise row.fail(
                    f"{party.code} joins the Protocol {instrument.code} on {date}, before it "
                    f"joined the Convention ({convention[party.code]})"
                )
        label = f"{party.code} {instrument.code}"
        old = current.get((party.pk, instrument.pk))
        if old and (old.action, old.date) == (action, date):
            report.unchanged += 1
            continue
        if old:
            old.superseded_at = now
            old.save(update_fields=["superseded_at"])
            report.changed.append(f"{label}: {old.action} {old.date} → {action} {date}")
        else:
            report.added.append(label)
        Adherence.objects.create(party=party, instrument=instrument, action=action, date=date)
    if report.added or report.changed:
        versions.bump()


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    load: Callable[[list[Row], Report], None]
    export: Callable[[], Iterable[tuple]]


def _six(name: str) -> tuple[str, ...]:
    return tuple(field_names(name))


TABLES = (
    Table(
        "regional_groups",
        ("code", "order", *_six("name")),
        load_regional_groups,
        lambda: RegionalGroup.objects.values_list("code", "order", *_six("name")),
    ),
    Table(
        "instruments",
        ("code", "kind", "order", *_six("title"), *_six("short")),
        load_instruments,
        lambda: Instrument.objects.values_list(
            "code", "kind", "order", *_six("title"), *_six("short")
        ),
    ),
    Table(
        "articles",
        ("instrument", "number", *_six("title")),
        load_articles,
        lambda: Article.objects.values_list("instrument__code", "number", *_six("title")),
    ),
    Table(
        "clusters",
        ("number", "review_order", *_six("title")),
        load_clusters,
        lambda: Cluster.objects.values_list("number", "review_order", *_six("title")),
    ),
    Table(
        "cluster_articles",
        ("cluster", "instrument", "article"),
        load_cluster_articles,
        lambda: Cluster.articles.through.objects.order_by(
            "cluster__review_order", "article__instrument__order", "article__number"
        ).values_list("cluster__number", "article__instrument__code", "article__number"),
    ),
    Table(
        "parties",
        ("code", "kind", "regional_group", *_six("name")),
        load_parties,
        lambda: Party.objects.order_by("code").values_list(
            "code", "kind", "regional_group__code", *_six("name")
        ),
    ),
    Table(
        "adherences",
        ("party", "instrument", "action", "date"),
        load_adherences,
        lambda: (
            Adherence.objects.current()
            .order_by("party__code", "instrument__order")
            .values_list("party__code", "instrument__code", "action", "date")
        ),
    ),
)
TABLES_BY_NAME = {t.name: t for t in TABLES}


# --- Reading files ---------------------------------------------------------------------------


def _table_for(name: str, header: list[str], where: str) -> Table:
    """The table a file or sheet holds: by its name, else by its exact columns."""
    stem = re.sub(r"[^a-z_]", "", name.lower().replace("-", "_").replace(" ", "_"))
    table = TABLES_BY_NAME.get(stem)
    if table is None:
        matches = [t for t in TABLES if set(t.columns) == set(header)]
        if len(matches) != 1:
            raise LoadError(
                where,
                "cannot tell which table this is: name it after one of "
                + ", ".join(TABLES_BY_NAME)
                + " or give exactly that table's columns",
            )
        table = matches[0]
    missing = [c for c in table.columns if c not in header]
    unknown = [c for c in header if c not in table.columns]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s) " + ", ".join(unknown))
        raise LoadError(where, f"table {table.name}: " + "; ".join(parts))
    return table


def read_csv(name: str, text: str) -> tuple[Table, list[Row]]:
    """A CSV file's table and rows. Blank lines and lines starting with '#' are skipped;
    line numbers in messages are the file's own."""
    numbered = [
        (n, line)
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not numbered:
        raise LoadError(name, "the file is empty")
    header_line, header_text = numbered[0]
    header = [h.strip().lstrip("\ufeff") for h in next(csv.reader([header_text]))]
    table = _table_for(Path(name).stem, header, f"{name}, line {header_line}")
    rows = []
    for number, line in numbered[1:]:
        values = [cells.from_csv(v) for v in next(csv.reader([line]))]
        where = f"{name}, line {number}"
        if len(values) != len(header):
            raise LoadError(where, f"{len(values)} fields where the header has {len(header)}")
        rows.append(Row(where, dict(zip(header, values, strict=True))))
    return table, rows


def read_xlsx(name: str, data: bytes) -> list[tuple[Table, list[Row]]]:
    from openpyxl import load_workbook  # loaded only when needed

    try:
        uploads.check_archive(io.BytesIO(data), "xlsx")  # within the limits, whole
    except ValidationError as error:
        raise LoadError(name, " ".join(error.messages)) from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise LoadError(
            name, f"not a readable XLSX workbook ({error.__class__.__name__})"
        ) from None
    found = []
    for sheet in workbook.worksheets:
        cells = list(sheet.iter_rows(values_only=True))
        if not cells:
            continue
        header = [str(c).strip() if c is not None else "" for c in cells[0]]
        while header and not header[-1]:
            header.pop()
        table = _table_for(sheet.title, header, f"{name}, sheet {sheet.title}, row 1")
        rows = []
        for number, values in enumerate(cells[1:], start=2):
            texts = [_cell_text(v) for v in values[: len(header)]]
            if not any(texts):
                continue
            texts += [""] * (len(header) - len(texts))
            rows.append(
                Row(
                    f"{name}, sheet {sheet.title}, row {number}",
                    dict(zip(header, texts, strict=True)),
                )
            )
        found.append((table, rows))
    return found


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_path(path: Path) -> list[tuple[Table, list[Row]]]:
    """The tables in a file (CSV or XLSX) or in every CSV file of a directory."""
    if path.is_dir():
        files = sorted(path.glob("*.csv"))
        known = [f for f in files if f.stem in TABLES_BY_NAME]
        if not known:
            raise LoadError(str(path), "no registry CSV files here")
        return [read_csv(f.name, f.read_text(encoding="utf-8-sig")) for f in known]
    if not path.exists():
        raise LoadError(str(path), "no such file or directory")
    return read_upload(path.name, path.read_bytes())


def read_upload(name: str, data: bytes) -> list[tuple[Table, list[Row]]]:
    """The tables in an uploaded file (CSV or XLSX, told apart by content)."""
    if data[:4] == b"PK\x03\x04":
        return read_xlsx(name, data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LoadError(name, "not a UTF-8 CSV file nor an XLSX workbook") from None
    return [read_csv(name, text)]


@transaction.atomic
def load(tables: list[tuple[Table, list[Row]]]) -> list[Report]:
    """Load the tables in dependency order, all or nothing: the first bad row raises LoadError
    and the transaction leaves the database exactly as it was."""
    order = {t.name: i for i, t in enumerate(TABLES)}
    reports = []
    for table, rows in sorted(tables, key=lambda pair: order[pair[0].name]):
        report = Report(table.name)
        table.load(rows, report)
        reports.append(report)
    return reports


# --- Writing files ---------------------------------------------------------------------------


def export_csv(table: Table) -> str:
    """A table as CSV; text a spreadsheet would run as a formula is quoted (lib.cells), and
    `read_csv` takes the quote off again."""
    return cells.csv_text([table.columns, *table.export()])


def export_xlsx() -> bytes:
    """The whole registry as one workbook, a sheet per table; the loader reads it back."""
    from openpyxl import Workbook  # loaded only when needed

    workbook = Workbook(write_only=True)
    for table in TABLES:
        sheet = workbook.create_sheet(table.name)
        cells.append(sheet, table.columns)
        for values in table.export():
            cells.append(sheet, [_xlsx_value(v) for v in values])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_value(value):
    # Dates as ISO text: what the CSV has, and what a spreadsheet cannot reformat by locale.
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value
