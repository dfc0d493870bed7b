"""The pages of training: sessions and their participants, e-learning completions (entered or
imported). The secretariat sees and records everything; a party's people see their own
party's participants and completions, and the sessions those took part in; the public sees
only the figures (views.figures_page). Every page asks activities.access."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from revmod.activities import access, actions, imports
from revmod.activities.forms import (
    CompletionForm,
    ImportForm,
    ParticipantForm,
    SessionFilterForm,
    SessionForm,
    TrainedFilterForm,
)
from revmod.activities.models import Completion, Participant, TrainingSession
from revmod.activities.views import LANGUAGE_NAMES
from revmod.lib import lists
from revmod.lib.access import secretariat_required
from revmod.lib.downloads import CHUNK, bad_filters, csv_response, xlsx_response

SESSION_COLUMNS = {
    "held": gettext_lazy("Held on"),
    "title": gettext_lazy("Title"),
    "kind": gettext_lazy("Kind"),
}
TRAINED_COLUMNS = {
    "party": gettext_lazy("State"),
    "gender": gettext_lazy("Gender"),
    "language": gettext_lazy("Language"),
}
# Error lines an import page shows at most (the count of the rest is said).
SHOWN_ERRORS = 200


def _sessions(request, form):
    return form.filter(access.sessions_visible(TrainingSession.objects.all(), request.user))


@login_required
@require_GET
def session_list(request):
    """The sessions the person may see, 50 a page."""
    form = SessionFilterForm(request.GET)
    page = lists.paged(request.GET, _sessions(request, form))
    return render(
        request,
        "activities/session_list.html",
        {
            "form": form,
            "page": page,
            "columns": form.columns(request.GET, SESSION_COLUMNS),
            "query": lists.query(request.GET),
            "may_edit": access.may_edit(request.user),
        },
        status=400 if form.errors else 200,
    )


def _participants(request, sessions):
    participants = Participant.objects.filter(session__in=sessions).select_related(
        "party", "session"
    )
    return access.participants_visible(participants, request.user).order_by(
        "-session__held_on", "session", "name", "pk"
    )


def participant_rows(participants):
    yield [
        _("Session"),
        _("Held on"),
        _("Kind"),
        _("Name"),
        _("State"),
        _("Gender"),
        _("Language"),
        _("Ministry"),
    ]
    for p in participants:
        yield [
            p.session.title,
            p.session.held_on.isoformat(),
            p.session.get_kind_display(),
            p.name,
            p.party.code,
            p.get_gender_display(),
            p.get_language_display(),
            p.ministry,
        ]


@login_required
@require_GET
def participant_export(request, fmt):
    """The participants the person may see of the sessions the same filters show."""
    form = SessionFilterForm(request.GET)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not form.is_valid():
        return bad_filters(form)
    rows = participant_rows(_participants(request, _sessions(request, form)).iterator(CHUNK))
    if fmt == "csv":
        return csv_response(rows, "training-participants.csv")
    return xlsx_response(rows, "training-participants.xlsx", _("Participants"))


@login_required
@require_GET
def session_detail(request, pk):
    session = get_object_or_404(
        access.sessions_visible(TrainingSession.objects.all(), request.user), pk=pk
    )
    participants = access.participants_visible(
        session.participants.select_related("party").order_by("name", "pk"), request.user
    )
    return render(
        request,
        "activities/session_detail.html",
        {
            "session": session,
            "language_names": [LANGUAGE_NAMES.get(code, code) for code in session.languages],
            "participants": participants,
            "may_edit": access.may_edit(request.user),
        },
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk=None):
    """A new session, or session `pk` changed (the secretariat)."""
    session = get_object_or_404(TrainingSession, pk=pk) if pk else None
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        session = actions.save_session(session, form.session(), by=request.user, now=timezone.now())
        messages.success(request, _("The session is recorded."))
        return redirect("activities:session-detail", session.pk)
    title = _("Change the session") if session else _("Record a training session")
    return render(
        request,
        "activities/form.html",
        {"form": form, "title": title},
        status=400 if form.errors else 200,
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def participant_edit(request, pk, participant=None):
    """A participant added to session `pk`, or `participant` changed (the secretariat)."""
    session = get_object_or_404(TrainingSession, pk=pk)
    row = (
        get_object_or_404(Participant, pk=participant, session=session)
        if participant
        else Participant(session=session)
    )
    form = ParticipantForm(request.POST or None, instance=row if participant else None)
    if request.method == "POST" and form.is_valid():
        actions.save_participant(row, form.participant(), by=request.user, now=timezone.now())
        messages.success(request, _("The participant is recorded."))
        return redirect("activities:session-detail", session.pk)
    title = _("Change a participant") if participant else _("Add a participant")
    return render(
        request,
        "activities/form.html",
        {"form": form, "title": title, "subtitle": session.title},
        status=400 if form.errors else 200,
    )


def _completions(request, form):
    completions = Completion.objects.select_related("party")
    return form.filter(access.completions_visible(completions, request.user))


@login_required
@require_GET
def completion_list(request):
    """The e-learning completions the person may see (their party's), 50 a page."""
    form = TrainedFilterForm(request.GET)
    page = lists.paged(request.GET, _completions(request, form))
    return render(
        request,
        "activities/completion_list.html",
        {
            "form": form,
            "page": page,
            "columns": form.columns(request.GET, TRAINED_COLUMNS),
            "query": lists.query(request.GET),
            "may_edit": access.may_edit(request.user),
        },
        status=400 if form.errors else 200,
    )


def completion_rows(completions):
    yield [_("State"), _("Gender"), _("Language"), _("Ministry"), _("Module"), _("Completed on")]
    for c in completions:
        yield [
            c.party.code,
            c.get_gender_display(),
            c.get_language_display(),
            c.ministry,
            c.module,
            c.completed_on.isoformat(),
        ]


@login_required
@require_GET
def completion_export(request, fmt):
    form = TrainedFilterForm(request.GET)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not form.is_valid():
        return bad_filters(form)
    rows = completion_rows(_completions(request, form).iterator(chunk_size=CHUNK))
    if fmt == "csv":
        return csv_response(rows, "elearning-completions.csv")
    return xlsx_response(rows, "elearning-completions.xlsx", _("E-learning"))


@secretariat_required
@require_http_methods(["GET", "POST"])
def completion_edit(request, pk=None):
    """An e-learning completion entered, or completion `pk` changed (the secretariat)."""
    completion = get_object_or_404(Completion, pk=pk) if pk else None
    form = CompletionForm(request.POST or None, instance=completion)
    if request.method == "POST" and form.is_valid():
        actions.save_completion(completion, form.completion(), by=request.user, now=timezone.now())
        messages.success(request, _("The completion is recorded."))
        return redirect("activities:completion-list")
    title = _("Change a completion") if completion else _("Enter an e-learning completion")
    return render(
        request,
        "activities/form.html",
        {"form": form, "title": title},
        status=400 if form.errors else 200,
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def completion_import(request):
    """Completions imported from a CSV or XLSX file: all of them, or none when any row is
    bad (each bad row said)."""
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            read = imports.read(form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if not read.errors:
                count = actions.import_completions(read.rows, by=request.user, now=timezone.now())
                message = ngettext(
                    "%(count)s completion is imported.",
                    "%(count)s completions are imported.",
                    count,
                )
                messages.success(request, message % {"count": count})
                return redirect("activities:completion-list")
            errors = read.errors
    return render(
        request,
        "activities/completion_import.html",
        {"form": form, "errors": errors[:SHOWN_ERRORS], "more": max(0, len(errors) - SHOWN_ERRORS)},
        status=400 if form.errors or errors else 200,
    )
