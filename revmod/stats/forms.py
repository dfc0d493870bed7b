import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from revmod.lots.models import ReviewGroup
from revmod.registry.models import Cluster, Instrument, RegionalGroup
from revmod.stats.answers import BREAKDOWNS


class StatusFilterForm(forms.Form):
    """The day and the slice of the statistics; the public page has no regional groups (small
    slices could point at one party)."""

    as_of = forms.DateField(
        label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    group = forms.TypedChoiceField(label=_("Group"), required=False, coerce=int, empty_value=None)
    regional_group = forms.ModelChoiceField(
        label=_("Regional group"),
        queryset=RegionalGroup.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All regional groups"),
    )

    def __init__(self, *args, public=False, day_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if day_only:
            del self.fields["group"], self.fields["regional_group"]
            return
        self.fields["group"].choices = [("", _("All groups"))] + [
            (g.number, str(g)) for g in ReviewGroup.objects.all()
        ]
        self.fields["regional_group"].label_from_instance = lambda g: g.label
        if public:
            del self.fields["regional_group"]

    def clean_as_of(self) -> dt.date:
        day = self.cleaned_data["as_of"] or timezone.now().date()
        if day > timezone.now().date():
            raise forms.ValidationError(_("Statistics cannot be shown for a future day."))
        return day


class AnswerFilterForm(forms.Form):
    """The cluster, instrument and breakdown of the statistics on the questionnaire answers,
    and the form shown: the secretariat's, or the shared one (small numbers hidden)."""

    cluster = forms.ModelChoiceField(
        label=_("Cluster"),
        queryset=Cluster.objects.all(),
        to_field_name="number",
        required=False,
        empty_label=None,
    )
    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All instruments"),
    )
    breakdown = forms.ChoiceField(label=_("Breakdown"), required=False)
    shared = forms.BooleanField(label=_("Shared form (numbers under 5 hidden)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["breakdown"].choices = [("", _("None"))] + [
            (key, label) for key, label in BREAKDOWNS.items()
        ]
        self.fields["cluster"].label_from_instance = lambda c: c.label
        self.fields["instrument"].label_from_instance = lambda i: i.short_label

    def clean_cluster(self):
        return self.cleaned_data["cluster"] or Cluster.objects.order_by("review_order").first()
