"""The resources library through the API: anyone reads the published resources (no token
needed), the secretariat reads all and records, edits, publishes and adds versions — through
the same forms and actions as the pages, asking the same access module (library.access)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from revmod.api.forms import bound, cleaned
from revmod.api.language import LanguageMixin
from revmod.api.views import LANG
from revmod.lib.i18n import field_names
from revmod.library import access, actions, languages
from revmod.library.forms import ResourceFilterForm, ResourceForm, VersionForm
from revmod.library.models import Resource, ResourceVersion


class ResourceVersionSerializer(serializers.ModelSerializer):
    language_name = serializers.CharField(help_text="In the language asked.")
    download = serializers.SerializerMethodField(help_text="The file, or the link.")

    class Meta:
        model = ResourceVersion
        fields = [
            "id",
            "language",
            "language_name",
            "number",
            "original_name",
            "size",
            "sha256",
            "content_type",
            "uploaded_at",
            "download",
        ]

    def get_download(self, version) -> str:
        if version.link:
            return version.link
        path = reverse("library:version-download", args=[version.resource_id, version.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ResourceSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True, help_text="In the language asked (or English).")
    description = serializers.CharField(read_only=True)
    versions = ResourceVersionSerializer(
        many=True, read_only=True, help_text="By language, newest first."
    )

    class Meta:
        model = Resource
        fields = [
            "id",
            "kind",
            "title",
            "description",
            *field_names("title"),
            *field_names("description"),
            "published",
            "published_at",
            "changed_at",
            "versions",
        ]


ORDERING = OpenApiParameter(
    "ordering",
    OpenApiTypes.STR,
    description="title (in the language asked), kind or changed; '-' before it for the reverse "
    "order (default: title)",
)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            LANG,
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="title or description, any language"
            ),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Resource.Kind.values),
            OpenApiParameter("language", OpenApiTypes.STR, enum=list(languages.CODES)),
            ORDERING,
        ]
    ),
    retrieve=extend_schema(parameters=[LANG]),
)
class ResourceViewSet(
    LanguageMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The library's resources: the published ones for anyone, all for the secretariat."""

    serializer_class = ResourceSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        resources = access.visible_resources(self.request.user, Resource.objects.with_versions())
        if self.action != "list":
            return resources.order_by("pk")
        form = ResourceFilterForm(self.request.query_params)
        cleaned(form)
        return form.filter(resources)

    def _secretariat(self):
        if not access.may_edit(self.request.user):
            raise PermissionDenied(_("Only the secretariat keeps the resources library."))

    def _save(self, resource, data, *, partial=False):
        self._secretariat()
        values = {n: getattr(resource, n) for n in actions.FIELDS} if resource else {}
        given = bound(ResourceForm, data).data
        form = ResourceForm({**values, **given} if partial else given, instance=resource)
        fields = cleaned(form)
        try:
            saved = actions.save_resource(
                resource,
                by=self.request.user,
                now=timezone.now(),
                **{n: fields[n] for n in actions.FIELDS},
            )
        except actions.LibraryError as error:
            raise ValidationError(error.errors or {"detail": str(error)}) from error
        return Resource.objects.with_versions().get(pk=saved.pk)

    @extend_schema(request=ResourceSerializer, responses={201: ResourceSerializer})
    def create(self, request, *args, **kwargs):
        """Record a resource (the secretariat; unpublished): `kind`, `title_en` and the other
        titles and descriptions."""
        resource = self._save(None, request.data)
        return Response(self.get_serializer(resource).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ResourceSerializer, responses=ResourceSerializer)
    def update(self, request, *args, **kwargs):
        """Change a resource's kind, titles and descriptions (the secretariat); with PATCH,
        the fields not given stay as they are."""
        resource = self._save(self.get_object(), request.data, partial=kwargs.get("partial", False))
        return Response(self.get_serializer(resource).data)

    @extend_schema(
        request={
            "application/json": {"type": "object", "properties": {"published": {"type": "boolean"}}}
        },
        responses=ResourceSerializer,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None, **kwargs):
        """Publish (`published`: true) or unpublish (false) a resource (the secretariat)."""
        resource = self.get_object()
        self._secretariat()
        published = request.data.get("published")
        if not isinstance(published, bool) and published not in ("true", "false"):
            raise ValidationError({"published": [_("Give true or false.")]})
        actions.publish(resource, published in (True, "true"), by=request.user, now=timezone.now())
        return Response(self.get_serializer(Resource.objects.with_versions().get(pk=pk)).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "language": {"type": "string", "enum": list(languages.CODES)},
                    "file": {"type": "string", "format": "binary"},
                    "link": {"type": "string", "format": "uri"},
                },
            }
        },
        responses={201: ResourceVersionSerializer},
    )
    @action(detail=True, methods=["post"])
    def versions(self, request, pk=None, **kwargs):
        """Add the next version in a language (the secretariat): a `file` (multipart) or a
        `link`. Earlier versions are kept."""
        resource = self.get_object()
        self._secretariat()
        form = VersionForm(
            {k: request.data.get(k) for k in ("language", "link") if request.data.get(k)},
            request.FILES,
        )
        data = cleaned(form)
        try:
            version = actions.add_version(
                resource,
                by=request.user,
                now=timezone.now(),
                language=data["language"],
                file=data["file"],
                link=data["link"],
            )
        except actions.LibraryError as error:
            raise ValidationError({"detail": str(error)}) from error
        return Response(
            ResourceVersionSerializer(version, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
