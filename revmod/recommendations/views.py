"""Pages of recommendations and their follow-up: parse, fetch through `access`, one action,
respond. The public sees the published ones (seed ¶61-71)."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from revmod.lib import lists
from revmod.lib.access import is_secretariat, secretariat_required
from revmod.lib.downloads import CHUNK, bad_filters, csv_response, xlsx_response
from revmod.recommendations import access, actions
from revmod.recommendations.exports import follow_up_rows, recommendation_rows
from revmod.recommendations.forms import (
    FollowUpFilterForm,
    FollowUpForm,
    RecommendationFilterForm,
    RecommendationForm,
)
from revmod.recommendations.models import FollowUp, Recommendation

RECOMMENDATION_COLUMNS = {
    "session": gettext_lazy("Session"),
    "number": gettext_lazy("Number"),
    "adopted": gettext_lazy("Adopted on"),
}
FOLLOW_UP_COLUMNS = {
    "recommendation": gettext_lazy("Recommendation"),
    "party": gettext_lazy("Party"),
    "status": gettext_lazy("Status"),
    "date": gettext_lazy("Date"),
    "recorded": gettext_lazy("Recorded at"),
}


def visible(user):
    return access.visible_recommendations(Recommendation.objects.all(), user)


def sessions(user) -> list[str]:
    """The sessions of the recommendations `user` sees, for the filter (one query)."""
    return list(visible(user).order_by("session").values_list("session", flat=True).distinct())


def recommendation_filter(request, params):
    return RecommendationFilterForm(params, sessions=sessions(request.user))


def with_summaries(recommendations, user) -> list:
    """`recommendations` (a page's) each with `secretariat` (the secretariat's follow-up in
    force for `user`, or None) and `tally` ([(status label, parties)] of the parties whose
    published follow-up is in that status): two queries whatever the rows."""
    rows = list(recommendations)
    ids = [r.pk for r in rows]
    own = {
        f.recommendation_id: f
        for f in access.in_force(FollowUp.objects.filter(recommendation__in=ids), user).filter(
            party=None
        )
    }
    counts: dict = defaultdict(dict)
    published = FollowUp.objects.filter(
        recommendation__in=ids, party__isnull=False, latest_published=True
    )
    for row in published.values("recommendation", "status").annotate(n=Count("pk")).order_by():
        counts[row["recommendation"]][row["status"]] = row["n"]
    for r in rows:
        r.secretariat = own.get(r.pk)
        r.tally = [(label, counts[r.pk].get(value, 0)) for value, label in FollowUp.Status.choices]
    return rows


@require_GET
def recommendation_list(request):
    """The recommendations the user sees (the public: the published ones), 50 a page, with the
    secretariat's follow-up and how many parties published theirs by status."""
    form = recommendation_filter(request, request.GET)
    page = lists.paged(request.GET, form.filter(visible(request.user)))
    return render(
        request,
        "recommendations/list.html",
        {
            "form": form,
            "page": page,
            "recommendations": with_summaries(page, request.user),
            "statuses": FollowUp.Status.choices,
            "columns": form.columns(request.GET, RECOMMENDATION_COLUMNS),
            "query": lists.query(request.GET),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def recommendation_export(request, fmt):
    """Every recommendation of the list the same filters show, all its pages."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = recommendation_filter(request, request.GET)
    if not form.is_valid():
        return bad_filters(form)
    rows = recommendation_rows(form.filter(visible(request.user)).iterator(chunk_size=CHUNK))
    if fmt == "csv":
        return csv_response(rows, "recommendations.csv")
    return xlsx_response(rows, "recommendations.xlsx", _("Recommendations"))


@require_GET
def recommendation_detail(request, pk):
    recommendation = get_object_or_404(visible(request.user), pk=pk)
    user = request.user
    follow_ups = access.in_force(
        FollowUp.objects.filter(recommendation=recommendation), user
    ).select_related("party", "recorded_by")
    follow_ups = sorted(follow_ups, key=lambda f: (f.party is not None, f.party and f.party.code))
    may_publish = access.publisher(user)
    for follow_up in follow_ups:
        follow_up.may_publish = may_publish(follow_up)
    return render(
        request,
        "recommendations/detail.html",
        {
            "recommendation": recommendation,
            "follow_ups": follow_ups,
            "may_record": access.may_record_any(user, recommendation),
            "may_edit": is_secretariat(user),
        },
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def recommendation_new(request):
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recommendation = actions.create_recommendation(
            by=request.user, now=timezone.now(), **form.cleaned_data
        )
        messages.success(request, _("The recommendation is recorded."))
        return redirect("recommendations:detail", recommendation.pk)
    return render(request, "recommendations/form.html", {"form": form})


@secretariat_required
@require_http_methods(["GET", "POST"])
def recommendation_edit(request, pk):
    recommendation = get_object_or_404(Recommendation, pk=pk)
    form = RecommendationForm(request.POST or None, instance=recommendation)
    if request.method == "POST" and form.is_valid():
        # The form has set the fields on the instance; the action records who and when.
        actions.edit_recommendation(
            form.instance, by=request.user, now=timezone.now(), **form.cleaned_data
        )
        messages.success(request, _("The recommendation is saved."))
        return redirect("recommendations:detail", recommendation.pk)
    return render(
        request, "recommendations/form.html", {"form": form, "recommendation": recommendation}
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_new(request, pk):
    """A new update of a follow-up, by a party's focal point (for its party) or the
    secretariat (for any party, or its own action)."""
    user = request.user
    recommendation = get_object_or_404(visible(user), pk=pk)
    if not access.may_record_any(user, recommendation):
        raise Http404
    form = FollowUpForm(
        request.POST or None,
        parties=access.focal_point_parties(user),
        secretariat=is_secretariat(user),
        initial={"on": timezone.now().date()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actions.record_follow_up(recommendation, by=user, now=timezone.now(), **data)
        except actions.FollowUpError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The follow-up is recorded."))
            return redirect("recommendations:detail", recommendation.pk)
    return render(
        request,
        "recommendations/follow_up_form.html",
        {"form": form, "recommendation": recommendation},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def follow_up_publish(request, pk):
    """Publish (`published=1`) or withdraw one update of a follow-up."""
    follow_up = get_object_or_404(
        access.visible_follow_ups(FollowUp.objects.all(), request.user), pk=pk
    )
    if not access.may_publish(request.user, follow_up):
        raise Http404
    published = request.POST.get("published") == "1"
    actions.set_published(follow_up, published=published, by=request.user, now=timezone.now())
    if published:
        messages.success(request, _("The follow-up is published."))
    else:
        messages.success(request, _("The follow-up is withdrawn from publication."))
    return redirect("recommendations:detail", follow_up.recommendation_id)


def _follow_ups(request, form):
    user = request.user
    seen = access.visible_follow_ups(
        FollowUp.objects.select_related("recommendation", "party", "recorded_by"), user
    )
    return form.filter(seen, lambda items: access.in_force(items, user))


@require_GET
def follow_up_list(request):
    """The follow-ups the user sees, those in force unless the history is asked."""
    form = FollowUpFilterForm(request.GET)
    page = lists.paged(request.GET, _follow_ups(request, form))
    return render(
        request,
        "recommendations/follow_up_list.html",
        {
            "form": form,
            "page": page,
            "follow_ups": page,
            "columns": form.columns(request.GET, FOLLOW_UP_COLUMNS),
            "query": lists.query(request.GET),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def follow_up_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = FollowUpFilterForm(request.GET)
    if not form.is_valid():
        return bad_filters(form)
    rows = follow_up_rows(_follow_ups(request, form).iterator(chunk_size=CHUNK))
    if fmt == "csv":
        return csv_response(rows, "follow-ups.csv")
    return xlsx_response(rows, "follow-ups.xlsx", _("Follow-ups"))
