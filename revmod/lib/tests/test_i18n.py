"""The six languages: every catalogue complete, compiled, and right to left for Arabic."""

import datetime as dt
import re

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import formats, translation

from revmod.lib.i18n import join_list, language_names, localized, normalize_language

LOCALE = settings.BASE_DIR / "revmod" / "locale"
TRANSLATED = ["ar", "zh_Hans", "fr", "ru", "es"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}|\{\w*\}")


def as_tuple(value):
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def catalog(language, suffix="po"):
    path = LOCALE / language / "LC_MESSAGES" / f"django.{suffix}"
    with path.open("rb") as f:
        return read_po(f) if suffix == "po" else read_mo(f)


def messages(language):
    return [m for m in catalog(language) if m.id]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated(language):
    missing = []
    for message in messages(language):
        strings = as_tuple(message.string)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert missing == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_survive_translation(language):
    for message in messages(language):
        ids = as_tuple(message.id)
        strings = as_tuple(message.string)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            # A singular form may spell out the number ("one party") and drop %(counter)s.
            assert found <= wanted and wanted - found <= {"%(counter)s"}, (message.id, string)


@pytest.mark.parametrize("language", [*TRANSLATED, "en"])
def test_compiled_catalogue_matches_the_source(language):
    # Keyed by context too: "To" between two versions is not "To" of an e-mail.
    source = {
        (m.context, as_tuple(m.id)): as_tuple(m.string)
        for m in messages(language)
        if any(as_tuple(m.string)) and not m.fuzzy
    }
    compiled = {
        (m.context, as_tuple(m.id)): as_tuple(m.string) for m in catalog(language, "mo") if m.id
    }
    assert compiled == source


@pytest.mark.parametrize("language", TRANSLATED)
def test_all_six_catalogues_hold_the_same_strings(language):
    def keys(lang):
        return {(m.context, as_tuple(m.id)) for m in messages(lang)}

    assert keys(language) == keys("en")


def test_language_codes_are_normalized():
    assert normalize_language("fr-CH") == "fr"
    assert normalize_language("zh-cn") == "zh-hans"
    assert normalize_language("ar_EG") == "ar"
    assert normalize_language("de") == "en"
    assert normalize_language(None) == "en"


def test_localized_falls_back_to_english():
    class Thing:
        name_en, name_fr, name_ar = "Germany", "Allemagne", ""

    assert localized(Thing, "name", "fr") == "Allemagne"
    assert localized(Thing, "name", "ar") == "Germany"


def test_working_languages_read_as_names_with_the_languages_list_separator():
    """Working languages are stored as codes ("ar", "en"); people read their names, listed the
    way their language lists things."""
    assert language_names(["ar", "en"], "en") == "Arabic, English"
    assert language_names(["ar", "en"], "fr") == "Arabe, Anglais"
    assert language_names(["ar", "en"], "ar") == "العربية، الإنكليزية"
    assert language_names(["zh", "fr"], "zh-hans") == "中文、法文"
    assert language_names(["zh-hans"], "en") == "Chinese"  # an interface code works too
    assert language_names([], "en") == ""
    with translation.override("ru"):
        assert language_names(["es"]) == "Испанский"  # the active language by default
        assert join_list(["a", "b"]) == "a, b"
    assert join_list(["a", "b"], "ar") == "a، b"


DAY, MOMENT = dt.date(2002, 10, 2), dt.datetime(2002, 10, 2, 22, 47)


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_one_way_of_writing_a_date_per_language(language):
    """A moment is written as its date, then the time; a date never ends with a full stop of
    its own (Russian's "2002 г." ended every "... due on {{ due }}." twice)."""
    with translation.override(language):
        day = formats.date_format(DAY, "DATE_FORMAT")
        moment = formats.date_format(MOMENT, "DATETIME_FORMAT")
    assert moment.startswith(day)
    assert not day.endswith(".")


def test_templates_write_dates_with_the_one_format():
    """No page, e-mail or PDF writes 05/22/2017 beside Oct. 2, 2002 (revmod/formats)."""
    templates = settings.BASE_DIR / "revmod" / "templates"
    short = [
        str(path.relative_to(templates))
        for path in templates.rglob("*")
        if path.is_file() and "SHORT_DATE" in path.read_text()
    ]
    assert short == []


def test_integers_are_grouped_as_babel_groups_them_in_the_six_languages():
    from babel.numbers import format_decimal
    from django.utils import translation

    from revmod.lib.i18n import LANGUAGE_CODES, number

    values = (-1234567, -1000, 0, 7, 999, 1000, 9450, 12345, 123456, 9_876_543_210)
    for code in LANGUAGE_CODES:
        locale = translation.to_locale(code)
        assert [number(v, code) for v in values] == [
            format_decimal(v, locale=locale) for v in values
        ], code
        with translation.override(code):
            assert number(9450) == format_decimal(9450, locale=locale)
