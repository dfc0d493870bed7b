"""Lists as people read them: `{% load lists %}`, then `{{ codes|language_names }}` (working
languages by name, "Arabic, English"), `{{ count|number }}` (digits grouped as the active
language groups them) and `{{ names|listing }}` (any list, with the separator of
the active language); `{% list_separator %}` between the items a loop writes. The helpers are
revmod.lib.i18n's, so pages, e-mails and exports agree."""

from django import template

from revmod.lib.i18n import join_list
from revmod.lib.i18n import language_names as names_of
from revmod.lib.i18n import list_separator as separator
from revmod.lib.i18n import number as as_number

register = template.Library()


@register.filter
def language_names(codes) -> str:
    """Language codes ("ar", "en") as their names in the active language, as one list."""
    return names_of(codes or [])


@register.filter
def listing(items) -> str:
    """The items joined with the active language's list separator."""
    return join_list(items or [])


@register.simple_tag
def list_separator() -> str:
    """The active language's list separator, for a list a template writes item by item."""
    return separator()


@register.filter
def number(value) -> str:
    """An integer with the active language's digit grouping ("9,450", "9 450", "9.450")."""
    return as_number(value or 0)
