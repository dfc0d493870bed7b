"""Pages of the country reviews: the list (my reviews; the secretariat's overview), the
review's workspace, and its actions."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from revmod.accounts.models import Nomination
from revmod.lib import confirm, lists
from revmod.lib.access import is_secretariat, secretariat_required
from revmod.lib.downloads import CHUNK, bad_filters, csv_response, xlsx_response
from revmod.lots import actions as lots
from revmod.registry.models import Cluster, Party
from revmod.reviews import actions, deadlines, ical, tasks
from revmod.reviews.access import actor_of, events_for, people_of
from revmod.reviews.confirmations import ACTION_LABELS
from revmod.reviews.confirmations import summary as action_summary
from revmod.reviews.forms import (
    ActionForm,
    BulkOfficersForm,
    ConsultationForm,
    DeadlineChangeForm,
    OfficersForm,
    ReviewFilterForm,
    StartClusterForm,
    listed,
)
from revmod.reviews.models import (
    READ_MATERIAL_LABELS,
    STEP_LABELS,
    CalendarFeed,
    ReadRecord,
    Review,
)
from revmod.reviews.schedule import Loaded, cluster_progress, with_schedule_data
from revmod.reviews.workflow import Action, Stage

# The secretariat's list: 50 reviews a page (the downloads hold every page).
PAGE_SIZE = 50
COLUMNS = {
    "party": gettext_lazy("Party under review"),
    "group": gettext_lazy("Group"),
    "cluster": gettext_lazy("Cluster"),
    "stage": gettext_lazy("Stage"),
    "since": gettext_lazy("At this stage since"),
    "step": gettext_lazy("Step due"),
    "due_on": gettext_lazy("Due on"),
    "days_late": gettext_lazy("Days late"),
    "officer": gettext_lazy("Secretariat officers"),
}


@login_required
@require_GET
def review_list(request):
    today = timezone.localdate()
    form = ReviewFilterForm(request.GET, today=today, user=request.user)
    reviews = listed(request.user, form)
    if not is_secretariat(request.user):
        return _my_reviews(request, form, reviews, today)
    page = lists.NarrowPaginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/review_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(review, review.days_late(today)) for review in page],
            "columns": lists.columns(request.GET, COLUMNS, form.sorted_by),
            "query": lists.query(request.GET),
            "assign_form": BulkOfficersForm(),
        },
        status=400 if form.errors else 200,
    )


def _my_reviews(request, form, reviews, today):
    """A participant's reviews, as the party under review and as a reviewing party, each with
    the due date of its current step (reviews.tasks)."""
    parties = set(
        Nomination.objects.active()
        .filter(person=request.user, scope=Nomination.Scope.OWN)
        .values_list("party_id", flat=True)
    )
    # The reviews read once, with what the schedule needs (tasks.load would read them again).
    listed_reviews = list(with_schedule_data(reviews))
    open_reviews = [r for r in listed_reviews if r.stage != Stage.COMPLETED]
    found = tasks.facts(open_reviews, Loaded(open_reviews), today)
    rows = [
        (r, tasks.deadline(found[r.pk], None, today) if r.pk in found else None)
        for r in listed_reviews
    ]
    return render(
        request,
        "reviews/review_list.html",
        {
            "form": form,
            "own": [(r, d) for r, d in rows if r.party_id in parties],
            "reviewing": [(r, d) for r, d in rows if r.party_id not in parties],
        },
        status=400 if form.errors else 200,
    )


def _timeline(events: list, names: dict) -> list:
    """`events` with the parties they record (by code) named: `party_name` and, for a draw's
    changes, `changes_named` ((reviewer, replaced or None, instruments)). `names`: the review's
    parties by code; a party no longer in it is read with the others in one query."""
    codes = set()
    for event in events:
        codes.add(event.data.get("party"))
        for change in event.data.get("changes", ()):
            codes.update((change.get("reviewer"), change.get("replaces")))
    missing = {code for code in codes if code and code not in names}
    if missing:
        names = {**names, **{p.code: p for p in Party.objects.filter(code__in=missing)}}

    def name(code):
        return names[code].label if code in names else code

    for event in events:
        event.party_name = name(event.data.get("party"))
        event.changes_named = [
            (
                name(c.get("reviewer")),
                name(c["replaces"]) if c.get("replaces") else None,
                c.get("instruments", []),
            )
            for c in event.data.get("changes", ())
        ]
    return events


@login_required
@require_GET
def review_detail(request, pk):
    review = get_object_or_404(
        with_schedule_data(Review.objects.visible_to(request.user))
        .select_related("group", "cluster")
        .prefetch_related("officers"),
        pk=pk,
    )
    # The review's pairings and nominations, and the person's part in it, read once for the
    # whole page (the actions offered, the schedule, the timeline).
    loaded = Loaded([review])
    pairings = loaded.pairings[review.party_id]
    people = people_of(review, [p.reviewer_id for p in pairings])
    actor = actor_of(request.user, review, people, set(loaded.reviewer_codes(review)))
    allowed = actions.allowed(review, request.user, loaded=loaded, actor=actor) if actor else []
    today = timezone.localdate()
    steps = [
        {
            "label": STEP_LABELS[item.step],
            "item": item,
            "overdue": item.done is None and item.due is not None and item.due < today,
            "days_late": deadlines.days_late(item, today),
        }
        for item in loaded.schedule(review)
    ]
    events = review.events.select_related("actor").order_by("-at", "-pk")
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "pairings": pairings,
            "steps": steps,
            "people": people,
            "events": _timeline(events_for(actor, review, events), loaded.parties(review)),
            # The documents app's rule of who reads which kind (reviews.access), through the
            # relation: this layer does not import it.
            "documents": review.documents.visible_to(request.user)
            .with_versions()
            .order_by("kind", "created_at", "pk"),
            "buttons": [(a.value, ACTION_LABELS[a]) for a in allowed if a in ACTION_LABELS],
            "on_behalf": [review.party, *[p.reviewer for p in pairings]]
            if is_secretariat(request.user)
            else None,
            "may_record_consultation": Action.RECORD_CONSULTATION in allowed,
            "consultation": getattr(review, "consultation", None),
            "consultation_form": ConsultationForm(),
            "action_form": ActionForm(),
            "deadline_changes": review.deadline_changes.all(),  # prefetched with the schedule
            "deadline_form": DeadlineChangeForm() if is_secretariat(request.user) else None,
            "officers": review.officers.all(),
            "officers_form": OfficersForm(initial={"officers": review.officers.all()})
            if is_secretariat(request.user)
            else None,
            "may_see_reads": is_secretariat(request.user),
        },
    )


def _reads(request, pk):
    """The review `pk` and its reads of confidential material, newest first (`?material=`
    keeps one material; an unknown one is ignored)."""
    review = get_object_or_404(Review.objects.select_related("party", "cluster"), pk=pk)
    material = request.GET.get("material")
    reads = ReadRecord.objects.filter(review=review).select_related("reader")
    if material in READ_MATERIAL_LABELS:
        reads = reads.filter(material=material)
    else:
        material = None
    return review, material, reads.order_by("-at", "-pk")


@secretariat_required
@require_GET
def review_reads(request, pk):
    """The secretariat's record of who read the review's confidential material (reviews.reads):
    who, what, how, which object, when; 100 a page."""
    review, material, reads = _reads(request, pk)
    page = Paginator(reads, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/review_reads.html",
        {
            "review": review,
            "page": page,
            "material": material,
            "materials": [(m.value, label) for m, label in READ_MATERIAL_LABELS.items()],
            "query": f"material={material}" if material else "",
        },
    )


@secretariat_required
@require_GET
def review_reads_export(request, pk):
    """The same record as CSV (every row, or one material's)."""
    review, material, reads = _reads(request, pk)
    header = [_("When (UTC)"), _("User name"), _("Name"), _("Material"), _("How")]

    def rows():
        yield header + [_("Object"), _("Detail")]
        for read in reads.iterator(chunk_size=CHUNK):
            yield [
                read.at.isoformat(),
                read.reader.get_username(),
                read.reader.get_full_name(),
                read.material,
                read.how,
                read.target,
                read.detail,
            ]

    name = f"reads-{review.party.code}-cluster-{review.cluster.number}"
    return csv_response(rows(), f"{name}{'-' + material if material else ''}.csv")


def _visible(request, pk) -> Review:
    return get_object_or_404(Review.objects.visible_to(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def review_act(request, pk, action):
    """A workflow action of the review's page (ACTION_LABELS), confirmed: the first request
    (the page's button, or a GET) changes nothing and shows what the action will send and what
    follows (reviews.confirmations), or why it is refused; only the confirmation's POST
    (`confirm=yes`, with the review's version the person saw) takes it."""
    review = get_object_or_404(
        Review.objects.visible_to(request.user).select_related("party", "cluster"), pk=pk
    )
    if action not in ACTION_LABELS:
        raise Http404
    form = ActionForm(request.POST if request.method == "POST" else None)
    form.is_valid()  # an invalid field is left out, as not given; a GET gives none
    data = getattr(form, "cleaned_data", {})
    args = {
        "reason": data.get("reason") or None,
        "to": data.get("to") or None,
        "on_behalf_of": data.get("on_behalf_of") or None,
        "version": data.get("version"),
    }
    try:
        if not confirm.confirmed(request):
            return _confirmation(request, review, action, args)
        actions.act(review, action, by=request.user, **args)
        messages.success(request, _("Done."))
    except actions.ReviewError as error:
        messages.error(request, str(error))
    return redirect("reviews:detail", review.pk)


def _confirmation(request, review, action, args):
    """The confirmation page of `action` with `args` (ReviewError when it would be refused):
    the version carried is the one the first request named, else the one shown now."""
    actor, before, after = actions.preview(review, action, by=request.user, **args)
    summary = action_summary(
        review,
        action,
        actor,
        before,
        after,
        reason=args["reason"],
        on_behalf_of=args["on_behalf_of"],
    )
    version = review.version if args["version"] is None else args["version"]
    return confirm.page(
        request,
        summary,
        action=reverse("reviews:act", args=[review.pk, action]),
        back=reverse("reviews:detail", args=[review.pk]),
        subject=_("Review of %(party)s") % {"party": review.party.label},
        fields=[
            ("version", str(version)),
            *confirm.carried(request.POST, ["reason", "to", "on_behalf_of"]),
        ],
    )


@secretariat_required
@require_POST
def review_deadline(request, pk):
    review = _visible(request, pk)
    form = DeadlineChangeForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("The deadline is unchanged. %(errors)s") % {"errors": form.errors_text()}
        )
        return redirect("reviews:detail", review.pk)
    try:
        actions.change_deadline(review, by=request.user, now=timezone.now(), **form.cleaned_data)
        messages.success(request, _("The deadline is changed; the reminders follow the new one."))
    except actions.ReviewError as error:
        messages.error(request, str(error))
    return redirect("reviews:detail", review.pk)


@secretariat_required
@require_POST
def review_officers(request, pk):
    review = _visible(request, pk)
    form = OfficersForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose officers among the secretariat's active accounts."))
        return redirect("reviews:detail", review.pk)
    try:
        actions.assign_officers(
            [review],
            officers=list(form.cleaned_data["officers"]),
            by=request.user,
            now=timezone.now(),
        )
        messages.success(request, _("The review's officers are saved."))
    except actions.ReviewError as error:
        messages.error(request, str(error))
    return redirect("reviews:detail", review.pk)


@secretariat_required
@require_POST
def review_assign(request):
    """Officers added, in bulk, to the reviews chosen on the list; back to the same list."""
    form = BulkOfficersForm(request.POST)
    query = QueryDict(request.POST.get("query", "")).urlencode()  # the list's filters
    back = reverse("reviews:list") + (f"?{query}" if query else "")
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        changed = actions.assign_officers(
            list(form.cleaned_data["reviews"]),
            officers=list(form.cleaned_data["officers"]),
            by=request.user,
            now=timezone.now(),
            add=True,
        )
        messages.success(
            request, _("Officers assigned; reviews changed: %(n)s.") % {"n": len(changed)}
        )
    except actions.ReviewError as error:
        messages.error(request, str(error))
    return redirect(back)


@login_required
@require_POST
def review_consultation(request, pk):
    review = _visible(request, pk)
    form = ConsultationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the consultation's date and fields."))
        return redirect("reviews:detail", review.pk)
    try:
        actions.record_consultation(review, by=request.user, now=timezone.now(), **form.recorded())
        messages.success(request, _("The initial consultation is recorded."))
    except actions.ReviewError as error:
        messages.error(request, str(error))
    return redirect("reviews:detail", review.pk)


def export_rows(reviews, today):
    yield [
        _("Party"),
        _("Code"),
        _("Regional group"),
        _("Regional group (code)"),
        _("Group"),
        _("Cluster"),
        _("Started on"),
        _("Stage"),
        _("At this stage since"),
        _("Step due"),
        _("Due on"),
        _("Days late"),
        _("Secretariat officers"),
    ]
    for r in reviews:
        late = r.days_late(today)
        yield [
            r.party.label,
            r.party.code,
            r.party.regional_group.label if r.party.regional_group else "",
            r.party.regional_group.code if r.party.regional_group else "",
            r.group.number,
            r.cluster.number,
            r.started_on.isoformat(),
            r.get_stage_display(),
            r.stage_since.date().isoformat(),
            r.get_due_step_display() if r.due_step else "",
            r.due_on.isoformat() if r.due_on else "",
            "" if late is None else late,
            ", ".join(o.get_username() for o in r.officers.all()),
        ]


@secretariat_required
@require_GET
def review_export(request, fmt):
    """Every row of the list the same search, filters and order show, all its pages."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    today = timezone.localdate()
    form = ReviewFilterForm(request.GET, today=today, user=request.user)
    if not form.is_valid():
        return bad_filters(form)
    rows = export_rows(listed(request.user, form).iterator(chunk_size=CHUNK), today)
    if fmt == "csv":
        return csv_response(rows, "reviews.csv")
    return xlsx_response(rows, "reviews.xlsx", _("Reviews"))


@secretariat_required
@require_http_methods(["GET", "POST"])
def cycles(request):
    """The clusters under review, each group's progress against the rule for starting the next
    cluster (with the day it is forecast to be met), and the form to start a cluster."""
    share = settings.REVMOD_NEXT_CLUSTER_SHARE / 100
    form = StartClusterForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = actions.start_cluster(
                data["cluster"],
                groups=list(data["groups"]),
                parties=data["parties"],
                starts_on=data["starts_on"],
                reason=data["reason"],
                by=request.user,
                now=timezone.now(),
            )
        except actions.ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Reviews started: %(n)s.") % {"n": len(created)})
            return redirect("reviews:cycles")
    clusters = [
        (cluster, cluster_progress(cluster, share))
        for cluster in Cluster.objects.filter(reviews__isnull=False).distinct()
    ]
    return render(
        request,
        "reviews/cycles.html",
        {
            "clusters": clusters,
            "form": form,
            "rule": settings.REVMOD_NEXT_CLUSTER_SHARE,
            "gaps": lots.uncovered(timezone.localdate()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request):
    """The person's calendar feed: whether they have one, when it was made and last read; a
    new secret address (POST: shown once, in this answer only; the old one stops working)."""
    address = None
    if request.method == "POST":
        try:
            token = actions.renew_calendar_feed(request.user, now=timezone.now())
        except actions.ReviewError as error:
            messages.error(request, str(error))
        else:
            address = request.build_absolute_uri(reverse("reviews:calendar-feed", args=[token]))
    feed = CalendarFeed.objects.filter(person=request.user).first()
    return render(request, "reviews/calendar.html", {"feed": feed, "address": address})


@login_required
@require_POST
def calendar_revoke(request):
    if actions.revoke_calendar_feed(request.user):
        messages.success(request, _("The calendar address is revoked: it no longer works."))
    return redirect("reviews:calendar")


def calendar_items(user, today) -> list[tasks.Item]:
    """The deadlines of `user`'s calendar: a participant's items (tasks and what their reviews
    wait for); for the secretariat, what needs it in the reviews it follows."""
    if is_secretariat(user):
        followed = tasks.load(Review.objects.filter(officers=user), today)
        return tasks.for_secretariat(followed.values(), today)
    return tasks.for_user(user, today)


@require_GET
def calendar_feed(request, token):
    """The iCalendar feed of the person whose secret address this is (404 for any other);
    its events in the language of the address."""
    now = timezone.now()
    feed = actions.calendar_feed_for(token, now=now)
    if feed is None:
        raise Http404
    events = [
        ical.Event(
            uid=item.uid,
            day=item.due,
            summary=f"{item.summary} — {item.review}",
            description=f"{item.due_text()}\n{request.build_absolute_uri(item.url)}",
            url=request.build_absolute_uri(item.url),
        )
        for item in calendar_items(feed.person, timezone.localdate())
        if item.due is not None
    ]
    domain = urlsplit(settings.REVMOD_SITE_URL).hostname or "revmod"
    text = ical.calendar(events, name=_("Review deadlines"), stamp=now, domain=domain)
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=0"
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    return response
