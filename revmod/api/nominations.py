"""The API's nominations: the secretariat records and ends them (the forms of the people pages);
a party's people in force read their party's (reviews.access.visible_nominations)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from revmod.accounts import actions as accounts
from revmod.accounts.forms import EndNominationForm, NominateForm, NominationFilterForm
from revmod.accounts.models import Nomination, User
from revmod.api.forms import bound, cleaned, form_data
from revmod.lib.access import is_secretariat
from revmod.reviews.access import visible_nominations

NominationInput = inline_serializer(
    "NominationInput",
    {
        "party": serializers.CharField(),
        "person": serializers.CharField(help_text="a user name"),
        "kind": serializers.ChoiceField(choices=Nomination.Kind.choices),
        "scope": serializers.ChoiceField(choices=Nomination.Scope.choices),
        "starts_on": serializers.DateField(),
        "handover_note": serializers.CharField(required=False),
    },
)
EndInput = inline_serializer("NominationEndInput", {"ends_on": serializers.DateField()})


class NominationSerializer(serializers.ModelSerializer):
    party = serializers.CharField(source="party.code")
    person = serializers.CharField(source="person.username")

    class Meta:
        model = Nomination
        fields = ["id", "party", "person", "kind", "scope", "starts_on", "ends_on"]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("party", OpenApiTypes.STR, description="a party's code"),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Nomination.Kind.values),
            OpenApiParameter("scope", OpenApiTypes.STR, enum=Nomination.Scope.values),
            OpenApiParameter(
                "history", OpenApiTypes.BOOL, description="include ended ones (default: true)"
            ),
            OpenApiParameter(
                "ordering",
                OpenApiTypes.STR,
                description="party (code, then for, role, end, start), role, person, from or "
                "until; '-' before it for the reverse order (default: party)",
            ),
        ]
    )
)
class NominationViewSet(viewsets.ReadOnlyModelViewSet):
    """Nominations: all of them for the secretariat; a nominated person sees their own
    party's. History included (`ends_on`)."""

    serializer_class = NominationSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        nominations = Nomination.objects.select_related("party", "person").order_by(
            "party__code", "scope", "kind", "starts_on", "pk"
        )
        nominations = visible_nominations(nominations, self.request.user)
        if self.action != "list":
            return nominations
        # The filters and `ordering` of the nominations page (a wrong value is a 400 that says
        # why); history included unless `history=false`, as the API always listed them.
        params = self.request.query_params.copy()
        params.setdefault("history", "true")
        form = NominationFilterForm(params)
        cleaned(form)
        return form.filter(nominations)

    def _secretariat(self):
        if not is_secretariat(self.request.user):
            raise PermissionDenied(_("Only the secretariat records nominations."))

    @extend_schema(request=NominationInput, responses={201: NominationSerializer})
    def create(self, request, *args, **kwargs):
        """Record a nomination (the secretariat): `party` (code), `person` (user name), `kind`,
        `scope`, `starts_on`, and `handover_note` when it replaces the party's focal point (the
        one replaced is ended and told)."""
        self._secretariat()
        data = form_data(request.data, NominateForm().fields)
        # The person by user name (the form's field takes an account's id).
        data["person"] = (
            User.objects.filter(username=data.get("person") or "")
            .values_list("pk", flat=True)
            .first()
        )
        form = NominateForm(data)
        cleaned(form)  # 400 with the form's errors when it is not valid
        try:
            nomination = accounts.nominate(by=request.user, now=timezone.now(), **form.nomination())
        except accounts.NominationError as error:
            raise ValidationError({"detail": str(error)}) from error
        return Response(NominationSerializer(nomination).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EndInput, responses=NominationSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None, **kwargs):
        """End a nomination on `ends_on` (the secretariat)."""
        nomination = self.get_object()
        self._secretariat()
        ends_on = cleaned(bound(EndNominationForm, request.data))["ends_on"]
        try:
            accounts.end_nomination(nomination, on=ends_on, by=request.user, now=timezone.now())
        except accounts.NominationError as error:
            raise ValidationError({"detail": str(error)}) from error
        nomination.refresh_from_db()
        return Response(NominationSerializer(nomination).data)
