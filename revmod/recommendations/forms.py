"""The forms of recommendations and follow-ups: the pages' and the API's (one set of checks)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from revmod.accounts.forms import PartyChoiceField
from revmod.lib import lists
from revmod.lib.forms import MAX_ID
from revmod.lib.i18n import field_names
from revmod.recommendations.models import FollowUp, Recommendation

DATE = forms.DateInput({"type": "date"}, format="%Y-%m-%d")


class RecommendationForm(forms.ModelForm):
    """The secretariat records or edits a recommendation: its number is unique in its
    session (the model's constraint, checked here with a clear message)."""

    class Meta:
        model = Recommendation
        fields = ["session", "number", "adopted_on", "addressee", *field_names("text"), "published"]
        widgets = {"adopted_on": DATE} | {
            name: forms.Textarea({"rows": 3}) for name in field_names("text")
        }


class RecommendationFilterForm(lists.Sorted):
    """Filters and order of the recommendations page, its downloads and the API's list."""

    SORTS = {
        "adopted": ("adopted_on", "session", "number"),
        "session": ("session", "number"),
        "number": ("number",),
    }
    DEFAULT_ORDERING = "adopted"

    session = forms.ChoiceField(label=_("Session"), required=False)
    addressee = forms.ChoiceField(
        label=_("Addressed to"),
        required=False,
        choices=[("", _("Anyone"))] + Recommendation.Addressee.choices,
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [("", _("All sessions"))] + [(s, s) for s in sessions]

    def filter(self, recommendations):
        if not self.is_valid():
            return recommendations.none()
        data = self.cleaned_data
        if data["session"]:
            recommendations = recommendations.filter(session=data["session"])
        if data["addressee"]:
            # "Parties" finds those addressed to both too, and so does "the secretariat".
            wanted = {data["addressee"], Recommendation.Addressee.BOTH}
            recommendations = recommendations.filter(addressee__in=wanted)
        if data["q"]:
            found = Q(session__icontains=data["q"])
            for name in field_names("text"):
                found |= Q(**{f"{name}__icontains": data["q"]})
            recommendations = recommendations.filter(found)
        return self.order(recommendations)


class FollowUpForm(forms.ModelForm):
    """A new update of a follow-up. `parties` are those the user records for; the secretariat
    may leave the party empty for its own action (`secretariat`)."""

    party = PartyChoiceField(label=_("Party"), required=False)
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = FollowUp
        fields = ["party", "status", "evidence", "link", "on", "published"]
        widgets = {"on": DATE, "evidence": forms.Textarea({"rows": 3})}

    def __init__(self, *args, parties, secretariat=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["party"]
        field.queryset = parties.order_by("code")
        field.required = not secretariat
        field.empty_label = _("The secretariat's own action") if secretariat else None
        if not secretariat:
            field.help_text = ""


class FollowUpFilterForm(lists.Sorted):
    """Filters and order of the follow-ups page, its downloads and the API's list."""

    SORTS = {
        "recorded": ("recorded_at",),
        "recommendation": ("recommendation__session", "recommendation__number"),
        "party": ("party__code",),
        "status": ("status",),
        "date": ("on",),
    }
    DEFAULT_ORDERING = "-recorded"

    party = PartyChoiceField(label=_("Party"), required=False, empty_label=_("All parties"))
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status"))] + FollowUp.Status.choices
    )
    recommendation = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=MAX_ID
    )
    history = forms.BooleanField(label=_("Include earlier updates"), required=False)

    def filter(self, follow_ups, in_force):
        """`follow_ups` (those the user sees) filtered; `in_force` narrows them to those in
        force for the user unless the history is asked."""
        if not self.is_valid():
            return follow_ups.none()
        data = self.cleaned_data
        if not data["history"]:
            follow_ups = in_force(follow_ups)
        if data["party"]:
            follow_ups = follow_ups.filter(party=data["party"])
        if data["status"]:
            follow_ups = follow_ups.filter(status=data["status"])
        if data["recommendation"]:
            follow_ups = follow_ups.filter(recommendation=data["recommendation"])
        return self.order(follow_ups)
