"""The open datasets through the API, for anyone (no token): the list of datasets with their
data dictionaries, and each dataset's rows, today's or as they stood on a day. The same
documents as the public pages' JSON downloads (revmod.public.opendata), from stats.opendata."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from revmod.api.language import LanguageMixin
from revmod.api.views import LANG
from revmod.stats import opendata
from revmod.stats.opendata import OpenDataError


class OpenDataColumn(serializers.Serializer):
    name = serializers.CharField(help_text="The column's name: the CSV header, the JSON key.")
    type = serializers.ChoiceField(
        choices=[opendata.TEXT, opendata.INTEGER, opendata.DATE, opendata.BOOLEAN],
        help_text="date: YYYY-MM-DD.",
    )
    description = serializers.CharField(help_text="Its meaning, in the language asked.")


class OpenDataLicence(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.URLField()


class OpenDataMetadata(serializers.Serializer):
    dataset = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    dating = serializers.CharField(help_text="What a dated snapshot (as_of) gives, and its limits.")
    licence = OpenDataLicence()
    columns = OpenDataColumn(many=True, help_text="The data dictionary.")


class OpenDataUrls(serializers.Serializer):
    csv = serializers.CharField()
    json = serializers.CharField()
    dictionary = serializers.CharField(help_text="The data dictionary's page.")
    dictionary_json = serializers.CharField()
    api = serializers.CharField()


class OpenDataEntry(OpenDataMetadata):
    urls = OpenDataUrls(help_text="The dataset's stable addresses (in the language asked).")


class OpenDataIndex(serializers.Serializer):
    licence = OpenDataLicence()
    datasets = OpenDataEntry(many=True)


class OpenDataDocument(OpenDataMetadata):
    as_of = serializers.DateField(allow_null=True, help_text="The day asked; null: today's.")
    generated_at = serializers.DateTimeField()
    rows = serializers.ListField(
        child=serializers.DictField(), help_text="One object per row, keyed by column name."
    )


class OpenDataIndexView(LanguageMixin, APIView):
    """The open datasets, each with its description, its data dictionary and its stable
    addresses; and their licence. Public."""

    permission_classes = [AllowAny]

    @extend_schema(operation_id="open_data_list", parameters=[LANG], responses=OpenDataIndex)
    def get(self, request):
        datasets = [
            {**opendata.metadata(d, d.columns()), "urls": opendata.addresses(d.slug)}
            for d in opendata.DATASETS.values()
        ]
        return Response({"licence": opendata.licence(), "datasets": datasets})


class OpenDataView(LanguageMixin, APIView):
    """One open dataset: its description, licence and data dictionary, then every row; today's,
    or as it stood at the end of `as_of`. Public."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="open_data_retrieve",
        parameters=[
            OpenApiParameter(
                "dataset", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(opendata.DATASETS)
            ),
            OpenApiParameter(
                "as_of", OpenApiTypes.DATE, description="The day (YYYY-MM-DD); default today."
            ),
            LANG,
        ],
        responses=OpenDataDocument,
    )
    def get(self, request, dataset):
        try:
            found = opendata.get(dataset)
        except KeyError:
            raise NotFound from None
        try:
            day = opendata.parse_day(request.query_params.get("as_of"), timezone.now().date())
        except OpenDataError as error:
            raise ValidationError({"as_of": [str(error)]}) from None
        return Response(opendata.document(found, day, now=timezone.now()))
