"""The secretariat's registry files: import an edited file, export the tables."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from revmod.lib.access import secretariat_required
from revmod.lib.downloads import CSV, XLSX, attachment
from revmod.registry import tabular
from revmod.registry.forms import RegistryImportForm


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
