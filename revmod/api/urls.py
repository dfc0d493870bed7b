from django.urls import path
from rest_framework.routers import DefaultRouter

from revmod.api.documents import DocumentViewSet
from revmod.api.followups import BriefingViewSet, FollowUpViewSet
from revmod.api.lots import DrawViewSet, MeetingViewSet, PairingViewSet
from revmod.api.nominations import NominationViewSet
from revmod.api.reviews import ReviewViewSet
from revmod.api.stats import StatusView
from revmod.api.views import PartyViewSet

router = DefaultRouter()
router.register("parties", PartyViewSet, basename="party")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("draws", DrawViewSet, basename="draw")
router.register("pairings", PairingViewSet, basename="pairing")
router.register("reviews", ReviewViewSet, basename="review")
router.register("nominations", NominationViewSet, basename="nomination")
router.register("followups", FollowUpViewSet, basename="followup")
router.register("briefings", BriefingViewSet, basename="briefing")
router.register(
    r"reviews/(?P<review_pk>[0-9]+)/documents", DocumentViewSet, basename="review-document"
)

urlpatterns = [
    path("stats/status/", StatusView.as_view(), name="stats-status"),
    *router.urls,
]
