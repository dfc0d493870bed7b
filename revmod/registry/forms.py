from django import forms
from django.utils.translation import gettext_lazy as _

from revmod.lib import lists
from revmod.registry.models import Instrument, Party, RegionalGroup

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class PartyCodeField(forms.ModelChoiceField):
    """One party by its code, typed (KEN), for filters; optional."""

    def __init__(self, label, **kwargs):
        super().__init__(
            label=label,
            queryset=Party.objects.all(),
            to_field_name="code",
            required=False,
            widget=forms.TextInput({"size": 4, "placeholder": "KEN"}),
            error_messages={"invalid_choice": _("No party has this code.")},
            **kwargs,
        )

    def to_python(self, value):
        return super().to_python(value.strip().upper() if isinstance(value, str) else value)


class PartyCodesField(forms.CharField):
    """Party codes separated by commas (any case); cleans to the codes, or None when empty."""

    def clean(self, value):
        text = super().clean(value) or ""
        codes = [code.strip().upper() for code in text.split(",") if code.strip()]
        unknown = sorted(
            set(codes) - set(Party.objects.filter(code__in=codes).values_list("code", flat=True))
        )
        if unknown:
            raise forms.ValidationError(
                _("No party has this code: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return codes or None


class PartyFilterForm(lists.Sorted):
    """Filters and order of the party list; the API list takes the same parameters."""

    SORTS = {
        "party": (lambda: lists.translated("name"),),
        "code": ("code",),
        "regional_group": ("regional_group__order", "regional_group__code"),
    }
    DEFAULT_ORDERING = "party"

    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    regional_group = forms.ModelChoiceField(
        label=_("Regional group"),
        queryset=RegionalGroup.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All regional groups"),
    )
    instrument = forms.ModelChoiceField(
        label=_("Party to"),
        queryset=Instrument.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Any instrument"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regional_group"].label_from_instance = lambda g: g.label
        self.fields["instrument"].label_from_instance = lambda i: i.short_label

    def filter(self, parties):
        """The parties that match; invalid filters (an unknown group) match nothing."""
        if not self.is_valid():
            return parties.none()
        data = self.cleaned_data
        if data["q"]:
            parties = parties.search(data["q"])
        if data["regional_group"]:
            parties = parties.filter(regional_group=data["regional_group"])
        if data["instrument"]:
            parties = parties.party_to(data["instrument"].code)
        return self.order(parties)


class RegistryImportForm(forms.Form):
    file = forms.FileField(
        label=_("Registry file"),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=_(
            "A CSV file of one table (as exported here) or an XLSX workbook with a sheet per table."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload
