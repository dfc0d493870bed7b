"""The demo's drawing of lots, through the real actions along the seed's calendar: three
groups of 62, 63 and 64 reviews starting 1 Dec 2020, 1 Nov 2021 and 1 Nov 2022 (seed ¶6,
¶22), Bhutan and South Sudan joining late (footnote 2), and redraws at five meetings, the last
on 5 Dec 2023 (seed ¶7). Meeting dates other than the last are assumed."""

import datetime as dt

from django.db import transaction

from revmod.lots import actions
from revmod.lots.models import Draw, Pairing, ReviewGroup

GROUPS = {1: dt.date(2020, 12, 1), 2: dt.date(2021, 11, 1), 3: dt.date(2022, 11, 1)}
INITIAL_MEETING = (dt.date(2020, 11, 16), "Joint intersessional meeting: drawing of lots")
# The 187 parties of 2020 in groups of 62, 63 and 62; the two late joiners make group 3 64.
INITIAL_SIZES = [62, 63, 62]
REDRAW_MEETINGS = [
    dt.date(2021, 6, 8),
    dt.date(2022, 5, 24),
    dt.date(2022, 10, 14),
    dt.date(2023, 6, 12),
    dt.date(2023, 12, 5),
]


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def _prepare_redraw(secretariat, meeting, pairing, day, n) -> Draw:
    """A redraw asked by the party under review (odd meetings) or by the reviewer (even)."""
    by_reviewed = n % 2 == 1
    request = actions.record_redraw_request(
        pairing=pairing,
        requested_by=pairing.reviewed if by_reviewed else pairing.reviewer,
        reason="The two parties reviewed each other's legislation recently."
        if by_reviewed
        else "No expert available in the working languages of the review.",
        received_on=day - dt.timedelta(days=40),
        by=secretariat,
    )
    return actions.prepare_draw(
        kind=Draw.Kind.REDRAW,
        meeting=meeting,
        by=secretariat,
        now=at(day - dt.timedelta(days=14)),
        requests=[request],
    )


def run_draw(draw: Draw, entropy: str, day: dt.date) -> Draw:
    draw = actions.announce(draw, now=at(day - dt.timedelta(days=7)))
    draw = actions.enter_entropy(draw, entropy=entropy, now=at(day, 10))
    draw = actions.perform_draw(draw, now=at(day, 11))
    return actions.publish(draw, now=at(day, 12), by=draw.prepared_by)


@transaction.atomic
def load(secretariat) -> bool:
    """Hold the demo's draws once; False when they are already there."""
    if Draw.objects.exists():
        return False
    for number, starts_on in GROUPS.items():
        ReviewGroup.objects.get_or_create(number=number, defaults={"starts_on": starts_on})
    day, title = INITIAL_MEETING
    meeting = actions.create_meeting(held_on=day, title=title, place="Vienna (online)")
    draw = actions.prepare_draw(
        kind=Draw.Kind.INITIAL,
        meeting=meeting,
        by=secretariat,
        now=at(day - dt.timedelta(days=14)),
        sizes=INITIAL_SIZES,
    )
    run_draw(draw, "17 04 92 33 58 71 (witnesses of the meeting)", day)

    for n, day in enumerate(REDRAW_MEETINGS, start=1):
        meeting = actions.create_meeting(
            held_on=day, title=f"Joint intersessional meeting: redraws ({n})", place="Vienna"
        )
        # Each meeting redraws one slot, asked by a party under review or by a reviewer, the
        # first in a fixed order whose redraw the rules allow (most reviewers are at the cap).
        pairings = list(
            Pairing.objects.active()
            .filter(role=Pairing.Role.MAIN)
            .select_related("reviewed", "reviewer")
            .order_by("reviewed__code", "reviewer__code")
        )
        start = (n * 37) % len(pairings)
        draw = None
        for pairing in pairings[start:] + pairings[:start]:
            try:
                with transaction.atomic():
                    draw = _prepare_redraw(secretariat, meeting, pairing, day, n)
                break
            except actions.DrawError:
                continue
        if draw is None:
            raise RuntimeError(f"no pairing can be redrawn at meeting {n}")
        run_draw(draw, f"{n * 13 % 97:02d} {n * 29 % 89:02d} {n * 41 % 83:02d} (witnesses)", day)
    # Bhutan and South Sudan joined the Convention in 2023 (seed footnote 2): drawn into the
    # last group at the last meeting, leaving every other pairing as it was.
    late = actions.prepare_draw(
        kind=Draw.Kind.LATE, meeting=meeting, by=secretariat, now=at(day - dt.timedelta(days=14))
    )
    run_draw(late, "08 61 27 44 (witnesses)", day)
    return True
