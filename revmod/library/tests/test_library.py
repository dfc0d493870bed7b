"""The resources library (¶48): the secretariat's actions, who sees what, the public pages and
downloads, the secretariat's forms, the list's exports, and query counts."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from revmod.lib.tests.test_uploads import DOCX
from revmod.library import actions
from revmod.library.actions import LibraryError
from revmod.library.models import Resource, ResourceVersion
from revmod.test import FORMULA, PDF, assert_inert, body, count_queries, make_user, pdf_bytes

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(name, args=args)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "library"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture(autouse=True)
def empty_media():
    """Each test starts and ends without stored library files."""
    for path in stored_files():
        path.unlink()
    yield
    for path in stored_files():
        path.unlink()


@pytest.fixture
def secretariat():
    return make_user("sec", secretariat=True)


@pytest.fixture
def person():
    return make_user("someone")


def resource(by, *, title="Manual of RevMod", kind="manual", published=True, **fields):
    made = actions.save_resource(None, by=by, now=NOW, kind=kind, title_en=title, **fields)
    if published:
        made = actions.publish(made, True, by=by, now=NOW)
    return made


def pdf(name="manual.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


# --- Actions


def test_a_resource_is_recorded_unpublished_with_who_and_when(secretariat):
    made = actions.save_resource(
        None, by=secretariat, now=NOW, kind="guide", title_en=" Guide ", title_fr="Guide FR"
    )
    assert (made.title_en, made.title_fr, made.published) == ("Guide", "Guide FR", False)
    assert (made.created_by, made.created_at, made.changed_by) == (secretariat, NOW, secretariat)
    later = NOW + dt.timedelta(days=1)
    other = make_user("sec2", secretariat=True)
    actions.save_resource(made, by=other, now=later, title_es="Guía")
    made.refresh_from_db()
    assert (made.title_es, made.title_en, made.changed_by, made.changed_at) == (
        "Guía",
        "Guide",
        other,
        later,
    )
    assert made.created_by == secretariat


def test_bad_input_is_refused_and_changes_nothing(secretariat, person):
    with pytest.raises(LibraryError) as refused:
        actions.save_resource(None, by=secretariat, now=NOW, kind="manual", title_en="  ")
    assert "title_en" in refused.value.errors
    with pytest.raises(LibraryError) as refused:
        actions.save_resource(None, by=secretariat, now=NOW, kind="poem", title_en="X")
    assert "kind" in refused.value.errors
    with pytest.raises(LibraryError) as refused:
        actions.save_resource(None, by=person, now=NOW, kind="manual", title_en="X")
    assert refused.value.forbidden
    assert not Resource.objects.exists()


def test_versions_are_kept_per_language_and_the_latest_is_first(secretariat):
    made = resource(secretariat)
    first = actions.add_version(made, by=secretariat, now=NOW, language="en", file=pdf())
    second = actions.add_version(
        made, by=secretariat, now=NOW, language="en", file=pdf("v2.pdf", pdf_bytes("v2"))
    )
    portuguese = actions.add_version(
        made, by=secretariat, now=NOW, language="pt", file=SimpleUploadedFile("m.docx", DOCX)
    )
    assert (first.number, second.number, portuguese.number) == (1, 2, 1)
    assert len(stored_files()) == 3
    made = Resource.objects.with_versions().get(pk=made.pk)
    with translation.override("fr"):
        grouped = made.by_language()
    assert [(code, name, [v.number for v in vs]) for code, name, vs in grouped] == [
        ("en", "Anglais", [2, 1]),
        ("pt", "Portugais", [1]),
    ]


def test_a_refused_file_or_language_stores_nothing(secretariat, person):
    made = resource(secretariat)
    cases = [
        ({"language": "en", "file": SimpleUploadedFile("x.pdf", b"MZ not a pdf")}, "bad_file"),
        ({"language": "xx", "file": pdf()}, "bad_language"),
        ({"language": "en"}, "nothing"),
        ({"language": "en", "file": pdf(), "link": "https://example.org"}, "file_or_link"),
        ({"language": "en", "link": "javascript:alert(1)"}, "bad_link"),
    ]
    for kwargs, code in cases:
        with pytest.raises(LibraryError) as refused:
            actions.add_version(made, by=secretariat, now=NOW, **kwargs)
        assert refused.value.code == code
    with pytest.raises(LibraryError):
        actions.add_version(made, by=person, now=NOW, language="en", file=pdf())
    assert not ResourceVersion.objects.exists()
    assert stored_files() == []


def test_an_elearning_module_is_a_link(secretariat):
    made = resource(secretariat, kind="elearning", title="Module 1")
    version = actions.add_version(
        made, by=secretariat, now=NOW, language="fr", link="https://elearning.example.org/fr"
    )
    assert (version.link, version.file.name, version.number) == (
        "https://elearning.example.org/fr",
        "",
        1,
    )


# --- Who sees what


def test_unpublished_resources_answer_404_to_all_but_the_secretariat(client, secretariat, person):
    hidden = resource(secretariat, title="Draft guide", published=False)
    version = actions.add_version(hidden, by=secretariat, now=NOW, language="en", file=pdf())
    paths = [
        url("library:resource-detail", hidden.pk),
        url("library:version-download", hidden.pk, version.pk),
        f"/api/v1/resources/{hidden.pk}/",
    ]
    for who in [None, person]:
        client.logout()
        if who:
            client.force_login(who)
        assert [client.get(p).status_code for p in paths] == [404, 404, 404]
        assert "Draft guide" not in client.get(url("library:resource-list")).content.decode()
        assert "Draft guide" not in body(client.get(url("library:resource-export", "csv"))).decode()
        assert client.get("/api/v1/resources/").json()["count"] == 0
    client.force_login(secretariat)
    assert [client.get(p).status_code for p in paths] == [200, 200, 200]
    assert "Draft guide" in client.get(url("library:resource-list")).content.decode()


def test_a_version_of_another_resource_is_not_found(client, secretariat):
    one, two = resource(secretariat, title="One"), resource(secretariat, title="Two")
    version = actions.add_version(one, by=secretariat, now=NOW, language="en", file=pdf())
    assert client.get(url("library:version-download", two.pk, version.pk)).status_code == 404


def test_the_secretariats_pages_are_not_for_others(client, secretariat, person):
    made = resource(secretariat)
    client.force_login(person)
    assert client.get(url("library:resource-new")).status_code == 404
    assert (
        client.post(url("library:resource-publish", made.pk), {"published": "0"}).status_code == 404
    )
    made.refresh_from_db()
    assert made.published


# --- Public pages


def test_the_public_finds_resources_by_words_kind_and_language(client, secretariat):
    manual = resource(secretariat, title="RevMod user manual", title_fr="Manuel de RevMod")
    resource(secretariat, title="Model law on witness protection", kind="model_law")
    actions.add_version(manual, by=secretariat, now=NOW, language="pt", file=pdf())
    page = client.get(url("library:resource-list", lang="fr"), {"q": "manuel"}).content.decode()
    assert "Manuel de RevMod" in page and "witness" not in page
    page = client.get(url("library:resource-list", lang="fr"), {"kind": "model_law"})
    assert "witness" in page.content.decode() and "RevMod" not in page.content.decode()
    # Shown in English where the page's language has no title.
    page = client.get(url("library:resource-list", lang="es"), {"language": "pt"}).content.decode()
    assert "RevMod user manual" in page and "witness" not in page and "<td>Portugués</td>" in page
    assert client.get(url("library:resource-list"), {"ordering": "nonsense"}).status_code == 400


def test_a_resource_page_lists_its_files_and_the_downloads_work(client, secretariat):
    made = resource(secretariat)
    old = actions.add_version(made, by=secretariat, now=NOW, language="en", file=pdf())
    new = actions.add_version(
        made, by=secretariat, now=NOW, language="en", file=pdf("b.pdf", pdf_bytes("new"))
    )
    page = client.get(url("library:resource-detail", made.pk, lang="zh-hans")).content.decode()
    assert "英文" in page
    latest = url("library:version-download", made.pk, new.pk, lang="zh-hans")
    assert page.index(latest) < page.index(
        url("library:version-download", made.pk, old.pk, lang="zh-hans")
    )
    response = client.get(url("library:version-download", made.pk, old.pk))
    assert response.status_code == 200 and body(response) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert body(client.get(latest)) == pdf_bytes("new")


# --- The secretariat's pages


def test_the_secretariat_records_publishes_and_adds_versions_through_the_pages(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        url("library:resource-new"), {"kind": "compendium", "title_en": "Basic documents"}
    )
    made = Resource.objects.get()
    assert response.status_code == 302 and not made.published
    response = client.post(
        url("library:resource-edit", made.pk),
        {"kind": "compendium", "title_en": "Basic documents", "title_ru": "Основные документы"},
    )
    assert response.status_code == 302
    client.post(url("library:resource-publish", made.pk), {"published": "1"})
    response = client.post(url("library:version-new", made.pk), {"language": "ru", "file": pdf()})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.published and made.title_ru == "Основные документы"
    assert made.versions.get().language == "ru"
    client.logout()
    page = client.get(url("library:resource-detail", made.pk, lang="ru")).content.decode()
    assert "Основные документы" in page


def test_a_bad_form_says_why_and_changes_nothing(client, secretariat):
    made = resource(secretariat)
    client.force_login(secretariat)
    response = client.post(url("library:resource-new"), {"kind": "manual", "title_en": ""})
    assert response.status_code == 400 and Resource.objects.count() == 1
    response = client.post(
        url("library:version-new", made.pk, lang="fr"),
        {"language": "en", "file": SimpleUploadedFile("x.pdf", b"<html>hi</html>")},
    )
    assert response.status_code == 400
    assert "PDF" in response.content.decode()
    assert not ResourceVersion.objects.exists() and stored_files() == []


# --- Exports and query counts


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_exports_cells_are_inert(client, secretariat, fmt):
    resource(secretariat, title=FORMULA)
    assert_inert(client.get(url("library:resource-export", fmt)), FORMULA)


def test_the_list_export_and_api_query_counts_stay_flat(client, secretariat):
    def grow(n, start):
        for i in range(start, start + n):
            made = resource(secretariat, title=f"Resource {i:03d}")
            for language in ["en", "fr", "pt"]:
                actions.add_version(
                    made, by=secretariat, now=NOW, language=language, link="https://e.org/x"
                )

    grow(2, 0)
    pages = [
        url("library:resource-list"),
        url("library:resource-export", "csv"),
        url("library:resource-export", "xlsx"),
        "/api/v1/resources/",
    ]
    few = [count_queries(lambda p=p: body(client.get(p))) for p in pages]
    grow(8, 2)
    many = [count_queries(lambda p=p: body(client.get(p))) for p in pages]
    assert many == few
    assert client.get("/api/v1/resources/").json()["count"] == 10


def test_a_missing_file_is_a_page_that_says_so(client, secretariat):
    made = resource(secretariat)
    version = actions.add_version(made, by=secretariat, now=NOW, language="en", file=pdf())
    for path in stored_files():
        path.unlink()
    response = client.get(url("library:version-download", made.pk, version.pk))
    assert response.status_code == 410 and "missing" in response.content.decode()


def test_unpublishing_clears_the_date_and_publishing_again_sets_a_new_one(secretariat):
    made = resource(secretariat)
    assert made.published_at == NOW
    later = NOW + dt.timedelta(days=3)
    made = actions.publish(made, False, by=secretariat, now=later)
    assert (made.published, made.published_at, made.changed_at) == (False, None, later)
    made = actions.publish(made, True, by=secretariat, now=later)
    assert made.published_at == later
