"""The instruments' abbreviations (UNTOC, TIP, SOM, FIR) explained where a page shows them, in
the page's language, with the names the registry holds (Instrument, six official titles).

    {% load instruments %}{% instrument_names as instruments %}    one query, once per page
    {{ pairing.instruments|instrument_abbrs:instruments }}         codes listed, the first
        mention of each on the page as <abbr title="its official title">UNTOC</abbr>
    {{ code|instrument_abbr:instruments }}                         one code, the same way
    {{ rows|instrument_short_titles }}                             Instrument rows by short
        title, for a sentence (an e-mail)
    {% instruments_legend instruments %}                           the legend: code, title

`instruments_legend` without an argument reads the names itself (a page that only needs the
legend)."""

from django import template
from django.utils.html import format_html, format_html_join

from revmod.lib.i18n import join_list, list_separator
from revmod.registry.models import Instrument

register = template.Library()


class InstrumentNames(dict):
    """{code: Instrument}, remembering which codes a page has explained already."""

    def __init__(self, instruments):
        super().__init__((i.code, i) for i in instruments)
        self.explained: set[str] = set()

    def mention(self, code: str) -> str:
        """The code as HTML: with its official title the first time, plain after."""
        instrument = self.get(code)
        if instrument is None or code in self.explained:
            return format_html("<abbr>{}</abbr>", code)
        self.explained.add(code)
        return format_html('<abbr title="{}">{}</abbr>', instrument.label, code)


def _names() -> InstrumentNames:
    return InstrumentNames(Instrument.objects.order_by("order", "code"))


@register.simple_tag
def instrument_names() -> InstrumentNames:
    """The registry's instruments by code, in their order (one query)."""
    return _names()


@register.filter
def instrument_abbrs(codes, names: InstrumentNames):
    """Instrument codes as one list, each explained at its first mention on the page."""
    if not isinstance(names, InstrumentNames):
        return join_list(codes or [])
    items = [names.mention(code) for code in codes or []]
    return format_html_join(list_separator(), "{}", ((item,) for item in items))


@register.filter
def instrument_abbr(code, names: InstrumentNames):
    """One instrument code, explained at its first mention on the page."""
    return names.mention(code) if isinstance(names, InstrumentNames) else code


@register.filter
def instrument_short_titles(instruments) -> str:
    """Instrument rows as their short titles ("Trafficking in Persons Protocol"), one list: for
    a sentence, where an abbreviation cannot be explained (an e-mail)."""
    return join_list(i.short_label for i in instruments or [])


@register.inclusion_tag("registry/_instruments_legend.html")
def instruments_legend(names: InstrumentNames | None = None) -> dict:
    """The legend of the instruments' abbreviations: each code and its official title."""
    names = names if isinstance(names, InstrumentNames) else _names()
    return {"legend": list(names.values())}
