"""One review from its nominations to its completion, every step taken through the pages a
person would use (no action called directly): the secretariat names the people, the focal
points and experts work, the observer watches, and each sees what they should."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from revmod.accounts.models import Nomination
from revmod.lib.confirm import CONFIRMED
from revmod.reviews.models import Review
from revmod.test import make_user, make_world, pdf_bytes

pytestmark = pytest.mark.django_db


def pdf(name):
    return SimpleUploadedFile(name, pdf_bytes(name))


def test_a_review_walked_through_the_pages(client):
    secretariat, reviews = make_world()
    review = reviews["FRA"]
    reviewers = [p.reviewer.code for p in review.pairings()]
    # Two main reviewers, and an additional one when a main reviewer lacks a Protocol of France.
    reviewing = [f"rev{n}_fp" for n in range(len(reviewers))]
    people = {
        name: make_user(name)
        for name in ["fra_fp", "fra_expert", "fra_observer", "outsider", *reviewing]
    }
    url = f"/en/reviews/{review.pk}/"

    # The secretariat names everyone on its nominations page.
    client.force_login(secretariat)
    for person, code, kind, scope in [
        ("fra_fp", "FRA", "focal_point", "own"),
        ("fra_expert", "FRA", "expert", "own"),
        ("fra_observer", "FRA", "observer", "own"),
        *[
            (name, code, "focal_point", "reviewer")
            for name, code in zip(reviewing, reviewers, strict=True)
        ],
    ]:
        response = client.post(
            "/en/people/nominations/new/",
            {
                "party": code,
                "person": people[person].pk,
                "kind": kind,
                "scope": scope,
                "starts_on": "2021-01-04",
            },
        )
        errors = re.findall(r'class="error[^"]*">([^<]+)<', response.content.decode())
        assert response.status_code == 302, errors
    assert Nomination.objects.active().filter(party__code__in=["FRA", *reviewers]).count() >= 5
    assert len(set(reviewers)) == len(reviewers) >= 2

    def as_(name):
        client.force_login(people[name])

    def act(name, action):
        as_(name)
        response = client.post(f"{url}act/{action}/")
        if response.status_code == 200:  # what the action does, then its Confirm button
            assert 'name="confirm" value="yes"' in response.content.decode()
            response = client.post(f"{url}act/{action}/", CONFIRMED)
        assert response.status_code == 302
        return client.get(url).content.decode()

    def stage():
        return Review.objects.get(pk=review.pk).stage

    # The focal point of France starts the consultation and records it.
    act("fra_fp", "start_consultation")
    response = client.post(
        f"{url}consultation/",
        {"held_on": "2021-01-20", "languages": ["en", "fr"], "agreed_questionnaire": "2021-05-31"},
    )
    assert response.status_code == 302
    act("fra_fp", "advance")
    assert stage() == "questionnaire"

    # The expert uploads the answers; the observer and the outsider cannot touch them.
    as_("fra_expert")
    response = client.post(
        f"{url}documents/",
        {
            "kind": "questionnaire_answers",
            "language": "en",
            "title": "Answers",
            "file": pdf("answers.pdf"),
        },
    )
    assert response.status_code == 302
    as_("fra_observer")
    page = client.get(url).content.decode()
    assert "Answers" in page and "start_consultation" not in page and 'type="file"' not in page
    as_("outsider")
    assert client.get(url).status_code == 404
    assert client.get(f"{url}submissions.zip").status_code == 404

    # Only the focal point clears and submits.
    page = act("fra_expert", "clear")
    assert stage() == "questionnaire"
    act("fra_fp", "clear")
    act("fra_fp", "submit")
    assert stage() == "written_feedback"

    # The reviewing parties give their feedback jointly.
    as_("rev0_fp")
    response = client.post(
        f"{url}documents/",
        {"kind": "written_feedback", "language": "en", "title": "Feedback", "file": pdf("wf.pdf")},
    )
    assert response.status_code == 302
    for name in reviewing:
        act(name, "clear")
    act("rev0_fp", "submit")
    assert stage() == "observations"

    # The list of observations: everyone clears, the secretariat completes the review.
    as_("rev1_fp")
    client.post(
        f"{url}documents/",
        {
            "kind": "list_of_observations",
            "language": "en",
            "title": "Observations",
            "file": pdf("obs.pdf"),
        },
    )
    for name in ["fra_fp", *reviewing]:
        act(name, "clear")
    client.force_login(secretariat)
    client.post(f"{url}act/submit/", CONFIRMED)
    assert stage() == "completed"
    page = client.get(url).content.decode()
    assert "Completed" in page

    # The submissions of the review, as a participant downloads them.
    as_("fra_observer")
    response = client.get(f"{url}submissions.zip")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert any("Answers" in n for n in names) and any("Observations" in n for n in names)
    assert any("Feedback" in n for n in names)  # submitted: the party under review reads it
