"""The API of the stakeholders' records (`revmod.stakeholders`): the register, the constructive
dialogues and their chairs' observations, the yearly figures of SE4U and WhatsOn, the pilot
initiatives. One more door to the same forms, actions and access rules as the pages: who sees
what is `stakeholders.access`'s (404 for a record one may not see), the secretariat alone
creates and changes (403 for anyone else), and a list takes the filters and `ordering` of its
page (a wrong value is a 400 that says why)."""

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from revmod.api.forms import cleaned, form_data
from revmod.stakeholders import access, actions, forms
from revmod.stakeholders.models import Activity, Dialogue, Observation, Outreach, Pilot, Stakeholder
from revmod.stakeholders.queries import dialogues_counted, participants, pilots_counted


class StakeholderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stakeholder
        fields = ["id", "name", "kind", "country", "contact_name", "contact_email", "consent_on"]


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = ["id", "held_on", "description"]


class ObservationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Observation
        fields = ["id", "number", "text"]


class DialogueSerializer(serializers.ModelSerializer):
    participants = serializers.SerializerMethodField(
        help_text="stakeholders by kind (registered and counted), stakeholders (NGOs, academic "
        "institutions, private sector), States"
    )

    class Meta:
        model = Dialogue
        fields = ["id", "held_on", "title", "session", "format", "participants", "published"]

    def get_participants(self, dialogue) -> dict:
        counted = participants(dialogue)
        return {**counted, "by_kind": {str(k): n for k, n in counted["by_kind"].items()}}


class DialogueDetailSerializer(DialogueSerializer):
    parties = serializers.SerializerMethodField()
    observations = serializers.SerializerMethodField()

    class Meta(DialogueSerializer.Meta):
        fields = [*DialogueSerializer.Meta.fields, "parties", "observations"]

    def get_parties(self, dialogue) -> list[str]:
        return sorted(p.code for p in dialogue.parties.all())

    def get_observations(self, dialogue) -> list[dict]:
        rows = dialogue.observations.order_by("number")
        return ObservationSerializer(rows, many=True).data

    def to_representation(self, dialogue):
        data = super().to_representation(dialogue)
        if access.may_edit(self.context["request"].user):  # who took part: the secretariat's
            data["stakeholders"] = sorted(s.pk for s in dialogue.stakeholders.all())
        return data


class OutreachSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outreach
        fields = ["id", "programme", "year", "people", "countries", "note"]


class PilotSerializer(serializers.ModelSerializer):
    party = serializers.CharField(source="review.party.code")
    cluster = serializers.IntegerField(source="review.cluster.number")
    status = serializers.CharField()
    stakeholders = serializers.SerializerMethodField(
        help_text="contact details only with the stakeholder's consent (the secretariat: always)"
    )
    activities = serializers.SerializerMethodField()

    class Meta:
        model = Pilot
        fields = [
            "id",
            "review",
            "party",
            "cluster",
            "status",
            "consent_on",
            "consent_note",
            "started_on",
            "completed_on",
            "published",
            "stakeholders",
            "activities",
        ]

    def get_stakeholders(self, pilot) -> list[dict]:
        user = self.context["request"].user
        rows = []
        for s in pilot.stakeholders.all():
            row = {"id": s.pk, "name": s.name, "kind": s.kind, "country": s.country}
            if access.shows_contact(user, s):
                row.update(contact_name=s.contact_name, contact_email=s.contact_email)
            rows.append(row)
        return rows

    def get_activities(self, pilot) -> list[dict]:
        return [
            {"id": a.pk, "held_on": a.held_on.isoformat(), "description": a.description}
            for a in pilot.activities.all()
        ]


def _ordering(names: str, default: str) -> OpenApiParameter:
    description = f"{names}; '-' before it for the reverse order (default: {default})"
    return OpenApiParameter("ordering", OpenApiTypes.STR, description=description)


def _text(value):
    """A form's current value as a request would send it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(getattr(v, "pk", v)) for v in value]
    return value


class RecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """A kind of record: `records(user)` those `user` may see, `filter_form` its list's
    filters, `form_class` and `save` (an action) what creating and changing go through."""

    filter_form: type
    form_class: type
    save = staticmethod(lambda record, data, **kwargs: record)

    def records(self, user):
        raise NotImplementedError

    def get_queryset(self):
        records = self.records(self.request.user)
        if self.action != "list":
            return records
        form = self.filter_form(self.request.query_params)
        cleaned(form)  # a refused filter or order: 400 with why
        return form.filter(records)

    def _secretariat(self):
        if not access.may_edit(self.request.user):
            raise PermissionDenied(_("Only the secretariat records these."))

    def _form(self, instance=None):
        """The form bound to the request's data over the record's current values."""
        fields = self.form_class(instance=instance).fields
        data = form_data(self.request.data, fields)
        if instance is not None:  # what the request leaves out stays as it is
            current = self.form_class(instance=instance)
            for name in fields:
                value = _text(current[name].value())
                if value is None or name in data:
                    continue
                if isinstance(data, QueryDict):
                    data.setlist(name, value if isinstance(value, list) else [value])
                else:
                    data[name] = value
        return self.form_class(data, instance=instance)

    def _saved(self, instance, **kwargs):
        self._secretariat()
        form = self._form(instance)
        data = cleaned(form)
        try:
            record = type(self).save(
                instance, data, by=self.request.user, now=timezone.now(), **kwargs
            )
        except DjangoValidationError as error:
            raise ValidationError({"detail": error.messages}) from error
        return self.get_queryset().get(pk=record.pk)  # read back as the API shows it

    def create(self, request, *args, **kwargs):
        record = self._saved(None)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        record = self._saved(self.get_object())
        return Response(self.get_serializer(record).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="a part of the name"),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Stakeholder.Kind.values),
            OpenApiParameter("country", OpenApiTypes.STR, description="an ISO 3166-1 alpha-3 code"),
            OpenApiParameter("consent", OpenApiTypes.STR, enum=["yes", "no"]),
            _ordering("name, kind, country or consent", "name"),
        ]
    )
)
class StakeholderViewSet(RecordViewSet):
    """The register of stakeholders: the secretariat's only (anyone else: 403)."""

    serializer_class = StakeholderSerializer
    queryset = Stakeholder.objects.none()  # for the schema; records() is the rule
    filter_form = forms.StakeholderFilterForm
    form_class = forms.StakeholderForm
    save = staticmethod(actions.save_stakeholder)

    def records(self, user):
        self._secretariat()
        return access.visible_stakeholders(Stakeholder.objects.all(), user)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT),
            OpenApiParameter("format", OpenApiTypes.STR, enum=Dialogue.Format.values),
            _ordering("date, title or format", "-date"),
        ]
    )
)
class DialogueViewSet(RecordViewSet):
    """Constructive dialogues: the published ones for everyone, all for the secretariat; a
    dialogue with its States and chairs' observations. `parties` takes codes ("KEN, MEX")."""

    filter_form = forms.DialogueFilterForm
    form_class = forms.DialogueForm
    save = staticmethod(actions.save_dialogue)

    def get_serializer_class(self):
        return DialogueSerializer if self.action == "list" else DialogueDetailSerializer

    def records(self, user):
        return dialogues_counted(access.visible_dialogues(Dialogue.objects.all(), user))

    @extend_schema(request=ObservationSerializer, responses={201: ObservationSerializer})
    @action(detail=True, methods=["post"])
    def observations(self, request, pk=None, **kwargs):
        """Add one of the chairs' observations (`text`, `number`: the next one if none)."""
        dialogue = self.get_object()
        self._secretariat()
        form = forms.ObservationForm(form_data(request.data, forms.ObservationForm().fields))
        observation = _added(
            form,
            lambda data: actions.save_observation(
                None, data, dialogue=dialogue, by=request.user, now=timezone.now()
            ),
        )
        return Response(ObservationSerializer(observation).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("programme", OpenApiTypes.STR, enum=Outreach.Programme.values),
            _ordering("year or programme", "-year"),
        ]
    )
)
class OutreachViewSet(RecordViewSet):
    """The yearly figures of SE4U and WhatsOn: public."""

    serializer_class = OutreachSerializer
    filter_form = forms.OutreachFilterForm
    form_class = forms.OutreachForm
    save = staticmethod(actions.save_outreach)

    def records(self, user):
        return Outreach.objects.all()


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Pilot.Status.values),
            _ordering("party, consent, started or completed", "party"),
        ]
    )
)
class PilotViewSet(RecordViewSet):
    """Pilot initiatives: the secretariat all; a review's participants their review's; anyone
    the published ones. `status` follows from the dates (starting, under_way, completed)."""

    serializer_class = PilotSerializer
    filter_form = forms.PilotFilterForm
    form_class = forms.PilotForm
    save = staticmethod(actions.save_pilot)

    def records(self, user):
        pilots = pilots_counted(access.visible_pilots(Pilot.objects.all(), user))
        return pilots.prefetch_related(
            Prefetch("stakeholders", Stakeholder.objects.order_by("name", "pk")),
            "activities",
        )

    @extend_schema(request=ActivitySerializer, responses={201: ActivitySerializer})
    @action(detail=True, methods=["post"])
    def activities(self, request, pk=None, **kwargs):
        """Add an activity to the pilot (`held_on`, `description`)."""
        pilot = self.get_object()
        self._secretariat()
        form = forms.ActivityForm(form_data(request.data, forms.ActivityForm().fields))
        activity = _added(
            form,
            lambda data: actions.save_activity(
                None, data, pilot=pilot, by=request.user, now=timezone.now()
            ),
        )
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    """The addresses of these records on the API's router (revmod.api.urls)."""
    router.register("stakeholders", StakeholderViewSet, basename="stakeholder")
    router.register("dialogues", DialogueViewSet, basename="dialogue")
    router.register("pilots", PilotViewSet, basename="pilot")
    router.register("yearly-figures", OutreachViewSet, basename="yearly-figure")


def _added(form, add):
    """The record `add(cleaned data)` (an action) makes from `form`; 400 with why if refused."""
    data = cleaned(form)
    try:
        return add(data)
    except DjangoValidationError as error:
        raise ValidationError({"detail": error.messages}) from error
