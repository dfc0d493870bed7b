"""The pages anyone reads without signing in: the home page, the parties to the Convention and
each party's profile (public.profile: its instruments, its reviews' public progress, the outputs
and follow-up it published)."""

from django.shortcuts import get_object_or_404, render
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from revmod.followups.tasks import open_actions
from revmod.lib import lists
from revmod.lib.access import is_secretariat
from revmod.public import profile
from revmod.questionnaires import observations, publication
from revmod.registry.forms import PartyFilterForm
from revmod.registry.models import Adherence, Instrument, Party
from revmod.registry.templatetags.instruments import InstrumentNames
from revmod.reviews import tasks
from revmod.reviews.forms import TaskFilterForm

# Lines of the secretariat's task list on the home page; the rest through the reviews list.
TASK_LINES = 100


@require_GET
def home(request):
    """The home page; for a signed-in person, what they must do next and by when (the
    secretariat: what needs it in the reviews an officer follows, or in all)."""
    context = {"party_count": Party.objects.count(), "tasks": None}
    if request.user.is_authenticated:
        context.update(task_list(request))
    return render(request, "home.html", context)


def task_list(request) -> dict:
    today = timezone.localdate()
    if is_secretariat(request.user):
        form = TaskFilterForm(request.GET, user=request.user)
        found = tasks.load(form.reviews(), today)
        items = tasks.for_secretariat(found.values(), today)
        # The follow-ups' open next actions of the same officer, or all (followups.tasks).
        chosen = (form.cleaned_data.get("officer") or "") if form.is_valid() else ""
        actions, more = open_actions(request.user, chosen, today, TASK_LINES)
        return {
            "followup_actions": actions,
            "followup_more": more,
            "tasks": items[:TASK_LINES],
            "more": len(items[TASK_LINES:]),
            "waiting": [],
            "task_form": form,
        }
    items = tasks.for_user(request.user, today)
    return {
        "tasks": [item for item in items if item.is_task],
        "waiting": [item for item in items if not item.is_task],
        "more": 0,
        "task_form": None,
    }


# The party list's sortable columns (the instruments' columns are not: a date per party).
PARTY_COLUMNS = {
    "party": gettext_lazy("Party"),
    "code": gettext_lazy("Code"),
    "regional_group": gettext_lazy("Regional group"),
}


@require_GET
def party_list(request):
    """The parties, 50 a page, sorted on a column, each with the day it joined each
    instrument: one cell per instrument, found here by a dictionary rather than by the
    template looping over every adherence for every instrument."""
    form = PartyFilterForm(request.GET)
    page = lists.paged(request.GET, form.filter(Party.objects.with_instruments()))
    instruments = list(Instrument.objects.all())
    rows = []
    shown: dict = {None: None}  # each day formatted once a page: many parties share one
    for party in page:
        joined = {a.instrument_id: a.date for a in party.current_adherences}
        days = [joined.get(i.pk) for i in instruments]
        for day in days:
            if day not in shown:
                shown[day] = (day.isoformat(), formats.date_format(day, "DATE_FORMAT"))
        rows.append((party, [shown[day] for day in days]))
    return render(
        request,
        "registry/party_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "instruments": instruments,
            "columns": form.columns(request.GET, PARTY_COLUMNS),
            "query": lists.query(request.GET),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def party_detail(request, code):
    """A party's profile (public.profile): its instruments, its reviews' public progress and
    reviewing parties, the reviews it takes part in as reviewer, the outputs and follow-up it
    published; the focal points' contact details for registered participants only."""
    party = get_object_or_404(Party.objects.select_related("regional_group"), code=code.upper())
    adherences = list(
        Adherence.objects.filter(party=party)
        .select_related("instrument")
        .order_by("instrument__order", "recorded_at")
    )
    own, reviewing = profile.reviews_of(party)
    return render(
        request,
        "registry/party_detail.html",
        {
            "party": party,
            "current": [a for a in adherences if a.superseded_at is None],
            "history": [a for a in adherences if a.superseded_at is not None],
            # The abbreviations of the pairings' instruments, explained from the party's own:
            # a party is reviewed, and reviews, only for instruments it is party to.
            "instruments": InstrumentNames(a.instrument for a in adherences),
            "reviews": own,
            "reviewing": reviewing,
            "published": observations.published(party),
            # The answers the party chose to publish, as the decision in force publishes them.
            "published_answers": publication.published_answers(party),
            "follow_ups": profile.published_follow_ups(party),
            "focal_points": profile.focal_points(party, request.user),
        },
    )
