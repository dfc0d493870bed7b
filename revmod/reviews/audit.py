"""Checking the audit (`manage.py verifyaudit`; docs/operations.md, "The audit"): every review's
chain of events (reviews.chain), then the frozen rows of the apps above (the submitted answers
and feedback, the versions of the list of observations...) through `SNAPSHOTS`, and, given the
heads written by an earlier run, that the chains still run through them."""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from revmod.lib.hooks import Hook
from revmod.reviews import chain
from revmod.reviews.models import ReviewEvent


@dataclass(frozen=True)
class Problem:
    """Something of a review's record that does not hold: `what` (an event, a submission...),
    the row's id and what differs."""

    review_id: int | None
    what: str
    row_id: int | None
    problem: str

    def __str__(self) -> str:
        review = f"review {self.review_id}" if self.review_id is not None else "no review"
        row = f" {self.row_id}" if self.row_id is not None else ""
        return f"{review}, {self.what}{row}: {self.problem}"


Report = Callable[[Problem], None]

# The apps whose frozen rows carry a hash or an event call report(Problem) for each row that
# does not hold (questionnaires registers in QuestionnairesConfig.ready).
SNAPSHOTS = Hook("hook(report): check the app's frozen rows, report(Problem) for each broken one")


def _rows(reviews: list[int] | None) -> Iterator[chain.Row]:
    events = ReviewEvent.objects.order_by("review_id", "pk")
    if reviews is not None:
        events = events.filter(review_id__in=reviews)
    for values in events.values_list(*chain.FIELDS).iterator(chunk_size=2000):
        yield chain.Row(*values)


@dataclass
class Heads:
    """The last event of each review's chain: {review id: (event id, hash)}."""

    events: int
    heads: dict[int, tuple[int, str]]

    def dumps(self) -> str:
        heads = {str(review): list(head) for review, head in sorted(self.heads.items())}
        return json.dumps({"events": self.events, "heads": heads}, indent=1)

    @classmethod
    def loads(cls, text: str) -> "Heads":
        data = json.loads(text)
        heads = {int(review): (int(pk), str(h)) for review, (pk, h) in data["heads"].items()}
        return cls(int(data.get("events", 0)), heads)


def verify_chains(report: Report, reviews: list[int] | None = None) -> Heads:
    """Report the first broken link of each review's chain; the heads of the chains."""
    heads: dict[int, tuple[int, str]] = {}
    count = 0
    current: list[chain.Row] = []

    def close() -> None:
        if not current:
            return
        broken = chain.first_break(current)
        if broken is not None:
            report(Problem(broken.review_id, "event", broken.event_id, broken.problem))
        heads[current[-1].review_id] = (current[-1].pk, current[-1].hash)
        current.clear()

    for row in _rows(reviews):
        count += 1
        if current and row.review_id != current[-1].review_id:
            close()
        current.append(row)
    close()
    return Heads(count, heads)


def verify_against(earlier: Heads, report: Report, reviews: list[int] | None = None) -> None:
    """Report every head of `earlier` (an earlier run's) that is no longer in its review's
    chain with the same hash: the chain was cut or rewritten after it was written down."""
    wanted = {
        review: head
        for review, head in earlier.heads.items()
        if reviews is None or review in reviews
    }
    found = dict(
        ReviewEvent.objects.filter(pk__in=[pk for pk, _hash in wanted.values()]).values_list(
            "pk", "hash"
        )
    )
    for review, (pk, digest) in sorted(wanted.items()):
        if pk not in found:
            problem = "the event that ended the chain in the saved heads is gone"
        elif found[pk] != digest:
            problem = "the event that ended the chain in the saved heads has another hash now"
        else:
            continue
        report(Problem(review, "event", pk, problem + ": the chain was cut or rewritten"))


def verify(report: Report, reviews: list[int] | None = None, against: Heads | None = None) -> Heads:
    """Everything: the chains, the apps' frozen rows (SNAPSHOTS), and the heads of an earlier
    run when given. Returns the heads of the chains now."""
    heads = verify_chains(report, reviews)
    if against is not None:
        verify_against(against, report, reviews)

    def scoped(problem: Problem) -> None:
        if reviews is None or problem.review_id in reviews:
            report(problem)

    SNAPSHOTS(scoped)
    return heads
