from django import forms
from django.utils.translation import gettext_lazy as _

from revmod.lib import lists
from revmod.notifications.models import Message

# The messages the outbox lists: those not delivered (yet).
SHOWN = [Message.Status.FAILED, Message.Status.QUEUED, Message.Status.SENDING]


class OutboxForm(lists.Sorted):
    """Filter and order of the outbox: by default by status ("failed" sorts before "queued"
    and "sending": failures first), then the next attempt."""

    SORTS = {
        "status": ("status", "send_after"),
        "recipient": ("address",),
        "subject": ("subject",),
        "attempts": ("attempts",),
        "next": ("send_after",),
    }
    DEFAULT_ORDERING = "status"

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + [(s.value, s.label) for s in SHOWN],
        widget=forms.HiddenInput,
    )

    def filter(self, messages):
        if not self.is_valid():
            return messages.none()
        status = self.cleaned_data["status"]
        return self.order(messages.filter(status__in=[status] if status else SHOWN))
