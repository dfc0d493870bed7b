"""The follow-ups' next actions in the secretariat's task list (the home page): the open ones
with a date, of the officer chosen, the nearest date first; those past their date are overdue."""

import datetime as dt
from dataclasses import dataclass

from revmod.followups import access
from revmod.followups.models import FollowUp


@dataclass(frozen=True)
class Action:
    """An open next action on `today`: `days_late` > 0 once its date has passed."""

    followup: FollowUp
    due: dt.date
    days_late: int

    @property
    def overdue(self) -> bool:
        return self.days_late > 0

    @property
    def days_left(self) -> int:
        return -self.days_late


def open_actions(user, chosen: str, today: dt.date, limit: int) -> tuple[list[Action], int]:
    """The open next actions with a date that `user` (the secretariat) sees in its task list:
    its own when `chosen` is "", everyone's for "all", else those of the officer of that user
    name; sorted by date, at most `limit` of them, with how many more there are. Two queries
    whatever the number of follow-ups; nothing for anyone but the secretariat."""
    followups = access.followups_visible_to(user).filter(
        done_at__isnull=True, next_action_on__isnull=False
    )
    if chosen == "all":
        pass
    elif chosen:
        followups = followups.filter(officer__username=chosen)
    else:
        followups = followups.filter(officer=user)
    followups = followups.select_related("party", "officer").order_by("next_action_on", "pk")
    rows = list(followups[:limit])
    more = followups.count() - len(rows)
    actions = [Action(f, f.next_action_on, (today - f.next_action_on).days) for f in rows]
    return actions, more
