"""The forms of events and training: one set of checks for the pages, the API and the import
of e-learning completions; the filters and order of the lists, their downloads and the API."""

from django import forms
from django.utils.translation import gettext_lazy as _

from revmod.accounts.forms import PartyChoiceField
from revmod.activities.models import (
    TRAINING_LANGUAGES,
    Completion,
    Event,
    EventDocument,
    Gender,
    Participant,
    TrainingSession,
)
from revmod.lib import lists
from revmod.registry.models import Party
from revmod.reviews.models import Review

DATE = forms.DateInput({"type": "date"}, format="%Y-%m-%d")


class PartiesField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Party.objects.order_by("code"), to_field_name="code", **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.label} ({obj.code})"


class LanguagesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=TRAINING_LANGUAGES,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )


# The participants of an event by gender (¶45 asks for them by gender).
COUNTS = ("women", "men", "other")


class EventForm(forms.ModelForm):
    """An event as the secretariat records it (page and API)."""

    languages = LanguagesField(label=_("Languages"))
    parties = PartiesField(label=_("States involved"), required=False)
    reviews = forms.ModelMultipleChoiceField(
        label=_("Linked reviews"),
        required=False,
        queryset=Review.objects.select_related("party", "cluster").order_by(
            "party__code", "cluster__number"
        ),
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "starts_on",
            "ends_on",
            "online",
            "place",
            "organisers",
            "languages",
            "parties",
            "reviews",
            "women",
            "men",
            "other",
            "published",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in COUNTS:
            self.fields[name].required = False  # none given: none counted

    def clean(self):
        data = super().clean()
        for name in COUNTS:
            if name in data and data[name] is None:
                data[name] = 0
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The event cannot end before it starts."))
        if not data.get("online") and not data.get("place"):
            self.add_error("place", _("Give the place, or tick “online”."))
        return data

    def _post_clean(self):
        pass  # the action saves (actions.save_event); no model validation of a half-built row

    def event(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventDocument.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(label=_("File"), help_text=_("PDF, DOCX, XLSX, ODT or TXT."))
    published = forms.BooleanField(
        label=_("Published"),
        required=False,
        help_text=_("The public sees a published document of a published event."),
    )


class SessionForm(forms.ModelForm):
    languages = LanguagesField(label=_("Languages"))

    class Meta:
        model = TrainingSession
        fields = ["title", "held_on", "kind", "languages", "online", "place"]
        widgets = {"held_on": DATE}

    def clean(self):
        data = super().clean()
        if not data.get("online") and not data.get("place"):
            self.add_error("place", _("Give the place, or tick “online”."))
        return data

    def _post_clean(self):
        pass

    def session(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ParticipantForm(forms.ModelForm):
    party = PartyChoiceField(label=_("State"))

    class Meta:
        model = Participant
        fields = ["name", "party", "gender", "language", "ministry"]

    def _post_clean(self):
        pass

    def participant(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CompletionForm(forms.ModelForm):
    """An e-learning completion: entered on the page, by the API, or a row of an import."""

    party = PartyChoiceField(label=_("State"))

    class Meta:
        model = Completion
        fields = ["party", "gender", "language", "ministry", "module", "completed_on"]
        widgets = {"completed_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ISO only: an import's "05/01/2023" is the 1st of May or the 5th of January.
        self.fields["completed_on"].input_formats = ["%Y-%m-%d"]
        self.fields["completed_on"].help_text = _("YYYY-MM-DD")

    def _post_clean(self):
        pass

    def completion(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8) or XLSX, a header row then one completion a row: State code, gender "
            "(woman, man, other), language (ar, zh, en, fr, ru, es, pt, other), ministry, "
            "module, completion date (YYYY-MM-DD)."
        ),
    )


class EventFilterForm(lists.Sorted):
    """Filters and order of the events page, its downloads and /api/v1/events/."""

    SORTS = {
        "starts": ("starts_on",),
        "title": ("title",),
        "kind": ("kind", "starts_on"),
    }
    DEFAULT_ORDERING = "-starts"

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Event.Kind.choices]
    )
    party = PartyChoiceField(label=_("State"), required=False, empty_label=_("All States"))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2999)

    def filter(self, events):
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        if data["party"]:
            events = events.filter(parties=data["party"])
        if data["year"]:
            events = events.filter(starts_on__year=data["year"])
        return self.order(events)


class SessionFilterForm(lists.Sorted):
    SORTS = {"held": ("held_on",), "title": ("title",), "kind": ("kind", "held_on")}
    DEFAULT_ORDERING = "-held"

    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *TrainingSession.Kind.choices],
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2999)

    def filter(self, sessions):
        if not self.is_valid():
            return sessions.none()
        data = self.cleaned_data
        if data["kind"]:
            sessions = sessions.filter(kind=data["kind"])
        if data["year"]:
            sessions = sessions.filter(held_on__year=data["year"])
        return self.order(sessions)


class TrainedFilterForm(lists.Sorted):
    """Filters and order of the participants (API) and the completions (page, downloads,
    API)."""

    SORTS = {"party": ("party__code",), "gender": ("gender",), "language": ("language",)}
    DEFAULT_ORDERING = "party"

    party = PartyChoiceField(label=_("State"), required=False, empty_label=_("All States"))
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("All")), *Gender.choices]
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All")), *TRAINING_LANGUAGES]
    )

    def filter(self, rows):
        if not self.is_valid():
            return rows.none()
        data = self.cleaned_data
        for name in ("party", "gender", "language"):
            if data[name]:
                rows = rows.filter(**{name: data[name]})
        return self.order(rows)


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DATE)
