from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render

from revmod.lib.access import secretariat_required
from revmod.notifications.models import Message

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
        {"page": page, "status": status, "counts": counts, "statuses": Message.Status},
    )
