"""Events and training through the API: the same forms, actions and access
(activities.access) as the pages. Events: anyone reads those they may see (the public the
published ones); training sessions, their participants and e-learning completions: the
secretariat all, a party's people their own party's; only the secretariat creates and changes
(PUT replaces a record whole, with the fields of its form)."""

from django import forms
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from revmod.activities import access, actions
from revmod.activities.forms import (
    CompletionForm,
    EventFilterForm,
    EventForm,
    ParticipantForm,
    SessionFilterForm,
    SessionForm,
    TrainedFilterForm,
)
from revmod.activities.models import (
    TRAINING_LANGUAGES,
    Completion,
    Event,
    EventDocument,
    Gender,
    Participant,
    TrainingSession,
)
from revmod.api.forms import bound, cleaned
from revmod.registry.models import Party


class EventDocumentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = EventDocument
        fields = ["id", "kind", "title", "extension", "published", "download"]

    def get_download(self, document) -> str:
        """The page that serves the file (activities:document-file), in English."""
        with translation.override("en"):
            path = reverse("activities:document-file", args=[document.event_id, document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ActivityEventSerializer(serializers.ModelSerializer):
    parties = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    reviews = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    documents = EventDocumentSerializer(
        many=True, read_only=True, help_text="Those the caller may see (activities.access)."
    )

    class Meta:
        model = Event
        fields = ["id", *EventForm.Meta.fields, "documents"]


class SessionSerializer(serializers.ModelSerializer):
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = TrainingSession
        fields = ["id", *SessionForm.Meta.fields]


class ParticipantSerializer(serializers.ModelSerializer):
    party = serializers.CharField(source="party.code")
    language = serializers.CharField(help_text="ar, zh, en, fr, ru, es, pt or other")

    class Meta:
        model = Participant
        fields = ["id", "session", *ParticipantForm.Meta.fields]


class CompletionSerializer(serializers.ModelSerializer):
    party = serializers.CharField(source="party.code")
    language = serializers.CharField(help_text="ar, zh, en, fr, ru, es, pt or other")

    class Meta:
        model = Completion
        fields = ["id", *CompletionForm.Meta.fields]


def _input(name, form_class, **extra):
    """The request body of `form_class`'s record, for the schema: its fields as text, lists
    where it takes several values."""
    fields = {}
    for field_name, field in form_class().fields.items():
        if getattr(field.widget, "allow_multiple_selected", False):
            fields[field_name] = serializers.ListField(
                child=serializers.CharField(), required=False
            )
        else:
            fields[field_name] = serializers.CharField(required=field.required)
    return inline_serializer(name, {**fields, **extra})


ORDERING = OpenApiParameter(
    "ordering", OpenApiTypes.STR, description="a column; '-' before it for the reverse order"
)
PARTY = OpenApiParameter("party", OpenApiTypes.STR, description="a party's code")


class _Recorded(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Reads as access says, filtered and ordered by the list's form; create and PUT through
    the record's form and action (the secretariat alone)."""

    http_method_names = ["get", "post", "put", "head", "options"]
    form_class: type
    filter_class: type

    def visible(self):
        raise NotImplementedError

    def save(self, form, instance):
        raise NotImplementedError

    def get_queryset(self):
        rows = self.visible()
        if self.action != "list":
            return rows
        form = self.filter_class(self.request.query_params)
        cleaned(form)  # a wrong filter or order is a 400 that says why
        return form.filter(rows)

    def _secretariat(self):
        if not access.may_edit(self.request.user):
            raise PermissionDenied(_("Only the secretariat records events and training."))

    def create(self, request, *args, **kwargs):
        self._secretariat()
        form = bound(self.form_class, request.data)
        cleaned(form)
        row = self.save(form, None)
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        self._secretariat()
        form = bound(self.form_class, request.data, instance=instance)
        cleaned(form)
        row = self.save(form, instance)
        return Response(self.get_serializer(row).data)


def _doors(input_serializer, output, parameters):
    return extend_schema_view(
        list=extend_schema(parameters=[*parameters, ORDERING]),
        create=extend_schema(request=input_serializer, responses={201: output}),
        update=extend_schema(request=input_serializer, responses=output),
    )


@_doors(
    _input("EventInput", EventForm),
    ActivityEventSerializer,
    [
        OpenApiParameter("kind", OpenApiTypes.STR, enum=Event.Kind.values),
        PARTY,
        OpenApiParameter("year", OpenApiTypes.INT),
    ],
)
class EventViewSet(_Recorded):
    """Events (¶45): the public reads the published ones, a party's people those involving
    their party too, the secretariat all; the secretariat records them. Ordering: starts,
    title or kind (default: -starts). The documents are on the event's page."""

    serializer_class = ActivityEventSerializer
    permission_classes = [AllowAny]
    form_class = EventForm
    filter_class = EventFilterForm

    def visible(self):
        user = self.request.user
        documents = access.documents_visible(EventDocument.objects.order_by("kind", "pk"), user)
        events = Event.objects.prefetch_related(
            Prefetch("parties", queryset=Party.objects.order_by("code")),
            "reviews",
            Prefetch("documents", queryset=documents),
        ).order_by("-starts_on", "pk")
        return access.events_visible(events, self.request.user)

    def save(self, form, instance):
        return actions.save_event(instance, form.event(), by=self.request.user, now=timezone.now())


@_doors(
    _input("TrainingSessionInput", SessionForm),
    SessionSerializer,
    [
        OpenApiParameter("kind", OpenApiTypes.STR, enum=TrainingSession.Kind.values),
        OpenApiParameter("year", OpenApiTypes.INT),
    ],
)
class TrainingSessionViewSet(_Recorded):
    """Training sessions (¶47): the secretariat all; a party's people those in which an
    official of their party took part. Ordering: held, title or kind (default: -held)."""

    serializer_class = SessionSerializer
    permission_classes = [IsAuthenticated]
    form_class = SessionForm
    filter_class = SessionFilterForm

    def visible(self):
        sessions = TrainingSession.objects.order_by("-held_on", "pk")
        return access.sessions_visible(sessions, self.request.user)

    def save(self, form, instance):
        return actions.save_session(
            instance, form.session(), by=self.request.user, now=timezone.now()
        )


class ParticipantInputForm(ParticipantForm):
    """A participant through the API names its session."""

    session = forms.ModelChoiceField(queryset=TrainingSession.objects.all())

    class Meta(ParticipantForm.Meta):
        fields = ["session", *ParticipantForm.Meta.fields]


TRAINED = [
    PARTY,
    OpenApiParameter("gender", OpenApiTypes.STR, enum=Gender.values),
    OpenApiParameter("language", OpenApiTypes.STR, enum=[c for c, _n in TRAINING_LANGUAGES]),
]


@_doors(_input("TrainingParticipantInput", ParticipantInputForm), ParticipantSerializer, TRAINED)
class TrainingParticipantViewSet(_Recorded):
    """The participants of training sessions: the secretariat all, a party's people their own
    party's. Ordering: party, gender or language (default: party)."""

    serializer_class = ParticipantSerializer
    permission_classes = [IsAuthenticated]
    form_class = ParticipantInputForm
    filter_class = TrainedFilterForm

    def visible(self):
        participants = Participant.objects.select_related("party").order_by("pk")
        return access.participants_visible(participants, self.request.user)

    def save(self, form, instance):
        data = form.participant()
        row = instance or Participant(session=form.cleaned_data["session"])
        row.session = form.cleaned_data["session"]
        return actions.save_participant(row, data, by=self.request.user, now=timezone.now())


@_doors(_input("ElearningCompletionInput", CompletionForm), CompletionSerializer, TRAINED)
class CompletionViewSet(_Recorded):
    """E-learning completions: the secretariat all, a party's people their own party's.
    Ordering: party, gender or language (default: party)."""

    serializer_class = CompletionSerializer
    permission_classes = [IsAuthenticated]
    form_class = CompletionForm
    filter_class = TrainedFilterForm

    def visible(self):
        completions = Completion.objects.select_related("party").order_by("pk")
        return access.completions_visible(completions, self.request.user)

    def save(self, form, instance):
        return actions.save_completion(
            instance, form.completion(), by=self.request.user, now=timezone.now()
        )
