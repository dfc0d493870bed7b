from urllib.parse import urlsplit

from allauth.account.adapter import get_adapter
from allauth.account.views import EmailView as AllauthEmailView
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import check_for_language, get_language_from_path, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from revmod.accounts import actions
from revmod.accounts.access import is_registered_participant
from revmod.accounts.forms import (
    ActivationForm,
    ApiTokenForm,
    DecisionForm,
    DirectoryForm,
    EndNominationForm,
    InviteSecretariatForm,
    NominateForm,
    NominationFilterForm,
    RegistrationFilterForm,
    RegistrationForm,
    RejectForm,
)
from revmod.accounts.models import ApiToken, Nomination, Registration, User
from revmod.lib import lists
from revmod.lib.access import is_secretariat, secretariat_required
from revmod.lib.downloads import CHUNK, bad_filters, csv_response, xlsx_response
from revmod.lib.i18n import normalize_language
from revmod.lib.storedfiles import MissingFile, missing_page, open_stored
from revmod.lib.uploads import FORMATS


def set_language(request):
    """Django's language switcher, which also remembers the choice as the signed-in user's
    preferred language (used for pages without a language in the URL, and for e-mail)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    language = request.POST.get("language", "")
    if request.user.is_authenticated and check_for_language(language):
        request.user.preferred_language = normalize_language(language)
        request.user.save(update_fields=["preferred_language"])
    # Django translates `next` (/en/reviews/1/ -> /ru/reviews/1/) by resolving it in the active
    # language; the page's own language must be active for its prefix to resolve, whatever the
    # user's preferred language is, or the switch would send them back to the same page.
    page_language = get_language_from_path(urlsplit(request.POST.get("next", "")).path)
    if page_language:
        translation.activate(page_language)
    return django_set_language(request)


class EmailView(AllauthEmailView):
    """allauth's page for the account's e-mail address (ACCOUNT_CHANGE_EMAIL: a new address
    replaces the old once verified; ChangeEmailForm asks for the current password). The
    address the secretariat set is recorded as verified first, and an address not verified
    is never made the account's, whatever is posted."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            actions.trust_account_address(request.user)
        return super().dispatch(request, *args, **kwargs)

    def _action_primary(self, request, *args, **kwargs):
        address = self._get_email_address(request)
        if address is not None and not address.verified:
            get_adapter(request).add_message(
                request, messages.ERROR, "account/messages/unverified_primary_email.txt"
            )
            return None
        return super()._action_primary(request, *args, **kwargs)


email = EmailView.as_view()


def _site_url(request) -> str:
    return request.build_absolute_uri("/")


# --- Registrations (the secretariat's)

# The sortable columns of the registrations page (RegistrationFilterForm.SORTS).
REGISTRATION_COLUMNS = {
    "person": gettext_lazy("Person"),
    "party": gettext_lazy("Party"),
    "role": gettext_lazy("Role"),
    "registered": gettext_lazy("Registered at"),
}


@secretariat_required
@require_GET
def registration_list(request):
    """The registrations, 50 a page, the latest first or sorted on a column."""
    now = timezone.now()
    form = RegistrationFilterForm(request.GET)
    registrations = form.filter(
        Registration.objects.select_related("person", "party", "created_by"), now=now
    )
    page = lists.paged(request.GET, registrations)
    return render(
        request,
        "accounts/registration_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(r, r.state(now), r.state_label(now)) for r in page],
            "now": now,
            "columns": form.columns(request.GET, REGISTRATION_COLUMNS),
            "query": lists.query(request.GET),
        },
        status=400 if form.errors else 200,
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def registration_new(request):
    form = RegistrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = actions.register(
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                party=data["party"],
                kind=data["kind"],
                scope=data["scope"],
                language=data["language"],
                note_verbale=data["note_verbale"],
                received_on=data["received_on"],
                by=request.user,
                now=timezone.now(),
                site_url=_site_url(request),
            )
        except actions.OnboardingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(email)s is registered; the activation link has been sent.")
                % {"email": registration.person.email},
            )
            return redirect("accounts:registration-detail", registration.pk)
    return render(request, "accounts/registration_new.html", {"form": form})


def _registration(pk) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related(
            "person", "party", "created_by", "decided_by", "nomination"
        ),
        pk=pk,
    )


@secretariat_required
@require_GET
def registration_detail(request, pk):
    registration = _registration(pk)
    now = timezone.now()
    return render(
        request,
        "accounts/registration_detail.html",
        {
            "registration": registration,
            "state": registration.state(now),
            "state_label": registration.state_label(now),
            "decision_form": DecisionForm(),
            "reject_form": RejectForm(),
        },
    )


NOTE_VERBALE_MISSING = gettext_lazy(
    "The file of this note verbale is missing on the server. The error has been logged for "
    "the platform's administrators."
)


@secretariat_required
@require_GET
def note_verbale(request, pk):
    """The note verbale as uploaded, as an attachment (never shown inline: it is a file the
    secretariat received, not a page of ours)."""
    registration = _registration(pk)
    name = registration.note_verbale.name
    extension = name.rsplit(".", 1)[-1]
    if extension not in FORMATS:
        raise Http404
    try:
        stored = open_stored(registration.note_verbale, named_by=f"registration {pk}")
    except MissingFile:
        return missing_page(request, NOTE_VERBALE_MISSING)
    return FileResponse(
        stored,
        as_attachment=True,
        filename=f"note-verbale-{registration.party.code}-{registration.pk}.{extension}",
        content_type=FORMATS[extension].content_type,
    )


def _decide(request, pk, operation):
    registration = _registration(pk)
    try:
        operation(registration)
    except actions.OnboardingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Done."))
    return redirect("accounts:registration-detail", registration.pk)


@secretariat_required
@require_POST
def registration_approve(request, pk):
    form = DecisionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    return _decide(
        request,
        pk,
        lambda r: actions.approve(
            r,
            by=request.user,
            now=timezone.now(),
            starts_on=data.get("starts_on"),
            handover_note=data.get("handover_note") or "",
        ),
    )


@secretariat_required
@require_POST
def registration_reject(request, pk):
    form = RejectForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason") or ""
    return _decide(
        request, pk, lambda r: actions.reject(r, by=request.user, now=timezone.now(), reason=reason)
    )


@secretariat_required
@require_POST
def registration_resend(request, pk):
    return _decide(
        request,
        pk,
        lambda r: actions.resend(
            r, by=request.user, now=timezone.now(), site_url=_site_url(request)
        ),
    )


# --- Activation (the person's, through the e-mailed link; no sign-in)

LINK_PROBLEM_STATUS = {"unknown": 404, "used": 410, "expired": 410}


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request, token):
    """Set a password and complete the profile. An unknown link answers 404, a used or expired
    one 410, each with a page saying what to do (ask the secretariat)."""
    now = timezone.now()
    registration = actions.registration_for_token(token)
    problem = actions.link_problem(registration, now=now)
    if problem:
        return render(
            request,
            "accounts/activation_refused.html",
            {"problem": problem},
            status=LINK_PROBLEM_STATUS[problem],
        )
    form = ActivationForm(request.POST or None, person=registration.person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.activate(
                token,
                password=data["password1"],
                gender=data["gender"],
                ministry=data["ministry"],
                languages=data["languages"],
                preferred_language=data["preferred_language"],
                now=now,
            )
        except actions.OnboardingError as error:  # used or expired meanwhile
            problem = str(error)
            return render(
                request,
                "accounts/activation_refused.html",
                {"problem": problem},
                status=LINK_PROBLEM_STATUS.get(problem, 410),
            )
        return render(request, "accounts/activation_done.html", {"registration": registration})
    return render(request, "accounts/activation.html", {"form": form, "registration": registration})


# --- Nominations (the secretariat's)


# The sortable columns of the nominations page (NominationFilterForm.SORTS).
NOMINATION_COLUMNS = {
    "party": gettext_lazy("Party"),
    "role": gettext_lazy("Role"),
    "person": gettext_lazy("Person"),
    "from": gettext_lazy("From"),
    "until": gettext_lazy("Until"),
}


def _nominations(form):
    return form.filter(Nomination.objects.select_related("party", "person", "recorded_by"))


@secretariat_required
@require_GET
def nomination_list(request):
    """50 nominations a page, sorted on a column: the demo alone has over a thousand experts,
    and the page is read on slow links (the CSV and XLSX downloads hold them all, in the same
    order)."""
    form = NominationFilterForm(request.GET)
    page = lists.paged(request.GET, _nominations(form))
    return render(
        request,
        "accounts/nomination_list.html",
        {
            "form": form,
            "nominations": page,
            "page": page,
            "columns": form.columns(request.GET, NOMINATION_COLUMNS),
            "query": lists.query(request.GET),
            "today": timezone.now().date(),
        },
        status=400 if form.errors else 200,
    )


def export_rows(nominations):
    yield [
        _("Party"),
        _("Code"),
        _("Role"),
        _("For"),
        _("Name"),
        _("E-mail address"),
        _("From"),
        _("Until"),
        _("Handover note"),
    ]
    for n in nominations:
        yield [
            n.party.label,
            n.party.code,
            n.get_kind_display(),
            n.get_scope_display(),
            n.person.get_full_name() or n.person.get_username(),
            n.person.email,
            n.starts_on.isoformat(),
            n.ends_on.isoformat() if n.ends_on else "",
            n.handover_note,
        ]


@secretariat_required
@require_GET
def nomination_export(request, fmt):
    """Every nomination of the list the same filters show, all its pages."""
    form = NominationFilterForm(request.GET)
    if fmt in ("csv", "xlsx") and not form.is_valid():
        return bad_filters(form)
    nominations = _nominations(form).iterator(chunk_size=CHUNK)
    if fmt == "csv":
        return csv_response(export_rows(nominations), "nominations.csv")
    if fmt == "xlsx":
        return xlsx_response(export_rows(nominations), "nominations.xlsx", _("Nominations"))
    raise Http404


@secretariat_required
@require_http_methods(["GET", "POST"])
def nomination_new(request):
    initial = {k: v for k, v in request.GET.items() if k in ("party", "kind", "scope")}
    form = NominateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.nominate(by=request.user, now=timezone.now(), **form.nomination())
        except actions.NominationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The nomination is recorded."))
            return redirect(f"{reverse('accounts:nomination-list')}?party={data['party'].code}")
    return render(request, "accounts/nomination_new.html", {"form": form})


@secretariat_required
@require_POST
def nomination_end(request, pk):
    nomination = get_object_or_404(Nomination.objects.select_related("party", "person"), pk=pk)
    form = EndNominationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the nomination ends."))
    else:
        try:
            actions.end_nomination(
                nomination, on=form.cleaned_data["ends_on"], by=request.user, now=timezone.now()
            )
        except actions.NominationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The nomination has ended."))
    return redirect(f"{reverse('accounts:nomination-list')}?party={nomination.party.code}")


@login_required
@require_GET
def directory(request):
    """The focal points of every party, with their contact details, for the people nominated
    in the mechanism and the secretariat (seed ¶20): never the public, never a signed-in
    person with no nomination (404)."""
    if not is_registered_participant(request.user):
        raise Http404
    form = DirectoryForm(request.GET)
    focal_points = (
        Nomination.objects.active()
        .filter(kind=Nomination.Kind.FOCAL_POINT)
        .select_related("party", "person")
        .order_by("party__code", "scope", "starts_on")
    )
    if form.is_valid() and form.cleaned_data["party"]:
        focal_points = focal_points.filter(party=form.cleaned_data["party"])
    return render(request, "accounts/directory.html", {"form": form, "focal_points": focal_points})


# --- Secretariat staff (the secretariat's)


@secretariat_required
@require_http_methods(["GET", "POST"])
def staff(request):
    """The secretariat's accounts (second factor set up, reviews followed); a colleague
    invited by e-mail."""
    form = InviteSecretariatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = actions.invite_secretariat(
                username=data["username"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                language=data["preferred_language"],
                by=request.user,
                now=timezone.now(),
                site_url=_site_url(request),
            )
        except actions.OnboardingError as error:
            form.add_error(None, str(error))
        else:
            done = _(
                "%(name)s is invited: the e-mail with the link to choose a password is on its way."
            )
            messages.success(request, done % {"name": person.get_full_name()})
            return redirect("accounts:staff")
    people = (
        User.objects.filter(is_secretariat=True)
        .annotate(
            reviews=Count("followed_reviews"),
            has_totp=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
            ),
        )
        .order_by("-is_active", "username")
    )
    return render(request, "accounts/staff.html", {"form": form, "people": people})


@secretariat_required
@require_POST
def staff_deactivate(request, pk):
    person = get_object_or_404(User, pk=pk, is_secretariat=True)
    try:
        actions.deactivate_secretariat(person, by=request.user, now=timezone.now())
        done = _("%(name)s can no longer sign in; their sessions and API tokens are ended.")
        messages.success(request, done % {"name": person.get_username()})
    except actions.OnboardingError as error:
        messages.error(request, str(error))
    return redirect("accounts:staff")


# --- API tokens (every signed-in person's own; the secretariat may revoke anyone's)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """A person's API tokens: make one (shown once, in this answer only: only its SHA-256 is
    kept), see when each was last used, revoke one. The secretariat also sees everyone's tokens
    in force, by name and first characters, never the tokens, and may revoke any."""
    user, now = request.user, timezone.now()
    form = ApiTokenForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        try:
            made = actions.create_api_token(user, name=form.cleaned_data["name"], now=now)
        except actions.TokenError as error:
            form.add_error(None, str(error))
        else:
            form = ApiTokenForm()
    secretariat = is_secretariat(user)
    others = (
        ApiToken.objects.in_force(now)
        .exclude(person=user)
        .select_related("person")
        .order_by("person__username", "-created_at")
        if secretariat
        else None
    )
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "made": made,
            "tokens": ApiToken.objects.filter(person=user),
            "others": others,
            "now": now,
            "days": settings.REVMOD_API_TOKEN_DAYS,
            "has_access": secretariat or Nomination.objects.active().filter(person=user).exists(),
        },
    )


@login_required
@require_POST
def api_token_revoke(request, pk):
    """Revoke a token: one's own, or anyone's for the secretariat (anyone else: 404)."""
    tokens = ApiToken.objects.all()
    if not is_secretariat(request.user):
        tokens = tokens.filter(person=request.user)
    token = get_object_or_404(tokens, pk=pk)
    try:
        actions.revoke_api_token(token, by=request.user, now=timezone.now())
    except actions.TokenError as error:
        messages.error(request, str(error))
    else:
        done = _("The token %(name)s is revoked: it no longer works.")
        messages.success(request, done % {"name": token.name})
    return redirect("accounts:api-tokens")
