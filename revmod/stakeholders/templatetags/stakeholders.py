from django import template

from revmod.stakeholders.countries import country_name

register = template.Library()


@register.filter
def country(code: str) -> str:
    """An ISO 3166-1 alpha-3 code as the country's name in the page's language."""
    return country_name(code)
