import datetime as dt
import io
import shutil

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from revmod.registry import tabular
from revmod.registry.models import Adherence, Article, Cluster, Instrument, Party, RegionalGroup
from revmod.test import DATA_DIR, load_registry, zip_bomb

pytestmark = pytest.mark.django_db


def snapshot():
    """Everything the loader can touch, to show that a failed load changed nothing."""
    return (
        list(RegionalGroup.objects.values_list()),
        list(Instrument.objects.values_list()),
        list(Article.objects.values_list()),
        list(Cluster.objects.values_list()),
        list(Cluster.articles.through.objects.values_list()),
        list(Party.objects.order_by("code").values_list()),
        list(Adherence.objects.order_by("pk").values_list()),
    )


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path, text):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(text)


def test_shipped_registry_has_the_seeds_189_parties(registry):
    assert Party.objects.count() == 189
    assert Party.objects.filter(kind=Party.Kind.STATE).count() == 188
    assert list(Party.objects.filter(kind=Party.Kind.REIO).values_list("code", flat=True)) == ["EU"]
    assert Party.objects.party_to("UNTOC").count() == 189
    assert set(RegionalGroup.objects.values_list("code", flat=True)) == {
        "AFR",
        "APG",
        "EEG",
        "GRULAC",
        "WEOG",
    }
    assert Party.objects.get(code="TUR").regional_group.code == "WEOG"
    assert Party.objects.get(code="EU").regional_group is None


def test_every_party_has_a_name_in_six_languages(registry):
    for party in Party.objects.all():
        names = [
            party.name_ar,
            party.name_zh,
            party.name_en,
            party.name_fr,
            party.name_ru,
            party.name_es,
        ]
        assert all(names), party.code
    turkiye = Party.objects.get(code="TUR")
    assert turkiye.name_en == "Türkiye"


@pytest.mark.parametrize(
    "party, instrument, action, date",
    [
        # The seed's footnotes 2 and 3, exactly.
        ("BTN", "UNTOC", "accession", "2023-02-20"),
        ("SSD", "UNTOC", "accession", "2023-10-20"),
        ("AND", "TIP", "accession", "2022-09-21"),
        ("BTN", "TIP", "accession", "2023-02-20"),
        ("TCD", "SOM", "accession", "2022-09-23"),
        ("CHN", "FIR", "ratification", "2023-12-19"),
        ("COM", "SOM", "accession", "2020-12-15"),
        ("COM", "FIR", "accession", "2021-06-04"),
        ("DEU", "FIR", "ratification", "2021-10-14"),
        ("LUX", "FIR", "ratification", "2022-05-09"),
        ("PAK", "TIP", "accession", "2022-11-04"),
        ("UGA", "SOM", "ratification", "2024-03-27"),
        ("UGA", "TIP", "ratification", "2024-03-27"),
    ],
)
def test_seed_footnotes_are_exact(registry, party, instrument, action, date):
    adherence = Adherence.objects.current().get(party__code=party, instrument__code=instrument)
    assert (adherence.action, adherence.date) == (action, dt.date.fromisoformat(date))


def test_cluster_one_holds_its_articles(registry):
    cluster = Cluster.objects.get(review_order=1)
    assert cluster.number == 1
    articles = {(a.instrument.code, a.number) for a in cluster.articles.select_related()}
    assert ("UNTOC", 5) in articles and ("SOM", 6) in articles
    assert len(articles) == 16
    assert Cluster.objects.get(review_order=2).number == 4
    assert Cluster.objects.count() == 4


def test_a_second_load_changes_nothing_and_says_so(capsys):
    call_command("loadregistry")
    before = snapshot()
    capsys.readouterr()
    call_command("loadregistry")
    out = capsys.readouterr().out
    assert "parties: 0 added, 0 changed, 189 unchanged" in out
    assert "adherences: 0 added, 0 changed" in out
    assert snapshot() == before


def test_a_corrected_date_supersedes_and_keeps_history(data_copy, capsys):
    load_registry()
    path = data_copy / "adherences.csv"
    edit(path, "DEU,FIR,ratification,2021-10-14", "DEU,FIR,ratification,2021-10-15")
    call_command("loadregistry", str(path))
    out = capsys.readouterr().out
    assert "changed DEU FIR: ratification 2021-10-14 → ratification 2021-10-15" in out
    rows = Adherence.objects.filter(party__code="DEU", instrument__code="FIR").order_by("pk")
    assert [(a.date.isoformat(), a.superseded_at is not None) for a in rows] == [
        ("2021-10-14", True),
        ("2021-10-15", False),
    ]


@pytest.mark.parametrize(
    "filename, old, new, problem",
    [
        (
            "adherences.csv",
            "DEU,FIR,ratification,2021-10-14",
            "DEU,FIR,ratification,2021-02-30",
            "'2021-02-30' is not a date",
        ),
        (
            "adherences.csv",
            "DEU,FIR,ratification,2021-10-14",
            "DEU,FIR,ratification,14/10/2021",
            "'14/10/2021' is not a date",
        ),
        (
            "adherences.csv",
            "DEU,FIR,ratification,2021-10-14",
            "DEU,FIR,ratified,2021-10-14",
            "action must be one of",
        ),
        (
            "adherences.csv",
            "DEU,FIR,ratification,2021-10-14",
            "XXX,FIR,ratification,2021-10-14",
            "unknown party 'XXX'",
        ),
        (
            "adherences.csv",
            "DEU,FIR,ratification,2021-10-14",
            "DEU,ABC,ratification,2021-10-14",
            "unknown instrument 'ABC'",
        ),
        (
            "adherences.csv",
            "BTN,TIP,accession,2023-02-20",
            "BTN,TIP,accession,2023-02-19",
            "before it joined the Convention",
        ),
        (
            "adherences.csv",
            "DEU,FIR,ratification,2021-10-14",
            "DEU,FIR,ratification,2999-01-01",
            "in the future",
        ),
        ("parties.csv", "ZWE,state,AFR", "ZZZ,state,AFR", "unknown code 'ZZZ'"),
        ("parties.csv", "ZWE,state,AFR", "ZWE,state,AFRICA", "unknown regional group 'AFRICA'"),
        ("parties.csv", "ZWE,state,AFR", "ZWE,country,AFR", "kind must be one of"),
        ("parties.csv", "ZWE,state,AFR,,,,,,", "ZWE,state,AFR,,,,", "7 fields where the header"),
    ],
)
def test_a_bad_row_stops_the_load_names_the_line_and_changes_nothing(
    data_copy, filename, old, new, problem
):
    load_registry()
    before = snapshot()
    path = data_copy / filename
    number = line_of(path, old)
    edit(path, old, new)
    with pytest.raises(CommandError) as error:
        call_command("loadregistry", str(data_copy))
    assert f"{filename}, line {number}: " in str(error.value)
    assert problem in str(error.value)
    assert "Nothing was loaded" in str(error.value)
    assert snapshot() == before


def test_a_protocol_without_the_convention_is_refused(data_copy):
    path = data_copy / "adherences.csv"
    number = line_of(path, "SSD,UNTOC,accession,2023-10-20")
    edit(path, "SSD,UNTOC,accession,2023-10-20", "SSD,TIP,accession,2023-10-20")
    with pytest.raises(CommandError) as error:
        call_command("loadregistry", str(data_copy))
    assert f"adherences.csv, line {number}: SSD joins the Protocol TIP without being party" in str(
        error.value
    )
    assert Party.objects.count() == 0  # the first load too is all or nothing


def test_a_file_of_no_known_table_is_refused(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("first,last\nAda,Lovelace\n")
    with pytest.raises(CommandError, match="cannot tell which table"):
        call_command("loadregistry", str(path))


def test_a_missing_column_is_named(tmp_path):
    path = tmp_path / "parties.csv"
    path.write_text("code,kind\nFRA,state\n")
    with pytest.raises(CommandError, match="missing column"):
        call_command("loadregistry", str(path))


def test_csv_export_loads_back_unchanged():
    load_registry()
    for table in tabular.TABLES:
        text = tabular.export_csv(table)
        reports = tabular.load([tabular.read_csv(f"{table.name}.csv", text)])
        assert not reports[0].added and not reports[0].changed, table.name


def test_xlsx_export_loads_back_and_an_edit_is_imported():
    load_registry()
    before = snapshot()
    data = tabular.export_xlsx()
    reports = tabular.load(tabular.read_upload("registry.xlsx", data))
    assert all(not r.added and not r.changed for r in reports)
    assert snapshot() == before

    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["parties"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "FRA":
            row[header.index("name_en")].value = "French Republic"
    out = io.BytesIO()
    workbook.save(out)
    reports = tabular.load(tabular.read_upload("edited.xlsx", out.getvalue()))
    parties = next(r for r in reports if r.table == "parties")
    assert parties.changed == ["FRA: name_en: France → French Republic"]
    assert Party.objects.get(code="FRA").name_en == "French Republic"


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused():
    with pytest.raises(tabular.LoadError, match="not a UTF-8 CSV file nor an XLSX"):
        tabular.read_upload("registry.csv", b"\xff\xfe\x00binary")
    with pytest.raises(tabular.LoadError, match="damaged or is not a real XLSX"):
        tabular.read_upload("registry.xlsx", b"PK\x03\x04broken")
    with pytest.raises(tabular.LoadError, match="decompression bomb"):
        tabular.read_upload("registry.xlsx", zip_bomb("xlsx"))
