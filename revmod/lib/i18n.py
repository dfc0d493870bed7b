"""The six official languages of the United Nations, and fields stored once per language.

Models keep a translated text as six columns (`name_ar`, `name_zh`, `name_en`, ...): the
registry is small, the six languages are fixed by the Charter, and a column per language keeps
every query a plain one (no join, no JSON) on SQLite and PostgreSQL alike.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

# The six, defined here once: (code of the interface, code of the data, name). The interface
# uses Django's codes ("zh-hans"); the data (working languages, documents, translations, the
# per-language columns) the two-letter ones ("zh").
SIX = (
    ("ar", "ar", _("Arabic")),
    ("zh-hans", "zh", _("Chinese")),
    ("en", "en", _("English")),
    ("fr", "fr", _("French")),
    ("ru", "ru", _("Russian")),
    ("es", "es", _("Spanish")),
)
# Interface code -> data code (the suffix of the per-language column).
SUFFIXES = {ui: data for ui, data, _name in SIX}
LANGUAGE_CODES = tuple(SUFFIXES)  # the interface's codes (settings.LANGUAGES)
INTERFACE_LANGUAGES = [(ui, name) for ui, _data, name in SIX]  # settings.LANGUAGES
DATA_CODES = tuple(SUFFIXES.values())  # the working languages of a review (rule 50)
LANGUAGE_CHOICES = [(data, name) for _ui, data, name in SIX]  # choices of a data field
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)  # data code -> name (lazy: in the active language)
RTL_LANGUAGES = {"ar"}
# How the items of a list are separated where they are read as a list ("Arabic, English"): the
# Arabic comma, the Chinese enumeration comma, else the Latin and Cyrillic comma.
LIST_SEPARATORS = {"ar": "، ", "zh": "、"}


def normalize_language(code: str | None) -> str:
    """The UI language among the six closest to `code` (e.g. 'fr-CH' -> 'fr', 'zh' -> 'zh-hans');
    English when `code` is none of them."""
    if not code:
        return "en"
    code = code.strip().lower().replace("_", "-")
    if code in SUFFIXES:
        return code
    if code.startswith("zh"):
        return "zh-hans"
    base = code.split("-")[0]
    return base if base in SUFFIXES else "en"


def suffix(language: str | None = None) -> str:
    """The column suffix for `language` (default: the active language)."""
    return SUFFIXES[normalize_language(language or translation.get_language())]


def localized(obj: object, field: str, language: str | None = None) -> str:
    """`obj.<field>_<language>`, falling back to English when that translation is empty."""
    return getattr(obj, f"{field}_{suffix(language)}") or getattr(obj, f"{field}_en")


def list_separator(language: str | None = None) -> str:
    """What separates the items of a list in `language` (default: the active language)."""
    return LIST_SEPARATORS.get(suffix(language), ", ")


def join_list(items, language: str | None = None) -> str:
    """`items` as one list in `language` (default: the active language), with its separator:
    "Arabic, English", "العربية، الإنكليزية", "阿拉伯文、英文"."""
    return list_separator(language).join(str(item) for item in items)


def language_names(codes, language: str | None = None) -> str:
    """Working languages (data codes such as "ar", "en"; interface codes work too) as their
    names in `language`, as one list: the one way any page, e-mail or export shows them. An
    unknown code is shown as it is."""
    names = []
    for code in codes:
        key = SUFFIXES.get(code, code)
        names.append(LANGUAGE_NAMES.get(key, code))
    if language is None:
        return join_list(names)
    with translation.override(normalize_language(language)):
        return join_list(names, language)


def field_names(field: str) -> list[str]:
    """The six column names of a translated field, in the order of LANGUAGE_CODES."""
    return [f"{field}_{s}" for s in SUFFIXES.values()]


# The digit group separator of each of the six (CLDR's, as babel writes integers): a table,
# so that a worker does not keep babel's locale data for one character (26 MB of resident
# memory once the six are loaded; revmod/lib/tests/test_i18n.py compares with babel).
GROUP_SEPARATORS = {
    "ar": ",",
    "zh-hans": ",",
    "en": ",",
    "fr": "\u202f",
    "ru": "\xa0",
    "es": ".",
}


def number(value: int, language: str | None = None) -> str:
    """`value` written with the digit grouping of `language` (default: the active language):
    "9,450" in English, "9 450" in French and Russian, "9.450" in Spanish (babel's CLDR)."""
    language = language or translation.get_language() or "en"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", GROUP_SEPARATORS[normalize_language(language)])
    from babel.numbers import format_decimal  # not an integer: babel's rules in full

    return format_decimal(value, locale=translation.to_locale(language))
