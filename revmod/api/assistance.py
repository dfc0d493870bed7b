"""The API of technical-assistance needs: the same forms, actions and access rules
(revmod/assistance/access.py) as the pages. The secretariat opens and edits surveys and
tracks requests; a party's focal point answers for its party; a party's people read their
own party's requests."""

from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from revmod.api.forms import cleaned, form_data
from revmod.assistance import access, actions
from revmod.assistance.forms import (
    AnswerForm,
    RequestFilterForm,
    SurveyFilterForm,
    SurveyForm,
    TrackForm,
)
from revmod.assistance.models import Request, Survey
from revmod.registry.models import Party


def _one_each(data) -> dict:
    """A request's data as {field: one value}: a form-encoded body's last value of each field
    (these forms take one value per field), merged with the values a PATCH keeps."""
    return data.dict() if isinstance(data, QueryDict) else data


class SurveySerializer(serializers.ModelSerializer):
    class Meta:
        model = Survey
        fields = ["id", "title", "opens_on", "closes_on", "categories"]


class RequestSerializer(serializers.ModelSerializer):
    party = serializers.CharField(source="response.party.code")
    survey = serializers.IntegerField(source="response.survey_id")
    officer = serializers.SerializerMethodField()

    class Meta:
        model = Request
        fields = [
            "id",
            "survey",
            "party",
            "category",
            "description",
            "status",
            "status_on",
            "note",
            "officer",
            "withdrawn_at",
            "created_at",
            "changed_at",
        ]

    def get_officer(self, obj) -> str | None:
        return obj.officer.get_username() if obj.officer else None


class _Visible:
    def _may_see(self):
        if not access.may_see_surveys(self.request.user):
            raise NotFound

    def _secretariat(self):
        if not access.may_track(self.request.user):
            raise PermissionDenied(_("Only the secretariat does this."))


ORDERING = OpenApiParameter(
    "ordering", OpenApiTypes.STR, description="a column; '-' before it for the reverse order"
)


@extend_schema_view(list=extend_schema(parameters=[ORDERING]))
class SurveyViewSet(
    _Visible,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Technical-assistance surveys: the secretariat and a party's people in force read them;
    the secretariat opens (POST: title, opens_on, closes_on) and edits them (PATCH, PUT); a
    focal point answers (POST .../answer/: party, categories, description_<category>)."""

    serializer_class = SurveySerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Survey.objects.none()
        self._may_see()
        surveys = access.visible_surveys(Survey.objects.all(), self.request.user)
        if self.action != "list":
            return surveys
        form = SurveyFilterForm(self.request.query_params)
        cleaned(form)
        return form.filter(surveys)

    def _form(self, instance=None):
        data = _one_each(form_data(self.request.data, SurveyForm().fields))
        if instance is not None and self.request.method == "PATCH":
            current = {
                "title": instance.title,
                "opens_on": instance.opens_on.isoformat(),
                "closes_on": instance.closes_on.isoformat(),
            }
            data = {**current, **data}
        return cleaned(SurveyForm(data))

    @extend_schema(request=SurveySerializer, responses={201: SurveySerializer})
    def create(self, request, *args, **kwargs):
        self._secretariat()
        data = self._form()
        try:
            survey = actions.open_survey(**data, by=request.user, now=timezone.now())
        except actions.AssistanceError as error:
            raise ValidationError({"detail": str(error)}) from error
        return Response(SurveySerializer(survey).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        survey = self.get_object()
        self._secretariat()
        data = self._form(survey)
        try:
            survey = actions.edit_survey(survey, **data, by=request.user, now=timezone.now())
        except actions.AssistanceError as error:
            raise ValidationError({"detail": str(error)}) from error
        return Response(SurveySerializer(survey).data)

    @extend_schema(request=OpenApiTypes.OBJECT, responses=RequestSerializer(many=True))
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None, **kwargs):
        """Answer for `party` (its code; you are its focal point): `categories` (codes) and
        `description_<code>` for each. Replaces the party's answer while the survey is open
        (409 once closed); returns the party's requests."""
        survey = self.get_object()
        code = str(request.data.get("party", "")) if isinstance(request.data, dict) else ""
        party = Party.objects.filter(code=code.upper()).first()
        if party is None or not access.may_answer(request.user, party):
            raise ValidationError({"party": [_("Give the code of a party you answer for.")]})
        form = AnswerForm(form_data(request.data, AnswerForm(survey=survey).fields), survey=survey)
        cleaned(form)
        try:
            response = actions.answer(
                survey, party, needs=form.needs(), by=request.user, now=timezone.now()
            )
        except actions.AssistanceError as error:
            closed = not survey.is_open(timezone.now().date())
            return Response(
                {"detail": str(error)},
                status=status.HTTP_409_CONFLICT if closed else status.HTTP_400_BAD_REQUEST,
            )
        requests = response.requests.filter(withdrawn_at=None).select_related(
            "response__party", "officer"
        )
        return Response(RequestSerializer(requests, many=True).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("survey", OpenApiTypes.INT),
            OpenApiParameter("party", OpenApiTypes.STR, description="a party's code"),
            OpenApiParameter("category", OpenApiTypes.STR),
            OpenApiParameter("status", OpenApiTypes.STR, enum=Request.Status.values),
            OpenApiParameter("withdrawn", OpenApiTypes.BOOL, description="include withdrawn"),
            ORDERING,
        ]
    )
)
class RequestViewSet(_Visible, viewsets.ReadOnlyModelViewSet):
    """Assistance requests: all for the secretariat, a party's own for its people. The
    secretariat tracks one with PATCH (status, status_on, note, officer: a user's id)."""

    serializer_class = RequestSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Request.objects.none()
        self._may_see()
        requests = access.visible_requests(
            Request.objects.select_related("response__party", "officer"), self.request.user
        )
        if self.action != "list":
            return requests
        form = RequestFilterForm(self.request.query_params)
        cleaned(form)
        return form.filter(requests)

    @extend_schema(request=OpenApiTypes.OBJECT, responses=RequestSerializer)
    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        self._secretariat()
        fields = TrackForm().fields
        current = {
            "status": item.status,
            "status_on": item.status_on.isoformat(),
            "note": item.note,
            "officer": item.officer_id,
        }
        # PATCH: the fields not sent keep their values.
        data = {k: v for k, v in current.items() if v is not None}
        data.update(_one_each(form_data(request.data, fields)))
        form = TrackForm(data, instance=get_object_or_404(Request, pk=item.pk))
        values = cleaned(form)
        try:
            item = actions.track(item, **values, by=request.user, now=timezone.now())
        except actions.AssistanceError as error:
            raise ValidationError({"detail": str(error)}) from error
        return Response(RequestSerializer(item).data)
