from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from revmod.lib.access import secretariat_required
from revmod.notifications.models import Message, Preference
from revmod.notifications.outbox import KIND_LABELS, KINDS, MANDATORY_KINDS

SHOWN = [Message.Status.FAILED, Message.Status.QUEUED, Message.Status.SENDING]


@secretariat_required
def outbox(request):
    """The secretariat's view of e-mail not (yet) delivered: failed messages with their error,
    first, then those waiting or being sent. Nobody else sees it (404)."""
    status = request.GET.get("status")
    messages = Message.objects.filter(status__in=[status] if status in SHOWN else SHOWN)
    # "failed" sorts before "queued" and "sending": failures first.
    messages = messages.order_by("status", "send_after", "pk")
    page = Paginator(messages.defer("text", "html"), 100).get_page(request.GET.get("page"))
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
            "page": page,
            "query": f"status={status}" if status in SHOWN else "",
            "status": status,
            "counts": counts,
            "statuses": Message.Status,
        },
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
