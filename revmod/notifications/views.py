from django.core.paginator import Paginator
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
    messages = messages.select_related("recipient").order_by("-status", "send_after", "pk")
    page = Paginator(messages.only(
        "recipient__username", "address", "language", "kind", "subject", "status",
        "attempts", "last_error", "send_after", "created_at",
    ), 100).get_page(request.GET.get("page"))  # fmt: skip
    counts = {s: Message.objects.filter(status=s).count() for s in SHOWN}
    return render(
        request,
        "notifications/outbox.html",
        {"page": page, "status": status, "counts": counts, "statuses": Message.Status},
    )
