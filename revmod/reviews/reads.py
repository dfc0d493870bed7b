"""The record of who read a review's confidential material (docs/operations.md, "The audit").

Every page, API endpoint, export, download, ZIP and machine translation that gives a review's
questionnaire answers, written feedback or list of observations to a person calls
`record_read` once it has decided to: one INSERT, whatever the amount of material. The
vocabulary is `reviews.access.Material`: the answers, the feedback and the list of observations
are recorded at every stage and for every reader (its own side and the secretariat included;
after completion the parts of the list not published stay confidential); the material every
participant shares is not. The secretariat reads the records per review (`reads` page, CSV).
"""

import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.utils import timezone

from revmod.reviews.access import Material
from revmod.reviews.models import READ_MATERIAL_LABELS, ReadRecord, Review

How = ReadRecord.How
RECORDED = frozenset(READ_MATERIAL_LABELS)


def target_of(obj: models.Model | None) -> str:
    """'app_label.model:pk' for `obj` (no query), '' for None."""
    return "" if obj is None else f"{obj._meta.label_lower}:{obj.pk}"


def record_read(
    user,
    review: Review | int,
    what: Material | str | Iterable[Material | str],
    *,
    how: str,
    obj: models.Model | None = None,
    detail: str = "",
    now: dt.datetime | None = None,
) -> list[ReadRecord]:
    """Record that `user` read `what` (one material or several, e.g. a page showing the answers
    beside the feedback) of `review` (or its id), through `how` (ReadRecord.How), `obj` being
    the object read when there is one (a document version, a translation). Material that is
    not confidential is left out; nothing is written when none is. One INSERT."""
    materials = [what] if isinstance(what, str) else list(what)
    chosen = sorted({Material(m) for m in materials} & RECORDED)
    if not chosen or not getattr(user, "is_authenticated", False):
        return []
    at = now or timezone.now()
    rows = [
        ReadRecord(
            review_id=review if isinstance(review, int) else review.pk,
            reader_id=user.pk,
            at=at,
            material=material.value,
            how=How(how).value,
            target=target_of(obj),
            detail=detail[:200],
        )
        for material in chosen
    ]
    return ReadRecord.objects.bulk_create(rows)
