"""The pages of the pilot initiatives (¶59-60): their list, a pilot with its stakeholders and
activities, and the secretariat's forms. Read through `stakeholders.access`."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from revmod.lib.access import secretariat_required
from revmod.reviews.access import visible_reviews
from revmod.reviews.models import Review
from revmod.stakeholders import access, actions, exports, forms
from revmod.stakeholders.countries import country_name
from revmod.stakeholders.models import Activity, Pilot
from revmod.stakeholders.queries import pilots_counted
from revmod.stakeholders.views import export, form_page, list_page

PILOT_COLUMNS = {
    "party": gettext_lazy("Party"),
    "consent": gettext_lazy("Party's consent given on"),
    "started": gettext_lazy("Under way from"),
    "completed": gettext_lazy("Completed on"),
}


def _pilots(user):
    return pilots_counted(access.visible_pilots(Pilot.objects.all(), user))


@require_GET
def pilot_list(request):
    return list_page(
        request,
        forms.PilotFilterForm,
        _pilots(request.user),
        "stakeholders/pilot_list.html",
        PILOT_COLUMNS,
    )


@require_GET
def pilot_export(request, fmt):
    return export(
        request, fmt, forms.PilotFilterForm, _pilots(request.user), exports.pilot_rows,
        "pilots", _("Pilot initiatives"),
    )  # fmt: skip


@require_GET
def pilot_detail(request, pk):
    pilot = access.get_or_404(_pilots(request.user), pk)
    stakeholders = [
        (s, country_name(s.country), access.shows_contact(request.user, s))
        for s in pilot.stakeholders.order_by("name", "pk")
    ]
    takes_part = visible_reviews(Review.objects.filter(pk=pilot.review_id), request.user).exists()
    context = {
        "pilot": pilot,
        "stakeholders": stakeholders,
        "activities": pilot.activities.order_by("held_on", "pk"),
        "takes_part": takes_part,
        "may_edit": access.may_edit(request.user),
    }
    return render(request, "stakeholders/pilot_detail.html", context)


@secretariat_required
@require_http_methods(["GET", "POST"])
def pilot_edit(request, pk=None):
    pilot = access.get_or_404(Pilot.objects.all(), pk) if pk else None
    form = forms.PilotForm(request.POST or None, instance=pilot)

    def save(data, **kwargs):
        return actions.save_pilot(pilot, data, **kwargs)

    return form_page(
        request,
        form,
        save,
        title=_("Change the pilot initiative") if pk else _("New pilot initiative"),
        back=reverse("stakeholders:pilot-list"),
        done=lambda p: reverse("stakeholders:pilot-detail", args=[p.pk]),
        message=_("The pilot initiative is recorded."),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pilot_pk=None, pk=None):
    activity = access.get_or_404(Activity.objects.select_related("pilot"), pk) if pk else None
    pilot = activity.pilot if activity else access.get_or_404(Pilot.objects.all(), pilot_pk)
    form = forms.ActivityForm(request.POST or None, instance=activity)

    def save(data, **kwargs):
        return actions.save_activity(activity, data, pilot=pilot, **kwargs)

    back = reverse("stakeholders:pilot-detail", args=[pilot.pk])
    return form_page(
        request,
        form,
        save,
        title=_("Change the activity") if pk else _("New activity"),
        back=back,
        done=lambda _a: back,
        message=_("The activity is recorded."),
        subject=pilot,
    )
