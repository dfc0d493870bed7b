"""The list of observations and its summary (seed ¶38-41): drafted together by the party under
review and its reviewing parties, every save a new numbered version; each focal point signs
off one frozen version (its SHA-256 shown); the review is completed once every party has signed
the same version; the party under review decides what of the full list is published (the
summary always is)."""

import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revmod.accounts.models import User
from revmod.lib.confirm import Summary
from revmod.questionnaires.actions import digest
from revmod.questionnaires.models import ObservationVersion, PublicationDecision, SignOff
from revmod.registry.models import Party
from revmod.reviews import actions as reviews
from revmod.reviews.confirmations import on_behalf
from revmod.reviews.models import Review
from revmod.reviews.schedule import Loaded
from revmod.reviews.workflow import Action, Actor, Role, Side, Stage

SECTIONS = [
    ("gaps", gettext_lazy("Gaps and challenges")),
    ("good_practices", gettext_lazy("Good practices")),
    ("recommendations", gettext_lazy("Recommendations")),
    ("assistance", gettext_lazy("Technical-assistance needs")),
    ("summary", gettext_lazy("Summary")),
]


# The sections of the full list the party under review may publish or keep (the summary is
# always published once the review is completed).
PUBLISHABLE = [key for key, _label in SECTIONS if key != "summary"]


# Publication decisions, the one in force (the latest) first.
IN_FORCE_FIRST = ("-at", "-pk")


class ObservationError(Exception):
    """A change refused, with a message for the person who tried."""


class StaleVersion(ObservationError):
    """A newer version was saved since the form was opened: `current` is it."""

    def __init__(self, current: ObservationVersion):
        super().__init__(_("Someone else saved a new version after you opened this one."))
        self.current = current


@dataclass(frozen=True)
class ObservationAccess:
    actor: Actor

    @property
    def may_draft(self) -> bool:
        """The focal points and experts of the three parties draft together."""
        return self.actor.role in {Role.FOCAL_POINT, Role.EXPERT}

    @property
    def may_sign(self) -> bool:
        return self.actor.role == Role.FOCAL_POINT

    @property
    def may_decide(self) -> bool:
        """The party under review decides on publication (seed ¶41)."""
        return self.actor.role == Role.FOCAL_POINT and self.actor.side == Side.REVIEWED


def access_for(user, review: Review, loaded: Loaded | None = None) -> ObservationAccess | None:
    """None when `user` takes no part in `review`; every participant reads."""
    loaded = loaded or Loaded([review])
    actor = loaded.actor(user, review)
    return None if actor is None else ObservationAccess(actor)


def latest(review: Review) -> ObservationVersion | None:
    return ObservationVersion.objects.filter(review=review).order_by("-number").first()


def drafts(review_pks: list[int]):
    """The observations stage's drafts (reviews.stages): the reviews among `review_pks` with a
    version of the list, a draft of every party (it is written together). One query."""
    versions = ObservationVersion.objects.filter(review__in=review_pks)
    return ((pk, None) for pk in versions.values_list("review", flat=True).order_by().distinct())


def clean(sections: dict[str, str]) -> dict[str, str]:
    return {key: (sections.get(key) or "").replace("\r\n", "\n").strip() for key, _l in SECTIONS}


@transaction.atomic
def save_version(
    review: Review, *, by: User, now: dt.datetime, based_on: int, sections: dict[str, str]
) -> ObservationVersion:
    """Save the sections as a new version, based on version `based_on` (0 for the first).
    Refused with StaleVersion when a newer version exists (nothing is overwritten), with
    ObservationError when `by` may not draft or the review is not at the observations stage.
    A save after sign-offs withdraws the clearances: they approved another text."""
    review = Review.objects.select_for_update().select_related("party").get(pk=review.pk)
    access = access_for(by, review)
    if access is None or not access.may_draft:
        raise ObservationError(_("You may not draft the list of observations of this review."))
    if review.stage != Stage.OBSERVATIONS:
        raise ObservationError(
            _("The list of observations can be changed only at the observations stage.")
        )
    current = latest(review)
    if based_on != (current.number if current else 0):
        raise StaleVersion(current)
    data = clean(sections)
    version = ObservationVersion.objects.create(
        review=review,
        number=based_on + 1,
        sections=data,
        sha256=digest(data),
        created_by=by,
        created_at=now,
    )
    reviews.record(
        review, "observations_saved", by=by, at=now, version=version.number, sha256=version.sha256
    )
    if review.cleared:
        reviews.act(review, Action.DRAFT, by=by, now=now)
    return version


def signed_latest(review: Review) -> set[str]:
    """The codes of the parties that signed off the latest version."""
    current = latest(review)
    if current is None:
        return set()
    return set(current.sign_offs.values_list("party__code", flat=True))


@transaction.atomic
def sign_off(
    review: Review,
    *,
    by: User,
    now: dt.datetime,
    number: int,
    on_behalf_of: str | None = None,
    reason: str = "",
) -> SignOff:
    """`by`, a focal point, signs off version `number` for their party, which clears the
    step for it. Only the latest version may be signed: every party signs the same text.
    `on_behalf_of` (a party code, with a `reason`): the secretariat signs for a party of the
    review that cannot use the platform (seed ¶33), as reviews.actions.act does."""
    review = Review.objects.select_for_update().select_related("party").get(pk=review.pk)
    current, party = _signing(review, by, number, on_behalf_of, reason)
    signed = SignOff.objects.create(version=current, party=party, by=by, at=now)
    behalf = {"on_behalf_of": party.code, "reason": reason.strip()} if on_behalf_of else {}
    reviews.record(
        review,
        "observations_signed",
        by=by,
        at=now,
        party=party.code,
        version=current.number,
        sha256=current.sha256,
        **behalf,
    )
    reviews.act(
        review, Action.CLEAR, by=by, now=now, on_behalf_of=on_behalf_of, reason=reason or None
    )
    return signed


def _signing(review, by, number, on_behalf_of, reason) -> tuple[ObservationVersion, Party]:
    """`sign_off`'s checks: the version `by` signs and the party it signs for (the focal
    point's, or the one the secretariat stands in for); ObservationError otherwise."""
    access = access_for(by, review)
    if on_behalf_of:
        try:  # the secretariat as that party's focal point
            access = ObservationAccess(reviews.stand_in(by, review, on_behalf_of, reason))
        except reviews.ReviewError as error:
            raise ObservationError(str(error)) from None
    if access is None or not access.may_sign:
        raise ObservationError(_("Only a focal point signs off the list of observations."))
    if review.stage != Stage.OBSERVATIONS:
        raise ObservationError(_("The list of observations is signed off at its own stage."))
    current = latest(review)
    if current is None or current.number != number:
        raise ObservationError(_("Sign off the latest version: a newer one has been saved."))
    party = Party.objects.get(code=access.actor.party)
    if current.sign_offs.filter(party=party).exists():
        raise ObservationError(_("Your party has already signed off this version."))
    return current, party


def check_clear(review: Review, party: str) -> str | None:
    """Why `party` may not clear the observations stage now: once the list is drafted here, a
    party clears by signing off its latest version. A review without any version (its list
    kept as an uploaded document, or driven by the simulation) clears as every other step."""
    if latest(review) is not None and party not in signed_latest(review):
        return _("Sign off the latest version of the list of observations first.")
    return None


def stage_check(review: Review, action: Action, actor, state) -> str | None:
    """The observations stage's check (reviews.stages): a party clears by signing off, and the
    review is completed only when every party signed the same version (seed ¶40-41)."""
    if action == Action.CLEAR and actor.party:
        return check_clear(review, actor.party)
    if action == Action.SUBMIT:
        return check_complete(review, list(state.parties))
    return None


def check_complete(review: Review, parties: list[str]) -> str | None:
    """Why the review may not be completed now: every party signs the same (latest) version
    (when the list is drafted here at all; see check_clear)."""
    if latest(review) is None:
        return None
    missing = sorted(set(parties) - signed_latest(review))
    if missing:
        return _("These parties have not signed off the latest version: %s.") % ", ".join(missing)
    return None


@transaction.atomic
def decide_publication(
    review: Review,
    *,
    by: User,
    now: dt.datetime,
    choice: str,
    sections: Sequence[str] = (),
    parts: str = "",
    based_on: int | None = None,
) -> PublicationDecision:
    """The party under review's focal point records what of the full list is published once the
    review is completed: in full, in part (the `sections` chosen, with an optional note `parts`)
    or not at all; the summary is published always. `based_on`: the id of the decision in
    force the person saw (0 for none; the pages send it): refused, recording nothing, when
    another decision was recorded since."""
    review = Review.objects.select_for_update().select_related("party").get(pk=review.pk)
    published, parts = _deciding(review, by, choice, sections, parts, based_on)
    decision = PublicationDecision.objects.create(
        review=review, choice=choice, sections=published, parts=parts, by=by, at=now
    )
    reviews.record(review, "publication_decided", by=by, at=now, choice=choice, sections=published)
    return decision


def in_force(review: Review) -> PublicationDecision | None:
    """The publication decision in force: the latest."""
    return PublicationDecision.objects.filter(review=review).order_by(*IN_FORCE_FIRST).first()


def _deciding(review, by, choice, sections, parts, based_on) -> tuple[list[str], str]:
    """`decide_publication`'s checks: the sections published and the note kept, or
    ObservationError."""
    access = access_for(by, review)
    if access is None or not access.may_decide:
        raise ObservationError(_("The party under review's focal point decides on publication."))
    if review.stage not in {Stage.OBSERVATIONS, Stage.COMPLETED}:
        raise ObservationError(_("Publication is decided once the list of observations exists."))
    if based_on is not None:
        current = in_force(review)
        if based_on != (current.pk if current else 0):
            raise ObservationError(
                _(
                    "Another publication decision was recorded after you opened this page: "
                    "nothing was recorded. Look at it again before you decide."
                )
            )
    if choice not in PublicationDecision.Choice.values:
        raise ObservationError(_("Choose how the list of observations is published."))
    chosen = set(sections)
    if chosen - set(PUBLISHABLE):
        raise ObservationError(_("Choose among the sections of the list of observations."))
    if choice == PublicationDecision.Choice.PART and not chosen:
        raise ObservationError(_("Say which parts are published."))
    published = {
        PublicationDecision.Choice.FULL: PUBLISHABLE,
        PublicationDecision.Choice.PART: [key for key in PUBLISHABLE if key in chosen],
        PublicationDecision.Choice.NONE: [],
    }[PublicationDecision.Choice(choice)]
    return published, parts.strip() if choice == PublicationDecision.Choice.PART else ""


def summary(review: Review, action: Action, actor, state) -> Summary | None:
    """The observations stage's summary (reviews.stages), shown before the review is completed
    (its submission): the version every party signed, its sections filled or empty, what is
    published, and what follows. None for a clearance (a party clears by signing off:
    `sign_off_summary`) and for a list not drafted here (the workflow's summary then)."""
    current = latest(review) if action == Action.SUBMIT else None
    if current is None:
        return None
    warnings: list[str] = []
    result = Summary(
        title=_("Complete the review"),
        sent=[
            _("Version %(number)s of the list of observations, signed off by every party")
            % {"number": current.number},
            *_sections(current, warnings),
        ],
        warnings=warnings,
        next=[
            _("The review is completed; only the secretariat can reopen it."),
            _(
                "The summary, and the parts of the full list that %(party)s decided to "
                "publish, appear on its public page for anyone to read."
            )
            % {"party": review.party.label},
            _("Everyone taking part in the review is notified."),
        ],
    )
    decision = in_force(review)
    if decision is None:
        result.warnings.append(
            _(
                "The party under review has recorded no publication decision: only the "
                "summary will be published until it records one."
            )
        )
    else:
        result.sent.append(_published_line(decision.choice, decision.sections, decision.parts))
    return result


def sign_off_summary(
    review: Review, *, by: User, number: int, on_behalf_of: str | None = None, reason: str = ""
) -> Summary:
    """What signing off version `number` sends and what follows (the confirmation before
    `sign_off`, with the same arguments); ObservationError when `sign_off` would refuse."""
    current, party = _signing(review, by, number, on_behalf_of, reason)
    signed = sorted(current.sign_offs.values_list("party__code", flat=True))
    warnings: list[str] = []
    result = Summary(
        title=_("Sign off version %(number)s of the list of observations")
        % {"number": current.number},
        sent=[
            _("Version %(number)s, saved by %(who)s on %(when)s (SHA-256 %(sha256)s)")
            % {
                "number": current.number,
                "who": current.created_by.get_full_name() or current.created_by.get_username(),
                "when": formats.date_format(
                    timezone.localtime(current.created_at), "DATETIME_FORMAT"
                ),
                "sha256": current.sha256,
            },
            *_sections(current, warnings),
            _("Signed off so far by: %(parties)s") % {"parties": ", ".join(signed) or "—"},
        ],
        warnings=warnings,
        next=[
            _(
                "The sign-off of %(party)s is recorded: it clears the list for that party, and "
                "the review's focal points are notified."
            )
            % {"party": party.label},
            _("A new version saved after this must be signed off again by every party."),
            _(
                "Once every party has signed off the same version, the review can be "
                "completed and its summary published."
            ),
        ],
    )
    if on_behalf_of:
        on_behalf(result, party.label, reason)
    return result


def publication_summary(
    review: Review,
    *,
    by: User,
    choice: str,
    sections: Sequence[str] = (),
    parts: str = "",
    based_on: int | None = None,
) -> Summary:
    """What recording this publication decision means (the confirmation before
    `decide_publication`, with the same arguments); ObservationError when it would refuse."""
    published, parts = _deciding(review, by, choice, sections, parts, based_on)
    party = review.party.label
    return Summary(
        title=_("Record the publication decision"),
        sent=[_published_line(choice, published, parts)],
        next=[
            _(
                "The review is completed: the public page of %(party)s shows this at once, "
                "for anyone to read."
            )
            % {"party": party}
            if review.stage == Stage.COMPLETED
            else _(
                "Once the review is completed, the public page of %(party)s shows this, for "
                "anyone to read."
            )
            % {"party": party},
            _("Another decision may be recorded later: the latest one is in force."),
        ],
    )


def _sections(version: ObservationVersion, warnings: list[str]) -> list[str]:
    """The lines saying which sections of `version` are filled; a warning for the empty ones."""
    filled = [str(label) for key, label in SECTIONS if (version.sections.get(key) or "").strip()]
    empty = [str(label) for key, label in SECTIONS if not (version.sections.get(key) or "").strip()]
    if empty:
        warnings.append(
            _("These sections are empty: %(sections)s. You may go on with them empty.")
            % {"sections": "; ".join(empty)}
        )
    return [_("Sections filled: %(sections)s") % {"sections": "; ".join(filled) or "—"}]


def _published_line(choice: str, published: Sequence[str], parts: str) -> str:
    if choice == PublicationDecision.Choice.FULL:
        return _("Published: the summary and the full list of observations.")
    if choice == PublicationDecision.Choice.NONE:
        return _("Published: the summary only.")
    labels = dict(SECTIONS)
    line = _("Published: the summary and these sections: %(sections)s.") % {
        "sections": "; ".join(str(labels[key]) for key in published)
    }
    return line + (" " + _("Note: %(parts)s") % {"parts": parts} if parts else "")


@dataclass(frozen=True)
class Published:
    """What the public reads of a completed review: the summary and the sections of the list of
    observations its party decided to publish, from the version every party signed off."""

    review: Review
    version: ObservationVersion
    decision: PublicationDecision | None
    sections: list[tuple[str, str]]  # (label, text) of each section published, summary first


def published(party: Party) -> list[Published]:
    """The completed reviews of `party` as the public may read them (three queries). Nothing of
    a review that is not completed: its texts are drafts until every party of the review has
    signed the same version (which then is the latest: no version is saved after that)."""
    completed = (
        Review.objects.filter(party=party, stage=Stage.COMPLETED)
        .select_related("cluster")
        .prefetch_related(
            Prefetch(
                "observation_versions", queryset=ObservationVersion.objects.order_by("-number")
            ),
            Prefetch(
                "publication_decisions",
                queryset=PublicationDecision.objects.order_by(*IN_FORCE_FIRST),
            ),
        )
        .order_by("cluster__review_order", "pk")
    )
    labels = dict(SECTIONS)
    result = []
    for review in completed:
        versions = list(review.observation_versions.all())
        if not versions:
            continue
        decisions = list(review.publication_decisions.all())
        decision = decisions[0] if decisions else None
        keys = ["summary", *(decision.sections if decision else [])]
        texts = versions[0].sections
        shown = [(str(labels[key]), texts.get(key, "")) for key in keys if key in labels]
        result.append(Published(review, versions[0], decision, shown))
    return result


def diff(old: ObservationVersion, new: ObservationVersion) -> list[dict]:
    """Per section, the lines removed, added and kept between two versions (plain text: the
    template escapes it)."""
    result = []
    for key, label in SECTIONS:
        a = (old.sections.get(key) or "").splitlines()
        b = (new.sections.get(key) or "").splitlines()
        lines = []
        for line in difflib.ndiff(a, b):
            tag, text = line[:2], line[2:]
            if tag == "? ":
                continue
            lines.append({"kind": {"- ": "del", "+ ": "add"}.get(tag, "same"), "text": text})
        result.append({"key": key, "label": label, "changed": a != b, "lines": lines})
    return result
