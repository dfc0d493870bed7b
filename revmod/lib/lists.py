"""What a list page carries from one address to the next: its filters, search and order in the
links of its pager, its sortable headers and its downloads (which export exactly the rows the
list shows, all its pages)."""

from dataclasses import dataclass

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from revmod.lib.i18n import suffix

# Rows a list page shows at a time (the downloads hold every page).
PAGE_SIZE = 50


def query(params: QueryDict, *, drop=("page",), **changes: str | None) -> str:
    """`params` (a request's GET) urlencoded without `drop` (the page: a download holds every
    page, a new order starts at the first), with `changes` set (None removes one)."""
    kept = params.copy()
    for name in drop:
        kept.pop(name, None)
    for name, value in changes.items():
        if value is None:
            kept.pop(name, None)
        else:
            kept[name] = value
    return kept.urlencode()


@dataclass(frozen=True)
class Column:
    """A sortable column header: its label, its state for `aria-sort` ("ascending",
    "descending" or "none") and the query that sorts on it (ascending first, then reversed)."""

    key: str
    label: str
    sort: str
    query: str


def columns(params: QueryDict, labels: dict[str, str], sorted_by: tuple[str, bool]) -> list:
    """The headers of the columns `labels` ({key: label}) of a list sorted on `sorted_by`
    ((key, descending)); the order is the parameter `ordering`."""
    current, descending = sorted_by
    result = []
    for key, label in labels.items():
        sort = "none"
        if key == current:
            sort = "descending" if descending else "ascending"
        ordering = f"-{key}" if sort == "ascending" else key
        result.append(Column(key, label, sort, query(params, ordering=ordering)))
    return result


def translated(path: str):
    """The text `path` (a field stored once per language: "party__name") in the active
    language, English where that one is empty: what the page shows, to sort on."""
    return Coalesce(NullIf(F(f"{path}_{suffix()}"), Value("")), F(f"{path}_en"))


def paged(params: QueryDict, items, size: int = PAGE_SIZE) -> Page:
    """The page of `items` that `params` asks for (`page`); the first for a page number that
    is not one, the last for one past the end (a link kept from a longer list): never an
    error."""
    return Paginator(items, size).get_page(params.get("page"))


class NarrowPaginator(Paginator):
    """A Paginator whose page of a queryset is read in two steps: the page's primary keys,
    sorted on the few columns the order reads, then the full rows of those keys (with their
    joins and prefetches), sorted again. The same rows in the same order as the queryset
    sliced, but the wide rows of every match are not sorted to keep a page of them: the
    reviews' page at fifty times the mechanism (docs/benchmarks.md). One query more, whatever
    the number of rows. (The keys are read first rather than as a subquery: an order on a
    correlated subquery, the reviews' first officer, cannot be nested in Django.)"""

    def _get_page(self, object_list, number, paginator):
        if isinstance(object_list, QuerySet) and object_list.query.is_sliced:
            keys = list(object_list.values_list("pk", flat=True))
            object_list = self.object_list.filter(pk__in=keys)
        return super()._get_page(object_list, number, paginator)


class Sorted(forms.Form):
    """A list's form that sorts on its columns: `SORTS` ({key: expressions sorted on, in
    ascending order: field paths or expressions}), `DEFAULT_ORDERING` (a key, "-" before it
    for descending). The order is the parameter `ordering`; an unknown one is an error of the
    form, as for the reviews list (the page says why with 400, the export and the API answer
    400). Ties go by the default order, then by pk: pages never repeat nor skip a row."""

    SORTS: dict[str, tuple] = {}
    DEFAULT_ORDERING = ""
    ordering = forms.CharField(label=_("Sort by"), required=False, widget=forms.HiddenInput)

    def clean_ordering(self) -> str:
        value = self.cleaned_data["ordering"].strip()
        if value and value.lstrip("-") not in self.SORTS:
            raise forms.ValidationError(
                _(
                    "Unknown order “%(value)s”: sort by one of %(names)s (“-” before a name "
                    "for the reverse order)."
                )
                % {"value": value[:40], "names": ", ".join(self.SORTS)},
                code="invalid_choice",
            )
        return value if value.lstrip("-") else self.DEFAULT_ORDERING

    @property
    def sorted_by(self) -> tuple[str, bool]:
        """The column the list is sorted on and whether in descending order."""
        value = (self.cleaned_data.get("ordering") if self.is_valid() else "") or ""
        value = value or self.DEFAULT_ORDERING
        return value.lstrip("-"), value.startswith("-")

    def order(self, items):
        """`items` in the order asked, then the default order, then pk."""
        name, descending = self.sorted_by
        default = self.DEFAULT_ORDERING.lstrip("-")
        keys = [*_ordered(self.SORTS[name], descending)]
        if name != default:
            keys += _ordered(self.SORTS[default], self.DEFAULT_ORDERING.startswith("-"))
        return items.order_by(*keys, "-pk" if descending else "pk")

    def columns(self, params: QueryDict, labels: dict[str, str]) -> list:
        """The sortable headers of the columns `labels` (see `columns`)."""
        return columns(params, labels, self.sorted_by)


def _ordered(expressions, descending: bool) -> list:
    result = []
    for expression in expressions:
        if isinstance(expression, str):
            expression = F(expression)
        elif callable(expression):
            expression = expression()  # built per request: the active language's column
        if descending:
            result.append(expression.desc(nulls_last=True))
        else:
            result.append(expression.asc(nulls_last=True))
    return result
