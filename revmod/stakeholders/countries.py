"""Countries of the stakeholders: ISO 3166-1 alpha-3 codes, named from pycountry in the page's
language (as the registry names parties: `registry.tabular.pycountry_names`)."""

import functools

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from revmod.lib.i18n import suffix
from revmod.registry.tabular import pycountry_names

CODES = frozenset(c.alpha_3 for c in pycountry.countries)


@functools.cache
def _names(code: str) -> dict[str, str]:
    return pycountry_names(code)


def country_name(code: str, language: str | None = None) -> str:
    """The country `code` named in `language` (default: the active one), English where pycountry
    has no translation; the code itself when it is none of ISO 3166-1's (empty: empty)."""
    if not code:
        return ""
    names = _names(code)
    return names.get(f"name_{suffix(language)}") or names.get("name_en") or code


def choices() -> list[tuple[str, str]]:
    """Every ISO country as (code, name in the active language), sorted by name."""
    return sorted(((code, country_name(code)) for code in CODES), key=lambda item: item[1])


def validate_country(code: str) -> None:
    """Refuse a code that is not an ISO 3166-1 alpha-3 country code."""
    if code and code not in CODES:
        raise ValidationError(_("No country has this code."), code="invalid_choice")
