"""The pages of events: the list (public: the published ones), an event, its documents, and the
secretariat's forms. Every page asks activities.access."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from revmod.activities import access, actions, figures
from revmod.activities.forms import AsOfForm, DocumentForm, EventFilterForm, EventForm
from revmod.activities.models import TRAINING_LANGUAGES, Event, EventDocument, Gender
from revmod.lib import lists
from revmod.lib.access import secretariat_required
from revmod.lib.downloads import CHUNK, bad_filters, csv_response, file_response, xlsx_response
from revmod.lib.storedfiles import MissingFile, missing_page, open_stored
from revmod.lib.uploads import FORMATS
from revmod.registry.models import Party

EVENT_COLUMNS = {
    "starts": gettext_lazy("Dates"),
    "title": gettext_lazy("Title"),
    "kind": gettext_lazy("Kind"),
}
LANGUAGE_NAMES = dict(TRAINING_LANGUAGES)


def not_visible(request):
    """The answer to a record the person may not see: an anonymous visitor is sent to sign in
    (signing in may show it), anyone else gets 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404


def _events(request, form):
    parties = Prefetch("parties", queryset=Party.objects.order_by("code"))
    events = access.events_visible(Event.objects.prefetch_related(parties), request.user)
    return form.filter(events)


@require_GET
def event_list(request):
    """The events the visitor may see, 50 a page, the latest first or sorted on a column."""
    form = EventFilterForm(request.GET)
    page = lists.paged(request.GET, _events(request, form))
    return render(
        request,
        "activities/event_list.html",
        {
            "form": form,
            "page": page,
            "columns": form.columns(request.GET, EVENT_COLUMNS),
            "query": lists.query(request.GET),
            "may_edit": access.may_edit(request.user),
        },
        status=400 if form.errors else 200,
    )


def event_rows(events):
    yield [
        _("Title"),
        _("Kind"),
        _("Starts on"),
        _("Ends on"),
        _("Online"),
        _("Place"),
        _("Organisers"),
        _("Languages"),
        _("States involved"),
        _("Women"),
        _("Men"),
        _("Other or undisclosed"),
        _("Published"),
    ]
    for e in events:
        yield [
            e.title,
            e.get_kind_display(),
            e.starts_on.isoformat(),
            e.ends_on.isoformat(),
            _("Yes") if e.online else _("No"),
            e.place,
            e.organisers,
            ", ".join(str(LANGUAGE_NAMES.get(code, code)) for code in e.languages),
            " ".join(p.code for p in e.parties.all()),
            e.women,
            e.men,
            e.other,
            _("Yes") if e.published else _("No"),
        ]


@require_GET
def event_export(request, fmt):
    """Every event of the list the same filters show, all its pages."""
    form = EventFilterForm(request.GET)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not form.is_valid():
        return bad_filters(form)
    events = _events(request, form).iterator(chunk_size=CHUNK)
    if fmt == "csv":
        return csv_response(event_rows(events), "events.csv")
    return xlsx_response(event_rows(events), "events.xlsx", _("Events"))


def _event(request, pk) -> Event | None:
    """Event `pk` if the person may see it."""
    events = Event.objects.select_related("created_by", "changed_by")
    return access.events_visible(events, request.user).filter(pk=pk).first()


@require_GET
def event_detail(request, pk):
    event = _event(request, pk)
    if event is None:
        return not_visible(request)
    documents = access.documents_visible(event.documents.order_by("kind", "pk"), request.user)
    return render(
        request,
        "activities/event_detail.html",
        {
            "event": event,
            "parties": event.parties.order_by("code"),
            "reviews": event.reviews.select_related("party", "cluster").order_by("pk"),
            "language_names": [LANGUAGE_NAMES.get(code, code) for code in event.languages],
            "documents": documents,
            "may_edit": access.may_edit(request.user),
            "document_form": DocumentForm(),
        },
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk=None):
    """A new event, or event `pk` changed (the secretariat)."""
    event = get_object_or_404(Event, pk=pk) if pk else None
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            event = actions.save_event(event, form.event(), by=request.user, now=timezone.now())
        except actions.ActivityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The event is recorded."))
            return redirect("activities:event-detail", event.pk)
    title = _("Change the event") if event else _("Record an event")
    return render(
        request,
        "activities/form.html",
        {"form": form, "title": title},
        status=400 if form.errors else 200,
    )


@secretariat_required
@require_POST
def document_new(request, pk):
    """Add a document to event `pk` (the secretariat); back to the event with the outcome."""
    event = get_object_or_404(Event, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("activities:event-detail", event.pk)
    try:
        actions.add_document(event, by=request.user, now=timezone.now(), **form.cleaned_data)
    except actions.ActivityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The document is added."))
    return redirect("activities:event-detail", event.pk)


@require_GET
def document_file(request, pk, document):
    """A document of an event as an attachment, to those who may see it."""
    documents = EventDocument.objects.filter(event=pk, pk=document)
    found = access.documents_visible(documents, request.user).first()
    if found is None:
        return not_visible(request)
    if found.extension not in FORMATS:
        raise Http404
    try:
        opened = open_stored(found.file, named_by=f"event document {found.pk}")
    except MissingFile:
        return missing_page(request)
    fmt = FORMATS[found.extension]
    return file_response(opened, fmt.content_type, f"event-{pk}-{found.pk}.{fmt.extension}")


@require_GET
def figures_page(request):
    """The figures of events and training as of a date (today by default): public, counts
    only."""
    form = AsOfForm(request.GET)
    as_of = (form.cleaned_data.get("as_of") if form.is_valid() else None) or (timezone.localdate())
    trained, events = figures.training(as_of), figures.events(as_of)
    return render(
        request,
        "activities/figures.html",
        {
            "form": form,
            "as_of": as_of,
            "events": events,
            "event_kinds": [(label, events.by_kind[v]) for v, label in Event.Kind.choices],
            "training": trained,
            "genders": [(label, trained.by_gender.get(v, 0)) for v, label in Gender.choices],
            "by_language": [
                (label, trained.by_language.get(v, 0)) for v, label in TRAINING_LANGUAGES
            ],
        },
        status=400 if form.errors else 200,
    )
