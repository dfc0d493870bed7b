"""The task lists: what each person must do next, in which review, by when, overdue first; the
secretariat's by officer; the deadline on every page of a step; the calendar feed."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from revmod.accounts import actions as accounts
from revmod.accounts.models import Nomination
from revmod.questionnaires import actions as answers
from revmod.questionnaires import feedback, observations
from revmod.questionnaires.models import Question
from revmod.registry.models import Cluster
from revmod.reviews import actions, ical, tasks
from revmod.reviews.deadlines import Step
from revmod.reviews.models import Review
from revmod.reviews.schedule import Loaded, with_schedule_data
from revmod.reviews.tasks import Kind
from revmod.reviews.workflow import Actor, ReviewState, Role, Side, Stage
from revmod.test import (
    count_queries,
    fresh,
    load_questionnaire,
    make_people,
    make_user,
    make_world,
    shared_data,
    to_questionnaire,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 5, 1)
NOW = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, made = make_world()
        load_questionnaire()
        people, _nominations = make_people(secretariat, made["FRA"])
        yield made, people


@pytest.fixture
def world(shared_world, db):
    """FRA's cluster-1 review awaiting nominations, every party's focal point named; its
    people (PERSONAS, every reviewing focal point); DEU, KEN, BRA's reviews with nobody."""
    made, people = fresh(shared_world)
    return made["FRA"], made, people


def items_in(person, review, today=TODAY):
    """(kind, [party codes waited for]) of `person`'s items in `review`."""
    return [
        (item.kind, [p.code for p in item.waiting_for])
        for item in tasks.for_user(person, today)
        if item.review.pk == review.pk
    ]


def question(key):
    return Question.objects.get(key=key, template__published=True)


def reviewers(review):
    return [p.reviewer.code for p in review.pairings().order_by("reviewer__code")]


def fp_of(code):
    nominations = Nomination.objects.active().filter(party__code=code, kind="focal_point")
    return nominations.get(scope="reviewer").person


def due(review, step):
    rows = list(with_schedule_data(Review.objects.filter(pk=review.pk)))
    return {sd.step: sd for sd in Loaded(rows).schedule(rows[0])}[step].due


# The rule, without a database.

STATE = ReviewState("FRA", ("DEU", "KEN"), focal_points={"FRA", "DEU", "KEN"})
REVIEWED_FP = Actor(Role.FOCAL_POINT, "FRA", Side.REVIEWED)
REVIEWED_EXPERT = Actor(Role.EXPERT, "FRA", Side.REVIEWED)
OBSERVER = Actor(Role.OBSERVER, "FRA", Side.REVIEWED)
REVIEWER_FP = Actor(Role.FOCAL_POINT, "DEU", Side.REVIEWING)


def state(stage, **changes):
    return ReviewState(**{**STATE.__dict__, "stage": stage, **changes})


def never(code):
    return False


def always(code):
    return True


@pytest.mark.parametrize(
    ("at", "actor", "drafted", "expected"),
    [
        # Nothing starts before every focal point is named: everyone waits for the missing.
        (
            state(Stage.AWAITING_NOMINATIONS, focal_points={"FRA"}),
            REVIEWED_FP,
            never,
            (Kind.WAITING, ("DEU", "KEN")),
        ),
        (state(Stage.AWAITING_NOMINATIONS), REVIEWER_FP, never, (Kind.START_CONSULTATION, ())),
        (state(Stage.AWAITING_NOMINATIONS), OBSERVER, never, (Kind.WAITING, ("FRA", "DEU", "KEN"))),
        (state(Stage.INITIAL_CONSULTATION), REVIEWER_FP, never, (Kind.RECORD_CONSULTATION, ())),
        (
            state(Stage.INITIAL_CONSULTATION, consultation_recorded=True),
            REVIEWED_FP,
            never,
            (Kind.ADVANCE, ()),
        ),
        (
            state(Stage.INITIAL_CONSULTATION),
            REVIEWED_EXPERT,
            never,
            (Kind.WAITING, ("FRA", "DEU", "KEN")),
        ),
        # The questionnaire: the party under review writes, its focal point clears, submits.
        (state(Stage.QUESTIONNAIRE), REVIEWED_FP, never, (Kind.ANSWER, ())),
        (state(Stage.QUESTIONNAIRE), REVIEWED_FP, always, (Kind.CLEAR_ANSWERS, ())),
        (state(Stage.QUESTIONNAIRE), REVIEWED_EXPERT, always, (Kind.ANSWER, ())),
        (
            state(Stage.QUESTIONNAIRE, cleared={"FRA"}),
            REVIEWED_FP,
            always,
            (Kind.SUBMIT_ANSWERS, ()),
        ),
        (state(Stage.QUESTIONNAIRE, cleared={"FRA"}), REVIEWED_EXPERT, always, (Kind.WAITING, ())),
        (state(Stage.QUESTIONNAIRE), REVIEWER_FP, always, (Kind.WAITING, ("FRA",))),
        (state(Stage.QUESTIONNAIRE), OBSERVER, always, (Kind.WAITING, ("FRA",))),
        # The written feedback is the reviewing parties', each clearing its own.
        (state(Stage.WRITTEN_FEEDBACK), REVIEWER_FP, lambda c: c == "KEN", (Kind.COMMENT, ())),
        (
            state(Stage.WRITTEN_FEEDBACK),
            REVIEWER_FP,
            lambda c: c == "DEU",
            (Kind.CLEAR_FEEDBACK, ()),
        ),
        (
            state(Stage.WRITTEN_FEEDBACK, cleared={"DEU"}),
            REVIEWER_FP,
            always,
            (Kind.WAITING, ("KEN",)),
        ),
        (
            state(Stage.WRITTEN_FEEDBACK, cleared={"DEU", "KEN"}),
            REVIEWER_FP,
            always,
            (Kind.SUBMIT_FEEDBACK, ()),
        ),
        (state(Stage.WRITTEN_FEEDBACK), REVIEWED_FP, always, (Kind.WAITING, ("DEU", "KEN"))),
        # The list of observations: every party signs off; observers never act.
        (state(Stage.OBSERVATIONS), REVIEWED_FP, never, (Kind.DRAFT_OBSERVATIONS, ())),
        (state(Stage.OBSERVATIONS), REVIEWER_FP, always, (Kind.SIGN_OFF, ())),
        (
            state(Stage.OBSERVATIONS, cleared={"FRA"}),
            REVIEWED_FP,
            always,
            (Kind.WAITING, ("DEU", "KEN")),
        ),
        (
            state(Stage.OBSERVATIONS, cleared={"FRA", "DEU", "KEN"}),
            REVIEWER_FP,
            always,
            (Kind.COMPLETE, ()),
        ),
        (state(Stage.OBSERVATIONS), OBSERVER, always, (Kind.WAITING, ("FRA", "DEU", "KEN"))),
        (state(Stage.COMPLETED), REVIEWED_FP, always, None),
    ],
)
def test_what_each_role_does_at_each_stage(at, actor, drafted, expected):
    assert tasks.todo(at, actor, drafted) == expected


# Each persona, through the real actions.


def test_while_the_review_awaits_nominations_the_focal_points_start_it(world):
    review, _made, people = world
    assert items_in(people["reviewed_fp"], review) == [(Kind.START_CONSULTATION, [])]
    assert items_in(people["reviewer_fp"], review) == [(Kind.START_CONSULTATION, [])]
    everyone = ["FRA", *reviewers(review)]
    assert items_in(people["expert"], review) == [(Kind.WAITING, everyone)]
    assert items_in(people["observer"], review) == [(Kind.WAITING, everyone)]
    assert tasks.for_user(people["outsider"], TODAY) == []
    # A party without a focal point: everyone waits for it, nobody can start.
    last = reviewers(review)[-1]
    nomination = Nomination.objects.get(person=fp_of(last), scope="reviewer")
    accounts.end_nomination(nomination, on=TODAY, by=people["secretariat"], now=NOW)
    [item] = [i for i in tasks.for_user(people["reviewed_fp"], TODAY) if i.review == review]
    assert (item.kind, item.is_task, item.step) == (Kind.WAITING, False, Step.FOCAL_POINTS)
    with translation.override("en"):
        assert item.summary.startswith("Waiting for a focal point to be named by: ")


def test_a_replaced_focal_point_does_not_re_date_the_step_focal_points_named(world):
    """Seed ¶43 (the secretariat monitors the timetables) and domain.md: the step "focal points
    named" is done on the day the last party first named its focal point; naming another focal
    point later replaces a person, it does not move the step (issue 21: the replacement's day
    put consultations before the naming). A role left vacant is waited for again."""
    review, _made, people = world

    def named():
        rows = list(with_schedule_data(Review.objects.filter(pk=review.pk)))
        return Loaded(rows).dates(rows[0]).focal_points_named

    before, due_before = named(), due(review, Step.INITIAL_CONSULTATION)
    stored = Review.objects.values_list("due_step", "due_on").get(pk=review.pk)
    assert before is not None
    successor = make_user("successor")
    accounts.nominate(
        party=review.party,
        person=successor,
        kind="focal_point",
        scope="own",
        starts_on=TODAY,
        by=people["secretariat"],
        now=NOW,
        handover_note="The files are with the ministry.",
    )
    assert fp_of_own(review.party.code) == successor  # the first one replaced
    assert named() == before < TODAY
    assert due(review, Step.INITIAL_CONSULTATION) == due_before
    assert Review.objects.values_list("due_step", "due_on").get(pk=review.pk) == stored
    # Vacant: a reviewing party's focal point ended, nobody named in its place.
    last = reviewers(review)[-1]
    nomination = Nomination.objects.get(person=fp_of(last), scope="reviewer")
    accounts.end_nomination(nomination, on=TODAY, by=people["secretariat"], now=NOW)
    assert named() is None


def fp_of_own(code):
    return Nomination.objects.active().get(party__code=code, kind="focal_point", scope="own").person


def test_each_persona_is_told_its_part_from_the_questionnaire_to_the_observations(world):
    review, _made, people = world
    fp, expert, observer = people["reviewed_fp"], people["expert"], people["observer"]
    to_questionnaire(review, fp)
    assert items_in(fp, review) == [(Kind.ANSWER, [])]
    assert items_in(expert, review) == [(Kind.ANSWER, [])]
    assert items_in(observer, review) == [(Kind.WAITING, ["FRA"])]
    assert items_in(people["reviewer_fp"], review) == [(Kind.WAITING, ["FRA"])]
    [item] = [i for i in tasks.for_user(fp, TODAY) if i.review == review]
    assert item.url == url("questionnaires:answers", review.pk)
    assert item.due == due(review, Step.QUESTIONNAIRE) and item.overdue
    assert item.days_late == (TODAY - item.due).days
    # Once the party has a draft, its focal point clears and submits.
    q = question("untoc-5-1a")
    answers.save_answer(review, q, by=expert, now=NOW, version=0, value=["yes"], text="Art. 1")
    assert items_in(fp, review) == [(Kind.CLEAR_ANSWERS, [])]
    assert items_in(expert, review) == [(Kind.ANSWER, [])]
    actions.act(review, "clear", by=fp, now=NOW)
    assert items_in(fp, review) == [(Kind.SUBMIT_ANSWERS, [])]
    assert items_in(expert, review) == [(Kind.WAITING, [])]
    actions.act(review, "submit", by=fp, now=NOW)
    # The written feedback: each reviewing party comments and clears its own (`first`: a main
    # reviewer, who comments on every article).
    everyone = reviewers(review)
    first = min(p.reviewer.code for p in review.pairings() if p.role == "main")
    others = [code for code in everyone if code != first]
    first_fp = fp_of(first)
    assert items_in(first_fp, review) == [(Kind.COMMENT, [])]
    assert items_in(fp, review) == [(Kind.WAITING, everyone)]
    [item] = [i for i in tasks.for_user(first_fp, TODAY) if i.review == review]
    assert item.url == url("questionnaires:feedback", review.pk)
    feedback.save_comment(review, q, by=first_fp, now=NOW, version=0, text="Covered?")
    assert items_in(first_fp, review) == [(Kind.CLEAR_FEEDBACK, [])]
    assert items_in(fp_of(others[0]), review) == [(Kind.COMMENT, [])]
    actions.act(review, "clear", by=first_fp, now=NOW)
    # Its own party has cleared: it waits for the others, and is told whom.
    assert items_in(first_fp, review) == [(Kind.WAITING, others)]
    for code in others:
        actions.act(review, "clear", by=fp_of(code), now=NOW)
    assert items_in(first_fp, review) == [(Kind.SUBMIT_FEEDBACK, [])]
    actions.act(review, "submit", by=first_fp, now=NOW)
    # The list of observations: drafted together, then every focal point signs it off.
    assert items_in(fp, review) == [(Kind.DRAFT_OBSERVATIONS, [])]
    version = observations.save_version(
        review, by=expert, now=NOW, based_on=0, sections={"summary": "Done."}
    )
    assert items_in(fp, review) == [(Kind.SIGN_OFF, [])]
    assert items_in(first_fp, review) == [(Kind.SIGN_OFF, [])]
    assert items_in(expert, review) == [(Kind.DRAFT_OBSERVATIONS, [])]
    assert items_in(observer, review) == [(Kind.WAITING, ["FRA", *everyone])]
    observations.sign_off(review, by=fp, now=NOW, number=version.number)
    assert items_in(fp, review) == [(Kind.WAITING, everyone)]
    [item] = [i for i in tasks.for_user(first_fp, TODAY) if i.review == review]
    assert (item.kind, item.url) == (Kind.SIGN_OFF, url("questionnaires:observations", review.pk))
    # Observers never get a task.
    assert not [i for i in tasks.for_user(observer, TODAY) if i.is_task]


def test_overdue_tasks_come_first(world):
    review, _made, people = world
    secretariat = people["secretariat"]
    later = actions.create_reviews(
        Cluster.objects.get(number=2),
        by=secretariat,
        now=NOW,
        parties=[review.party],
        starts_on=dt.date(2022, 1, 3),
    )[0]
    # The first review's consultation is moved to ten days from now; the other's is overdue.
    actions.change_deadline(
        review,
        by=secretariat,
        now=NOW,
        step="initial_consultation",
        kind="extension",
        reason="Elections.",
        new_date=TODAY + dt.timedelta(days=10),
    )
    found = tasks.for_user(people["reviewed_fp"], TODAY)
    assert [(i.review.pk, i.kind) for i in found] == [
        (later.pk, Kind.START_CONSULTATION),
        (review.pk, Kind.START_CONSULTATION),
    ]
    assert found[0].overdue and found[1].days_left == 10 and not found[1].overdue
    # The home page says so, in that order, with links to the pages.
    client = Client()
    client.force_login(people["reviewed_fp"])
    body = client.get("/en/").content.decode()
    assert "What you must do" in body and "Start the initial consultation" in body
    first, second = (
        body.index(f'"/en/reviews/{later.pk}/"'),
        body.index(f'"/en/reviews/{review.pk}/"'),
    )
    late = (timezone.localdate() - found[0].due).days
    assert first < second and f"{late} days late" in body


def test_the_secretariats_list_is_by_officer(client, world):
    review, made, people = world
    secretariat = people["secretariat"]
    other = make_user("officer2", secretariat=True)
    actions.assign_officers([review], officers=[secretariat], by=secretariat, now=NOW)
    actions.assign_officers([made["DEU"]], officers=[other], by=secretariat, now=NOW)
    mine = tasks.for_secretariat(
        tasks.load(Review.objects.filter(officers=secretariat), TODAY).values(), TODAY
    )
    assert {i.review.pk for i in mine} == {review.pk}
    # FRA's consultation is overdue, its experts too (its reviewing parties named none).
    assert {(i.kind, i.step) for i in mine} >= {(Kind.OVERDUE, Step.INITIAL_CONSULTATION)}
    everything = tasks.for_secretariat(tasks.load(Review.objects.all(), TODAY).values(), TODAY)
    blocked = [i for i in everything if i.kind == Kind.BLOCKED]
    assert {i.review.pk for i in blocked} == {made[c].pk for c in ("DEU", "KEN", "BRA")}
    assert all(i.overdue for i in everything[:3])
    client.force_login(secretariat)
    body = client.get("/en/").content.decode()
    assert "What needs the secretariat" in body
    assert f'"/en/reviews/{review.pk}/"' in body and f'"/en/reviews/{made["DEU"].pk}/"' not in body
    body = client.get("/en/", {"officer": "all"}).content.decode()
    assert all(f'"/en/reviews/{r.pk}/"' in body for r in made.values())
    assert "Waiting for a focal point to be named by: Germany" in body
    body = client.get("/en/", {"officer": "officer2"}).content.decode()
    assert f'"/en/reviews/{made["DEU"].pk}/"' in body and f'"/en/reviews/{review.pk}/"' not in body
    # An unknown officer: said so, and the officer's own reviews shown.
    response = client.get("/en/", {"officer": "nobody"})
    body = response.content.decode()
    assert response.status_code == 200 and "Select a valid choice" in body
    assert f'"/en/reviews/{review.pk}/"' in body and f'"/en/reviews/{made["DEU"].pk}/"' not in body


def test_the_task_lists_take_the_same_queries_for_more_reviews(client, world):
    review, made, people = world
    secretariat = people["secretariat"]
    to_questionnaire(review, people["reviewed_fp"])
    pages = [(people["reviewed_fp"], "/en/", {}), (people["reviewed_fp"], "/en/reviews/", {})]
    pages += [(secretariat, "/en/", {"officer": "all"})]

    def counts():
        result = []
        for person, page, params in pages:
            client.force_login(person)
            result.append(count_queries(lambda p=page, q=params: client.get(p, q)))
        return result

    few = counts()
    for number in (2, 3):
        created = actions.create_reviews(
            Cluster.objects.get(number=number), by=secretariat, now=NOW, starts_on=TODAY
        )
        fra = next(r for r in created if r.party_id == review.party_id)
        to_questionnaire(fra, people["reviewed_fp"])
    assert Review.objects.count() == 12
    assert len(tasks.for_user(people["reviewed_fp"], TODAY)) == 3
    assert counts() == few


# The deadline on the pages of the steps and on "My reviews".


def test_every_page_of_a_step_says_when_it_is_due_and_whom_it_waits_for(client, world):
    review, _made, people = world
    to_questionnaire(review, people["reviewed_fp"])
    client.force_login(people["expert"])
    body = client.get(url("questionnaires:answers", review.pk)).content.decode()
    deadline = tasks.deadline_of(review, Step.QUESTIONNAIRE, timezone.localdate())
    assert deadline.current and deadline.overdue
    block = body.split('aria-labelledby="deadline-title"')[1].split("</section>")[0]
    assert "Questionnaire answers submitted" in block
    assert f"{deadline.days_late} days late" in block
    assert re.search(r"Waiting for clearance by</dt><dd>France</dd>", block)
    # A later step: not due yet.
    body = client.get(url("questionnaires:feedback", review.pk)).content.decode()
    assert "Written feedback completed" in body and "No due date yet" in body
    actions.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    actions.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    body = client.get(url("questionnaires:answers", review.pk)).content.decode()
    assert "Done on " in body
    client.force_login(people["reviewed_fp"])
    body = client.get(url("questionnaires:feedback", review.pk)).content.decode()
    block = body.split('aria-labelledby="deadline-title"')[1].split("</section>")[0]
    names = ", ".join(p.reviewer.label for p in review.pairings().order_by("reviewer__code"))
    assert "days left" in block or "days late" in block
    assert f"Waiting for clearance by</dt><dd>{names}</dd>" in block
    body = client.get(url("questionnaires:observations", review.pk)).content.decode()
    assert "List of observations and summary completed" in body
    # "My reviews": the current step's deadline beside each review, overdue marked.
    body = client.get(url("reviews:list")).content.decode()
    assert "Next deadline" in body and "Written feedback completed" in body


def test_my_reviews_marks_the_overdue_ones(client, world):
    review, _made, people = world
    client.force_login(people["reviewed_fp"])
    body = client.get(url("reviews:list")).content.decode()
    row = body.split(f'"/en/reviews/{review.pk}/"')[1].split("</tr>")[0]
    assert "Initial consultation held" in row and "days late" in row
    assert body.count('class="overdue"') == 1


# The calendar feed.


def parse(text: str) -> list[dict]:
    """The events of an iCalendar text, checking its structure: every line ends with CRLF and
    is at most 75 octets; BEGIN and END balance; folded lines unfolded."""
    assert text.endswith("\r\n")
    raw = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in raw)
    assert all(len(line.encode()) <= 75 for line in raw), max(raw, key=len)
    lines = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    stack, events = [], []
    for line in lines:
        name, _sep, value = line.partition(":")
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
        elif name == "END":
            assert stack.pop() == value
        elif stack and stack[-1] == "VEVENT":
            events[-1][name] = value
    assert stack == [] and lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    return events


def unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_the_ical_text_folds_and_escapes():
    event = ical.Event(
        uid="review-1-questionnaire",
        day=dt.date(2025, 3, 12),
        summary="Répondre, vite; au questionnaire \\ " + "مراجعة " * 20 + "审议" * 30,
        description="Line one\nLine two",
    )
    stamp = dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC)
    text = ical.calendar([event], name="Échéances", stamp=stamp, domain="example.org")
    [parsed] = parse(text)
    assert unescape(parsed["SUMMARY"]) == event.summary
    assert "\\," in parsed["SUMMARY"] and "\\;" in parsed["SUMMARY"]
    assert unescape(parsed["DESCRIPTION"]) == "Line one\nLine two"
    assert parsed["DTSTART;VALUE=DATE"] == "20250312" and parsed["DTEND;VALUE=DATE"] == "20250313"
    assert parsed["UID"] == "review-1-questionnaire@example.org"
    assert parsed["DTSTAMP"] == "20250101T120000Z"
    # Long lines are folded, and no UTF-8 character is cut by a fold: every line of octets
    # decodes on its own.
    assert "\r\n " in text
    for line in text.encode().split(b"\r\n"):
        line.decode("utf-8")


def test_a_person_subscribes_to_their_deadlines_and_can_revoke_it(client, world):
    review, _made, people = world
    client.force_login(people["reviewed_fp"])
    assert "You have no calendar address." in client.get(url("reviews:calendar")).content.decode()
    body = client.post(url("reviews:calendar")).content.decode()
    address = re.search(r'id="calendar-address" value="([^"]+)"', body).group(1)
    assert address.startswith("http://testserver/en/reviews/calendar/")
    # The address is shown once: the page never shows it again.
    assert address not in client.get(url("reviews:calendar")).content.decode()
    client.logout()
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    events = parse(response.content.decode())
    mine = [i for i in tasks.for_user(people["reviewed_fp"], timezone.localdate()) if i.due]
    assert len(events) == len(mine) == 1
    [event] = events
    host = urlsplit(settings.REVMOD_SITE_URL).hostname
    assert event["UID"] == f"review-{review.pk}-initial_consultation@{host}"
    assert unescape(event["SUMMARY"]).startswith("Start the initial consultation — France")
    assert event["DTSTART;VALUE=DATE"] == mine[0].due.strftime("%Y%m%d")
    assert f"/en/reviews/{review.pk}/" in unescape(event["DESCRIPTION"])
    # The same deadline keeps its UID; in French, the events are in French.
    again = parse(client.get(address).content.decode())
    assert [e["UID"] for e in again] == [event["UID"]]
    french = parse(client.get(address.replace("/en/", "/fr/")).content.decode())
    assert unescape(french[0]["SUMMARY"]).startswith("Ouvrir la consultation initiale")
    # A new address replaces the old one; a revoked one, or a wrong one, is not found.
    client.force_login(people["reviewed_fp"])
    body = client.post(url("reviews:calendar")).content.decode()
    renewed = re.search(r'id="calendar-address" value="([^"]+)"', body).group(1)
    client.logout()
    assert client.get(address).status_code == 404
    assert client.get(renewed).status_code == 200
    client.force_login(people["reviewed_fp"])
    assert client.post(url("reviews:calendar-revoke")).status_code == 302
    client.logout()
    assert client.get(renewed).status_code == 404
    assert client.get(url("reviews:calendar-feed", "not-a-token")).status_code == 404


def test_an_observers_calendar_has_what_its_reviews_wait_for(client, world):
    review, _made, people = world
    token = actions.renew_calendar_feed(people["observer"], now=NOW)
    events = parse(client.get(url("reviews:calendar-feed", token)).content.decode())
    assert [unescape(e["SUMMARY"]).split(" — ")[0] for e in events] == [
        "Initial consultation: waiting for the focal points of France, "
        + ", ".join(p.reviewer.label for p in review.pairings().order_by("reviewer__code"))
    ]
