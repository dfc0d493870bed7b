"""The languages a resource's files may be in: the six official languages of the United
Nations first, then others the secretariat publishes guides in (Portuguese, say: ¶48 speaks of
documents "in up to six languages", and some compilations exist in more).

A language is stored as its code (the data codes of the six: "zh", not "zh-hans"; ISO 639-1
for the others). Its name is shown in the page's language: the six by the platform's own
translations (lib.i18n), the others by babel's data (CLDR), English when babel has none."""

from babel import Locale, UnknownLocaleError
from django.utils import translation

from revmod.lib.i18n import DATA_CODES, LANGUAGE_NAMES

# The others, by ISO 639-1 code: languages of the parties in which UNODC publishes material.
OTHERS = (
    "pt",
    "de",
    "it",
    "ja",
    "ko",
    "fa",
    "tr",
    "id",
    "ms",
    "sw",
    "hi",
    "ur",
    "bn",
    "th",
    "vi",
    "uk",
    "pl",
    "nl",
    "sq",
    "hy",
    "ka",
    "az",
    "kk",
    "uz",
    "mn",
    "ne",
    "si",
    "am",
    "ha",
    "so",
)
CODES = (*DATA_CODES, *OTHERS)


def _locale(page_language: str | None = None) -> Locale:
    code = translation.to_locale(page_language or translation.get_language() or "en")
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def name(code: str, page_language: str | None = None) -> str:
    """The name of the language `code` in the page's language (or `page_language`): e.g. "pt"
    is "Portuguese" in English, "portugais" in French, "葡萄牙语" in Chinese. A code not in
    CODES is shown as it is."""
    if code in DATA_CODES:
        if page_language:
            with translation.override(page_language):
                return str(LANGUAGE_NAMES[code])
        return str(LANGUAGE_NAMES[code])
    if code not in OTHERS:
        return code
    found = _locale(page_language).languages.get(code) or Locale.parse("en").languages[code]
    # Capitalised as the six are in lists of choices ("Anglais", "Portugais").
    return found[:1].upper() + found[1:]


def choices() -> list[tuple[str, str]]:
    """(code, name in the page's language): the six in the platform's order, then the others
    by name."""
    others = sorted(((c, name(c)) for c in OTHERS), key=lambda pair: pair[1].casefold())
    return [(c, name(c)) for c in DATA_CODES] + others
