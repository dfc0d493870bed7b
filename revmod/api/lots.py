from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response

from revmod.api.forms import bound, cleaned
from revmod.lib.access import is_secretariat
from revmod.lots import actions
from revmod.lots.forms import EntropyForm, MeetingForm, PairingFilterForm, PrepareDrawForm
from revmod.lots.models import Draw, Meeting, Pairing


def as_text(value):
    """A list given in JSON ([62, 63, 62], ["KEN", "MEX"]) as the form's comma-separated text
    (anything else as it is, for the form to check)."""
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return ", ".join(str(v) for v in value)
    return value


# The fields of PrepareDrawForm that the API also takes as JSON lists.
LISTED_AS_TEXT = ("reviewed", "sizes", "volunteers")


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
            "id",
            "kind",
            "status",
            "meeting",
            "algorithm",
            "inputs",
            "rules",
            "inputs_hash",
            "commitment",
            "entropy",
            "secret",
            "seed",
            "result_hash",
            "result",
            "drawn_at",
            "published_at",
        ]

    def get_secret(self, draw) -> str | None:
        return draw.secret if draw.secret_revealed else None

    def get_result(self, draw) -> dict | None:
        return draw.result if draw.secret_revealed else None


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("group", OpenApiTypes.INT),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=["active", "superseded"],
                description="active: the current pairings page's list (by group, party under "
                "review); superseded: the replaced pairings page's (the latest replaced first); "
                "none: every pairing, as the full download",
            ),
        ]
    )
)
class PairingViewSet(viewsets.ReadOnlyModelViewSet):
    """Who reviews whom: every pairing drawn, active or superseded by a redraw. Public. The
    list is the pairings pages' and their downloads' (`lots.forms.PairingFilterForm`)."""

    serializer_class = PairingSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        if self.action != "list":
            return Pairing.objects.with_parties().order_by("pk")
        form = PairingFilterForm(self.request.query_params)
        cleaned(form)  # 400 naming the parameter
        return form.pairings()  # the pairings pages' list and order


class DrawSummarySerializer(DrawSerializer):
    class Meta(DrawSerializer.Meta):
        fields = [f for f in DrawSerializer.Meta.fields if f not in ("inputs", "rules", "result")]


class IsSecretariat(BasePermission):
    message = gettext_lazy("Only the secretariat manages meetings and draws.")

    def has_permission(self, request, view) -> bool:
        return is_secretariat(request.user)


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "held_on", "title", "place", "notes"]


class MeetingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The meetings at which draws are held: the secretariat's (as on its meetings page)."""

    serializer_class = MeetingSerializer
    permission_classes = [IsSecretariat]
    queryset = Meeting.objects.order_by("-held_on", "-pk")

    def create(self, request, *args, **kwargs):
        form = bound(MeetingForm, request.data)
        meeting = actions.create_meeting(**cleaned(form))
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


PrepareInput = inline_serializer(
    "PrepareDrawInput",
    {
        "kind": serializers.ChoiceField(choices=Draw.Kind.choices),
        "meeting": serializers.IntegerField(help_text="a meeting's id (/api/v1/meetings/)"),
        "reviewed": serializers.ListField(
            child=serializers.CharField(),
            required=False,
            help_text="initial draw: the parties under review (default: every party); "
            "protocol draw: among the parties lacking reviewers (default: all of them)",
        ),
        "sizes": serializers.ListField(child=serializers.IntegerField(), required=False),
        "volunteers": serializers.CharField(required=False, help_text="e.g. KEN:1, MEX:1"),
        "requests": serializers.ListField(child=serializers.IntegerField(), required=False),
    },
)


class UncoveredSerializer(serializers.Serializer):
    party = serializers.CharField(source="party.code")
    lacking = serializers.DictField(child=serializers.IntegerField())


EntropyInput = inline_serializer("EntropyInput", {"entropy": serializers.CharField()})


class DrawStepsMixin:
    """The wizard's steps through the API, for the secretariat, by the same actions as the
    pages: prepare (POST /draws/), commit, entropy, draw, publish. A step out of order, or a
    refused input, is a 400 that says why and changes nothing."""

    def _secretariat(self):
        """The draws' reads are public; their steps are the secretariat's (IsSecretariat)."""
        if not IsSecretariat().has_permission(self.request, self):
            raise PermissionDenied(IsSecretariat.message)

    def _step(self, run):
        draw = self.get_object()  # 404 for a draw the caller may not see
        self._secretariat()
        try:
            draw = run(draw)
        except actions.DrawError as error:
            raise ValidationError({"detail": str(error)}) from error
        return Response(DrawSerializer(draw).data)

    @extend_schema(request=PrepareInput, responses={201: DrawSerializer})
    def create(self, request, *args, **kwargs):
        self._secretariat()
        data = request.data
        if not isinstance(data, QueryDict):  # JSON: lists the page types as comma-separated text
            data = {**data, **{k: as_text(data[k]) for k in LISTED_AS_TEXT if k in data}}
        values = cleaned(bound(PrepareDrawForm, data))
        try:  # the form's fields are prepare_draw's arguments, as on the page
            draw = actions.prepare_draw(by=request.user, now=timezone.now(), **values)
        except actions.DrawError as error:
            raise ValidationError({"detail": str(error)}) from error
        return Response(DrawSerializer(draw).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DrawSerializer)
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None, **kwargs):
        """Publish the commitment (before the meeting)."""
        return self._step(lambda draw: actions.announce(draw, now=timezone.now()))

    @extend_schema(request=EntropyInput, responses=DrawSerializer)
    @action(detail=True, methods=["post"])
    def entropy(self, request, pk=None, **kwargs):
        """Record the public entropy given at the meeting."""
        # The entropy is checked after the draw and the caller (404, then 403, then 400).
        return self._step(
            lambda draw: actions.enter_entropy(
                draw,
                entropy=cleaned(bound(EntropyForm, request.data))["entropy"],
                now=timezone.now(),
            )
        )

    @extend_schema(request=None, responses=DrawSerializer)
    @action(detail=True, methods=["post"], url_path="draw")
    def perform(self, request, pk=None, **kwargs):
        """Draw the lots from the secret and the entropy."""
        return self._step(lambda draw: actions.perform_draw(draw, now=timezone.now()))

    @extend_schema(request=None, responses=DrawSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None, **kwargs):
        """Put the result in force; a full or late-joiner draw creates its reviews."""
        return self._step(lambda draw: actions.publish(draw, now=timezone.now(), by=request.user))

    @extend_schema(responses=UncoveredSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def uncovered(self, request, **kwargs):
        """The parties lacking reviewers for an instrument they joined after their reviewers
        were drawn (reviewers lacking by instrument): what a draw of kind "protocol" fills."""
        self._secretariat()
        gaps = actions.uncovered(timezone.localdate())
        return Response(UncoveredSerializer(gaps, many=True).data)


class DrawViewSet(DrawStepsMixin, viewsets.ReadOnlyModelViewSet):
    """The draws whose commitment is public (all of them for the secretariat). One draw gives
    everything needed to recompute it once drawn: inputs, rules, secret, entropy, result. The
    secretariat prepares and holds draws through it (DrawStepsMixin)."""

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
