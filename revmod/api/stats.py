"""The status of the mechanism on a day, for the secretariat (everyone else gets 404)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from revmod.lib.access import is_secretariat
from revmod.registry.models import Cluster
from revmod.stats import figures
from revmod.stats.sections import sections
from revmod.stats.status import status


def _counts(keys) -> type[serializers.Serializer]:
    return type("Counts", (serializers.Serializer,), {k: serializers.IntegerField() for k in keys})


class StatusFocalPoints(serializers.Serializer):
    total = serializers.IntegerField(help_text="People in force as focal points.")
    parties = serializers.IntegerField()
    women = serializers.IntegerField()
    by_ministry = type("StatusMinistries", (_counts(figures.MINISTRIES),), {})()
    parties_with_several = serializers.IntegerField()
    parties_changed = serializers.IntegerField()
    parties_without = serializers.IntegerField()
    reviews_blocked = serializers.IntegerField(
        help_text="Reviews not started because a party has no focal point (Figure I)."
    )


class StatusExperts(serializers.Serializer):
    total = serializers.IntegerField()
    women = serializers.IntegerField()


class StatusObservers(serializers.Serializer):
    total = serializers.IntegerField()
    parties = serializers.IntegerField()


StatusStages = type("StatusStages", (_counts(figures.STAGES),), {})
StatusQuestionnaire = type("StatusQuestionnaire", (_counts(figures.QUESTIONNAIRE_KEYS),), {})


class StatusWrittenFeedback(serializers.Serializer):
    in_progress = serializers.IntegerField()
    completed = serializers.IntegerField()
    late = serializers.IntegerField()
    late_over_1_year = serializers.IntegerField()


class StatusObservations(serializers.Serializer):
    in_progress = serializers.IntegerField()
    completed = serializers.IntegerField()
    drafting_days = serializers.ListField(child=serializers.IntegerField())


class StatusBlock(serializers.Serializer):
    parties = serializers.IntegerField(help_text="Parties to the Convention on the day.")
    reviews = serializers.IntegerField(
        help_text="Reviews of the cluster in the groups begun by the day."
    )
    focal_points = StatusFocalPoints()
    experts = StatusExperts()
    observers = StatusObservers()
    reviews_by_stage = StatusStages()
    consultations_held = serializers.IntegerField()
    languages = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Consultations by agreed languages: 'en', 'ar+en', ..., 'three', "
        "'no_agreement' (Figure IV).",
    )
    questionnaire = StatusQuestionnaire()
    written_feedback = StatusWrittenFeedback()
    observations = StatusObservations()


class StatusGroup(serializers.Serializer):
    group = serializers.IntegerField()
    reviews = serializers.IntegerField()
    participating_parties = serializers.IntegerField()
    started_on = serializers.DateField()


class SectionCount(serializers.Serializer):
    code = serializers.CharField(help_text="The code of the kind, gender, language or status.")
    label = serializers.CharField(help_text="Its name in the language asked for.")
    n = serializers.IntegerField()


class SectionFollowUps(serializers.Serializer):
    total = serializers.IntegerField(help_text="Follow-ups with the parties held by the day (¶43).")
    parties = serializers.IntegerField(help_text="The parties followed up.")
    by_kind = SectionCount(many=True, help_text="By kind (e-mail, call, ...); none left out.")


class SectionBriefing(serializers.Serializer):
    held_on = serializers.DateField()
    title = serializers.CharField()
    representatives = serializers.IntegerField()
    states = serializers.IntegerField()


class SectionBriefings(serializers.Serializer):
    held = serializers.IntegerField(help_text="Briefings held by the day (¶45).")
    representatives = serializers.IntegerField(help_text="Their representatives, all told.")
    states = serializers.IntegerField(help_text="The States represented at one at least.")
    latest = SectionBriefing(allow_null=True, help_text="The last briefing held by the day.")


class SectionEvents(serializers.Serializer):
    total = serializers.IntegerField(help_text="National, regional and side events (¶45).")
    by_kind = SectionCount(many=True)


class SectionCategory(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    requests = serializers.IntegerField()
    states = serializers.IntegerField()


class SectionAssistance(serializers.Serializer):
    requests = serializers.IntegerField(help_text="Requests for technical assistance (¶46).")
    states = serializers.IntegerField(help_text="The States that made them.")
    by_category = SectionCategory(many=True, help_text="Every category of the setting.")


class SectionSupport(serializers.Serializer):
    followups = SectionFollowUps()
    briefings = SectionBriefings()
    events = SectionEvents()
    assistance = SectionAssistance()


class SectionTraining(serializers.Serializer):
    officials = serializers.IntegerField(help_text="Officials trained by the day (¶47).")
    states = serializers.IntegerField()
    by_gender = SectionCount(many=True)
    by_language = SectionCount(many=True)


class SectionLibrary(serializers.Serializer):
    resources = serializers.IntegerField(help_text="Resources published in the library (¶48).")
    by_kind = SectionCount(many=True)
    by_language = SectionCount(many=True)


class SectionDialogue(serializers.Serializer):
    title = serializers.CharField()
    held_on = serializers.DateField()
    stakeholders = serializers.IntegerField(help_text="NGOs, academia and private sector (¶55).")
    by_kind = SectionCount(many=True)
    states = serializers.IntegerField()
    observations = serializers.IntegerField(help_text="The chairs' observations (¶56).")


class SectionOutreach(serializers.Serializer):
    programme = serializers.CharField(help_text="'se4u' or 'whatson' (¶57-58).")
    label = serializers.CharField()
    year = serializers.IntegerField()
    people = serializers.IntegerField()
    countries = serializers.IntegerField()


class SectionPilots(serializers.Serializer):
    status = serializers.CharField(help_text="'starting', 'under_way' or 'completed' (¶60).")
    label = serializers.CharField()
    parties = serializers.ListField(child=serializers.CharField(), help_text="Party codes.")
    names = serializers.CharField(help_text="The parties' names, as one list.")


class SectionStakeholders(serializers.Serializer):
    dialogue = SectionDialogue(allow_null=True, help_text="The latest held by the day.")
    outreach = SectionOutreach(many=True)
    pilots = SectionPilots(many=True)


class SectionRecommendations(serializers.Serializer):
    adopted = serializers.IntegerField(help_text="Published recommendations adopted (¶61).")
    followed_up = serializers.IntegerField(help_text="Published follow-ups in force.")
    parties_by_status = SectionCount(many=True)
    secretariat_by_status = SectionCount(many=True)


class Sections(serializers.Serializer):
    as_of = serializers.DateField()
    support = SectionSupport()
    training = SectionTraining()
    library = SectionLibrary()
    stakeholders = SectionStakeholders()
    recommendations = SectionRecommendations()


class Status(StatusBlock):
    as_of = serializers.DateField()
    groups = StatusGroup(many=True)
    by_group = serializers.DictField(child=StatusBlock(), help_text="By group number.")
    by_regional_group = serializers.DictField(
        child=StatusBlock(), help_text="By regional group code (AFR, APG, EEG, GRULAC, WEOG)."
    )
    sections = Sections(
        help_text="Sections IV-VII of the status paper (¶42-61), for the whole mechanism; "
        "labels in the language asked for."
    )


class StatusView(APIView):
    permission_classes = [IsAuthenticated]
    """Every figure of the secretariat's status paper as it stood on `as_of` (default today),
    read from the event log; the same counts by group and by regional group; and the later
    sections (support, training and resources, stakeholders, recommendations)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", dt.date, description="The day (YYYY-MM-DD); default today."),
            OpenApiParameter("cluster", int, description="Cluster number; default the first."),
        ],
        responses=Status,
    )
    def get(self, request):
        if not is_secretariat(request.user):
            raise NotFound
        raw = request.query_params.get("as_of")
        try:
            day = dt.date.fromisoformat(raw) if raw else timezone.now().date()
        except ValueError:
            raise ValidationError({"as_of": [_("Give a date as YYYY-MM-DD.")]}) from None
        cluster = None
        if number := request.query_params.get("cluster"):
            cluster = Cluster.objects.filter(number=number).first() if number.isdigit() else None
            if cluster is None:
                raise ValidationError({"cluster": [_("No such cluster.")]})
        return Response({**status(day, cluster), "sections": sections(day)})
