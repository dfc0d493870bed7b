from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from revmod.accounts.actions import NOTE_VERBALE_FORMATS
from revmod.accounts.addresses import accounts_with_address, address_taken
from revmod.accounts.models import Nomination, Registration, User
from revmod.lib import lists
from revmod.lib.i18n import LANGUAGE_CHOICES
from revmod.lib.uploads import check_upload
from revmod.registry.forms import PartyCodeField
from revmod.registry.models import Party


class PartyChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Party.objects.order_by("code"))
        super().__init__(to_field_name="code", **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.label} ({obj.code})"


class RegistrationForm(forms.Form):
    """The secretariat registers a person named in a note verbale."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), max_length=150)
    party = PartyChoiceField(label=_("Party"))
    kind = forms.ChoiceField(label=_("Role"), choices=Nomination.Kind.choices)
    scope = forms.ChoiceField(label=_("For"), choices=Nomination.Scope.choices)
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        initial="en",
        help_text=_("The activation e-mail is written in this language."),
    )
    received_on = forms.DateField(
        label=_("Note verbale received on"),
        widget=forms.DateInput({"type": "date"}),
        initial=lambda: timezone.now().date(),
    )
    note_verbale = forms.FileField(label=_("Note verbale"), help_text=_("PDF, DOCX, ODT or TXT."))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if address_taken(email):
            raise ValidationError(_("Someone with this e-mail address is already registered."))
        return email

    def clean_note_verbale(self):
        upload = self.cleaned_data["note_verbale"]
        check_upload(upload, allowed=NOTE_VERBALE_FORMATS)
        return upload

    def clean(self):
        data = super().clean()
        if data.get("kind") == Nomination.Kind.OBSERVER and data.get("scope") not in (
            None,
            Nomination.Scope.OWN,
        ):
            self.add_error("scope", _("Observers follow their party's own review only."))
        return data


class ActivationForm(forms.Form):
    """The person sets a password and completes the profile."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput({"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput({"autocomplete": "new-password"}),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=User.Gender.choices)
    ministry = forms.ChoiceField(label=_("Type of ministry"), choices=User.Ministry.choices)
    languages = forms.MultipleChoiceField(
        label=_("Languages you work in"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("Pages and e-mails come in this language."),
    )

    def __init__(self, *args, person: User, **kwargs):
        self.person = person
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = person.preferred_language

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                validate_password(first, self.person)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class DecisionForm(forms.Form):
    starts_on = forms.DateField(
        label=_("Nomination from"), required=False, widget=forms.DateInput({"type": "date"})
    )
    handover_note = forms.CharField(
        label=_("Handover note (when replacing a focal point)"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea({"rows": 2}))


class RegistrationFilterForm(lists.Sorted):
    """Filters and order of the registrations page (the latest first)."""

    SORTS = {
        "person": ("person__last_name", "person__first_name", "person__email"),
        "party": (lambda: lists.translated("party__name"), "party__code"),
        "role": ("kind", "scope"),
        "registered": ("created_at",),
    }
    DEFAULT_ORDERING = "-registered"

    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(Registration.State.choices),
    )
    party = PartyChoiceField(label=_("Party"), required=False, empty_label=_("All parties"))
    kind = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles"))] + Nomination.Kind.choices
    )

    def filter(self, registrations, *, now):
        if not self.is_valid():
            return registrations.none()
        data = self.cleaned_data
        if data["state"]:
            registrations = registrations.in_state(data["state"], now)
        if data["party"]:
            registrations = registrations.filter(party=data["party"])
        if data["kind"]:
            registrations = registrations.filter(kind=data["kind"])
        return self.order(registrations)


class NominationFilterForm(lists.Sorted):
    """Filters and order of the nominations page, its downloads and /api/v1/nominations/. By
    default by party code, then for, role, end and start (the order the page always had)."""

    SORTS = {
        "party": ("party__code", "scope", "kind", "ends_on", "starts_on"),
        "role": ("kind", "scope"),
        "person": ("person__last_name", "person__first_name", "person__username"),
        "from": ("starts_on",),
        "until": ("ends_on",),
    }
    DEFAULT_ORDERING = "party"

    party = PartyChoiceField(label=_("Party"), required=False, empty_label=_("All parties"))
    kind = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles"))] + Nomination.Kind.choices
    )
    scope = forms.ChoiceField(
        label=_("For"), required=False, choices=[("", _("Both"))] + Nomination.Scope.choices
    )
    history = forms.BooleanField(label=_("Include ended nominations"), required=False)

    def filter(self, nominations):
        if not self.is_valid():
            return nominations.none()
        data = self.cleaned_data
        if not data["history"]:
            nominations = nominations.active()
        if data["party"]:
            nominations = nominations.filter(party=data["party"])
        if data["kind"]:
            nominations = nominations.filter(kind=data["kind"])
        if data["scope"]:
            nominations = nominations.filter(scope=data["scope"])
        return self.order(nominations)


class NominateForm(forms.Form):
    """The secretariat records a party's nomination of an existing, active user."""

    party = PartyChoiceField(label=_("Party"))
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.filter(is_active=True, is_secretariat=False).order_by("username"),
    )
    kind = forms.ChoiceField(label=_("Role"), choices=Nomination.Kind.choices)
    scope = forms.ChoiceField(label=_("For"), choices=Nomination.Scope.choices)
    starts_on = forms.DateField(
        label=_("From"),
        widget=forms.DateInput({"type": "date"}),
        initial=lambda: timezone.now().date(),
    )
    handover_note = forms.CharField(
        label=_("Handover note"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("Required when the nomination replaces the party's focal point."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} <{u.email}>"
        )

    def nomination(self) -> dict:
        """The arguments of accounts.actions.nominate from the valid form (page and API)."""
        fields = ("party", "person", "kind", "scope", "starts_on", "handover_note")
        return {name: self.cleaned_data[name] for name in fields}


class EndNominationForm(forms.Form):
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput({"type": "date"}))


class DirectoryForm(forms.Form):
    """The directory of focal points, for one party (by code) or all."""

    party = PartyCodeField(_("Party"))


class InviteSecretariatForm(forms.Form):
    """A colleague's secretariat account: who, and the language of their e-mail and pages."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    username = forms.RegexField(
        label=_("User name"),
        regex=r"^[\w.@+-]{2,150}$",
        help_text=_("Letters, digits and . @ + - _ only."),
    )
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class ChangeEmailForm(allauth_forms.AddEmailForm):
    """allauth's change of address (ACCOUNT_CHANGE_EMAIL: the new address replaces the old one
    once the link e-mailed to it is followed), which also asks for the current password: a
    session left open is not enough to take the account's e-mail, and with it its password
    resets and notifications."""

    password = allauth_forms.PasswordField(
        label=_("Current password"), autocomplete="current-password", required=False
    )

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password") or ""
        if not self.user.check_password(password):
            raise get_adapter().validation_error("enter_current_password")
        return password


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    """allauth's password reset, sent only to an account's own address (`accounts_with_address`:
    never to an address pending verification)."""

    def clean_email(self) -> str:
        email = super().clean_email()
        self.users = list(accounts_with_address(email).filter(is_active=True))
        return email


class ApiTokenForm(forms.Form):
    """A person makes an API token for a script: its name says which."""

    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the script that uses it."),
    )
