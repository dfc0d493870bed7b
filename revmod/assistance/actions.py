"""The operations on technical-assistance needs, one transaction each. Bad input raises
AssistanceError with a translated message and changes nothing."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from revmod.accounts.models import Nomination
from revmod.assistance import categories
from revmod.assistance.models import Change, Request, Response, Survey
from revmod.notifications import outbox
from revmod.registry import versions


class AssistanceError(Exception):
    """A refused operation; the message says why, in the active language."""


def _check_dates(opens_on: dt.date, closes_on: dt.date) -> None:
    if closes_on < opens_on:
        raise AssistanceError(_("The survey cannot close before it opens."))


@transaction.atomic
def open_survey(*, title: str, opens_on, closes_on, by, now: dt.datetime) -> Survey:
    """Open a survey asking about the categories of the setting, and tell every focal point in
    force by e-mail, in their language (one message per person)."""
    _check_dates(opens_on, closes_on)
    codes = categories.current()
    if not codes:
        raise AssistanceError(_("No category is set: set REVMOD_ASSISTANCE_CATEGORIES."))
    survey = Survey.objects.create(
        title=title.strip(),
        opens_on=opens_on,
        closes_on=closes_on,
        categories=codes,
        created_by=by,
        created_at=now,
        changed_by=by,
        changed_at=now,
    )
    focal_points = (
        Nomination.objects.active()
        .filter(kind=Nomination.Kind.FOCAL_POINT, person__is_active=True)
        .select_related("person", "party")
        .order_by("person", "party__code")
    )
    told = set()
    for nomination in focal_points:
        if nomination.person_id in told:
            continue
        told.add(nomination.person_id)
        outbox.enqueue(
            "assistance_survey_opened",
            nomination.person,
            {"survey": survey, "party": nomination.party},
            key=f"assistance-survey-{survey.pk}-to-{nomination.person_id}",
            now=now,
        )
    return survey


@transaction.atomic
def edit_survey(survey: Survey, *, title: str, opens_on, closes_on, by, now) -> Survey:
    """Change a survey's title or dates (its categories stay those it was opened with)."""
    _check_dates(opens_on, closes_on)
    survey.title = title.strip()
    survey.opens_on, survey.closes_on = opens_on, closes_on
    survey.changed_by, survey.changed_at = by, now
    survey.save()
    return survey


def _record(request: Request, before: dict, *, by, now) -> None:
    """A Change row for the fields of `request` that differ from `before`."""
    fields = {}
    for name, old in before.items():
        new = _text(getattr(request, name))
        if new != old:
            fields[name] = [old, new]
    if fields:
        Change.objects.create(request=request, by=by, at=now, fields=fields)


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "get_username"):
        return value.get_username()
    return str(value)


TRACKED = ("status", "status_on", "note", "officer", "description", "withdrawn_at")


def _snapshot(request: Request) -> dict:
    return {name: _text(getattr(request, name)) for name in TRACKED}


@transaction.atomic
def answer(survey: Survey, party, *, needs: dict[str, str], by, now: dt.datetime) -> Response:
    """Record `party`'s answer to `survey`: `needs` maps each category asked for to its
    description. A category asked for becomes a request (received); one taken back is
    withdrawn; one asked again comes back. Refused once the survey is closed (or before it
    opens) and for a category the survey does not ask about; nothing changes then."""
    today = now.date()
    if not survey.is_open(today):
        raise AssistanceError(
            _("This survey is closed to answers (open from %(opens)s to %(closes)s).")
            % {"opens": survey.opens_on.isoformat(), "closes": survey.closes_on.isoformat()}
        )
    unknown = set(needs) - set(survey.categories)
    if unknown:
        raise AssistanceError(
            _("This survey does not ask about: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        )
    if not needs:
        raise AssistanceError(_("Choose at least one category of assistance."))
    response, created = Response.objects.select_for_update().get_or_create(
        survey=survey,
        party=party,
        defaults={"created_by": by, "created_at": now, "changed_by": by, "changed_at": now},
    )
    if not created:
        response.changed_by, response.changed_at = by, now
        response.save(update_fields=["changed_by", "changed_at"])
    existing = {r.category: r for r in response.requests.select_for_update()}
    for code in survey.categories:
        request = existing.get(code)
        if code in needs:
            _ask(response, request, code, needs[code].strip(), by=by, now=now)
        elif request is not None and request.withdrawn_at is None:
            before = _snapshot(request)
            request.withdrawn_at = now
            request.changed_by, request.changed_at = by, now
            request.save()
            _record(request, before, by=by, now=now)
    versions.bump()  # the status report counts the requests (¶46)
    return response


def _ask(response, request, code, description, *, by, now) -> None:
    if request is None:
        request = Request.objects.create(
            response=response,
            category=code,
            description=description,
            status_on=now.date(),
            created_by=by,
            created_at=now,
            changed_by=by,
            changed_at=now,
        )
        Change.objects.create(
            request=request,
            by=by,
            at=now,
            fields={"status": ["", request.status], "description": ["", description]},
        )
        return
    before = _snapshot(request)
    request.description, request.withdrawn_at = description, None
    if _snapshot(request) != before:
        request.changed_by, request.changed_at = by, now
        request.save()
        _record(request, before, by=by, now=now)


@transaction.atomic
def track(request: Request, *, status: str, status_on, note: str, officer, by, now) -> Request:
    """The secretariat records where a request stands (status, its date, a note, the officer
    in charge); the change is kept in the request's history. A withdrawn request is not
    tracked."""
    if request.withdrawn_at is not None:
        raise AssistanceError(_("The party withdrew this request: it is not tracked."))
    if status not in Request.Status.values:
        raise AssistanceError(_("Unknown status."))
    if officer is not None and not officer.is_secretariat:
        raise AssistanceError(_("The officer must be a member of the secretariat."))
    request = Request.objects.select_for_update().get(pk=request.pk)
    before = _snapshot(request)
    request.status, request.status_on, request.note = status, status_on, note.strip()
    request.officer = officer
    if _snapshot(request) != before:
        request.changed_by, request.changed_at = by, now
        request.save()
        _record(request, before, by=by, now=now)
    return request
