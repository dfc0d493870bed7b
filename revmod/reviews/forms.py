import datetime as dt

from django import forms
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from revmod.accounts.models import User
from revmod.lib.access import is_secretariat
from revmod.lib.forms import ModelIdsField
from revmod.lib.i18n import LANGUAGE_CHOICES, suffix
from revmod.lots.models import ReviewGroup
from revmod.registry.forms import PartyCodeField, PartyCodesField
from revmod.registry.models import Cluster, Party, RegionalGroup
from revmod.reviews.deadlines import Step
from revmod.reviews.models import STAGE_LABELS, STEP_LABELS, DeadlineChange, Review
from revmod.reviews.workflow import Stage


def _party_name():
    """The party's name in the active language (English when that one is empty), as shown."""
    name = F(f"party__name_{suffix()}")
    return Coalesce(NullIf(name, Value("")), F("party__name_en"))


def _in_order(field: str, values) -> Case:
    """`field`'s position among `values` (the workflow's order of stages or steps)."""
    return Case(*(When(**{field: v.value}, then=n) for n, v in enumerate(values)), default=None)


def _first_officer():
    through = Review.officers.through.objects.filter(review=OuterRef("pk"))
    return Subquery(through.order_by("user__username").values("user__username")[:1])


# The columns of the reviews list a person may sort on (`ordering`, "-" for descending): the
# expression sorted on, and whether its order is the reverse of the column's (days late grow
# as the due date gets earlier). Reviews without a value come last either way; ties go by
# group, then party.
SORTS = {
    "party": (_party_name, False),
    "group": (lambda: F("group__number"), False),
    "cluster": (lambda: F("cluster__number"), False),
    "stage": (lambda: _in_order("stage", Stage), False),
    "since": (lambda: F("stage_since"), False),
    "step": (lambda: _in_order("due_step", Step), False),
    "due_on": (lambda: F("due_on"), False),
    "days_late": (lambda: F("due_on"), True),
    "officer": (_first_officer, False),
}
DEFAULT_ORDERING = "group"
ORDERINGS = [key for name in SORTS for key in (name, f"-{name}")]


class ReviewFilterForm(forms.Form):
    """Search, filters and order of the reviews page, its CSV/XLSX export and the API list
    (same parameters; `listed` builds the list for all three). `today` is the day "overdue"
    is judged on: computed once per request by the caller."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("A party's name in any of the six languages, or its code."),
    )
    group = forms.TypedChoiceField(label=_("Group"), required=False, coerce=int, empty_value=None)
    cluster = forms.TypedChoiceField(
        label=_("Cluster"), required=False, coerce=int, empty_value=None
    )
    party = PartyCodeField(_("Party under review"))
    regional_group = forms.ModelChoiceField(
        label=_("Regional group"),
        queryset=RegionalGroup.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All regional groups"),
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("All stages"))] + [(s.value, label) for s, label in STAGE_LABELS.items()],
    )
    overdue = forms.BooleanField(
        label=_("Overdue only"),
        required=False,
        help_text=_("Reviews with at least one step past its due date today."),
    )

    officer = forms.ChoiceField(label=_("Secretariat officer"), required=False)
    ordering = forms.CharField(label=_("Sort by"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, today: dt.date, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.user = today, user
        self.fields["group"].choices = [("", _("All groups"))] + [
            (g.number, str(g)) for g in ReviewGroup.objects.all()
        ]
        self.fields["cluster"].choices = [("", _("All clusters"))] + [
            (c.number, c.label) for c in Cluster.objects.all()
        ]
        self.fields["regional_group"].label_from_instance = lambda g: g.label
        if user is not None and is_secretariat(user):
            self.fields["officer"].choices = [
                ("", _("Any or none")),
                ("me", _("Assigned to me")),
                ("none", _("No officer assigned")),
            ] + [(name, name) for name in officers().values_list("username", flat=True)]
        else:  # who follows a review is the secretariat's filter
            del self.fields["officer"]

    def clean_ordering(self) -> str:
        value = self.cleaned_data["ordering"].strip()
        if value and value not in ORDERINGS:
            raise forms.ValidationError(
                _(
                    "Unknown order “%(value)s”: sort by one of %(names)s (“-” before a name "
                    "for the reverse order)."
                )
                % {"value": value[:40], "names": ", ".join(SORTS)},
                code="invalid_choice",
            )
        return value or DEFAULT_ORDERING

    @property
    def sorted_by(self) -> tuple[str, bool]:
        """The column the list is sorted on and whether in descending order."""
        value = (self.cleaned_data.get("ordering") if self.is_valid() else "") or DEFAULT_ORDERING
        return value.lstrip("-"), value.startswith("-")

    def filter(self, reviews):
        """`reviews` searched, filtered and sorted as asked; none when the form is not valid
        (the page shows why, the export and the API answer 400)."""
        if not self.is_valid():
            return reviews.none()
        data = self.cleaned_data
        if data["q"].strip():
            reviews = reviews.filter(party__in=Party.objects.search(data["q"]))
        if data["group"]:
            reviews = reviews.filter(group__number=data["group"])
        if data["cluster"]:
            reviews = reviews.filter(cluster__number=data["cluster"])
        if data["party"]:
            reviews = reviews.filter(party=data["party"])
        if data["regional_group"]:
            reviews = reviews.filter(party__regional_group=data["regional_group"])
        if data["stage"]:
            reviews = reviews.filter(stage=data["stage"])
        if data["overdue"]:  # deadlines.overdue, through the column kept by the actions
            reviews = reviews.filter(first_open_due_on__lt=self.today)
        officer = data.get("officer")
        if officer == "me":
            reviews = reviews.filter(officers=self.user)
        elif officer == "none":
            reviews = reviews.filter(officers=None)
        elif officer:
            reviews = reviews.filter(officers__username=officer)
        return self.order(reviews)

    def order(self, reviews):
        name, descending = self.sorted_by
        expression, reverse = SORTS[name]
        sort = expression()
        if descending != reverse:
            primary = sort.desc(nulls_last=True)
        else:
            primary = sort.asc(nulls_last=True)
        return reviews.order_by(primary, "group__number", _party_name().asc(), "pk")


def listed(user, form: ReviewFilterForm):
    """The reviews list of `user` as `form` asks (search, filters, order): the one list of the
    reviews page, its downloads and the API (which adds the schedule's data)."""
    return form.filter(
        Review.objects.visible_to(user)
        .select_related("party__regional_group", "group", "cluster")
        .prefetch_related("officers")
    )


class TaskFilterForm(forms.Form):
    """The reviews whose needs the secretariat's task list shows (the home page): those the
    officer follows (the default), all, or those another officer follows."""

    officer = forms.ChoiceField(label=_("Reviews"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        others = officers().exclude(pk=user.pk).values_list("username", flat=True)
        self.fields["officer"].choices = [
            ("", _("Those I follow")),
            ("all", _("All reviews")),
        ] + [(name, _("Those %(name)s follows") % {"name": name}) for name in others]

    def reviews(self):
        """The reviews chosen: those the person follows when nothing valid is chosen."""
        chosen = self.cleaned_data.get("officer") if self.is_valid() else ""
        if chosen == "all":
            return Review.objects.all()
        if chosen:
            return Review.objects.filter(officers__username=chosen)
        return Review.objects.filter(officers=self.user)


class ActionForm(forms.Form):
    # The review's version the page showed (Review.version): a stale page or a double click
    # changes nothing.
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea({"rows": 2}))
    on_behalf_of = forms.CharField(label=_("On behalf of"), required=False, max_length=3)
    to = forms.ChoiceField(
        label=_("Back to the stage"),
        required=False,
        choices=[("", "—")] + [(s.value, label) for s, label in STAGE_LABELS.items()],
    )


class ConsultationForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput({"type": "date"}))
    languages = forms.MultipleChoiceField(
        label=_("Working languages agreed"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    no_agreement = forms.BooleanField(label=_("The parties could not agree"), required=False)
    exceptional_reason = forms.CharField(
        label=_("Reason for a third language"), required=False, widget=forms.Textarea({"rows": 2})
    )
    division_of_tasks = forms.CharField(
        label=_("Division of tasks among the reviewers"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for step in (Step.QUESTIONNAIRE, Step.WRITTEN_FEEDBACK, Step.OBSERVATIONS):
            self.fields[f"agreed_{step.value}"] = forms.DateField(
                label=_("Agreed date: %(step)s") % {"step": STEP_LABELS[step]},
                required=False,
                widget=forms.DateInput({"type": "date"}),
            )
        # Rules 34, 35, seed ¶31, ¶35, ¶40: a date later than the rules' limit needs a reason.
        self.fields["agreed_reason"] = forms.CharField(
            label=_("Reason for agreed dates later than the guidelines"),
            required=False,
            widget=forms.Textarea({"rows": 2}),
        )

    def agreed(self) -> dict:
        return {
            name.removeprefix("agreed_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("agreed_") and name != "agreed_reason" and value
        }

    def recorded(self) -> dict:
        """The arguments of reviews.actions.record_consultation from the valid form (the page's
        and the API's)."""
        data = self.cleaned_data
        fields = ("held_on", "languages", "no_agreement", "exceptional_reason")
        return {
            **{name: data[name] for name in fields},
            "agreed": self.agreed(),
            "agreed_reason": data["agreed_reason"],
            "division_of_tasks": data["division_of_tasks"],
        }


class DeadlineChangeForm(forms.Form):
    """The secretariat's change of one step's deadline (page and API): an extension to a new
    date or by a number of days, or a pause from one day to another (the step resumes the day
    after), always with a reason. The action (reviews.actions.change_deadline) checks that the
    fields fit the kind of change."""

    step = forms.ChoiceField(label=_("Step"), choices=[(s.value, STEP_LABELS[s]) for s in Step])
    kind = forms.ChoiceField(label=_("Kind of change"), choices=DeadlineChange.Kind.choices)
    new_date = forms.DateField(
        label=_("Extend to"), required=False, widget=forms.DateInput({"type": "date"})
    )
    days = forms.IntegerField(
        label=_("or extend by (days)"), required=False, min_value=1, max_value=730
    )
    first_day = forms.DateField(
        label=_("Paused from"), required=False, widget=forms.DateInput({"type": "date"})
    )
    last_day = forms.DateField(
        label=_("Paused until (included)"), required=False, widget=forms.DateInput({"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea({"rows": 2}))

    def errors_text(self) -> str:
        """The form's errors as one line (for a page's message or an API's detail)."""
        return " ".join(
            f"{self.fields[name].label if name in self.fields else ''}: {' '.join(errors)}"
            for name, errors in self.errors.items()
        )


def officers():
    """The accounts that can be officers of a review: active secretariat staff."""
    return User.objects.filter(is_secretariat=True, is_active=True).order_by("username")


class OfficersForm(forms.Form):
    """A review's secretariat officers (the review page; the API with user names)."""

    officers = forms.ModelMultipleChoiceField(
        label=_("Secretariat officers"),
        queryset=User.objects.none(),
        to_field_name="username",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = officers()


class BulkOfficersForm(OfficersForm):
    """Officers added to the reviews chosen on the reviews list."""

    reviews = ModelIdsField(
        label=_("Reviews"),
        queryset=Review.objects.all(),
        error_messages={"required": _("Choose at least one review in the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].required = True
        self.fields["officers"].error_messages["required"] = _("Choose at least one officer.")
        self.fields["officers"].widget = forms.SelectMultiple()


class StartClusterForm(forms.Form):
    """The secretariat starts the reviews of a cluster for some groups (or parties of them)."""

    cluster = forms.ModelChoiceField(label=_("Cluster"), queryset=Cluster.objects.all())
    groups = ModelIdsField(
        label=_("Groups"), queryset=ReviewGroup.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    parties = PartyCodesField(
        label=_("Only these parties"),
        required=False,
        help_text=_("Party codes separated by commas; empty: every party of the groups."),
    )
    starts_on = forms.DateField(label=_("Starting on"), widget=forms.DateInput({"type": "date"}))
    reason = forms.CharField(
        label=_("Reason to start before the rule allows"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].label_from_instance = lambda c: f"{c.number} · {c.label}"
