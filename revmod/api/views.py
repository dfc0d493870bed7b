from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from revmod.api.forms import cleaned
from revmod.api.language import LanguageMixin
from revmod.api.serializers import PartySerializer
from revmod.lib.i18n import LANGUAGE_CODES
from revmod.registry.forms import PartyFilterForm
from revmod.registry.models import Party

LANG = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    description="ar, zh-hans, en, fr, ru or es (default: Accept-Language)",
    enum=list(LANGUAGE_CODES),
)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            LANG,
            OpenApiParameter(
                "regional_group", OpenApiTypes.STR, enum=["AFR", "APG", "EEG", "GRULAC", "WEOG"]
            ),
            OpenApiParameter("instrument", OpenApiTypes.STR, enum=["UNTOC", "TIP", "SOM", "FIR"]),
            OpenApiParameter("q", OpenApiTypes.STR, description="name (any language) or code"),
            OpenApiParameter(
                "ordering",
                OpenApiTypes.STR,
                description="party (name in the language asked), code or regional_group; "
                "'-' before it for the reverse order (default: code)",
            ),
        ]
    ),
    retrieve=extend_schema(parameters=[LANG]),
)
class PartyViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """The parties to the Convention, with the instruments each has joined. Public."""

    serializer_class = PartySerializer
    permission_classes = [AllowAny]
    lookup_field = "code"

    def get_queryset(self):
        parties = Party.objects.with_instruments().order_by("code")
        if self.action != "list":
            return parties
        # The same filter and `ordering` as the page; here a wrong value is an error, not an
        # empty list. Without `ordering`, by code, as the API always listed them.
        form = PartyFilterForm(self.request.query_params)
        cleaned(form)
        parties = form.filter(parties)
        if not self.request.query_params.get("ordering"):
            parties = parties.order_by("code")
        return parties

    def get_object(self):
        self.kwargs["code"] = self.kwargs["code"].upper()
        return super().get_object()
