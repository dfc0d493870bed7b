from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny

from revmod.lots.forms import PairingFilterForm
from revmod.lots.models import Draw, Pairing


class PairingSerializer(serializers.ModelSerializer):
    group = serializers.IntegerField(source="group.number")
    reviewed = serializers.CharField(source="reviewed.code")
    reviewer = serializers.CharField(source="reviewer.code")
    instruments = serializers.ListField(child=serializers.CharField())
    status = serializers.ChoiceField(choices=["active", "superseded"])

    class Meta:
        model = Pairing
        fields = [
            "group",
            "reviewed",
            "reviewer",
            "instruments",
            "role",
            "status",
            "since",
            "until",
        ]


class DrawSerializer(serializers.ModelSerializer):
    meeting = serializers.DateField(source="meeting.held_on")
    secret = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()

    class Meta:
        model = Draw
        fields = [
            "id", "kind", "status", "meeting", "algorithm", "inputs", "rules", "inputs_hash",
            "commitment",
            "entropy", "secret", "seed", "result_hash", "result", "drawn_at", "published_at",
        ]  # fmt: skip

    def get_secret(self, draw) -> str | None:
        return draw.secret if draw.secret_revealed else None

    def get_result(self, draw) -> dict | None:
        return draw.result if draw.secret_revealed else None


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("group", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR, enum=["active", "superseded"]),
        ]
    )
)
class PairingViewSet(viewsets.ReadOnlyModelViewSet):
    """Who reviews whom: every pairing drawn, active or superseded by a redraw. Public."""

    serializer_class = PairingSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        pairings = Pairing.objects.select_related("group", "reviewed", "reviewer").order_by(
            "group__number", "reviewed__code", "since", "reviewer__code"
        )
        if self.action != "list":
            return pairings
        form = PairingFilterForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        status = self.request.query_params.get("status")
        if status not in (None, "", "active", "superseded"):
            raise ValidationError({"status": ["active or superseded"]})
        if status:
            pairings = pairings.filter(until__isnull=status == "active")
        return form.filter(pairings)


class DrawSummarySerializer(DrawSerializer):
    class Meta(DrawSerializer.Meta):
        fields = [f for f in DrawSerializer.Meta.fields if f not in ("inputs", "rules", "result")]


class DrawViewSet(viewsets.ReadOnlyModelViewSet):
    """The draws whose commitment is public (all of them for the secretariat). One draw gives
    everything needed to recompute it once drawn: inputs, rules, secret, entropy, result."""

    permission_classes = [AllowAny]

    def get_serializer_class(self):
        return DrawSummarySerializer if self.action == "list" else DrawSerializer

    def get_queryset(self):
        draws = (
            Draw.objects.visible_to(self.request.user)
            .select_related("meeting")
            .order_by("meeting__held_on", "pk")
        )
        return draws.defer("inputs", "rules", "result") if self.action == "list" else draws
