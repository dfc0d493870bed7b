"""The list of observations of a review: versions, differences, sign-offs, publication."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from revmod.lib import confirm
from revmod.questionnaires import exports, observations
from revmod.questionnaires.models import (
    ObservationVersion,
    PublicationDecision,
    SignOff,
)
from revmod.questionnaires.views.common import render_step, step_access
from revmod.reviews.access import Material
from revmod.reviews.actions import ReviewError
from revmod.reviews.deadlines import Step
from revmod.reviews.schedule import Loaded
from revmod.reviews.tasks import deadline_of
from revmod.reviews.workflow import Role, Stage


def _observations_context(review, access, *, conflict=None, error=None, mine=None) -> dict:
    versions = list(
        ObservationVersion.objects.filter(review=review)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("sign_offs", queryset=SignOff.objects.select_related("party", "by"))
        )
        .order_by("-number")
    )
    current = versions[0] if versions else None
    names = Loaded([review]).parties(review)  # the party under review, then the reviewers
    parties = list(names)
    signed = {s.party.code for s in current.sign_offs.all()} if current else set()
    texts = mine or (current.sections if current else {})
    decisions = list(
        PublicationDecision.objects.filter(review=review)
        .select_related("by")
        .order_by(*observations.IN_FORCE_FIRST)
    )
    chosen = decisions[0].sections if decisions else []
    return {
        "review": review,
        "access": access,
        "shown": [Material.OBSERVATIONS] if current else [],
        "editable": access.may_draft and review.stage == Stage.OBSERVATIONS,
        "signing": access.may_sign and review.stage == Stage.OBSERVATIONS,
        "versions": versions,
        "current": current,
        "sections": [
            {
                "key": key,
                "label": label,
                "text": texts.get(key, ""),
                "current": (current.sections.get(key, "") if current else ""),
            }
            for key, label in observations.SECTIONS
        ],
        "parties": [
            {"code": code, "party": names[code], "signed": code in signed} for code in parties
        ],
        "my_party_signed": access.actor.party in signed,
        # The secretariat signs for a party that cannot use the platform (seed ¶33).
        "unsigned": [names[code] for code in parties if code not in signed]
        if access.actor.role == Role.SECRETARIAT and review.stage == Stage.OBSERVATIONS
        else [],
        "decisions": decisions,
        "published_labels": [label for key, label in observations.SECTIONS if key in chosen],
        "choices": PublicationDecision.Choice.choices,
        "publishable": [
            (k, label) for k, label in observations.SECTIONS if k in observations.PUBLISHABLE
        ],
        "exports": exports.links(review, "observations", exports.working_languages(review))
        if current
        else [],
        "conflict": conflict,
        "error": error,
        # The machine translation of the version shown (translations.views.translation_new).
        "translate_source": f"observations-{current.number}" if current else "",
        "deadline": deadline_of(review, Step.OBSERVATIONS, timezone.localdate()),
        "stage": Stage.OBSERVATIONS,
    }


@login_required
@require_GET
def observations_page(request, pk):
    review, access, loaded = step_access(request, pk, observations.access_for)
    context = _observations_context(review, access)
    return render_step(request, "questionnaires/observations.html", context, loaded=loaded)


@login_required
@require_POST
def observations_save(request, pk):
    """Save the sections as a new version; a save based on an older version is refused (409),
    showing the newer one next to the person's text."""
    review, access, _loaded = step_access(request, pk, observations.access_for)
    mine = {key: request.POST.get(key, "") for key, _label in observations.SECTIONS}
    try:
        based_on = int(request.POST.get("based_on", ""))
    except ValueError:
        based_on = -1
    try:
        version = observations.save_version(
            review, by=request.user, now=timezone.now(), based_on=based_on, sections=mine
        )
    except observations.StaleVersion as stale:
        context = _observations_context(
            review, access, conflict=stale.current, error=str(stale), mine=mine
        )
        return render_step(request, "questionnaires/observations.html", context, status=409)
    except observations.ObservationError as error:
        status = 400 if access.may_draft and review.stage == Stage.OBSERVATIONS else 403
        context = _observations_context(review, access, error=str(error), mine=mine)
        return render_step(request, "questionnaires/observations.html", context, status=status)
    messages.success(request, _("Version %(number)s saved.") % {"number": version.number})
    return redirect("questionnaires:observations", review.pk)


@login_required
@require_GET
def observations_diff(request, pk):
    """What changed between two versions (`a` and `b`, numbers), section by section."""
    review, access, _loaded = step_access(request, pk, observations.access_for)
    numbers = list(
        ObservationVersion.objects.filter(review=review)
        .order_by("number")
        .values_list("number", flat=True)
    )
    context = {"review": review, "numbers": numbers, "changes": None}
    try:
        a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError:
        return render_step(request, "questionnaires/observations_diff.html", context)
    found = {
        v.number: v for v in ObservationVersion.objects.filter(review=review, number__in=[a, b])
    }
    if a not in found or b not in found:
        raise Http404
    context.update(
        old=found[a],
        new=found[b],
        changes=observations.diff(found[a], found[b]),
        shown=[Material.OBSERVATIONS],
    )
    return render_step(request, "questionnaires/observations_diff.html", context)


def _confirmation(request, review, summary, url_name, names):
    """The confirmation of an action of the observations page (revmod.lib.confirm), posting
    the first request's fields `names` back to `url_name`."""
    return confirm.page(
        request,
        summary,
        action=reverse(url_name, args=[review.pk]),
        back=reverse("questionnaires:observations", args=[review.pk]),
        subject=_("Review of %(party)s") % {"party": review.party.label},
        fields=confirm.carried(request.POST, names),
    )


@login_required
@require_POST
def observations_sign(request, pk):
    """Sign off a version for the person's party (or, the secretariat, on a party's behalf):
    the first POST shows what is signed and what follows; the confirmation signs."""
    review, _access, _loaded = step_access(request, pk, observations.access_for)
    try:
        number = int(request.POST.get("version", ""))
    except ValueError:
        number = -1
    on_behalf_of = request.POST.get("on_behalf_of") or None
    args = {
        "number": number,
        "on_behalf_of": on_behalf_of,
        "reason": request.POST.get("reason", ""),
    }
    try:
        if not confirm.confirmed(request):
            summary = observations.sign_off_summary(review, by=request.user, **args)
            names = ["version", "on_behalf_of", "reason"]
            return _confirmation(
                request, review, summary, "questionnaires:observations_sign", names
            )
        observations.sign_off(review, by=request.user, now=timezone.now(), **args)
        if on_behalf_of:
            messages.success(request, _("Signed off on the party's behalf."))
        else:
            messages.success(request, _("Signed off for your party."))
    except (observations.ObservationError, ReviewError) as error:
        messages.error(request, str(error))
    return redirect("questionnaires:observations", review.pk)


@login_required
@require_POST
def observations_publication(request, pk):
    """Record what of the list is published: the first POST shows what will be published and
    when; the confirmation records it (refused if another decision was recorded since the
    page showed the one in force, `based_on`)."""
    review, _access, _loaded = step_access(request, pk, observations.access_for)
    based_on = request.POST.get("based_on", "")
    args = {
        "choice": request.POST.get("choice", ""),
        "sections": request.POST.getlist("section"),
        "parts": request.POST.get("parts", ""),
        "based_on": int(based_on) if based_on.isdigit() else None,
    }
    try:
        if not confirm.confirmed(request):
            summary = observations.publication_summary(review, by=request.user, **args)
            names = ["choice", "section", "parts", "based_on"]
            url_name = "questionnaires:observations_publication"
            return _confirmation(request, review, summary, url_name, names)
        observations.decide_publication(review, by=request.user, now=timezone.now(), **args)
        messages.success(request, _("The publication decision is recorded."))
    except observations.ObservationError as error:
        messages.error(request, str(error))
    return redirect("questionnaires:observations", review.pk)
