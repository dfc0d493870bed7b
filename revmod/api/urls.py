from django.urls import path
from rest_framework.routers import DefaultRouter

from revmod.api.activities import (
    CompletionViewSet,
    EventViewSet,
    TrainingParticipantViewSet,
    TrainingSessionViewSet,
)
from revmod.api.assistance import RequestViewSet as AssistanceRequestViewSet
from revmod.api.assistance import SurveyViewSet as AssistanceSurveyViewSet
from revmod.api.documents import DocumentViewSet
from revmod.api.followups import BriefingViewSet, FollowUpViewSet
from revmod.api.library import ResourceViewSet
from revmod.api.lots import DrawViewSet, MeetingViewSet, PairingViewSet
from revmod.api.nominations import NominationViewSet
from revmod.api.opendata import OpenDataIndexView, OpenDataView
from revmod.api.recommendations import FollowUpViewSet as RecommendationFollowUpViewSet
from revmod.api.recommendations import RecommendationViewSet
from revmod.api.reviews import ReviewViewSet
from revmod.api.stakeholders import register as register_stakeholders
from revmod.api.stats import StatusView
from revmod.api.views import PartyViewSet

router = DefaultRouter()
router.register("parties", PartyViewSet, basename="party")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("draws", DrawViewSet, basename="draw")
router.register("pairings", PairingViewSet, basename="pairing")
router.register("reviews", ReviewViewSet, basename="review")
router.register("nominations", NominationViewSet, basename="nomination")
router.register("resources", ResourceViewSet, basename="resource")
router.register("events", EventViewSet, basename="event")
router.register("training-sessions", TrainingSessionViewSet, basename="training-session")
router.register(
    "training-participants", TrainingParticipantViewSet, basename="training-participant"
)
router.register("elearning-completions", CompletionViewSet, basename="elearning-completion")
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register(
    "recommendation-follow-ups", RecommendationFollowUpViewSet, basename="recommendation-follow-up"
)
register_stakeholders(router)
router.register("assistance-surveys", AssistanceSurveyViewSet, basename="assistance-survey")
router.register("assistance-requests", AssistanceRequestViewSet, basename="assistance-request")
router.register("followups", FollowUpViewSet, basename="followup")
router.register("briefings", BriefingViewSet, basename="briefing")
router.register(
    r"reviews/(?P<review_pk>[0-9]+)/documents", DocumentViewSet, basename="review-document"
)

urlpatterns = [
    path("stats/status/", StatusView.as_view(), name="stats-status"),
    path("open-data/", OpenDataIndexView.as_view(), name="api-open-data-index"),
    path("open-data/<str:dataset>/", OpenDataView.as_view(), name="api-open-data"),
    *router.urls,
]
