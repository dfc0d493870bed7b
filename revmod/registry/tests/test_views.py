import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation

from revmod.registry.models import Adherence, Instrument, Party
from revmod.test import FORMULA, assert_inert, count_queries, make_party, make_user

pytestmark = pytest.mark.django_db

LANGUAGES = ["ar", "zh-hans", "en", "fr", "ru", "es"]


def url(name, language="en", *args):
    with translation.override(language):
        return reverse(name, args=args)


def party_rows(response):
    """The codes of the parties in a party-list page, in order."""
    return re.findall(r'<a href="/[a-z-]+/parties/([A-Z]{2,3})/">', response.content.decode())


def every_party(client, language="en", **params):
    """The codes of the parties of every page of the list, in order."""
    codes, page = [], 1
    while True:
        response = client.get(url("party-list", language), {**params, "page": page})
        codes += party_rows(response)
        if 'rel="next"' not in response.content.decode():
            return codes
        page += 1


# "1–50 of 189" in each language, with its own digits grouping (none under 1,000).
COUNTS = {
    "ar": "1–50 من 189",
    "zh-hans": "第 1–50 条，共 189 条",
    "en": "1–50 of 189",
    "fr": "1–50 sur 189",
    "ru": "1–50 из 189",
    "es": "1–50 de 189",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_party_list_in_each_language(client, registry, language):
    response = client.get(url("party-list", language))
    assert response.status_code == 200
    html = response.content.decode()
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert len(party_rows(response)) == 50  # a page: the others through the pager
    assert COUNTS[language] in html
    assert sorted(every_party(client, language)) == sorted(
        Party.objects.values_list("code", flat=True)
    )
    germany = Party.objects.get(code="DEU")
    untoc = Instrument.objects.get(code="UNTOC")
    html += client.get(url("party-list", language), {"q": "DEU"}).content.decode()
    with translation.override(language):
        assert germany.label in html
        # The legend of the instruments' abbreviations, with their official titles.
        assert f'<dt><abbr title="{untoc.label}">UNTOC</abbr></dt><dd>{untoc.label}' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_party_page_in_each_language(client, registry, language):
    response = client.get(url("party-detail", language, "DEU"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert "2021-10-14" in html  # the Firearms Protocol, seed footnote 3


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_in_each_language(client, registry, language):
    response = client.get(url("home", language))
    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()


def test_the_bare_root_redirects_to_a_language(client):
    response = client.get("/", headers={"accept-language": "fr"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_the_parties_dates_are_written_as_on_every_page(client, registry):
    """One way of writing a date per language (revmod/formats): English wrote the dates of
    joining as 05/22/2017 here and Oct. 2, 2002 elsewhere."""
    page = client.get("/en/parties/").content.decode()
    assert ">May 22, 2017</time>" in page  # Afghanistan joined the Convention
    assert not re.search(r"\b\d\d/\d\d/\d{4}\b", page)
    page = client.get("/ru/parties/").content.decode()
    assert ">22 мая 2017</time>" in page


def test_filter_by_regional_group_and_instrument(client, registry):
    afr = every_party(client, regional_group="AFR")
    assert len(afr) == Party.objects.filter(regional_group__code="AFR").count() > 40
    assert "NGA" in afr and "FRA" not in afr

    fir = every_party(client, instrument="FIR")
    assert "DEU" in fir and "CHN" in fir
    assert "SSD" not in fir  # South Sudan joined the Convention only
    assert len(fir) == Party.objects.party_to("FIR").count()

    both = party_rows(
        client.get(url("party-list"), {"regional_group": "WEOG", "instrument": "FIR"})
    )
    assert "DEU" in both and "CHN" not in both


def test_search_by_name_in_the_pages_language(client, registry):
    assert party_rows(client.get(url("party-list", "fr"), {"q": "allemagne"})) == ["DEU"]
    assert party_rows(client.get(url("party-list", "ru"), {"q": "германия"})) == ["DEU"]
    assert party_rows(client.get(url("party-list", "es"), {"q": "alemania"})) == ["DEU"]
    assert party_rows(client.get(url("party-list", "zh-hans"), {"q": "德国"})) == ["DEU"]
    assert "CIV" in party_rows(client.get(url("party-list", "fr"), {"q": "cote d"}))
    assert party_rows(client.get(url("party-list"), {"q": "deu"})) == ["DEU"]


def test_an_unknown_filter_value_shows_no_parties_and_says_why(client, registry):
    """As the reviews list: 400, the page with no row and why."""
    response = client.get(url("party-list"), {"regional_group": "NOPE"})
    assert response.status_code == 400
    assert party_rows(response) == []
    assert "Select a valid choice" in response.content.decode()
    response = client.get(url("party-list"), {"ordering": "name; drop"})
    assert response.status_code == 400 and party_rows(response) == []
    assert "Unknown order “name; drop”: sort by one of party, code" in response.content.decode()


def test_the_parties_page_sort_and_keep_their_filters(client, registry):
    """50 a page; page 2 goes on where page 1 stopped; a header sorts (again: the reverse),
    and the pager keeps the search, the filters and the order."""
    weog = list(
        Party.objects.filter(regional_group__code="WEOG")
        .order_by("code")
        .values_list("code", flat=True)
    )
    added = [f"W{chr(65 + n // 26)}{chr(65 + n % 26)}" for n in range(60)]  # WAA ... WCH
    for code in added:
        make_party(code)
    Party.objects.filter(code__in=added).update(
        regional_group=Party.objects.get(code="DEU").regional_group
    )
    params = {"regional_group": "WEOG", "ordering": "code"}
    first = client.get(url("party-list"), params)
    html = first.content.decode()
    total = len(weog) + 60
    assert 50 < total <= 100
    assert f"1–50 of {total}" in html
    assert 'aria-sort="ascending"><a href="?regional_group=WEOG&amp;ordering=-code">' in html
    assert 'href="?regional_group=WEOG&amp;ordering=code&amp;page=2" rel="next"' in html
    second = client.get(url("party-list"), {**params, "page": 2})
    assert f"51–{total} of {total}" in second.content.decode()
    codes = every_party(client, **params)
    assert codes[:50] == party_rows(first) and codes[50:] == party_rows(second)
    assert codes == sorted(weog + added)
    reverse = every_party(client, regional_group="WEOG", ordering="-code")
    assert reverse == codes[::-1]
    # A page number that is not one is the first page; one past the end, the last.
    assert party_rows(client.get(url("party-list"), {**params, "page": "x"})) == codes[:50]
    assert party_rows(client.get(url("party-list"), {**params, "page": 99})) == codes[50:]
    # The names in the page's language (the database's collation orders the accents).
    by_name = every_party(client, "fr")
    assert by_name[:2] == ["AFG", "ZAF"]  # Afghanistan, Afrique du Sud
    assert every_party(client, "fr", ordering="-party") == by_name[::-1]


def test_the_thousands_are_grouped_as_the_language_groups_them(client):
    from revmod.lib.i18n import number

    assert [number(9450, lang) for lang in LANGUAGES] == [
        "9,450",
        "9,450",
        "9,450",
        "9\u202f450",
        "9\xa0450",
        "9.450",
    ]


def test_party_page_shows_corrected_entries(client, registry):
    old = Adherence.objects.current().get(party__code="DEU", instrument__code="FIR")
    from django.utils import timezone

    old.superseded_at = timezone.now()
    old.save()
    Adherence.objects.create(
        party=old.party, instrument=old.instrument, action="ratification", date="2021-10-15"
    )
    html = client.get(url("party-detail", "en", "DEU")).content.decode()
    assert "Corrected entries" in html
    assert html.index("2021-10-15") < html.index("Corrected entries") < html.rindex("2021")


def test_unknown_party_is_404(client, registry):
    assert client.get(url("party-detail", "en", "XYZ")).status_code == 404


def test_party_list_query_count_stays_flat(client, registry):
    def render():
        assert client.get(url("party-list")).status_code == 200

    untoc = Instrument.objects.get(code="UNTOC")
    few = count_queries(render)
    for n in range(200):
        party = make_party(f"Q{n:02X}")  # three characters, as a party code is
        Adherence.objects.create(
            party=party, instrument=untoc, action="approval", date="2010-01-01"
        )
    assert count_queries(render) == few


# --- The secretariat's registry files -------------------------------------------------------


def test_registry_files_are_for_the_secretariat_only(client, registry):
    pages = [
        url("registry-files"),
        url("registry-import"),
        url("registry-export", "en", "parties", "csv"),
        url("registry-export", "en", "registry", "xlsx"),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user("outsider"))
    for page in pages:
        assert client.get(page).status_code == 404
    client.force_login(make_user("secretariat", secretariat=True))
    for page in pages:
        assert client.get(page).status_code == 200


def test_secretariat_downloads_csv_and_xlsx(client, registry):
    client.force_login(make_user("secretariat", secretariat=True))
    response = client.get(url("registry-export", "en", "parties", "csv"))
    assert response["Content-Disposition"] == 'attachment; filename="parties.csv"'
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("code,kind,regional_group,name_ar")
    assert len(lines) == 190
    response = client.get(url("registry-export", "en", "registry", "xlsx"))
    assert response.content[:4] == b"PK\x03\x04"
    assert client.get(url("registry-export", "en", "nothing", "csv")).status_code == 404


def test_secretariat_imports_an_edited_file(client, registry):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_user("secretariat", secretariat=True))
    csv = client.get(url("registry-export", "en", "adherences", "csv")).content.decode()
    edited = csv.replace("DEU,FIR,ratification,2021-10-14", "DEU,FIR,ratification,2021-10-16")
    response = client.post(
        url("registry-import"), {"file": SimpleUploadedFile("adherences.csv", edited.encode())}
    )
    assert response.status_code == 200
    assert "DEU FIR: ratification 2021-10-14 → ratification 2021-10-16" in response.content.decode()
    assert Adherence.objects.current().get(party__code="DEU", instrument__code="FIR").date.day == 16


def test_a_name_imported_as_a_formula_is_exported_as_text_and_reads_back(client, registry):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_user("secretariat", secretariat=True))
    exported = client.get(url("registry-export", "en", "parties", "csv")).content.decode()
    rows = list(csv.reader(io.StringIO(exported)))
    name = rows[0].index("name_en")
    for row in rows:
        if row[0] == "FRA":
            row[name] = FORMULA  # typed as is in a spreadsheet, saved as CSV
    edited = io.StringIO()
    csv.writer(edited).writerows(rows)
    file = SimpleUploadedFile("parties.csv", edited.getvalue().encode())
    assert client.post(url("registry-import"), {"file": file}).status_code == 200
    assert Party.objects.get(code="FRA").name_en == FORMULA
    parties = client.get(url("registry-export", "en", "parties", "csv"))
    assert_inert(parties, FORMULA)
    workbook = client.get(url("registry-export", "en", "registry", "xlsx"))
    assert_inert(workbook, FORMULA)
    # Both read back as they were: the quote the CSV has is taken off again.
    for name, content in [("parties.csv", parties.content), ("registry.xlsx", workbook.content)]:
        response = client.post(url("registry-import"), {"file": SimpleUploadedFile(name, content)})
        assert "FRA: name_en" not in response.content.decode()
        assert Party.objects.get(code="FRA").name_en == FORMULA


def test_a_bad_import_changes_nothing_and_says_where(client, registry):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_user("secretariat", secretariat=True))
    csv = client.get(url("registry-export", "en", "adherences", "csv")).content.decode()
    edited = csv.replace("DEU,FIR,ratification,2021-10-14", "DEU,FIR,ratification,2021-13-01")
    edited = edited.replace("FRA,UNTOC,", "FRA,UNTOC,X", 0)
    line = edited.splitlines().index("DEU,FIR,ratification,2021-13-01") + 1
    before = list(Adherence.objects.values_list())
    response = client.post(
        url("registry-import"), {"file": SimpleUploadedFile("adherences.csv", edited.encode())}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Nothing was imported. adherences.csv, line {line}" in html
    assert list(Adherence.objects.values_list()) == before
