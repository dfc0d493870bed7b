"""Who may see and change the resources library — the one place every page, download, export
and API endpoint of the library asks.

- The secretariat sees every resource, published or not, and is the only one to create, edit,
  publish, unpublish and add files or versions (¶48: the secretariat keeps the library).
- Everyone else, signed in or not, sees the published resources only, and may download their
  files (every version): the library is public material.
- An unpublished resource, or a version of one, answers 404 to anyone but the secretariat, so
  its existence is not revealed.
"""

from django.http import Http404

from revmod.lib.access import is_secretariat
from revmod.library.models import Resource, ResourceVersion


def may_edit(user) -> bool:
    """Whether `user` may create, edit, publish and add versions (the secretariat)."""
    return is_secretariat(user)


def visible_resources(user, resources=None):
    """The resources `user` may see: all for the secretariat, the published for anyone else."""
    resources = Resource.objects.all() if resources is None else resources
    return resources if is_secretariat(user) else resources.published()


def resource_for(user, pk) -> Resource:
    """The resource `pk` with its versions, or Http404 when `user` may not see it."""
    try:
        return visible_resources(user, Resource.objects.with_versions()).get(pk=pk)
    except (Resource.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def version_for(user, resource_pk, version_pk) -> ResourceVersion:
    """The version `version_pk` of the resource `resource_pk`, or Http404 when `user` may not
    see the resource (or the version is another resource's)."""
    versions = ResourceVersion.objects.select_related("resource").filter(resource_id=resource_pk)
    if not is_secretariat(user):
        versions = versions.filter(resource__published=True)
    try:
        return versions.get(pk=version_pk)
    except (ResourceVersion.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
