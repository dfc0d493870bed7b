"""The pages of the follow-ups (the secretariat's) and of the briefings (the secretariat's in
full, the published ones for everyone). Every page asks `followups.access`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from revmod.followups import access, actions, exports
from revmod.followups.forms import (
    BriefingFilterForm,
    BriefingForm,
    FollowUpFilterForm,
    FollowUpForm,
)
from revmod.lib import lists
from revmod.lib.access import secretariat_required
from revmod.lib.downloads import CHUNK, bad_filters, csv_response, xlsx_response
from revmod.lib.i18n import language_names

FOLLOWUP_COLUMNS = {
    "date": gettext_lazy("Date"),
    "party": gettext_lazy("Party"),
    "kind": gettext_lazy("Kind"),
    "next_action": gettext_lazy("Next action"),
    "officer": gettext_lazy("Officer"),
}
BRIEFING_COLUMNS = {
    "date": gettext_lazy("Date"),
    "title": gettext_lazy("Title"),
    "representatives": gettext_lazy("Representatives"),
    "states": gettext_lazy("States"),
}


def _followups(user, form):
    followups = access.followups_visible_to(user).select_related(
        "party", "officer", "review__party", "review__cluster"
    )
    return form.filter(followups)


@secretariat_required
@require_GET
def followup_list(request):
    """The follow-ups, 50 a page, filtered and sorted; the downloads hold them all."""
    form = FollowUpFilterForm(request.GET)
    page = lists.paged(request.GET, _followups(request.user, form))
    return render(
        request,
        "followups/followup_list.html",
        {
            "form": form,
            "page": page,
            "columns": form.columns(request.GET, FOLLOWUP_COLUMNS),
            "query": lists.query(request.GET),
            "today": timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


@secretariat_required
@require_GET
def followup_export(request, fmt):
    """Every follow-up of the list the same filters show, all its pages."""
    form = FollowUpFilterForm(request.GET)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not form.is_valid():
        return bad_filters(form)
    rows = exports.followup_rows(_followups(request.user, form).iterator(chunk_size=CHUNK))
    if fmt == "csv":
        return csv_response(rows, "followups.csv")
    return xlsx_response(rows, "followups.xlsx", _("Follow-ups"))


def _followup(request, pk):
    return get_object_or_404(
        access.followups_visible_to(request.user).select_related(
            "party", "officer", "review__party", "review__cluster", "created_by", "changed_by"
        ),
        pk=pk,
    )


@secretariat_required
@require_GET
def followup_detail(request, pk):
    return render(
        request,
        "followups/followup_detail.html",
        {"followup": _followup(request, pk), "today": timezone.localdate()},
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def followup_new(request):
    initial = {"party": request.GET.get("party", "")}
    form = FollowUpForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            followup = actions.record_followup(by=request.user, now=timezone.now(), **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The follow-up is recorded."))
            return redirect("followups:detail", followup.pk)
    return render(request, "followups/followup_form.html", {"form": form, "followup": None})


@secretariat_required
@require_http_methods(["GET", "POST"])
def followup_edit(request, pk):
    followup = _followup(request, pk)
    form = FollowUpForm(request.POST or None, instance=followup)
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_followup(followup, by=request.user, now=timezone.now(), **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The follow-up is saved."))
            return redirect("followups:detail", followup.pk)
    return render(request, "followups/followup_form.html", {"form": form, "followup": followup})


@secretariat_required
@require_POST
def followup_done(request, pk):
    """Mark the next action done (`done=1`) or open again (`done=0`); back to the home page's
    task list when `back=home`, else to the follow-up."""
    followup = _followup(request, pk)
    done = request.POST.get("done", "1") != "0"
    try:
        actions.mark_done(followup, by=request.user, now=timezone.now(), done=done)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if done:
            messages.success(request, _("The next action is marked done."))
        else:
            messages.success(request, _("The next action is open again."))
    if request.POST.get("back") == "home":
        return redirect("home")
    return redirect("followups:detail", followup.pk)


# --- Briefings


def _briefings(request, form):
    briefings = access.briefings_visible_to(request.user)
    return form.filter(briefings)


@require_GET
def briefing_list(request):
    """The briefings, 50 a page: every one with its record for the secretariat, the published
    ones with their attendance figures for everyone else."""
    detailed = access.sees_briefing_details(request.user)
    form = BriefingFilterForm(request.GET, detailed=detailed)
    page = lists.paged(request.GET, _briefings(request, form))
    return render(
        request,
        "followups/briefing_list.html",
        {
            "form": form,
            "page": page,
            "detailed": detailed,
            "columns": form.columns(request.GET, BRIEFING_COLUMNS),
            "query": lists.query(request.GET),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def briefing_export(request, fmt):
    """Every briefing of the list the same filters show, with the columns the person may see."""
    detailed = access.sees_briefing_details(request.user)
    form = BriefingFilterForm(request.GET, detailed=detailed)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not form.is_valid():
        return bad_filters(form)
    briefings = _briefings(request, form)
    if detailed:
        briefings = briefings.prefetch_related("parties")
    rows = exports.briefing_rows(briefings.iterator(chunk_size=CHUNK), detailed=detailed)
    if fmt == "csv":
        return csv_response(rows, "briefings.csv")
    return xlsx_response(rows, "briefings.xlsx", _("Briefings"))


def _briefing(request, pk):
    briefings = access.briefings_visible_to(request.user).select_related("created_by", "changed_by")
    return get_object_or_404(briefings, pk=pk)


@require_GET
def briefing_detail(request, pk):
    briefing = _briefing(request, pk)
    detailed = access.sees_briefing_details(request.user)
    states = briefing.parties.order_by("code") if detailed else None
    return render(
        request,
        "followups/briefing_detail.html",
        {
            "briefing": briefing,
            "detailed": detailed,
            "states": states,
            "language_list": language_names(briefing.language_codes()),
        },
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def briefing_new(request):
    form = BriefingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            briefing = actions.record_briefing(by=request.user, now=timezone.now(), **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The briefing is recorded."))
            return redirect("followups:briefing-detail", briefing.pk)
    return render(request, "followups/briefing_form.html", {"form": form, "briefing": None})


@secretariat_required
@require_http_methods(["GET", "POST"])
def briefing_edit(request, pk):
    briefing = _briefing(request, pk)
    form = BriefingForm(request.POST or None, instance=briefing)
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_briefing(briefing, by=request.user, now=timezone.now(), **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The briefing is saved."))
            return redirect("followups:briefing-detail", briefing.pk)
    return render(request, "followups/briefing_form.html", {"form": form, "briefing": briefing})
