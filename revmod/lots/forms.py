import re

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from revmod.lib import lists
from revmod.lib.forms import ModelIdsField
from revmod.lots.models import Draw, Meeting, Pairing, RedrawRequest, ReviewGroup
from revmod.registry.forms import PartyCodesField
from revmod.registry.models import Party


class PairingFilterForm(lists.Sorted):
    """Filters and order of the pairings pages (current, replaced), their downloads and
    /api/v1/pairings/: `pairings()` is the one list of all of them. `status`: the pages' own
    (the current pairings page shows the active ones, whatever the address says). The current
    ones are listed by group and party under review; the replaced ones the latest first (as
    the history page always showed them)."""

    SORTS = {
        "group": ("group__number", "reviewed__code", "role", "reviewer__code"),
        "reviewed": (lambda: lists.translated("reviewed__name"), "reviewed__code"),
        "reviewer": (lambda: lists.translated("reviewer__name"), "reviewer__code"),
        "role": ("role",),
        "since": ("since",),
        "until": ("until",),
    }
    DEFAULT_ORDERING = "group"

    group = forms.TypedChoiceField(label=_("Group"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Active and superseded")),
            ("active", _("active")),
            ("superseded", _("superseded")),
        ],
        widget=forms.HiddenInput,
    )

    def __init__(self, data=None, *, status: str | None = None, **kwargs):
        if status is not None:
            data = data.copy() if data is not None else QueryDict(mutable=True)
            data["status"] = status
        super().__init__(data, **kwargs)
        self.fields["group"].choices = [("", _("All groups"))] + [
            (g.number, str(g)) for g in ReviewGroup.objects.all()
        ]
        if (data or {}).get("status") == "superseded":
            self.DEFAULT_ORDERING = "-until"

    def filter(self, pairings):
        if not self.is_valid():
            return pairings.none()
        if self.cleaned_data["group"]:
            pairings = pairings.filter(group__number=self.cleaned_data["group"])
        status = self.cleaned_data["status"]
        if status:
            pairings = pairings.filter(until__isnull=status == "active")
        return self.order(pairings)

    def pairings(self):
        """The pairings the form asks for, with their parties and replacements, in the order
        of their list (`ordering`); none when the form is not valid."""
        return self.filter(Pairing.objects.with_parties().select_related("superseded_by__reviewer"))


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "title", "place", "notes"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}


class PrepareDrawForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of draw"), choices=Draw.Kind.choices)
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Meeting.objects.all())
    reviewed = PartyCodesField(
        label=_("Parties under review"),
        required=False,
        help_text=_(
            "Initial and Protocol draws: party codes separated by commas. Empty: every party "
            "to the Convention on the day of the meeting (initial), every party lacking "
            "reviewers for a Protocol joined later (Protocol)."
        ),
    )
    sizes = forms.CharField(
        label=_("Sizes of the groups"),
        required=False,
        help_text=_("Initial draw only, e.g. 62, 63, 62. Empty: as equal as possible."),
    )
    volunteers = forms.CharField(
        label=_("Volunteers"),
        required=False,
        help_text=_("Initial draw only: party codes with the group asked for, e.g. KEN:1, MEX:1."),
    )
    requests = ModelIdsField(
        label=_("Redraw requests"),
        required=False,
        queryset=RedrawRequest.objects.filter(status=RedrawRequest.Status.PENDING).select_related(
            "pairing__reviewed", "pairing__reviewer", "requested_by"
        ),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Redraw only."),
    )

    def clean_sizes(self):
        text = self.cleaned_data["sizes"].strip()
        if not text:
            return None
        parts = [p.strip() for p in text.split(",")]
        if not all(re.fullmatch(r"\d+", p) for p in parts):
            raise forms.ValidationError(_("Give whole numbers separated by commas."))
        return [int(p) for p in parts]

    def clean_volunteers(self):
        text = self.cleaned_data["volunteers"].strip()
        volunteers = {}
        for item in filter(None, (p.strip() for p in text.split(","))):
            match = re.fullmatch(r"([A-Za-z]{2,3})\s*:\s*(\d+)", item)
            if not match:
                raise forms.ValidationError(
                    _("“%(item)s” is not CODE:GROUP, e.g. KEN:1.") % {"item": item}
                )
            code = match.group(1).upper()
            if not Party.objects.filter(code=code).exists():
                raise forms.ValidationError(_("Unknown party %(code)s.") % {"code": code})
            volunteers[code] = int(match.group(2))
        return volunteers


class EntropyForm(forms.Form):
    entropy = forms.CharField(
        label=_("Public entropy"),
        max_length=500,
        help_text=_(
            "As given at the meeting, e.g. the numbers called by the witnesses: 17 4 92 33."
        ),
    )


class RedrawRequestForm(forms.Form):
    pairing = forms.ModelChoiceField(
        label=_("Pairing"),
        queryset=Pairing.objects.active().select_related("reviewed", "reviewer"),
    )
    requested_by = forms.ModelChoiceField(
        label=_("Requesting party"), queryset=Party.objects.all(), to_field_name="code"
    )
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason given"), widget=forms.Textarea(attrs={"rows": 3}))
