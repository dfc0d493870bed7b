from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revmod.lib import lists
from revmod.lib.access import secretariat_required
from revmod.notifications.forms import SHOWN, OutboxForm
from revmod.notifications.models import Message, Preference
from revmod.notifications.outbox import KIND_LABELS, KINDS, MANDATORY_KINDS

# The sortable columns of the outbox (OutboxForm.SORTS).
OUTBOX_COLUMNS = {
    "status": gettext_lazy("Status"),
    "recipient": gettext_lazy("Recipient"),
    "subject": gettext_lazy("Subject"),
    "attempts": gettext_lazy("Attempts"),
    "next": gettext_lazy("Next attempt"),
}


@secretariat_required
def outbox(request):
    """The secretariat's view of e-mail not (yet) delivered: failed messages with their error,
    first, then those waiting or being sent. Nobody else sees it (404)."""
    form = OutboxForm(request.GET)
    page = lists.paged(request.GET, form.filter(Message.objects.defer("text", "html")))
    counts = dict(
        Message.objects.filter(status__in=SHOWN)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {s: counts.get(s, 0) for s in SHOWN}
    return render(
        request,
        "notifications/outbox.html",
        {
            "form": form,
            "page": page,
            "columns": form.columns(request.GET, OUTBOX_COLUMNS),
            "query": lists.query(request.GET),
            "counts": counts,
            "statuses": Message.Status,
        },
        status=400 if form.errors else 200,
    )


@login_required
def preferences(request):
    """Every signed-in person's choice, per kind of message: at once, only in the monthly
    digest, or off. Kinds about their account or role cannot be changed (the page says so)."""
    user = request.user
    saved = dict(Preference.objects.filter(user=user).values_list("kind", "mode"))
    modes = Preference.Mode.values
    if request.method == "POST":
        with transaction.atomic():
            for kind in KINDS:
                if kind in MANDATORY_KINDS:
                    continue
                mode = request.POST.get(kind)
                if mode not in modes:
                    continue  # absent or forged: left as it was
                Preference.objects.update_or_create(user=user, kind=kind, defaults={"mode": mode})
        flash.success(request, _("Your e-mail preferences are saved."))
        return redirect("notifications:preferences")
    rows = [
        {
            "kind": kind,
            "label": KIND_LABELS[kind],
            "mandatory": kind in MANDATORY_KINDS,
            "mode": Preference.Mode.NOW if kind in MANDATORY_KINDS else saved.get(kind, "now"),
        }
        for kind in KINDS
    ]
    return render(
        request,
        "notifications/preferences.html",
        {"rows": rows, "modes": Preference.Mode.choices},
    )
