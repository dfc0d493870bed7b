"""The library's figures for the status report (¶48): the resources published as of a date,
by kind and by language. Computed in SQL, two queries whatever the number of resources.

"Published as of a date" is read from the resource's current state: published now, and last
published on or before the date. A resource unpublished since is not counted for any date (the
platform keeps when a resource was published, not the history of its publications)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count

from revmod.library.models import Resource, ResourceVersion


@dataclass(frozen=True)
class LibraryFigures:
    on: dt.date
    total: int = 0
    # {kind: resources}, kinds with none left out.
    by_kind: dict[str, int] = field(default_factory=dict)
    # {language code: resources with a version in it uploaded by that date}, none left out.
    by_language: dict[str, int] = field(default_factory=dict)


def _end_of(on: dt.date) -> dt.datetime:
    return dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)


def library_figures(on: dt.date) -> LibraryFigures:
    """The resources published on `on` (by the end of that day, UTC), by kind and by the
    languages they had a version in by then."""
    end = _end_of(on)
    published = Resource.objects.filter(published=True, published_at__lt=end)
    by_kind = dict(
        published.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    by_language = dict(
        ResourceVersion.objects.filter(resource__in=published, uploaded_at__lt=end)
        .order_by()
        .values_list("language")
        .annotate(n=Count("resource", distinct=True))
        .values_list("language", "n")
    )
    return LibraryFigures(
        on=on, total=sum(by_kind.values()), by_kind=by_kind, by_language=by_language
    )
