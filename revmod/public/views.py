"""The pages anyone reads without signing in: the home page, the parties to the Convention and
each party's page (its instruments, and the outputs of its completed reviews it published)."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from revmod.questionnaires import observations
from revmod.registry.forms import PartyFilterForm
from revmod.registry.models import Adherence, Instrument, Party


@require_GET
def home(request):
    return render(request, "home.html", {"party_count": Party.objects.count()})


@require_GET
def party_list(request):
    form = PartyFilterForm(request.GET)
    parties = form.filter(Party.objects.with_instruments())
    return render(
        request,
        "registry/party_list.html",
        {"form": form, "parties": parties, "instruments": Instrument.objects.all()},
    )


@require_GET
def party_detail(request, code):
    party = get_object_or_404(Party.objects.select_related("regional_group"), code=code.upper())
    adherences = (
        Adherence.objects.filter(party=party)
        .select_related("instrument")
        .order_by("instrument__order", "recorded_at")
    )
    return render(
        request,
        "registry/party_detail.html",
        {
            "party": party,
            "current": [a for a in adherences if a.superseded_at is None],
            "history": [a for a in adherences if a.superseded_at is not None],
            "published": observations.published(party),
        },
    )
