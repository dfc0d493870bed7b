"""The Atom feed of the mechanism's public events: draws published, country reviews started
and completed (their summary then published), publication decisions on a completed review's
list of observations and on a party's submitted answers, and resources published in the
library. Titles in the request's
language; nothing confidential (which party, which cluster, when; a link to the public page).

The latest LIMIT events of every kind are read (one query per kind), merged and cut to
LIMIT: a fixed number of queries, whatever the number of events."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from revmod.lib.downloads import xml_safe
from revmod.library.models import Resource
from revmod.lots.models import Draw
from revmod.questionnaires.models import AnswerPublication
from revmod.reviews.models import Review, ReviewEvent
from revmod.reviews.workflow import Stage

LIMIT = 50


@dataclass(frozen=True)
class Entry:
    guid: str
    at: dt.datetime
    title: str
    description: str
    link: str


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _party_link(party) -> str:
    return reverse("party-detail", args=[party.code])


def _review_names(review) -> dict:
    return {"party": review.party.label, "cluster": review.cluster.label}


def _started(today: dt.date) -> list[Entry]:
    reviews = (
        Review.objects.filter(started_on__lte=today)
        .select_related("party", "cluster")
        .order_by("-started_on", "-pk")[:LIMIT]
    )
    return [
        Entry(
            f"urn:revmod:review:{r.pk}:started",
            _midnight(r.started_on),
            _("Country review of %(party)s started") % {"party": r.party.label},
            _("The review of %(party)s for the cluster “%(cluster)s” started.") % _review_names(r),
            _party_link(r.party),
        )
        for r in reviews
    ]


def _completions() -> list[Entry]:
    """Completions of the reviews completed now (a review reopened since is not public)."""
    events = (
        ReviewEvent.objects.filter(data__to=Stage.COMPLETED.value, review__stage=Stage.COMPLETED)
        .select_related("review__party", "review__cluster")
        .order_by("-at", "-pk")[:LIMIT]
    )
    return [
        Entry(
            f"urn:revmod:event:{e.pk}",
            e.at,
            _("Country review of %(party)s completed: its summary is published")
            % {"party": e.review.party.label},
            _(
                "The review of %(party)s for the cluster “%(cluster)s” is completed. Its "
                "summary, and the parts of its list of observations the party chose to publish, "
                "are on its public page."
            )
            % _review_names(e.review),
            _party_link(e.review.party),
        )
        for e in events
    ]


def _publications() -> list[Entry]:
    """Publication decisions recorded after their review was completed: they change what its
    public page shows (a decision before is published with the completion)."""
    completed_before = ReviewEvent.objects.filter(
        review=OuterRef("review"), data__to=Stage.COMPLETED.value, at__lte=OuterRef("at")
    )
    events = (
        ReviewEvent.objects.filter(kind="publication_decided", review__stage=Stage.COMPLETED)
        .filter(Exists(completed_before))
        .select_related("review__party", "review__cluster")
        .order_by("-at", "-pk")[:LIMIT]
    )
    return [
        Entry(
            f"urn:revmod:event:{e.pk}",
            e.at,
            _("List of observations of %(party)s: what is published changed")
            % {"party": e.review.party.label},
            _(
                "%(party)s recorded a new decision on publishing the list of observations of "
                "its review for the cluster “%(cluster)s”."
            )
            % _review_names(e.review),
            _party_link(e.review.party),
        )
        for e in events
    ]


def _answers_published() -> list[Entry]:
    """A party's decisions on publishing its submitted answers (questionnaires.publication):
    each changes what its country profile shows, a revocation included."""
    decisions = AnswerPublication.objects.select_related("review__party", "review__cluster")
    return [
        Entry(
            f"urn:revmod:answers:{d.pk}",
            d.at,
            _("Answers of %(party)s: what is published changed") % {"party": d.review.party.label},
            _(
                "%(party)s recorded a new decision on publishing its answers to the "
                "self-assessment questionnaire for the cluster “%(cluster)s”."
            )
            % _review_names(d.review),
            _party_link(d.review.party),
        )
        for d in decisions.order_by("-at", "-pk")[:LIMIT]
    ]


def _draws() -> list[Entry]:
    draws = (
        Draw.objects.filter(status=Draw.Status.PUBLISHED, published_at__isnull=False)
        .select_related("meeting")
        .only("pk", "kind", "published_at", "meeting__title", "meeting__held_on")
        .order_by("-published_at", "-pk")[:LIMIT]
    )
    return [
        Entry(
            f"urn:revmod:draw:{d.pk}",
            d.published_at,
            _("Result of a drawing of lots published: %(kind)s") % {"kind": d.get_kind_display()},
            _("Drawn at the meeting “%(meeting)s” of %(day)s.")
            % {"meeting": d.meeting.title, "day": d.meeting.held_on.isoformat()},
            reverse("lots:draw-detail", args=[d.pk]),
        )
        for d in draws
    ]


def _resources() -> list[Entry]:
    resources = (
        Resource.objects.published()
        .filter(published_at__isnull=False)
        .order_by("-published_at", "-pk")[:LIMIT]
    )
    return [
        Entry(
            f"urn:revmod:resource:{r.pk}:{r.published_at.isoformat()}",
            r.published_at,
            _("New in the resources library: %(title)s") % {"title": r.title},
            r.description,
            reverse("library:resource-detail", args=[r.pk]),
        )
        for r in resources
    ]


def public_events(today: dt.date) -> list[Entry]:
    """The latest LIMIT public events, newest first."""
    entries = [
        *_started(today),
        *_completions(),
        *_publications(),
        *_answers_published(),
        *_draws(),
        *_resources(),
    ]
    entries.sort(key=lambda e: (e.at, e.guid), reverse=True)
    return entries[:LIMIT]


class EventsFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("Review mechanism: public events")

    def subtitle(self):
        return _(
            "Drawings of lots, country reviews started and completed, published outputs and "
            "new resources."
        )

    def link(self):
        return reverse("opendata:index")

    def feed_url(self):
        return reverse("feed-events")

    def items(self):
        return public_events(timezone.now().date())

    # XML 1.0 cannot hold control characters (a vertical tab pasted into a title): the feed
    # leaves them out rather than fail.
    def item_title(self, item):
        return xml_safe(item.title)

    def item_description(self, item):
        return xml_safe(item.description)

    def item_link(self, item):
        return item.link

    def item_guid(self, item):
        return item.guid

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item.at

    def item_updateddate(self, item):
        return item.at
