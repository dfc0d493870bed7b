"""The forms of the assistance pages; the API binds the same ones (revmod/api/assistance.py)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from revmod.accounts.forms import PartyChoiceField
from revmod.accounts.models import User
from revmod.assistance import categories
from revmod.assistance.models import Request, Survey
from revmod.lib import lists

DATE = {"type": "date"}
# A description is a paragraph or two; more belongs in a document.
DESCRIPTION_MAX = 4000


class SurveyForm(forms.ModelForm):
    """The secretariat opens a survey or changes its title and dates."""

    class Meta:
        model = Survey
        fields = ["title", "opens_on", "closes_on"]
        labels = {"title": _("Title"), "opens_on": _("Opens on"), "closes_on": _("Closes on")}
        widgets = {"opens_on": forms.DateInput(DATE), "closes_on": forms.DateInput(DATE)}

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The survey cannot close before it opens."))
        return data


class AnswerForm(forms.Form):
    """A party's answer: the categories it needs, and for each a description (optional).
    Through the API: `categories` (a list of codes) and `description_<code>`."""

    categories = forms.MultipleChoiceField(
        label=_("Assistance needed"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one category of assistance.")},
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = survey.category_choices()
        for code, label in survey.category_choices():
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description: %(category)s") % {"category": label},
                required=False,
                max_length=DESCRIPTION_MAX,
                widget=forms.Textarea({"rows": 3}),
            )

    @classmethod
    def initial_for(cls, response) -> dict:
        """The form's initial values from a response (its requests not withdrawn)."""
        if response is None:
            return {}
        live = [r for r in response.requests.all() if r.withdrawn_at is None]
        initial: dict = {"categories": [r.category for r in live]}
        initial.update({f"description_{r.category}": r.description for r in live})
        return initial

    def needs(self) -> dict[str, str]:
        """{category: description} of the categories chosen."""
        return {
            code: self.cleaned_data.get(f"description_{code}", "")
            for code in self.cleaned_data["categories"]
        }


class TrackForm(forms.ModelForm):
    """The secretariat records where a request stands."""

    class Meta:
        model = Request
        fields = ["status", "status_on", "note", "officer"]
        labels = {
            "status": _("Status"),
            "status_on": _("Date"),
            "note": _("Note"),
            "officer": _("Officer"),
        }
        widgets = {"status_on": forms.DateInput(DATE), "note": forms.Textarea({"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = User.objects.filter(
            is_secretariat=True, is_active=True
        ).order_by("username")
        self.fields["status_on"].initial = timezone.now().date


class SurveyFilterForm(lists.Sorted):
    """Order of the surveys list and /api/v1/assistance-surveys/."""

    SORTS = {"title": ("title",), "opens_on": ("opens_on",), "closes_on": ("closes_on",)}
    DEFAULT_ORDERING = "-opens_on"

    def filter(self, surveys):
        if not self.is_valid():
            return surveys.none()
        return self.order(surveys)


class RequestFilterForm(lists.Sorted):
    """Filters and order of the requests list, its downloads and /api/v1/assistance-requests/
    (withdrawn requests are left out unless asked for)."""

    SORTS = {
        "party": ("response__party__code",),
        "survey": ("response__survey__opens_on",),
        "category": ("category",),
        "status": ("status",),
        "status_on": ("status_on",),
    }
    DEFAULT_ORDERING = "party"

    survey = forms.ModelChoiceField(
        label=_("Survey"), required=False, queryset=Survey.objects.all(), empty_label=_("All")
    )
    party = PartyChoiceField(label=_("Party"), required=False, empty_label=_("All parties"))
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + Request.Status.choices
    )
    withdrawn = forms.BooleanField(label=_("Include withdrawn requests"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = dict.fromkeys([*categories.current(), *categories.LABELS])
        self.fields["category"].choices = [("", _("All"))] + categories.choices(codes)

    def filter(self, requests):
        if not self.is_valid():
            return requests.none()
        data = self.cleaned_data
        if not data["withdrawn"]:
            requests = requests.filter(withdrawn_at=None)
        for name, lookup in [
            ("survey", "response__survey"),
            ("party", "response__party"),
            ("category", "category"),
            ("status", "status"),
        ]:
            if data[name]:
                requests = requests.filter(**{lookup: data[name]})
        return self.order(requests)


class TallyForm(forms.Form):
    """The date the tallies are counted as of (default: today)."""

    on = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(DATE))

    def as_of(self):
        value = self.cleaned_data.get("on") if self.is_valid() else None
        return value or timezone.now().date()
