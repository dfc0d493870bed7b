"""The forms of the stakeholders' pages, which the API uses too (one set of checks)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from revmod.lib import lists
from revmod.registry.forms import PartyCodesField
from revmod.reviews.models import Review
from revmod.stakeholders import countries
from revmod.stakeholders.models import (
    OTHER_FIELDS,
    Activity,
    Dialogue,
    Observation,
    Outreach,
    Pilot,
    Stakeholder,
)

DATE = forms.DateInput({"type": "date"}, format="%Y-%m-%d")


def _country_choices():
    return [("", "—"), *countries.choices()]


class StakeholderForm(forms.ModelForm):
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices, required=False)

    class Meta:
        model = Stakeholder
        fields = ["name", "kind", "country", "contact_name", "contact_email", "consent_on"]
        widgets = {"consent_on": DATE}


class StakeholderChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


def _stakeholders_field():
    return StakeholderChoices(
        label=_("Stakeholders"),
        queryset=Stakeholder.objects.order_by("name", "pk"),
        required=False,
        widget=forms.SelectMultiple({"size": 12}),
    )


class DialogueForm(forms.ModelForm):
    parties = PartyCodesField(
        label=_("States taking part"),
        required=False,
        help_text=_("The parties' codes, separated by commas (KEN, MEX)."),
        widget=forms.Textarea({"rows": 3}),
    )

    class Meta:
        model = Dialogue
        fields = [
            "held_on",
            "title",
            "session",
            "format",
            "stakeholders",
            "parties",
            "other_ngo",
            "other_academic",
            "other_private",
            "other_igo",
            "other_states",
            "published",
        ]
        widgets = {"held_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholders"] = _stakeholders_field()
        for name in self.COUNTS:
            self.fields[name].required = False  # none given: none
        if self.instance.pk and not self.is_bound:
            codes = self.instance.parties.order_by("code").values_list("code", flat=True)
            self.initial["parties"] = ", ".join(codes)

    COUNTS = [*OTHER_FIELDS.values(), "other_states"]

    def clean_parties(self):
        return self.cleaned_data["parties"] or []

    def clean(self):
        data = super().clean()
        for name in self.COUNTS:
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data


class ObservationForm(forms.ModelForm):
    number = forms.IntegerField(
        label=_("Number"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for the next number."),
    )

    class Meta:
        model = Observation
        fields = ["number", "text"]


class OutreachForm(forms.ModelForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    class Meta:
        model = Outreach
        fields = ["programme", "year", "people", "countries", "note"]


class ReviewChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.party.label} ({obj.party.code}) — {obj.cluster.label}"


class PilotForm(forms.ModelForm):
    review = ReviewChoice(
        label=_("Country review"),
        queryset=Review.objects.select_related("party", "cluster").order_by(
            "party__code", "cluster__number"
        ),
    )

    class Meta:
        model = Pilot
        fields = [
            "review",
            "consent_on",
            "consent_note",
            "started_on",
            "completed_on",
            "published",
            "stakeholders",
        ]
        widgets = {"consent_on": DATE, "started_on": DATE, "completed_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholders"] = _stakeholders_field()

    def clean(self):
        data = super().clean()
        consent, started, completed = (data.get(n) for n in self.Meta.widgets)
        if consent and started and started < consent:
            self.add_error("started_on", _("A pilot cannot be under way before the consent."))
        if completed and not started:
            self.add_error("completed_on", _("Give the date the pilot got under way first."))
        elif completed and started and completed < started:
            self.add_error("completed_on", _("A pilot cannot be completed before it started."))
        return data


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["held_on", "description"]
        widgets = {"held_on": DATE, "description": forms.Textarea({"rows": 3})}


class StakeholderFilterForm(lists.Sorted):
    """Filters and order of the register, its downloads and /api/v1/stakeholders/."""

    SORTS = {
        "name": ("name",),
        "kind": ("kind",),
        "country": ("country",),
        "consent": ("consent_on",),
    }
    DEFAULT_ORDERING = "name"

    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds"))] + Stakeholder.Kind.choices
    )
    country = forms.CharField(label=_("Country code"), required=False, max_length=3)
    consent = forms.ChoiceField(
        label=_("Consent to be contacted"),
        required=False,
        choices=[("", _("Either")), ("yes", _("Given")), ("no", _("Not given"))],
    )

    def filter(self, stakeholders):
        if not self.is_valid():
            return stakeholders.none()
        data = self.cleaned_data
        if data["q"].strip():
            stakeholders = stakeholders.filter(name__icontains=data["q"].strip())
        if data["kind"]:
            stakeholders = stakeholders.filter(kind=data["kind"])
        if data["country"].strip():
            stakeholders = stakeholders.filter(country=data["country"].strip().upper())
        if data["consent"]:
            stakeholders = stakeholders.filter(consent_on__isnull=data["consent"] == "no")
        return self.order(stakeholders)


class DialogueFilterForm(lists.Sorted):
    """Filters and order of the dialogues, their downloads and /api/v1/dialogues/."""

    SORTS = {"date": ("held_on",), "title": ("title",), "format": ("format",)}
    DEFAULT_ORDERING = "-date"

    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("All formats"))] + Dialogue.Format.choices,
    )

    def filter(self, dialogues):
        if not self.is_valid():
            return dialogues.none()
        data = self.cleaned_data
        if data["year"]:
            dialogues = dialogues.filter(held_on__year=data["year"])
        if data["format"]:
            dialogues = dialogues.filter(format=data["format"])
        return self.order(dialogues)


class OutreachFilterForm(lists.Sorted):
    """Filters and order of the yearly figures, their downloads and their API."""

    SORTS = {"year": ("year",), "programme": ("programme",)}
    DEFAULT_ORDERING = "-year"

    programme = forms.ChoiceField(
        label=_("Programme"),
        required=False,
        choices=[("", _("Both"))] + Outreach.Programme.choices,
    )

    def filter(self, figures):
        if not self.is_valid():
            return figures.none()
        if self.cleaned_data["programme"]:
            figures = figures.filter(programme=self.cleaned_data["programme"])
        return self.order(figures)


STATUS_FILTERS = {
    Pilot.Status.STARTING: Q(started_on__isnull=True),
    Pilot.Status.UNDER_WAY: Q(started_on__isnull=False, completed_on__isnull=True),
    Pilot.Status.COMPLETED: Q(completed_on__isnull=False),
}


class PilotFilterForm(lists.Sorted):
    """Filters and order of the pilot initiatives, their downloads and /api/v1/pilots/."""

    SORTS = {
        "party": (lambda: lists.translated("review__party__name"),),
        "consent": ("consent_on",),
        "started": ("started_on",),
        "completed": ("completed_on",),
    }
    DEFAULT_ORDERING = "party"

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + Pilot.Status.choices
    )

    def filter(self, pilots):
        if not self.is_valid():
            return pilots.none()
        if self.cleaned_data["status"]:
            pilots = pilots.filter(STATUS_FILTERS[self.cleaned_data["status"]])
        return self.order(pilots)
