"""The forms of the follow-ups and briefings pages; the API reads the same forms (one set of
checks for both doors)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from revmod.accounts.forms import PartyChoiceField
from revmod.followups.models import Briefing, FollowUp
from revmod.lib import lists
from revmod.lib.i18n import LANGUAGE_CHOICES
from revmod.registry.forms import PartyCodesField
from revmod.registry.models import Party
from revmod.reviews.forms import officers
from revmod.reviews.models import Review

DATE = forms.DateInput({"type": "date"}, format="%Y-%m-%d")


class OfficerField(forms.ModelChoiceField):
    """An active member of the secretariat, by user name."""

    def __init__(self, **kwargs):
        super().__init__(queryset=officers(), to_field_name="username", **kwargs)

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class ReviewField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.party.label} — {obj.cluster.label}"


class FollowUpForm(forms.ModelForm):
    """A follow-up as the secretariat records or edits it. The officer responsible defaults
    to the person recording it (`initial`)."""

    party = PartyChoiceField(label=_("Party"))
    review = ReviewField(
        label=_("Review"),
        required=False,
        queryset=Review.objects.select_related("party", "cluster").order_by(
            "party__code", "cluster__number"
        ),
        help_text=_("Optional: the review of this party the contact was about, and its step."),
    )
    officer = OfficerField(
        label=_("Officer responsible"),
        required=False,
        help_text=_("Who does the next action (you, unless you choose another officer)."),
    )

    class Meta:
        model = FollowUp
        fields = [
            "party",
            "whom",
            "contact_name",
            "kind",
            "held_on",
            "subject",
            "review",
            "stage",
            "outcome",
            "next_action",
            "next_action_on",
            "officer",
        ]
        widgets = {
            "held_on": DATE,
            "next_action_on": DATE,
            "outcome": forms.Textarea({"rows": 3}),
            "next_action": forms.Textarea({"rows": 2}),
        }
        help_texts = {
            "contact_name": _("Whom you spoke to or wrote to."),
            "next_action_on": _("With a date, the next action shows in the officer's tasks."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not self.instance.pk:
            self.fields["officer"].initial = user.get_username()
        elif self.instance.pk:
            self.fields["officer"].required = True
            self.initial["officer"] = self.instance.officer.get_username()
            self.initial["party"] = self.instance.party.code

    def values(self) -> dict:
        """The arguments of actions.record_followup / edit_followup from the valid form."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class BriefingForm(forms.ModelForm):
    """A briefing as the secretariat records or edits it; the States by their codes."""

    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    parties = PartyCodesField(
        label=_("States represented"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Their codes separated by commas, e.g. KEN, MEX, PAK."),
    )

    class Meta:
        model = Briefing
        fields = [
            "held_on",
            "title",
            "kind",
            "languages",
            "place",
            "online",
            "representatives",
            "published",
        ]
        widgets = {"held_on": DATE}
        help_texts = {
            "published": _("The public sees its title, date and attendance figures."),
            "representatives": _("How many representatives attended."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            codes = self.instance.parties.order_by("code").values_list("code", flat=True)
            self.initial["parties"] = ", ".join(codes)

    def values(self) -> dict:
        """The arguments of actions.record_briefing / edit_briefing from the valid form."""
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        codes = self.cleaned_data["parties"] or []
        values["parties"] = list(Party.objects.filter(code__in=codes))
        return values


class FollowUpFilterForm(lists.Sorted):
    """Filters and order of the follow-ups page, its downloads and /api/v1/followups/: the
    latest contact first by default."""

    SORTS = {
        "date": ("held_on",),
        "party": ("party__code",),
        "kind": ("kind",),
        "next_action": ("next_action_on",),
        "officer": ("officer__username",),
    }
    DEFAULT_ORDERING = "-date"

    party = PartyChoiceField(label=_("Party"), required=False, empty_label=_("All parties"))
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds"))] + FollowUp.Kind.choices
    )
    officer = OfficerField(label=_("Officer"), required=False, empty_label=_("All officers"))
    open = forms.BooleanField(label=_("Open next actions only"), required=False)

    def filter(self, followups):
        if not self.is_valid():
            return followups.none()
        data = self.cleaned_data
        if data["party"]:
            followups = followups.filter(party=data["party"])
        if data["kind"]:
            followups = followups.filter(kind=data["kind"])
        if data["officer"]:
            followups = followups.filter(officer=data["officer"])
        if data["open"]:
            followups = followups.filter(done_at__isnull=True).exclude(next_action="")
        return self.order(followups)


class BriefingFilterForm(lists.Sorted):
    """Filters and order of the briefings page, its downloads and /api/v1/briefings/: the
    latest first by default. The kind filter is the secretariat's (`detailed`)."""

    SORTS = {
        "date": ("held_on",),
        "title": ("title",),
        "representatives": ("representatives",),
        "states": ("states",),
    }
    DEFAULT_ORDERING = "-date"

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds"))] + Briefing.Kind.choices
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=9999)

    def __init__(self, *args, detailed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not detailed:
            del self.fields["kind"]

    def filter(self, briefings):
        if not self.is_valid():
            return briefings.none()
        data = self.cleaned_data
        if data.get("kind"):
            briefings = briefings.filter(kind=data["kind"])
        if data["year"]:
            briefings = briefings.filter(Q(held_on__year=data["year"]))
        return self.order(briefings)
