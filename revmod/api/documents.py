"""A review's documents through the API: the list (with versions), uploads (multipart, through
the same action as the page) and downloads of each version. Same access as the pages: a
review the caller may not see answers 404."""

import re

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse

from revmod.api.forms import cleaned
from revmod.documents import actions
from revmod.documents.files import file_response, record_download
from revmod.documents.forms import DocumentListForm
from revmod.documents.models import KIND_CHOICES, Document, DocumentVersion
from revmod.lib.i18n import LANGUAGE_CHOICES
from revmod.lib.storedfiles import MISSING_MESSAGE, MissingFile
from revmod.lib.uploads import FORMATS
from revmod.reviews.models import Review


class VersionSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    download = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = [
            "number",
            "original_name",
            "size",
            "sha256",
            "content_type",
            "uploaded_by",
            "uploaded_at",
            "download",
        ]

    def get_download(self, version) -> str:
        document = version.document
        return reverse(
            "review-document-download",
            kwargs={"review_pk": document.review_id, "pk": document.pk, "number": version.number},
            request=self.context.get("request"),
        )


class DocumentSerializer(serializers.ModelSerializer):
    party = serializers.CharField(source="party.code", allow_null=True, default=None)
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    versions = VersionSerializer(many=True, help_text="Newest first.")

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "language",
            "title",
            "stage",
            "side",
            "party",
            "uploaded_by",
            "created_at",
            "versions",
        ]


class UploadSerializer(serializers.Serializer):
    document = serializers.IntegerField(
        required=False, allow_null=True, help_text="Add a version to this document (its id)."
    )
    kind = serializers.ChoiceField(choices=KIND_CHOICES, required=False)
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    title = serializers.CharField(required=False, max_length=200)
    file = serializers.FileField(help_text="PDF, DOCX, XLSX, ODT or TXT.")


# The media types of the files served (those of the formats an upload may have).
FILE_TYPES = sorted({f.content_type.split(";")[0] for f in FORMATS.values()})
REVIEW = OpenApiParameter("review_pk", int, OpenApiParameter.PATH, description="The review's id.")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            REVIEW,
            OpenApiParameter(
                "ordering",
                OpenApiTypes.STR,
                description="title, kind, language or party (who sent it); '-' before it for "
                "the reverse order (default: kind, then the first uploaded first)",
            ),
        ]
    ),
    create=extend_schema(
        parameters=[REVIEW],
        request={"multipart/form-data": UploadSerializer},
        responses={201: DocumentSerializer},
        description="Upload a new document (kind, language, title, file) or a new version of "
        "one (document, file). 400 with `detail` for a refused file, 403 for who may not "
        "upload it.",
    ),
    download=extend_schema(
        parameters=[REVIEW, OpenApiParameter("number", int, OpenApiParameter.PATH)],
        responses={
            # As stored: one of the formats an upload may have.
            **{(200, media_type): OpenApiTypes.BINARY for media_type in FILE_TYPES},
            (410, "application/json"): OpenApiTypes.OBJECT,
        },
        description="The file of one version, as an attachment. 410 with `detail` (and `code` "
        '"file_missing") when the version exists but its file is missing on the server.',
    ),
)
class DocumentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The documents of a country review the caller may see, each with its versions."""

    serializer_class = DocumentSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    def review(self) -> Review:
        if not hasattr(self, "_review"):
            reviews = Review.objects.visible_to(self.request.user).select_related("party")
            self._review = get_object_or_404(reviews, pk=self.kwargs["review_pk"])
        return self._review

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Document.objects.none()
        documents = Document.objects.visible_to(self.request.user).filter(review=self.review())
        documents = documents.with_versions().order_by("kind", "created_at", "pk")
        if self.action != "list":
            return documents
        # The order of the documents page (a wrong one is a 400 that says why).
        form = DocumentListForm(self.request.query_params)
        cleaned(form)
        return form.order(documents)

    def create(self, request, *args, **kwargs):
        review = self.review()
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        document = None
        if data.get("document") is not None:
            # One answer for a document that is missing and one the caller may not read.
            document = self.get_queryset().filter(pk=data["document"]).first()
            if document is None:
                raise NotFound(_("No such document in this review."))
        try:
            version = actions.upload(
                review,
                by=request.user,
                kind=data.get("kind", ""),
                language=data.get("language", ""),
                title=data.get("title", ""),
                file=data["file"],
                now=timezone.now(),
                document=document,
            )
        except actions.DocumentError as error:
            code = status.HTTP_403_FORBIDDEN if error.forbidden else status.HTTP_400_BAD_REQUEST
            return Response({"detail": str(error), "code": error.code}, status=code)
        created = self.get_queryset().get(pk=version.document_id)
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)

    @action(detail=True, url_path="versions/(?P<number>[0-9]+)/file")
    def download(self, request, pk=None, number=None, **kwargs):
        # A document id that is not a number names no document: 404, as for one not there.
        if not re.fullmatch(r"[0-9]+", str(pk)):
            raise Http404
        versions = DocumentVersion.objects.select_related("document").filter(
            document__in=self.get_queryset()
        )
        try:
            version = versions.get(document_id=pk, number=number)
        except DocumentVersion.DoesNotExist:
            raise Http404 from None
        try:
            response = file_response(version)
        except MissingFile:
            return Response(
                {"detail": str(MISSING_MESSAGE), "code": "file_missing"},
                status=status.HTTP_410_GONE,
            )
        record_download(request.user, version, ", through the API")
        return response
