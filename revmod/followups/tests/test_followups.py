"""Follow-ups: recorded, edited and listed by the secretariat alone; their open next actions in
the officer's task list."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from revmod.followups import actions
from revmod.followups.models import FollowUp
from revmod.followups.tests.conftest import NOW
from revmod.registry.models import Party
from revmod.test import FORMULA, assert_inert, body, count_queries

pytestmark = pytest.mark.django_db


def followup(by, party="FRA", **fields):
    values = {
        "party": Party.objects.get(code=party),
        "whom": "mission",
        "kind": "call",
        "held_on": dt.date(2024, 3, 1),
        "subject": "Timetable of the questionnaire",
    }
    values.update(fields)
    return actions.record_followup(by=by, now=NOW, **values)


def test_the_officer_is_the_creator_unless_another_is_chosen(world):
    people, _reviews = world
    mine = followup(people["secretariat"], next_action="Call again", next_action_on=NOW.date())
    theirs = followup(people["secretariat"], officer=people["colleague"])
    assert mine.officer == people["secretariat"] and theirs.officer == people["colleague"]
    assert mine.created_by == mine.changed_by == people["secretariat"]
    assert mine.is_open and not theirs.is_open


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"review": "DEU"}, "review"),  # a review of another party
        ({"stage": "questionnaire"}, "stage"),  # a step without a review
        ({"next_action_on": dt.date(2024, 5, 1)}, "next_action"),  # a date without an action
        ({"officer": "reviewed_fp"}, "officer"),  # not the secretariat
    ],
)
def test_bad_input_is_refused_and_nothing_is_recorded(world, fields, field):
    people, reviews = world
    if "review" in fields:
        fields["review"] = reviews[fields["review"]]
    if "officer" in fields:
        fields["officer"] = people[fields["officer"]]
    with pytest.raises(ValidationError) as raised:
        followup(people["secretariat"], **fields)
    assert field in raised.value.message_dict
    assert not FollowUp.objects.exists()


def test_a_changed_next_action_is_open_again(world):
    people, reviews = world
    sec = people["secretariat"]
    f = followup(sec, review=reviews["FRA"], stage="awaiting_nominations", next_action="Write")
    actions.mark_done(f, by=sec, now=NOW)
    assert not f.is_open and f.done_by == sec
    actions.edit_followup(f, by=people["colleague"], now=NOW, outcome="Agreed")
    f.refresh_from_db()
    assert not f.is_open and f.changed_by == people["colleague"]
    actions.edit_followup(f, by=sec, now=NOW, next_action="Write again")
    f.refresh_from_db()
    assert f.is_open and f.done_at is None


def test_done_without_a_next_action_is_refused(world):
    people, _reviews = world
    f = followup(people["secretariat"])
    with pytest.raises(ValidationError):
        actions.mark_done(f, by=people["secretariat"], now=NOW)
    f.refresh_from_db()
    assert f.done_at is None


def post_data(**changes):
    data = {
        "party": "FRA",
        "whom": "focal_point",
        "contact_name": "Ms. Dupont",
        "kind": "email",
        "held_on": "2024-03-01",
        "subject": "Nominations",
        "review": "",
        "stage": "",
        "outcome": "",
        "next_action": "Send the guide",
        "next_action_on": "2024-03-10",
        "officer": "",
    }
    data.update(changes)
    return data


def test_the_secretariat_records_edits_and_lists_through_the_pages(client, world):
    people, reviews = world
    client.force_login(people["secretariat"])
    assert client.get(reverse("followups:new")).status_code == 200
    response = client.post(reverse("followups:new"), post_data(review=reviews["FRA"].pk))
    f = FollowUp.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "followups:detail", args=[f.pk]
    )
    assert f.officer == people["secretariat"] and f.review == reviews["FRA"]
    page = client.get(reverse("followups:detail", args=[f.pk])).content.decode()
    assert "Ms. Dupont" in page and "Send the guide" in page
    edit = reverse("followups:edit", args=[f.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, post_data(subject="Nominations, again", officer="colleague"))
    assert response.status_code == 302
    f.refresh_from_db()
    assert f.subject == "Nominations, again" and f.officer == people["colleague"]
    listed = client.get(reverse("followups:list") + "?party=FRA&open=on").content.decode()
    assert "Nominations, again" in listed
    assert (
        "Nominations, again"
        not in client.get(reverse("followups:list") + "?kind=call").content.decode()
    )


def test_a_bad_form_says_why_and_records_nothing(client, world):
    people, reviews = world
    client.force_login(people["secretariat"])
    response = client.post(reverse("followups:new"), post_data(review=reviews["DEU"].pk))
    assert response.status_code == 200
    assert "Choose a review of this party." in response.content.decode()
    response = client.post(reverse("followups:new"), post_data(held_on="yesterday"))
    assert response.status_code == 200 and not FollowUp.objects.exists()
    assert client.get(reverse("followups:list") + "?ordering=nonsense").status_code == 400


@pytest.mark.parametrize(
    "persona", ["reviewed_fp", "reviewer_fp", "expert", "observer", "outsider"]
)
def test_nobody_but_the_secretariat_sees_or_records_a_followup(client, world, persona):
    people, _reviews = world
    f = followup(people["secretariat"], next_action="Call", next_action_on=NOW.date())
    client.force_login(people[persona])
    for name, args in [("list", []), ("new", []), ("detail", [f.pk]), ("edit", [f.pk])]:
        assert client.get(reverse(f"followups:{name}", args=args)).status_code == 404
    assert client.get(reverse("followups:export", args=["csv"])).status_code == 404
    assert client.post(reverse("followups:done", args=[f.pk])).status_code == 404
    assert client.post(reverse("followups:new"), post_data()).status_code == 404
    f.refresh_from_db()
    assert f.is_open and FollowUp.objects.count() == 1
    assert "Call" not in client.get(reverse("home")).content.decode()


def test_open_actions_show_in_the_officers_task_list_overdue_first(client, world):
    people, _reviews = world
    sec = people["secretariat"]
    today = dt.date.today()
    late = followup(
        sec,
        subject="A",
        next_action="Chase the answers",
        next_action_on=today - dt.timedelta(days=3),
    )
    followup(
        sec,
        subject="B",
        next_action="Send the minutes",
        next_action_on=today + dt.timedelta(days=5),
    )
    followup(sec, subject="C", next_action="Not dated")  # no date: not a task
    followup(
        sec,
        subject="D",
        next_action="Colleague's call",
        next_action_on=today,
        officer=people["colleague"],
    )
    client.force_login(sec)
    page = client.get(reverse("home")).content.decode()
    assert page.index("Chase the answers") < page.index("Send the minutes")
    assert "Not dated" not in page and "Colleague&#x27;s call" not in page
    detail = reverse("followups:detail", args=[late.pk])
    assert f'<li class="overdue"><strong>Overdue:</strong> <a href="{detail}">Chase' in page
    everyone = client.get(reverse("home") + "?officer=all").content.decode()
    assert "Colleague&#x27;s call" in everyone
    # Marked done from the home page: it leaves the list, back on the home page.
    response = client.post(reverse("followups:done", args=[late.pk]), {"back": "home"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert "Chase the answers" not in client.get(reverse("home")).content.decode()
    client.post(reverse("followups:done", args=[late.pk]), {"done": "0"})
    assert "Chase the answers" in client.get(reverse("home")).content.decode()


def test_the_export_holds_the_list_with_inert_cells(client, world):
    people, _reviews = world
    followup(people["secretariat"], subject=FORMULA, outcome="Fine")
    followup(people["secretariat"], subject="Other", kind="email")
    client.force_login(people["secretariat"])
    for fmt in ("csv", "xlsx"):
        assert_inert(client.get(reverse("followups:export", args=[fmt]) + "?kind=call"), FORMULA)
    lines = body(client.get(reverse("followups:export", args=["csv"]) + "?kind=call")).decode()
    assert len(lines.splitlines()) == 2 and "Other" not in lines
    bad = client.get(reverse("followups:export", args=["csv"]) + "?ordering=nonsense")
    assert bad.status_code == 400


def test_the_list_the_export_and_the_home_stay_flat_as_followups_grow(client, world):
    people, reviews = world
    sec = people["secretariat"]
    client.force_login(sec)

    def fetch():
        assert client.get(reverse("followups:list")).status_code == 200
        assert client.get(reverse("followups:export", args=["csv"])).status_code == 200
        assert client.get(reverse("home")).status_code == 200

    def grow(code, n):
        for i in range(n):
            followup(
                sec,
                party=code,
                review=reviews[code],
                stage="awaiting_nominations",
                next_action=f"Action {i}",
                next_action_on=dt.date(2024, 3, 1),
                officer=people["colleague"] if i % 2 else sec,
            )

    grow("FRA", 2)
    few = count_queries(fetch)
    grow("DEU", 3)
    grow("KEN", 3)
    assert count_queries(fetch) == few
