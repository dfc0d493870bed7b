"""Confirming an irreversible action (issue 17, item 3): the first request for it (a POST from
the page's button, or a GET) changes nothing and shows what will be sent, what is missing and
what happens next, to whom; only a POST carrying `confirm=yes` (the confirmation page's
button) does it. A plain page and form: it works without JavaScript, on a slow link.

The summary is written by the module whose rule it is (the step apps say what their
submission holds, `reviews` what a workflow action does); this module only shows it, with the
fields of the first request carried over (the review's `version` among them, so that a page
left open while someone else acted is refused at the confirmation as it was before)."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.shortcuts import render

FIELD = "confirm"
# What the confirmation's button posts (and what a test or a script posts to confirm).
CONFIRMED = {FIELD: "yes"}


@dataclass(frozen=True)
class Link:
    """An item the summary lists, linked to where it is done (a question not answered)."""

    text: str
    url: str


@dataclass
class Summary:
    """What an action will send and what follows, said before it is done.

    - `title`: the action ("Submit the self-assessment questionnaire");
    - `sent`: what will be sent (counts, the parts filled);
    - `warnings`: what is incomplete; it does not block the action, the person decides;
    - `missing`: the incomplete items themselves, each linked back, under `missing_title`;
    - `next`: what happens next and to whom.
    The lists are the caller's to extend (e.g. `reviews` adds the secretariat's reason)."""

    title: str
    sent: list[str] = field(default_factory=list)
    next: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    missing: list[Link] = field(default_factory=list)
    missing_title: str = ""


def confirmed(request) -> bool:
    """Whether `request` is the confirmation itself (a POST with `confirm=yes`)."""
    return request.method == "POST" and request.POST.get(FIELD) == CONFIRMED[FIELD]


def carried(data, names: Iterable[str]) -> list[tuple[str, str]]:
    """The fields `names` of the first request (`request.POST` or a dict), as (name, value)
    pairs for the confirmation's hidden inputs; a field given several times keeps each value,
    a field not given is left out."""
    pairs = []
    for name in names:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        pairs += [(name, str(value)) for value in values if value not in (None, "")]
    return pairs


def page(
    request,
    summary: Summary,
    *,
    action: str,
    back: str,
    subject: str,
    fields: list[tuple[str, str]],
) -> HttpResponse:
    """The confirmation page of `summary`: its Confirm button posts `fields` (hidden) and
    `confirm=yes` to `action`; "Go back" leads to `back`; `subject` names what it is about (the
    review) above the title."""
    return render(
        request,
        "confirm.html",
        {
            "summary": summary,
            "action": action,
            "back": back,
            "subject": subject,
            "fields": fields,
            "confirm": CONFIRMED,
        },
    )
