"""The API's recommendations and their follow-ups: the same forms, actions and access rules
(recommendations.access) as the pages. Published ones are read without a token; the
secretariat records recommendations; a party's focal point (or the secretariat) records and
publishes follow-ups."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from revmod.api.forms import cleaned, form_data
from revmod.api.language import LanguageMixin
from revmod.lib.access import is_secretariat
from revmod.lib.i18n import field_names
from revmod.recommendations import access, actions
from revmod.recommendations.forms import (
    FollowUpFilterForm,
    FollowUpForm,
    RecommendationFilterForm,
    RecommendationForm,
)
from revmod.recommendations.models import FollowUp, Recommendation

ORDERING = "'-' before it for the reverse order"


class RecommendationSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True, help_text="in the language asked, else English")

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "session",
            "number",
            "adopted_on",
            "addressee",
            "text",
            *field_names("text"),
            "published",
        ]


class RecommendationFollowUpSerializer(serializers.ModelSerializer):
    party = serializers.CharField(source="party.code", allow_null=True, default=None)

    class Meta:
        model = FollowUp
        fields = ["id", "recommendation", "party", "status", "evidence", "link", "on", "published"]


class PublishInput(serializers.Serializer):
    published = serializers.BooleanField()


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("session", OpenApiTypes.STR),
            OpenApiParameter("addressee", OpenApiTypes.STR, enum=Recommendation.Addressee.values),
            OpenApiParameter("q", OpenApiTypes.STR, description="text in any language, session"),
            OpenApiParameter(
                "ordering", OpenApiTypes.STR, description=f"adopted, session or number; {ORDERING}"
            ),
        ]
    )
)
class RecommendationViewSet(
    LanguageMixin,
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """The working groups' recommendations: the published ones for anyone (no token needed),
    all for the secretariat, which records and edits them."""

    serializer_class = RecommendationSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        recommendations = access.visible_recommendations(Recommendation.objects.all(), user)
        if self.action != "list":
            return recommendations.order_by("pk")
        sessions = recommendations.values_list("session", flat=True).distinct()
        form = RecommendationFilterForm(self.request.query_params, sessions=sessions)
        cleaned(form)
        return form.filter(recommendations)

    def _secretariat(self):
        if not is_secretariat(self.request.user):
            raise PermissionDenied(_("Only the secretariat records recommendations."))

    @extend_schema(request=RecommendationSerializer, responses={201: RecommendationSerializer})
    def create(self, request, *args, **kwargs):
        self._secretariat()
        form = RecommendationForm(form_data(request.data, RecommendationForm().fields))
        recommendation = actions.create_recommendation(
            by=request.user, now=timezone.now(), **cleaned(form)
        )
        return Response(self.get_serializer(recommendation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RecommendationSerializer, responses=RecommendationSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change the fields given (the secretariat)."""
        recommendation = self.get_object()
        self._secretariat()
        data = {**RecommendationForm(instance=recommendation).initial}
        data.update(form_data(request.data, RecommendationForm().fields))
        form = RecommendationForm(data, instance=recommendation)
        recommendation = actions.edit_recommendation(
            form.instance, by=request.user, now=timezone.now(), **cleaned(form)
        )
        return Response(self.get_serializer(recommendation).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("recommendation", OpenApiTypes.INT),
            OpenApiParameter("party", OpenApiTypes.STR, description="a party's code"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=FollowUp.Status.values),
            OpenApiParameter(
                "history", OpenApiTypes.BOOL, description="earlier updates too (default: false)"
            ),
            OpenApiParameter(
                "ordering",
                OpenApiTypes.STR,
                description=f"recorded, recommendation, party, status or date; {ORDERING} "
                "(default: -recorded)",
            ),
        ]
    )
)
class FollowUpViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Follow-ups of the recommendations: published ones for anyone (no token needed); a
    party's people see all of their party's; the secretariat all. Without `history`, those in
    force. `party` null: the secretariat's own action."""

    serializer_class = RecommendationFollowUpSerializer

    def get_queryset(self):
        user = self.request.user
        follow_ups = access.visible_follow_ups(
            FollowUp.objects.select_related("party").order_by("pk"), user
        )
        if self.action != "list":
            return follow_ups
        form = FollowUpFilterForm(self.request.query_params)
        cleaned(form)
        return form.filter(follow_ups, lambda items: access.in_force(items, user))

    @extend_schema(
        request=RecommendationFollowUpSerializer,
        responses={201: RecommendationFollowUpSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Record an update: `recommendation` (id), `party` (code; absent for the secretariat's
        own action), `status`, `evidence`, `link`, `on`, `published`."""
        user = request.user
        if not user.is_authenticated:
            raise PermissionDenied(_("Sign in to record a follow-up."))
        secretariat = is_secretariat(user)
        raw = request.data if isinstance(request.data, dict) else {}
        pk = str(raw.get("recommendation", ""))
        recommendation = (
            access.visible_recommendations(Recommendation.objects.all(), user)
            .filter(pk=int(pk) if pk.isdigit() and len(pk) < 18 else 0)
            .first()
        )
        if recommendation is None:
            raise ValidationError({"recommendation": [_("No such recommendation.")]})
        parties = access.focal_point_parties(user)
        fields = FollowUpForm(parties=parties, secretariat=secretariat).fields
        form = FollowUpForm(
            form_data(request.data, fields), parties=parties, secretariat=secretariat
        )
        data = cleaned(form)
        try:
            follow_up = actions.record_follow_up(
                recommendation, by=user, now=timezone.now(), **data
            )
        except actions.FollowUpError as error:
            raise PermissionDenied(str(error)) from error
        return Response(
            RecommendationFollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=PublishInput, responses=RecommendationFollowUpSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None, **kwargs):
        """Publish (`published`: true) or withdraw an update: its party's focal point or the
        secretariat."""
        follow_up = self.get_object()
        if not request.user.is_authenticated:
            raise PermissionDenied(_("Sign in to publish a follow-up."))
        if not access.may_publish(request.user, follow_up):
            raise NotFound
        data = request.data if isinstance(request.data, dict) else {}
        if "published" not in data:  # a form's absent checkbox would read as false
            raise ValidationError({"published": [_("Say whether to publish: true or false.")]})
        given = PublishInput(data=data)
        given.is_valid(raise_exception=True)
        follow_up = actions.set_published(
            follow_up,
            published=given.validated_data["published"],
            by=request.user,
            now=timezone.now(),
        )
        return Response(RecommendationFollowUpSerializer(follow_up).data)
