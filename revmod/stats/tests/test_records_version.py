"""The records version (revmod.registry.versions): every kind of change the statistics read
moves it, through the real actions, and figures cached under an older version are not served."""

import datetime as dt
import shutil

import pytest
from django.core.management import call_command
from django.db import transaction

from revmod.accounts import actions as accounts
from revmod.accounts.models import Nomination
from revmod.lots import actions as lots
from revmod.lots.models import Pairing
from revmod.registry.models import Party
from revmod.reviews import actions
from revmod.reviews.models import DeadlineChange, ReviewTimeline
from revmod.stats.status import data_version, status
from revmod.test import DATA_DIR, count_queries, fresh, make_user, make_world, shared_data

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 5, 2, 9, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, reviews = make_world()
        yield secretariat, reviews


@pytest.fixture
def world(shared_world, db):
    return fresh(shared_world)


def changes(func) -> bool:
    before = data_version()
    func()
    return data_version() != before


def nominate(secretariat, code="FRA", kind=Nomination.Kind.FOCAL_POINT, username="amina"):
    return accounts.nominate(
        party=Party.objects.get(code=code),
        person=make_user(username),
        kind=kind,
        scope=Nomination.Scope.OWN,
        starts_on=NOW.date(),
        by=secretariat,
        now=NOW,
    )


def test_data_version_is_one_single_row_read(world):
    assert count_queries(data_version) == 1


def test_a_review_event_moves_the_version(world):
    secretariat, reviews = world
    review = reviews["FRA"]
    assert changes(
        lambda: actions.change_deadline(
            review,
            by=secretariat,
            now=NOW,
            step="questionnaire",
            kind=DeadlineChange.Kind.EXTENSION,
            reason="Elections.",
            days=30,
        )
    )


def test_nominations_started_and_ended_move_the_version(world):
    secretariat, _reviews = world
    made = []
    assert changes(lambda: made.append(nominate(secretariat, kind=Nomination.Kind.EXPERT)))
    assert changes(lambda: accounts.end_nomination(made[0], on=NOW.date(), by=secretariat, now=NOW))


def test_a_redraw_moves_the_version(world):
    secretariat, _reviews = world
    meeting = lots.create_meeting(held_on=dt.date(2024, 7, 1), title="Redraws")
    for pairing in Pairing.objects.active().filter(role="main").select_related("reviewed"):
        try:
            with transaction.atomic():
                request = lots.record_redraw_request(
                    pairing=pairing,
                    requested_by=pairing.reviewed,
                    reason="Recent bilateral review",
                    received_on=dt.date(2024, 6, 1),
                    by=secretariat,
                )
                draw = lots.prepare_draw(
                    kind="redraw", meeting=meeting, by=secretariat, now=NOW, requests=[request]
                )
            break
        except lots.DrawError:
            continue
    else:
        pytest.fail("no main slot of the draw can be redrawn")
    draw = lots.announce(draw, now=NOW)
    draw = lots.enter_entropy(draw, entropy="17 4 92 33", now=NOW)
    draw = lots.perform_draw(draw, now=NOW)
    before = data_version()
    lots.publish(draw, now=NOW, by=secretariat)
    assert data_version() != before


def test_an_adherence_loaded_moves_the_version_and_an_unchanged_load_does_not(world, tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    path = target / "adherences.csv"
    assert not changes(lambda: call_command("loadregistry", str(path), verbosity=0))
    text = path.read_text(encoding="utf-8")
    old = "DEU,FIR,ratification,2021-10-14"
    assert old in text
    path.write_text(text.replace(old, "DEU,FIR,ratification,2021-10-15"), encoding="utf-8")
    assert changes(lambda: call_command("loadregistry", str(path), verbosity=0))


def test_new_deadline_periods_move_the_version(world, client):
    secretariat, _reviews = world
    client.force_login(secretariat)
    periods = {
        "applies_from": "2030-01-01",
        "focal_points_days": 30,
        "experts_days": 28,
        "consultation_months": 1,
        "questionnaire_months": 6,
        "feedback_months": 6,
        "observations_months": 6,
        "note": "Decision of the Conference.",
    }
    response = []
    assert changes(
        lambda: response.append(client.post("/en/admin/reviews/deadlineperiods/add/", periods))
    )
    assert response[0].status_code == 302


def test_a_change_rolled_back_leaves_the_version(world):
    secretariat, _reviews = world
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        nominate(secretariat, kind=Nomination.Kind.EXPERT)
        raise RuntimeError
    assert data_version() == before


def test_figures_cached_under_an_older_version_are_not_served(world):
    secretariat, reviews = world
    day = NOW.date()
    first = status(day)
    assert status(day) == first  # served from the cache
    nominate(secretariat, kind=Nomination.Kind.EXPERT, username="late")
    assert status(day)["experts"]["total"] == first["experts"]["total"] + 1


def test_each_review_keeps_the_timeline_of_the_events_the_statistics_read(world):
    secretariat, reviews = world
    review = reviews["FRA"]
    timeline = ReviewTimeline.objects.filter(review=review).values_list("entries", flat=True)
    # make_world's reviews were created and nothing else: a creation is not read.
    assert timeline.first() is None
    people = {}
    for pairing in [None, *review.pairings()]:
        code = pairing.reviewer.code if pairing else "FRA"
        scope = Nomination.Scope.REVIEWER if pairing else Nomination.Scope.OWN
        people[code] = accounts.nominate(
            party=Party.objects.get(code=code),
            person=make_user(f"fp-{code}"),
            kind=Nomination.Kind.FOCAL_POINT,
            scope=scope,
            starts_on=NOW.date(),
            by=secretariat,
            now=NOW,
        ).person
    actions.act(review, "start_consultation", by=people["FRA"], now=NOW)
    assert [(kind, data.get("to")) for _at, kind, data in timeline.first()] == [
        ("start_consultation", "initial_consultation")
    ]
