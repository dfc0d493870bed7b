"""The library's pages: the public list and each resource's page (published ones; the
secretariat sees all), downloads of versions, the list's CSV and XLSX, and the secretariat's
forms. Every one asks library.access."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from revmod.documents.files import safe_stem
from revmod.lib import lists
from revmod.lib.access import secretariat_required
from revmod.lib.downloads import CHUNK, bad_filters, csv_response, file_response, xlsx_response
from revmod.lib.i18n import join_list
from revmod.lib.storedfiles import MissingFile, missing_page, open_stored
from revmod.library import access, actions
from revmod.library.forms import ResourceFilterForm, ResourceForm, VersionForm
from revmod.library.models import Resource

COLUMNS = {
    "title": gettext_lazy("Title"),
    "kind": gettext_lazy("Kind"),
    "changed": gettext_lazy("Last changed"),
}


def _resources(request, form):
    return form.filter(access.visible_resources(request.user, Resource.objects.with_versions()))


@require_GET
def resource_list(request):
    """The library, 50 resources a page: searchable, filtered by kind and language, sorted."""
    form = ResourceFilterForm(request.GET)
    page = lists.paged(request.GET, _resources(request, form))
    return render(
        request,
        "library/resource_list.html",
        {
            "form": form,
            "resources": page,
            "page": page,
            "columns": form.columns(request.GET, COLUMNS),
            "query": lists.query(request.GET),
            "may_edit": access.may_edit(request.user),
        },
        status=400 if form.errors else 200,
    )


def export_rows(resources):
    """The header, then one row per resource: in the page's language (English where a
    translation is empty), with the languages it has versions in."""
    yield [_("Title"), _("Kind"), _("Description"), _("Languages"), _("Published"), _("Changed")]
    for r in resources:
        yield [
            r.title,
            r.get_kind_display(),
            r.description,
            join_list(r.language_names()),
            _("Yes") if r.published else _("No"),
            r.changed_at.date().isoformat(),
        ]


@require_GET
def resource_export(request, fmt):
    """Every resource of the list the same filters show (all its pages)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = ResourceFilterForm(request.GET)
    if not form.is_valid():
        return bad_filters(form)
    # Prefetching works with iterator() given a chunk size: flat memory and query count.
    resources = _resources(request, form).iterator(chunk_size=CHUNK)
    if fmt == "csv":
        return csv_response(export_rows(resources), "resources.csv")
    return xlsx_response(export_rows(resources), "resources.xlsx", _("Resources"))


@require_GET
def resource_detail(request, pk):
    resource = access.resource_for(request.user, pk)
    return render(
        request,
        "library/resource_detail.html",
        {
            "resource": resource,
            "by_language": resource.by_language(),
            "may_edit": access.may_edit(request.user),
        },
    )


@require_GET
def version_download(request, pk, version_pk):
    """A version's file (a link version: sent to it). Public for a published resource."""
    version = access.version_for(request.user, pk, version_pk)
    if version.link:
        return redirect(version.link)
    try:
        opened = open_stored(version.file, named_by=f"resource version {version.pk}")
    except MissingFile:
        return missing_page(request)
    stem = safe_stem(version.resource.title_en, fallback="resource")
    name = f"{stem}-{version.language}-v{version.number}.{version.extension}"
    return file_response(opened, version.content_type, name)


def _edit(request, resource):
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in actions.FIELDS}
        try:
            saved = actions.save_resource(resource, by=request.user, now=timezone.now(), **fields)
        except actions.LibraryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The resource is saved."))
            return redirect("library:resource-detail", saved.pk)
    return render(
        request,
        "library/resource_form.html",
        {"form": form, "resource": resource},
        status=400 if form.errors else 200,
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def resource_new(request):
    return _edit(request, None)


@secretariat_required
@require_http_methods(["GET", "POST"])
def resource_edit(request, pk):
    return _edit(request, access.resource_for(request.user, pk))


@secretariat_required
@require_POST
def resource_publish(request, pk):
    """Publish (`published=1`) or unpublish (`published=0`) a resource."""
    resource = access.resource_for(request.user, pk)
    published = request.POST.get("published")
    if published not in ("0", "1"):
        messages.error(request, _("Choose whether to publish or unpublish the resource."))
        return redirect("library:resource-detail", resource.pk)
    actions.publish(resource, published == "1", by=request.user, now=timezone.now())
    if published == "1":
        messages.success(request, _("The resource is published."))
    else:
        messages.success(request, _("The resource is no longer published."))
    return redirect("library:resource-detail", resource.pk)


@secretariat_required
@require_http_methods(["GET", "POST"])
def version_new(request, pk):
    """A new file or link for a language of a resource; earlier versions are kept."""
    resource = access.resource_for(request.user, pk)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_version(
                resource,
                by=request.user,
                now=timezone.now(),
                language=data["language"],
                file=data["file"],
                link=data["link"],
            )
        except actions.LibraryError as error:
            form.add_error("file" if error.code == "bad_file" else None, str(error))
        else:
            messages.success(request, _("The new version is added."))
            return redirect("library:resource-detail", resource.pk)
    return render(
        request,
        "library/version_form.html",
        {"form": form, "resource": resource},
        status=400 if form.errors else 200,
    )
