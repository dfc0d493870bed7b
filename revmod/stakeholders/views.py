"""The stakeholders' pages: the register, the constructive dialogues and their observations,
the yearly figures of SE4U and WhatsOn. Each reads through `stakeholders.access` and changes
through one action of `stakeholders.actions`; the pilot initiatives are in `views_pilots`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from revmod.lib import lists
from revmod.lib.access import secretariat_required
from revmod.lib.downloads import CHUNK, bad_filters, csv_response, xlsx_response
from revmod.stakeholders import access, actions, exports, forms
from revmod.stakeholders.countries import country_name
from revmod.stakeholders.models import Dialogue, Observation, Outreach, Stakeholder
from revmod.stakeholders.queries import dialogues_counted, participants

STAKEHOLDER_COLUMNS = {
    "name": gettext_lazy("Name"),
    "kind": gettext_lazy("Kind"),
    "country": gettext_lazy("Country"),
    "consent": gettext_lazy("Consent to be contacted"),
}
DIALOGUE_COLUMNS = {
    "date": gettext_lazy("Date"),
    "title": gettext_lazy("Title"),
    "format": gettext_lazy("Format"),
}
OUTREACH_COLUMNS = {"year": gettext_lazy("Year"), "programme": gettext_lazy("Programme")}


def list_page(request, form_class, rows, template, labels, **context):
    """A list of `rows` (already filtered by the access rule), filtered, sorted and paged by
    `form_class` (a `lists.Sorted`); 400 when its filters are refused, with why."""
    form = form_class(request.GET)
    page = lists.paged(request.GET, form.filter(rows))
    context = {
        "form": form,
        "page": page,
        "columns": form.columns(request.GET, labels),
        "query": lists.query(request.GET),
        "may_edit": access.may_edit(request.user),
        **context,
    }
    return render(request, template, context, status=400 if form.errors else 200)


def export(request, fmt, form_class, rows, make_rows, name: str, title: str):
    """Every row of the list the same filters show, all its pages, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = form_class(request.GET)
    if not form.is_valid():
        return bad_filters(form)
    table = make_rows(form.filter(rows).iterator(chunk_size=CHUNK))
    if fmt == "csv":
        return csv_response(table, f"{name}.csv")
    return xlsx_response(table, f"{name}.xlsx", title)


def form_page(request, form, save, *, title: str, back: str, done, message: str, **context):
    """A form that `save` (an action, given the cleaned data) records: on success, `message`
    and off to `done(record)`; else the form again with what is wrong, nothing changed."""
    if request.method == "POST" and form.is_valid():
        try:
            record = save(form.cleaned_data, by=request.user, now=timezone.now())
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, message)
            return redirect(done(record))
    context = {"form": form, "title": title, "back": back, **context}
    return render(request, "stakeholders/form.html", context)


# The register --------------------------------------------------------------------------------


@secretariat_required
@require_GET
def stakeholder_list(request):
    return list_page(
        request,
        forms.StakeholderFilterForm,
        Stakeholder.objects.all(),
        "stakeholders/stakeholder_list.html",
        STAKEHOLDER_COLUMNS,
    )


@secretariat_required
@require_GET
def stakeholder_export(request, fmt):
    rows = Stakeholder.objects.all()
    return export(
        request, fmt, forms.StakeholderFilterForm, rows, exports.stakeholder_rows,
        "stakeholders", _("Stakeholders"),
    )  # fmt: skip


@secretariat_required
@require_GET
def stakeholder_detail(request, pk):
    stakeholder = access.get_or_404(Stakeholder.objects.all(), pk)
    dialogues = stakeholder.dialogues.order_by("-held_on", "-pk")
    pilots = stakeholder.pilots.select_related("review__party").order_by("-consent_on")
    context = {
        "stakeholder": stakeholder,
        "country": country_name(stakeholder.country),
        "dialogues": dialogues,
        "pilots": pilots,
    }
    return render(request, "stakeholders/stakeholder_detail.html", context)


@secretariat_required
@require_http_methods(["GET", "POST"])
def stakeholder_edit(request, pk=None):
    stakeholder = access.get_or_404(Stakeholder.objects.all(), pk) if pk else None
    form = forms.StakeholderForm(request.POST or None, instance=stakeholder)

    def save(data, **kwargs):
        return actions.save_stakeholder(stakeholder, data, **kwargs)

    return form_page(
        request,
        form,
        save,
        title=_("Change the stakeholder") if pk else _("New stakeholder"),
        back=reverse("stakeholders:stakeholder-list"),
        done=lambda s: reverse("stakeholders:stakeholder-detail", args=[s.pk]),
        message=_("The stakeholder is recorded."),
    )


# Dialogues and observations ------------------------------------------------------------------


def _dialogues(user):
    return dialogues_counted(access.visible_dialogues(Dialogue.objects.all(), user))


@require_GET
def dialogue_list(request):
    return list_page(
        request,
        forms.DialogueFilterForm,
        _dialogues(request.user),
        "stakeholders/dialogue_list.html",
        DIALOGUE_COLUMNS,
        kinds=Stakeholder.Kind.choices,
    )


@require_GET
def dialogue_export(request, fmt):
    return export(
        request, fmt, forms.DialogueFilterForm, _dialogues(request.user),
        exports.dialogue_rows, "dialogues", _("Constructive dialogues"),
    )  # fmt: skip


@require_GET
def dialogue_detail(request, pk):
    dialogue = access.get_or_404(_dialogues(request.user), pk)
    counted = participants(dialogue)
    observations = access.visible_observations(dialogue.observations.all(), request.user)
    context = {
        "dialogue": dialogue,
        "by_kind": [(label, counted["by_kind"][kind]) for kind, label in Stakeholder.Kind.choices],
        "counted": counted,
        "parties": dialogue.parties.order_by(lists.translated("name")),
        "observations": observations.order_by("number"),
        "may_edit": access.may_edit(request.user),
    }
    if access.may_edit(request.user):  # who took part: the secretariat's (access.py)
        context["stakeholders"] = dialogue.stakeholders.order_by("name", "pk")
    return render(request, "stakeholders/dialogue_detail.html", context)


@require_GET
def observation_export(request, pk, fmt):
    dialogue = access.get_or_404(access.visible_dialogues(Dialogue.objects.all(), request.user), pk)
    observations = access.visible_observations(
        dialogue.observations.order_by("number"), request.user
    )
    if fmt not in ("csv", "xlsx"):
        raise Http404
    table = exports.observation_rows(observations.iterator(chunk_size=CHUNK))
    if fmt == "csv":
        return csv_response(table, "observations.csv")
    return xlsx_response(table, "observations.xlsx", _("Chairs' observations"))


@secretariat_required
@require_http_methods(["GET", "POST"])
def dialogue_edit(request, pk=None):
    dialogue = access.get_or_404(Dialogue.objects.all(), pk) if pk else None
    form = forms.DialogueForm(request.POST or None, instance=dialogue)

    def save(data, **kwargs):
        return actions.save_dialogue(dialogue, data, **kwargs)

    return form_page(
        request,
        form,
        save,
        title=_("Change the dialogue") if pk else _("New constructive dialogue"),
        back=reverse("stakeholders:dialogue-list"),
        done=lambda d: reverse("stakeholders:dialogue-detail", args=[d.pk]),
        message=_("The dialogue is recorded."),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def observation_edit(request, dialogue_pk=None, pk=None):
    observation = (
        access.get_or_404(Observation.objects.select_related("dialogue"), pk) if pk else None
    )
    dialogue = (
        observation.dialogue
        if observation
        else access.get_or_404(Dialogue.objects.all(), dialogue_pk)
    )
    form = forms.ObservationForm(request.POST or None, instance=observation)

    def save(data, **kwargs):
        return actions.save_observation(observation, data, dialogue=dialogue, **kwargs)

    back = reverse("stakeholders:dialogue-detail", args=[dialogue.pk])
    return form_page(
        request,
        form,
        save,
        title=_("Change the observation") if pk else _("New chairs' observation"),
        back=back,
        done=lambda _o: back,
        message=_("The observation is recorded."),
        subject=dialogue,
    )


# SE4U and WhatsOn ----------------------------------------------------------------------------


@require_GET
def outreach_list(request):
    return list_page(
        request,
        forms.OutreachFilterForm,
        Outreach.objects.all(),
        "stakeholders/outreach_list.html",
        OUTREACH_COLUMNS,
    )


@require_GET
def outreach_export(request, fmt):
    return export(
        request, fmt, forms.OutreachFilterForm, Outreach.objects.all(),
        exports.outreach_rows, "yearly-figures", _("Yearly figures"),
    )  # fmt: skip


@secretariat_required
@require_http_methods(["GET", "POST"])
def outreach_edit(request, pk=None):
    outreach = access.get_or_404(Outreach.objects.all(), pk) if pk else None
    form = forms.OutreachForm(request.POST or None, instance=outreach)

    def save(data, **kwargs):
        return actions.save_outreach(outreach, data, **kwargs)

    back = reverse("stakeholders:outreach-list")
    return form_page(
        request,
        form,
        save,
        title=_("Change the yearly figures") if pk else _("New yearly figures"),
        back=back,
        done=lambda _o: back,
        message=_("The figures are recorded."),
    )
