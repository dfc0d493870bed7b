"""The pages of technical-assistance needs. Each asks `access` what the user may see; what
they may not answers 404 (an anonymous visitor is sent to sign in)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from revmod.assistance import access, actions
from revmod.assistance.figures import figures
from revmod.assistance.forms import (
    AnswerForm,
    RequestFilterForm,
    SurveyFilterForm,
    SurveyForm,
    TallyForm,
    TrackForm,
)
from revmod.assistance.models import Request, Response, Survey
from revmod.lib import lists
from revmod.lib.access import secretariat_required
from revmod.lib.downloads import CHUNK, bad_filters, csv_response, xlsx_response
from revmod.registry.models import Party

SURVEY_COLUMNS = {
    "title": gettext_lazy("Title"),
    "opens_on": gettext_lazy("Opens on"),
    "closes_on": gettext_lazy("Closes on"),
}
REQUEST_COLUMNS = {
    "party": gettext_lazy("Party"),
    "survey": gettext_lazy("Survey"),
    "category": gettext_lazy("Category"),
    "status": gettext_lazy("Status"),
    "status_on": gettext_lazy("Date"),
}


def party_people(view):
    """The secretariat and a party's people in force; anyone else signed in gets 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.may_see_surveys(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def surveys_for(user):
    """The surveys with their counts: responses and requests in force (of the user's parties
    for a party's people)."""
    responses = access.visible_responses(Response.objects.all(), user)
    requests = access.visible_requests(Request.objects.filter(withdrawn_at=None), user)
    return Survey.objects.annotate(
        response_count=Count("responses", filter=Q(responses__in=responses), distinct=True),
        request_count=Count(
            "responses__requests", filter=Q(responses__requests__in=requests), distinct=True
        ),
    )


@party_people
@require_GET
def survey_list(request):
    form = SurveyFilterForm(request.GET)
    page = lists.paged(request.GET, form.filter(surveys_for(request.user)))
    return render(
        request,
        "assistance/survey_list.html",
        {
            "form": form,
            "surveys": page,
            "page": page,
            "columns": form.columns(request.GET, SURVEY_COLUMNS),
            "query": lists.query(request.GET),
            "today": timezone.now().date(),
        },
        status=400 if form.errors else 200,
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def survey_new(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = actions.open_survey(**form.cleaned_data, by=request.user, now=timezone.now())
        except actions.AssistanceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The survey is open; the focal points are told."))
            return redirect("assistance:survey-detail", survey.pk)
    status = 400 if form.errors else 200
    return render(request, "assistance/survey_form.html", {"form": form}, status=status)


@secretariat_required
@require_http_methods(["GET", "POST"])
def survey_edit(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    form = SurveyForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        # The action saves; the form only checks (its instance is the survey itself).
        data = form.cleaned_data
        try:
            actions.edit_survey(survey, **data, by=request.user, now=timezone.now())
        except actions.AssistanceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The survey is saved."))
            return redirect("assistance:survey-detail", survey.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "survey": survey}
    return render(request, "assistance/survey_form.html", context, status=status)


@party_people
@require_GET
def survey_detail(request, pk):
    survey = get_object_or_404(access.visible_surveys(Survey.objects.all(), request.user), pk=pk)
    responses = (
        access.visible_responses(survey.responses.all(), request.user)
        .select_related("party", "changed_by")
        .annotate(request_count=Count("requests", filter=Q(requests__withdrawn_at=None)))
        .order_by("party__code")
    )
    page = lists.paged(request.GET, responses)
    answering = Party.objects.filter(pk__in=access.answering_party_ids(request.user))
    return render(
        request,
        "assistance/survey_detail.html",
        {
            "survey": survey,
            "responses": page,
            "page": page,
            "query": lists.query(request.GET),
            "answering": answering.order_by("code"),
            "is_open": survey.is_open(timezone.now().date()),
            "categories": survey.category_choices(),
        },
    )


@party_people
@require_http_methods(["GET", "POST"])
def answer(request, pk, code):
    """A focal point answers for their party; after the survey closes the page says so and
    the answer can no longer change."""
    survey = get_object_or_404(Survey, pk=pk)
    party = get_object_or_404(Party, code=code.upper())
    if not access.may_answer(request.user, party):
        raise Http404
    response = (
        Response.objects.filter(survey=survey, party=party).prefetch_related("requests").first()
    )
    is_open = survey.is_open(timezone.now().date())
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        survey=survey,
        initial=AnswerForm.initial_for(response),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.answer(
                    survey, party, needs=form.needs(), by=request.user, now=timezone.now()
                )
            except actions.AssistanceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The answer is saved."))
                return redirect("assistance:survey-detail", survey.pk)
        status = 409 if not is_open else 400
    context = {"survey": survey, "party": party, "form": form, "is_open": is_open}
    return render(request, "assistance/answer.html", context, status=status)


def _requests(request, form):
    requests = Request.objects.select_related("response__party", "response__survey", "officer")
    return form.filter(access.visible_requests(requests, request.user))


@party_people
@require_GET
def request_list(request):
    form = RequestFilterForm(request.GET)
    page = lists.paged(request.GET, _requests(request, form))
    return render(
        request,
        "assistance/request_list.html",
        {
            "form": form,
            "requests": page,
            "page": page,
            "columns": form.columns(request.GET, REQUEST_COLUMNS),
            "query": lists.query(request.GET),
        },
        status=400 if form.errors else 200,
    )


def export_rows(requests):
    yield [
        _("Party"),
        _("Code"),
        _("Survey"),
        _("Category"),
        _("Description"),
        _("Status"),
        _("Date"),
        _("Note"),
        _("Officer"),
        _("Asked on"),
        _("Withdrawn on"),
    ]
    for r in requests:
        yield [
            r.response.party.label,
            r.response.party.code,
            r.response.survey.title,
            r.category_label,
            r.description,
            r.get_status_display(),
            r.status_on.isoformat(),
            r.note,
            r.officer.get_username() if r.officer else "",
            r.created_at.date().isoformat(),
            r.withdrawn_at.date().isoformat() if r.withdrawn_at else "",
        ]


@party_people
@require_GET
def request_export(request, fmt):
    """Every request of the list the same filters show, all its pages."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = RequestFilterForm(request.GET)
    if not form.is_valid():
        return bad_filters(form)
    requests = _requests(request, form).iterator(chunk_size=CHUNK)
    if fmt == "csv":
        return csv_response(export_rows(requests), "assistance-requests.csv")
    return xlsx_response(export_rows(requests), "assistance-requests.xlsx", _("Requests"))


def _visible_request(request, pk):
    requests = access.visible_requests(
        Request.objects.select_related("response__party", "response__survey", "officer"),
        request.user,
    )
    return get_object_or_404(requests, pk=pk)


@party_people
@require_GET
def request_detail(request, pk):
    item = _visible_request(request, pk)
    form = TrackForm(instance=item) if access.may_track(request.user) else None
    return render(request, "assistance/request_detail.html", _detail_context(item, form))


def _detail_context(item, form) -> dict:
    """The request, its tracking form (the secretariat's) and its history, newest first, each
    change as (change, [(field's label, before, after)]) in the reader's language."""
    statuses = dict(Request.Status.choices)
    history = []
    for change in item.changes.select_related("by").order_by("-at", "-pk"):
        lines = []
        for name, (old, new) in change.fields.items():
            if name == "status":
                old, new = statuses.get(old, old), statuses.get(new, new)
            lines.append((Request._meta.get_field(name).verbose_name, old, new))
        history.append((change, lines))
    return {"item": item, "form": form, "history": history}


@secretariat_required
@require_POST
def request_track(request, pk):
    item = _visible_request(request, pk)
    form = TrackForm(request.POST, instance=Request.objects.get(pk=item.pk))
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.track(item, **data, by=request.user, now=timezone.now())
        except actions.AssistanceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The request is updated."))
            return redirect("assistance:request-detail", item.pk)
    item.refresh_from_db()
    return render(
        request, "assistance/request_detail.html", _detail_context(item, form), status=400
    )


@require_GET
def tallies(request):
    """Public: the counts by category and regional group; by State for the secretariat."""
    form = TallyForm(request.GET)
    on = form.as_of()
    return render(
        request,
        "assistance/tallies.html",
        {
            "form": form,
            "figures": figures(on),
            "on": on,
            "show_states": access.may_see_states(request.user),
            "may_see_surveys": access.may_see_surveys(request.user),
        },
        status=400 if form.errors else 200,
    )
