"""What a list page carries from one address to the next: its filters, search and order in the
links of its pager, its sortable headers and its downloads (which export exactly the rows the
list shows, all its pages)."""

from dataclasses import dataclass

from django.http import QueryDict


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
