"""Opening a survey, answering it, tracking the requests: the rules of the actions."""

import datetime as dt

import pytest
from django.db import transaction

from revmod.assistance import actions
from revmod.assistance.models import Change, Request, Response, Survey
from revmod.assistance.tests.helpers import AFTER, NOW, people, survey
from revmod.notifications.models import Message
from revmod.registry.models import Party

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(registry):
    return people()


def test_opening_a_survey_tells_each_focal_point_in_their_language(users):
    before = Message.objects.count()
    opened = survey(users)
    assert opened.categories[0] == "general_training" and len(opened.categories) == 7
    messages = Message.objects.filter(kind="assistance_survey_opened")
    assert Message.objects.count() - before == messages.count() == 2  # FRA's and DEU's
    by_person = {m.recipient.username: m for m in messages}
    assert set(by_person) == {"fra_fp", "deu_fp"}
    assert by_person["fra_fp"].language == "fr" and "/fr/assistance/" in by_person["fra_fp"].text
    assert "Needs 2024" in by_person["deu_fp"].subject and by_person["deu_fp"].language == "ar"


def test_the_categories_come_from_the_setting_and_stay_with_the_survey(users, settings):
    settings.REVMOD_ASSISTANCE_CATEGORIES = ["general_training", "mentoring"]
    opened = survey(users)
    settings.REVMOD_ASSISTANCE_CATEGORIES = ["other"]
    opened.refresh_from_db()
    assert opened.categories == ["general_training", "mentoring"]
    assert [label for _code, label in opened.category_choices()] == [
        "General training",
        "mentoring",
    ]


def test_a_survey_closing_before_it_opens_is_refused(users):
    with pytest.raises(actions.AssistanceError, match="cannot close before it opens"):
        survey(users, closes_on=dt.date(2024, 1, 1))
    assert (
        not Survey.objects.exists()
        and not Message.objects.filter(kind="assistance_survey_opened").exists()
    )


def test_each_category_becomes_a_request_and_an_edit_withdraws_or_restores(users):
    opened = survey(users)
    fra = Party.objects.get(code="FRA")
    fp = users["fra_fp"]
    actions.answer(
        opened, fra, needs={"general_training": "Judges", "other": "Translation"}, by=fp, now=NOW
    )
    requests = {r.category: r for r in Request.objects.all()}
    assert set(requests) == {"general_training", "other"}
    assert requests["other"].status == "received" and requests["other"].description == "Translation"
    later = NOW + dt.timedelta(days=1)
    actions.answer(
        opened, fra, needs={"general_training": "Judges and prosecutors"}, by=fp, now=later
    )
    assert Response.objects.count() == 1 and Request.objects.count() == 2
    other = Request.objects.get(category="other")
    assert other.withdrawn_at == later
    assert Request.objects.get(category="general_training").description == "Judges and prosecutors"
    actions.answer(opened, fra, needs={"other": "Again"}, by=fp, now=later)
    other.refresh_from_db()
    assert other.withdrawn_at is None and other.description == "Again"
    assert Change.objects.filter(request=other).count() == 3  # asked, withdrawn, asked again


def test_after_closing_an_answer_is_refused_and_nothing_changes(users):
    opened = survey(users)
    fra = Party.objects.get(code="FRA")
    actions.answer(opened, fra, needs={"other": "x"}, by=users["fra_fp"], now=NOW)
    with pytest.raises(actions.AssistanceError, match="closed to answers"):
        actions.answer(opened, fra, needs={"general_training": "y"}, by=users["fra_fp"], now=AFTER)
    assert list(Request.objects.values_list("category", "withdrawn_at")) == [("other", None)]


def test_a_category_the_survey_does_not_ask_about_is_refused(users):
    opened = survey(users)
    fra = Party.objects.get(code="FRA")
    with pytest.raises(actions.AssistanceError, match="does not ask about: cooking"):
        actions.answer(opened, fra, needs={"cooking": "", "other": ""}, by=users["fra_fp"], now=NOW)
    assert not Response.objects.exists()


def test_tracking_keeps_the_history(users):
    opened = survey(users)
    fra = Party.objects.get(code="FRA")
    actions.answer(opened, fra, needs={"other": "x"}, by=users["fra_fp"], now=NOW)
    request = Request.objects.get()
    officer = users["secretariat"]
    actions.track(
        request,
        status="in_progress",
        status_on=NOW.date(),
        note="Call held",
        officer=officer,
        by=officer,
        now=NOW,
    )
    change = Change.objects.filter(request=request).last()
    assert change.by == officer
    assert change.fields["status"] == ["received", "in_progress"]
    assert change.fields["officer"] == ["", "secretariat"]
    with pytest.raises(actions.AssistanceError, match="secretariat"):
        actions.track(
            request,
            status="met",
            status_on=NOW.date(),
            note="",
            officer=users["fra_fp"],
            by=officer,
            now=NOW,
        )
    request.refresh_from_db()
    assert request.status == "in_progress"


def test_a_message_is_rolled_back_with_its_survey(users):
    with pytest.raises(RuntimeError), transaction.atomic():
        survey(users)
        raise RuntimeError
    assert not Message.objects.filter(kind="assistance_survey_opened").exists()
