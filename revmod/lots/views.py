"""Pages of the drawing of lots: public pairings, history and verification; the secretariat's
wizard (prepare → publish commitment → enter entropy → draw → publish result), meetings and
redraw requests."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from revmod.lib import lists
from revmod.lib.access import is_secretariat, secretariat_required
from revmod.lib.downloads import bad_filters
from revmod.lib.generated import Document
from revmod.lots import actions, exports
from revmod.lots.forms import (
    EntropyForm,
    MeetingForm,
    PairingFilterForm,
    PrepareDrawForm,
    RedrawRequestForm,
)
from revmod.lots.generated import documents
from revmod.lots.models import Draw, Meeting, RedrawRequest
from revmod.registry.models import Party

# The sortable columns of the pairings pages (PairingFilterForm.SORTS).
CURRENT_COLUMNS = {
    "group": gettext_lazy("Group"),
    "reviewed": gettext_lazy("Party under review"),
    "reviewer": gettext_lazy("Reviewing party"),
    "role": gettext_lazy("Role"),
    "since": gettext_lazy("Since"),
}
REPLACED_COLUMNS = {
    "group": gettext_lazy("Group"),
    "reviewed": gettext_lazy("Party under review"),
    "reviewer": gettext_lazy("Reviewing party"),
    "since": gettext_lazy("Since"),
    "until": gettext_lazy("Until"),
}


def _pairings_page(request, status: str, template: str, labels: dict):
    """A pairings page: 50 pairings of `status` a page, sorted on a column; its downloads
    hold every page of the same filters and order."""
    form = PairingFilterForm(request.GET, status=status)
    return render(
        request,
        template,
        {
            "form": form,
            "page": lists.paged(request.GET, form.pairings()),
            "columns": form.columns(request.GET, labels),
            "query": lists.query(request.GET),
            # The downloads hold what the page shows: the same group, order and status.
            "download_query": lists.query(request.GET, status=status),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def pairing_list(request):
    return _pairings_page(request, "active", "lots/pairing_list.html", CURRENT_COLUMNS)


@require_GET
def pairing_history(request):
    return _pairings_page(request, "superseded", "lots/pairing_history.html", REPLACED_COLUMNS)


@require_GET
def pairing_export(request, fmt):
    """The pairings the filters ask for (`?group=`, `?status=active|superseded`; without
    them, every pairing ever drawn), as each pairings page links to them."""
    if fmt not in exports.FORMATS and fmt != "pdf":
        raise Http404
    form = PairingFilterForm(request.GET)
    if not form.is_valid():
        return bad_filters(form)
    status = form.cleaned_data["status"]
    if fmt != "pdf":
        return exports.FORMATS[fmt](form.pairings(), status=status)
    # The PDF takes seconds to make: the worker makes it once per version of the pairings, and
    # every request until the next change gets that file. The filters are the form's, checked
    # above: nobody can have the worker make more than groups x statuses x languages files.
    group = form.cleaned_data["group"]
    document = Document(
        "pairings",
        {"group": group, "status": status},
        version=exports.version(),
        filename=exports.filename(status, "pdf"),
    )
    page = "lots:pairing-history" if status == "superseded" else "lots:pairing-list"
    back = reverse(page) + (f"?group={group}" if group else "")
    return documents.respond(request, document, back=back)


@require_GET
def draw_list(request):
    secretariat = is_secretariat(request.user)
    return render(
        request,
        "lots/draw_list.html",
        {
            "draws": Draw.objects.visible_to(request.user)
            .select_related("meeting")
            .defer("inputs", "result")
            .order_by("-meeting__held_on", "-pk"),
            # The draw the registry calls for: Protocols joined since the reviewers were drawn.
            "gaps": actions.uncovered(timezone.localdate()) if secretariat else None,
        },
    )


@require_GET
def draw_detail(request, pk):
    draw = get_object_or_404(Draw.objects.visible_to(request.user).select_related("meeting"), pk=pk)
    verification = actions.verify(draw) if draw.secret_revealed else None
    context = {
        "draw": draw,
        "verification": verification,
        "counts": draw_counts(draw),
        "named": named_result(draw),
    }
    if is_secretariat(request.user):
        context["entropy_form"] = EntropyForm()
    return render(request, "lots/draw_detail.html", context)


def named_result(draw: Draw) -> dict:
    """What the page says of a draw's parties, with their names for the codes the draw stores
    (one query): a Protocol draw's `reviewed` (names) and its `extended` and `pairings` ((party
    under review, reviewing party, instrument codes)); a redraw's `replacements` ((party under
    review, reviewer replaced, reviewer drawn))."""
    result = draw.result or {}
    protocol = draw.kind == Draw.Kind.PROTOCOL
    items = result.get("extended", []) + result.get("pairings", []) if protocol else []
    replacements = result.get("replacements", [])
    codes = set(draw.inputs.get("reviewed", []) if protocol else [])
    codes.update(code for p in items for code in (p["reviewed"], p["reviewer"]))
    for r in replacements:
        codes.update((r["reviewed"], r["replaced"], r["pairing"]["reviewer"]))
    names = {p.code: p.label for p in Party.objects.filter(code__in=codes)} if codes else {}

    def name(code: str) -> str:
        return names.get(code, code)

    def pairing(p: dict) -> tuple:
        return (name(p["reviewed"]), name(p["reviewer"]), p.get("instruments", []))

    return {
        "reviewed": [name(code) for code in draw.inputs.get("reviewed", [])] if protocol else [],
        "extended": [pairing(p) for p in result.get("extended", [])] if protocol else [],
        "pairings": [pairing(p) for p in result.get("pairings", [])] if protocol else [],
        "replacements": [
            (name(r["reviewed"]), name(r["replaced"]), name(r["pairing"]["reviewer"]))
            for r in replacements
        ],
    }


def draw_counts(draw: Draw) -> dict:
    result = draw.result or {}
    groups: dict[int, int] = {}
    for number in (result.get("groups") or {}).values():
        groups[number] = groups.get(number, 0) + 1
    return {
        "groups": sorted(groups.items()),
        "pairings": len(result.get("pairings", []) + result.get("extended", []))
        + len(result.get("replacements", [])),
        "parties": len(draw.inputs.get("parties", [])),
    }


@secretariat_required
@require_http_methods(["GET", "POST"])
def draw_prepare(request):
    form = PrepareDrawForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        try:  # the form's fields are prepare_draw's arguments
            draw = actions.prepare_draw(by=request.user, now=timezone.now(), **form.cleaned_data)
        except actions.DrawError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draw is prepared. Publish its commitment next."))
            return redirect("lots:draw-detail", draw.pk)
    return render(request, "lots/draw_prepare.html", {"form": form})


STEPS = {
    "announce": (actions.announce, _("The commitment is published.")),
    "draw": (actions.perform_draw, _("The lots are drawn. Check the result, then publish it.")),
    "publish": (actions.publish, _("The result is published: these pairings are now in force.")),
}


@secretariat_required
@require_POST
def draw_step(request, pk, step):
    draw = get_object_or_404(Draw, pk=pk)
    try:
        if step == "entropy":
            form = EntropyForm(request.POST)
            if not form.is_valid():
                raise actions.DrawError(_("Enter the public entropy given at the meeting."))
            actions.enter_entropy(draw, entropy=form.cleaned_data["entropy"], now=timezone.now())
            messages.success(request, _("The public entropy is recorded."))
        elif step in STEPS:
            action, done = STEPS[step]
            if step == "publish":  # the reviews it creates record who published it
                actions.publish(draw, now=timezone.now(), by=request.user)
            else:
                action(draw, now=timezone.now())
            messages.success(request, done)
        else:
            raise Http404
    except actions.DrawError as error:
        messages.error(request, str(error))
    return redirect("lots:draw-detail", draw.pk)


@secretariat_required
@require_http_methods(["GET", "POST"])
def meeting_list(request):
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.create_meeting(**form.cleaned_data)
        messages.success(request, _("The meeting is recorded."))
        return redirect("lots:meeting-list")
    meetings = Meeting.objects.prefetch_related("draws").order_by("-held_on")
    return render(request, "lots/meeting_list.html", {"form": form, "meetings": meetings})


@secretariat_required
@require_http_methods(["GET", "POST"])
def request_list(request):
    form = RedrawRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_redraw_request(by=request.user, **form.cleaned_data)
        except actions.DrawError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The redraw request is recorded."))
            return redirect("lots:request-list")
    requests = RedrawRequest.objects.select_related(
        "pairing__reviewed", "pairing__reviewer", "requested_by", "draw__meeting"
    ).order_by("-received_on", "-pk")
    return render(request, "lots/request_list.html", {"form": form, "requests": requests})


@secretariat_required
@require_POST
def request_withdraw(request, pk):
    redraw_request = get_object_or_404(RedrawRequest, pk=pk)
    try:
        actions.withdraw_redraw_request(redraw_request)
        messages.success(request, _("The request is withdrawn."))
    except actions.DrawError as error:
        messages.error(request, str(error))
    return redirect("lots:request-list")
