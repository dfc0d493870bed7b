"""The six official languages of the United Nations, and fields stored once per language.

Models keep a translated text as six columns (`name_ar`, `name_zh`, `name_en`, ...): the
registry is small, the six languages are fixed by the Charter, and a column per language keeps
every query a plain one (no join, no JSON) on SQLite and PostgreSQL alike.
"""

from django.utils import translation

# UI language code (as in settings.LANGUAGES) -> suffix of the per-language column.
SUFFIXES = {"ar": "ar", "zh-hans": "zh", "en": "en", "fr": "fr", "ru": "ru", "es": "es"}
LANGUAGE_CODES = tuple(SUFFIXES)
RTL_LANGUAGES = {"ar"}


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


def field_names(field: str) -> list[str]:
    """The six column names of a translated field, in the order of LANGUAGE_CODES."""
    return [f"{field}_{s}" for s in SUFFIXES.values()]
