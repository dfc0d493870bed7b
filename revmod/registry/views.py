from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from revmod.lib.access import secretariat_required
from revmod.lib.downloads import CSV, XLSX, attachment
from revmod.registry import tabular
from revmod.registry.forms import PartyFilterForm, RegistryImportForm
from revmod.registry.models import Adherence, Instrument, Party


@require_GET
def party_list(request):
    form = PartyFilterForm(request.GET)
    parties = form.filter(Party.objects.with_instruments())
    return render(
        request,
        "registry/party_list.html",
        {"form": form, "parties": parties, "instruments": Instrument.objects.all()},
    )


@require_GET
def party_detail(request, code):
    party = get_object_or_404(Party.objects.select_related("regional_group"), code=code.upper())
    adherences = (
        Adherence.objects.filter(party=party)
        .select_related("instrument")
        .order_by("instrument__order", "recorded_at")
    )
    from revmod.questionnaires import observations  # the registry is below the reviews

    return render(
        request,
        "registry/party_detail.html",
        {
            "party": party,
            "current": [a for a in adherences if a.superseded_at is None],
            "history": [a for a in adherences if a.superseded_at is not None],
            "published": observations.published(party),
        },
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def registry_import(request):
    """The secretariat uploads an edited registry file; the loader of `loadregistry` reads it,
    all or nothing."""
    form = RegistryImportForm(request.POST or None, request.FILES or None)
    reports = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            reports = tabular.load(tabular.read_upload(upload.name, upload.read()))
        except tabular.LoadError as error:
            form.add_error("file", _("Nothing was imported. %(error)s") % {"error": error})
        else:
            messages.success(request, _("The registry file was imported."))
    return render(request, "registry/import.html", {"form": form, "reports": reports})


@secretariat_required
@require_GET
def registry_export(request, table, fmt):
    if fmt == "xlsx" and table == "registry":
        return attachment(tabular.export_xlsx(), XLSX, "registry.xlsx")
    if fmt == "csv" and table in tabular.TABLES_BY_NAME:
        return attachment(tabular.export_csv(tabular.TABLES_BY_NAME[table]), CSV, f"{table}.csv")
    raise Http404


@secretariat_required
@require_GET
def registry_files(request):
    return render(request, "registry/files.html", {"tables": tabular.TABLES})


@require_GET
def home(request):
    return render(request, "home.html", {"party_count": Party.objects.count()})
