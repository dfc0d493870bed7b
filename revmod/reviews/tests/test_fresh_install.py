"""Issue 13's "done when": from an empty database (migrated; the registry and the questionnaire
loaded by their commands; no demo), a whole cycle through the commands, the API and the pages
only: the first secretariat account, a full draw held through the API, the reviews it creates,
people nominated, a consultation, a questionnaire answered and submitted, feedback, the list of
observations signed by every party and published, a deadline extended and an officer assigned
on the way; the status report of that day counts the review as completed."""

from io import StringIO

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from revmod.accounts.models import User
from revmod.lib.confirm import CONFIRMED
from revmod.lots.models import ReviewGroup
from revmod.questionnaires.models import Question
from revmod.reviews.models import Review
from revmod.stats.status import status
from revmod.test import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_a_whole_cycle_from_a_fresh_install(client, monkeypatch):
    quiet = StringIO()
    call_command("loadregistry", stdout=quiet)
    call_command("loadquestionnaire", stdout=quiet)
    monkeypatch.setenv("FIRST_PASSWORD", PASSWORD)
    call_command(
        "createsecretariat",
        "amina",
        "--email",
        "amina@unodc.example",
        "--password-env",
        "FIRST_PASSWORD",
        stdout=quiet,
    )
    amina = User.objects.get(username="amina")
    TOTP.activate(amina, generate_totp_secret())  # her second factor (test_accounts: the pages)
    client.force_login(amina)
    today = timezone.localdate()
    for number in (1, 2, 3):  # the groups, in the admin
        response = client.post(
            "/en/admin/lots/reviewgroup/add/", {"number": number, "starts_on": str(today)}
        )
        assert response["Location"] == "/en/admin/lots/reviewgroup/"
    assert ReviewGroup.objects.count() == 3

    # The draw, by a script with the secretariat's token.
    printed = StringIO()
    call_command("apitoken", "amina", stdout=printed)
    token = printed.getvalue().strip()
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")

    def post(path, body=None):
        response = api.post(path, body or {}, content_type="application/json")
        assert response.status_code in (200, 201), (path, response.content)
        return response.json()

    meeting = post("/api/v1/meetings/", {"held_on": str(today), "title": "Drawing of lots"})
    draw = post(
        "/api/v1/draws/",
        {
            "kind": "initial",
            "meeting": meeting["id"],
            "reviewed": ["KEN", "FRA", "BRA", "JPN", "POL", "NGA"],
            "sizes": [2, 2, 2],
        },
    )
    for step in ("commit", "entropy", "draw", "publish"):
        post(f"/api/v1/draws/{draw['id']}/{step}/", {"entropy": "7 21 3 88"})
    [kenya] = api.get("/api/v1/reviews/?party=KEN").json()["results"]
    review = Review.objects.get(pk=kenya["id"])
    reviewers = [r["party"] for r in kenya["reviewers"]]

    # People: nominated by the secretariat on its nominations page.
    people = {}
    for name, party, kind, scope in [
        ("ken_fp", "KEN", "focal_point", "own"),
        ("ken_expert", "KEN", "expert", "own"),
        *[(f"fp_{code}", code, "focal_point", "reviewer") for code in reviewers],
    ]:
        people[name] = make_user(name)
        response = client.post(
            "/en/people/nominations/new/",
            {
                "party": party,
                "person": people[name].pk,
                "kind": kind,
                "scope": scope,
                "starts_on": str(today),
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]

    # On the way: an officer assigned and a deadline extended, from the review's page.
    page = f"/en/reviews/{review.pk}/"
    assert client.post(page + "officers/", {"officers": ["amina"]}).status_code == 302
    extend = {
        "step": "questionnaire",
        "kind": "extension",
        "days": 30,
        "reason": "Elections in the capital.",
    }
    assert client.post(page + "deadline/", extend).status_code == 302
    assert review.officers.get() == amina and review.deadline_changes.count() == 1

    # The consultation, by Kenya's focal point.
    fp = Client()
    fp.force_login(people["ken_fp"])
    assert fp.post(page + "act/start_consultation/", CONFIRMED).status_code == 302
    consultation = {
        "held_on": str(today),
        "languages": ["en"],
        "division_of_tasks": "Each reviewer takes every article.",
    }
    assert fp.post(page + "consultation/", consultation).status_code == 302
    assert fp.post(page + "act/advance/", CONFIRMED).status_code == 302
    assert Review.objects.get(pk=review.pk).stage == "questionnaire"

    # The questionnaire: one answer by the expert, cleared and submitted by the focal point.
    expert = Client()
    expert.force_login(people["ken_expert"])
    question = Question.objects.get(key="untoc-5-1a", template__published=True)
    answer = {"version": 0, "value": "yes", "text": "Penal Code, section 390."}
    assert expert.post(page + f"questionnaire/{question.pk}/", answer).status_code == 302
    for action in ("clear", "submit"):
        assert fp.post(page + f"act/{action}/", CONFIRMED).status_code == 302
    assert Review.objects.get(pk=review.pk).stage == "written_feedback"

    # The written feedback: the division of tasks agreed (recorded by the secretariat), then
    # each reviewing party comments on its article, clears, and the last submits.
    # A reviewing party comments only on the instruments it was drawn for (an additional one
    # drawn for a Protocol does not comment on the Convention's article: issue 21, item 6).
    untoc = [r["party"] for r in kenya["reviewers"] if "UNTOC" in r["instruments"]]
    assert untoc
    tasks = [f"{code}:{question.article_id}" for code in untoc]
    assert client.post(page + "feedback/tasks/", {"task": tasks}).status_code == 302
    reviewing = {}
    for code in reviewers:
        reviewing[code] = Client()
        reviewing[code].force_login(people[f"fp_{code}"])
        comment = {"version": 0, "text": f"{code}: is it applied?"}
        response = reviewing[code].post(page + f"feedback/{question.pk}/", comment)
        assert response.status_code == (302 if code in untoc else 400)
    for code in reviewers:
        assert reviewing[code].post(page + "act/clear/", CONFIRMED).status_code == 302
    assert reviewing[reviewers[-1]].post(page + "act/submit/", CONFIRMED).status_code == 302
    assert Review.objects.get(pk=review.pk).stage == "observations"

    # The list of observations: saved, signed by every party, published in full.
    sections = {
        "gaps": "None found.",
        "good_practices": "",
        "recommendations": "Train judges.",
        "assistance": "",
        "summary": "In place.",
        "based_on": 0,
    }
    assert fp.post(page + "observations/save/", sections).status_code == 302
    for signer in [fp, *reviewing.values()]:
        signed = signer.post(page + "observations/sign/", {"version": 1, **CONFIRMED})
        assert signed.status_code == 302
    assert client.post(page + "act/submit/", CONFIRMED).status_code == 302
    assert Review.objects.get(pk=review.pk).stage == "completed"
    published = fp.post(page + "observations/publication/", {"choice": "full", **CONFIRMED})
    assert published.status_code == 302
    public = Client().get("/en/parties/KEN/").content.decode()
    assert "Train judges." in public

    # The status report of the day counts it as completed.
    figures = status(today)
    assert figures["observations"]["completed"] == 1
    assert figures["reviews"] == 6
    assert client.get(f"/en/statistics/report/?as_of={today}").status_code == 200
