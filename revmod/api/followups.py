"""The API's follow-ups (the secretariat's alone) and briefings (the secretariat's in full, the
published ones' figures for everyone): the pages' forms, actions and access rules
(`followups.access`), through another door."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
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
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from revmod.api.forms import cleaned, form_data
from revmod.followups import access, actions
from revmod.followups.forms import (
    BriefingFilterForm,
    BriefingForm,
    FollowUpFilterForm,
    FollowUpForm,
)
from revmod.followups.models import STAGE_CHOICES, Briefing, FollowUp
from revmod.lib.i18n import LANGUAGE_CHOICES


class FollowUpSerializer(serializers.ModelSerializer):
    party = serializers.CharField(source="party.code")
    officer = serializers.CharField(source="officer.username")
    review = serializers.PrimaryKeyRelatedField(read_only=True)
    open = serializers.BooleanField(source="is_open", read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "party",
            "whom",
            "contact_name",
            "kind",
            "held_on",
            "subject",
            "review",
            "stage",
            "outcome",
            "next_action",
            "next_action_on",
            "officer",
            "open",
            "done_at",
            "created_at",
            "changed_at",
        ]


FollowUpInput = inline_serializer(
    "FollowUpInput",
    {
        "party": serializers.CharField(help_text="a party's code"),
        "whom": serializers.ChoiceField(choices=FollowUp.Whom.choices),
        "contact_name": serializers.CharField(required=False),
        "kind": serializers.ChoiceField(choices=FollowUp.Kind.choices),
        "held_on": serializers.DateField(),
        "subject": serializers.CharField(),
        "review": serializers.IntegerField(required=False, help_text="a review of the party"),
        "stage": serializers.ChoiceField(choices=STAGE_CHOICES, required=False),
        "outcome": serializers.CharField(required=False),
        "next_action": serializers.CharField(required=False),
        "next_action_on": serializers.DateField(required=False),
        "officer": serializers.CharField(required=False, help_text="a secretariat user name"),
    },
)
DoneInput = inline_serializer(
    "FollowUpDoneInput", {"done": serializers.BooleanField(required=False, default=True)}
)
BriefingInput = inline_serializer(
    "BriefingInput",
    {
        "held_on": serializers.DateField(),
        "title": serializers.CharField(),
        "kind": serializers.ChoiceField(choices=Briefing.Kind.choices),
        "languages": serializers.ListField(
            child=serializers.CharField(),
            required=False,
            help_text="codes among " + ", ".join(code for code, _name in LANGUAGE_CHOICES),
        ),
        "place": serializers.CharField(required=False),
        "online": serializers.BooleanField(required=False),
        "representatives": serializers.IntegerField(min_value=0),
        "parties": serializers.ListField(
            child=serializers.CharField(), required=False, help_text="the States' codes"
        ),
        "published": serializers.BooleanField(required=False),
    },
)


def _bad(error: DjangoValidationError):
    detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
    return ValidationError(detail)


def _secretariat(request):
    if not access.may_manage(request.user):
        raise PermissionDenied(_("Only the secretariat records follow-ups and briefings."))


def _data(request, fields) -> dict:
    """The request's data as the page posts it (the party by code, the officer by user name,
    the review by id); the parties of a briefing as a list of codes or one text."""
    data = request.data
    if isinstance(data, dict) and isinstance(data.get("parties"), list):
        codes = data["parties"]
        if all(isinstance(code, str) for code in codes):
            data = {**data, "parties": ", ".join(codes)}
    return form_data(data, fields)


def _merged(current, request) -> QueryDict:
    """The data of the bound form `current` (a record as it is) with the request's fields over
    it: an update changes the fields it gives, the others stay."""
    merged = QueryDict(mutable=True)
    for name in current.fields:
        value = current[name].value()
        merged.setlist(name, value if isinstance(value, list) else [value])
    given = _data(request, current.fields)
    for name in given:
        if isinstance(given, QueryDict):
            merged.setlist(name, given.getlist(name))
        else:
            value = given[name]
            merged.setlist(name, value if isinstance(value, list) else [value])
    return merged


def _form(form_class, request, **kwargs):
    """`form_class` bound to the request's data (`_data`)."""
    return form_class(_data(request, form_class(**kwargs).fields), **kwargs)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("party", OpenApiTypes.STR, description="a party's code"),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=FollowUp.Kind.values),
            OpenApiParameter("officer", OpenApiTypes.STR, description="a user name"),
            OpenApiParameter("open", OpenApiTypes.BOOL, description="open next actions only"),
            OpenApiParameter(
                "ordering",
                OpenApiTypes.STR,
                description="date, party, kind, next_action or officer; '-' before it for the "
                "reverse order (default: -date)",
            ),
        ]
    )
)
class FollowUpViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Follow-ups: the secretariat's internal record; nobody else sees any (403)."""

    serializer_class = FollowUpSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _secretariat(request)

    def get_queryset(self):
        followups = access.followups_visible_to(self.request.user).select_related(
            "party", "officer"
        )
        if self.action != "list":
            return followups
        form = FollowUpFilterForm(self.request.query_params)
        cleaned(form)  # 400 with the form's errors
        return form.filter(followups)

    @extend_schema(request=FollowUpInput, responses={201: FollowUpSerializer})
    def create(self, request, *args, **kwargs):
        """Record a follow-up: `party` (code), `whom`, `kind`, `held_on`, `subject`, and
        optionally `contact_name`, `review` (id), `stage`, `outcome`, `next_action`,
        `next_action_on`, `officer` (user name; default: the caller)."""
        form = _form(FollowUpForm, request, user=request.user)
        cleaned(form)
        try:
            followup = actions.record_followup(by=request.user, now=timezone.now(), **form.values())
        except DjangoValidationError as error:
            raise _bad(error) from error
        return Response(FollowUpSerializer(followup).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FollowUpInput, responses=FollowUpSerializer)
    def update(self, request, *args, **kwargs):
        """Change a follow-up: the fields given, as on `create` (PUT or PATCH)."""
        followup = self.get_object()
        form = FollowUpForm(_merged(FollowUpForm(instance=followup), request), instance=followup)
        cleaned(form)
        try:
            actions.edit_followup(followup, by=request.user, now=timezone.now(), **form.values())
        except DjangoValidationError as error:
            raise _bad(error) from error
        return Response(FollowUpSerializer(followup).data)

    @extend_schema(request=DoneInput, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None, **kwargs):
        """Mark the next action done (`done=false`: open it again)."""
        followup = self.get_object()
        done = str(request.data.get("done", "true")).lower() not in ("false", "0")
        try:
            actions.mark_done(followup, by=request.user, now=timezone.now(), done=done)
        except DjangoValidationError as error:
            raise _bad(error) from error
        return Response(FollowUpSerializer(followup).data)


class BriefingSerializer(serializers.ModelSerializer):
    """A briefing: for the secretariat in full; for anyone else (a published one) only the
    fields of access.PUBLIC_FIELDS, the others null."""

    states = serializers.IntegerField(read_only=True, help_text="how many States attended")
    kind = serializers.CharField(read_only=True, allow_null=True)
    languages = serializers.ListField(
        child=serializers.CharField(), read_only=True, allow_null=True
    )
    place = serializers.CharField(read_only=True, allow_null=True)
    online = serializers.BooleanField(read_only=True, allow_null=True)
    parties = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, allow_null=True
    )
    published = serializers.BooleanField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True, allow_null=True)
    changed_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Briefing
        fields = [
            "id",
            "held_on",
            "title",
            "representatives",
            "states",
            "kind",
            "languages",
            "place",
            "online",
            "parties",
            "published",
            "created_at",
            "changed_at",
        ]

    def to_representation(self, instance):
        if self.context.get("detailed"):
            return super().to_representation(instance)
        # Only the public fields are read: the others are neither shown nor queried.
        data = dict.fromkeys(self.Meta.fields)
        for name in access.PUBLIC_FIELDS:
            data[name] = self.fields[name].to_representation(getattr(instance, name))
        return data


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Briefing.Kind.values),
            OpenApiParameter("year", OpenApiTypes.INT),
            OpenApiParameter(
                "ordering",
                OpenApiTypes.STR,
                description="date, title, representatives or states; '-' before it for the "
                "reverse order (default: -date)",
            ),
        ]
    )
)
class BriefingViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Briefings: the published ones' date, title and attendance for everyone; every one in
    full for the secretariat, which records and changes them."""

    permission_classes = [AllowAny]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    serializer_class = BriefingSerializer

    def get_serializer_context(self):
        detailed = access.sees_briefing_details(self.request.user)
        return {**super().get_serializer_context(), "detailed": detailed}

    def get_queryset(self):
        detailed = access.sees_briefing_details(self.request.user)
        briefings = access.briefings_visible_to(self.request.user)
        if detailed:
            briefings = briefings.prefetch_related("parties")
        if self.action != "list":
            return briefings
        form = BriefingFilterForm(self.request.query_params, detailed=detailed)
        cleaned(form)
        return form.filter(briefings)

    def _saved(self, briefing, code=status.HTTP_200_OK):
        briefing = self.get_queryset().get(pk=briefing.pk)  # with its count of States
        data = BriefingSerializer(briefing, context=self.get_serializer_context()).data
        return Response(data, status=code)

    @extend_schema(request=BriefingInput, responses={201: BriefingSerializer})
    def create(self, request, *args, **kwargs):
        """Record a briefing: `held_on`, `title`, `kind`, `languages` (codes), `place` or
        `online`, `representatives`, `parties` (the States' codes, a list or one text),
        `published`."""
        if not request.user.is_authenticated:
            raise PermissionDenied
        _secretariat(request)
        form = _form(BriefingForm, request)
        cleaned(form)
        try:
            briefing = actions.record_briefing(by=request.user, now=timezone.now(), **form.values())
        except DjangoValidationError as error:
            raise _bad(error) from error
        return self._saved(briefing, status.HTTP_201_CREATED)

    @extend_schema(request=BriefingInput, responses=BriefingSerializer)
    def update(self, request, *args, **kwargs):
        """Change a briefing: the fields given, as on `create` (PUT or PATCH)."""
        briefing = self.get_object()
        _secretariat(request)
        form = BriefingForm(_merged(BriefingForm(instance=briefing), request), instance=briefing)
        cleaned(form)
        try:
            actions.edit_briefing(briefing, by=request.user, now=timezone.now(), **form.values())
        except DjangoValidationError as error:
            raise _bad(error) from error
        return self._saved(briefing)
