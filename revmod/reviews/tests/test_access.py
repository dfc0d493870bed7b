"""Who reads what of a review (reviews.access), asked the way a person would: the review page,
the documents page, a download, the documents and events of the API, the monthly digest, for
every kind of document, at every stage, for every persona."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from revmod.accounts.models import Nomination
from revmod.documents.actions import upload
from revmod.documents.rules import Kind
from revmod.notifications.digest import Month, digest_context
from revmod.reviews import access
from revmod.reviews.access import Visibility
from revmod.reviews.models import Review
from revmod.reviews.workflow import Stage
from revmod.test import fresh, make_people, make_world, shared_data

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)
PARTICIPANTS = {"reviewed_fp", "expert", "observer", "reviewer_fp", "secretariat"}
REVIEWED_SIDE = {"reviewed_fp", "expert", "observer", "secretariat"}
REVIEWING_SIDE = {"reviewer_fp", "secretariat"}
# Who uploads each kind in the world below.
UPLOADER = {
    Kind.QUESTIONNAIRE_ANSWERS: "expert",
    Kind.WRITTEN_FEEDBACK: "reviewer_fp",
    Kind.LIST_OF_OBSERVATIONS: "reviewer_fp",
    Kind.SUMMARY: "reviewed_fp",
    Kind.SUPPORTING: "reviewed_fp",
    Kind.NOTE_VERBALE: "reviewer_fp",
}
STAGES = [Stage.QUESTIONNAIRE, Stage.WRITTEN_FEEDBACK, Stage.OBSERVATIONS, Stage.COMPLETED]


def readers(kind: Kind, stage: Stage) -> set[str]:
    """The rule, written out: answers reach the reviewing parties once submitted (rule 40),
    written feedback the party under review once submitted; the rest every participant."""
    if kind == Kind.QUESTIONNAIRE_ANSWERS and stage == Stage.QUESTIONNAIRE:
        return REVIEWED_SIDE
    if kind == Kind.WRITTEN_FEEDBACK and stage in (Stage.QUESTIONNAIRE, Stage.WRITTEN_FEEDBACK):
        return REVIEWING_SIDE
    return PARTICIPANTS


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, reviews = make_world()
        review = reviews["KEN"]
        people, _nominations = make_people(secretariat, review, every_reviewer=False)
        documents = {}
        for kind, who in UPLOADER.items():
            version = upload(
                review,
                by=people[who],
                kind=kind,
                language="en",
                title=f"Title of the {kind}",
                file=SimpleUploadedFile(f"{kind}-draft.txt", b"Draft text."),
                now=NOW,
            )
            documents[kind] = version.document
        yield review, people, documents


@pytest.fixture
def world(shared_world, db):
    return fresh(shared_world)


@pytest.mark.parametrize("stage", STAGES)
def test_each_kind_of_document_reaches_whom_the_rule_says_at_each_stage(client, world, stage):
    review, people, documents = world
    Review.objects.filter(pk=review.pk).update(stage=stage)
    failures = []
    for persona in [*PARTICIPANTS, "outsider"]:
        client.force_login(people[persona])
        page = client.get(f"/en/reviews/{review.pk}/").content.decode()
        listing = client.get(f"/en/reviews/{review.pk}/documents/").content.decode()
        api = client.get(f"/api/v1/reviews/{review.pk}/documents/")
        listed = {d["id"] for d in api.json()["results"]} if api.status_code == 200 else set()
        events = client.get(f"/api/v1/reviews/{review.pk}/events/")
        mentioned = (
            {e["data"].get("document") for e in events.json()}
            if events.status_code == 200
            else set()
        )
        for kind, document in documents.items():
            want = persona in readers(kind, stage)
            download = client.get(f"/en/reviews/{review.pk}/documents/{document.pk}/v1/")
            seen = {
                "review page": document.title in page,
                "documents page": document.title in listing,
                "download": download.status_code == 200,
                "API list": document.pk in listed,
                "API events": document.pk in mentioned,
            }
            for where, got in seen.items():
                if got != want:
                    failures.append(f"{persona} {kind} {where}: {'sees' if got else 'misses'}")
            if not want:
                assert download.status_code == 404
    assert failures == []


def test_a_hidden_document_and_a_missing_one_get_the_same_answer_from_the_api(client, world):
    """Adding a version to a document one may not see must not reveal that it exists."""
    review, people, documents = world
    client.force_login(people["reviewer_fp"])
    hidden = documents[Kind.QUESTIONNAIRE_ANSWERS].pk
    answers = []
    for pk in (hidden, 999999):
        response = client.post(
            f"/api/v1/reviews/{review.pk}/documents/",
            {"document": pk, "file": SimpleUploadedFile("x.txt", b"Text.")},
        )
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1] and answers[0][0] == 404
    assert documents[Kind.QUESTIONNAIRE_ANSWERS].versions.count() == 1


def test_the_events_api_names_people_without_their_e_mail_addresses(client, world):
    review, people, _documents = world
    people["expert"].email = people["expert"].username = "expert@ministry.example"
    people["expert"].first_name, people["expert"].last_name = "Amina", "Otieno"
    people["expert"].save()
    client.force_login(people["reviewed_fp"])
    body = client.get(f"/api/v1/reviews/{review.pk}/events/").content.decode()
    assert "Amina Otieno" in body and "expert@ministry.example" not in body
    page = client.get(f"/en/reviews/{review.pk}/").content.decode()
    assert "Amina Otieno" in page


def test_the_digest_counts_a_draft_upload_only_for_those_who_may_read_it(world):
    """The monthly digest says "Document uploaded: n" per review: the reviewing party's count
    leaves out the party under review's unsubmitted answers, and the other way round."""
    review, people, _documents = world
    month = Month(dt.date(2024, 5, 1))
    visible = {review.pk}

    def uploads(persona) -> int:
        blocks = digest_context(people[persona], visible, month)["reviews"]
        item = blocks[0].context
        return dict((str(label), n) for label, n in item["happened"])["Document uploaded"]

    assert uploads("secretariat") == 6
    # Neither side reads the other's unsubmitted material at the questionnaire stage.
    assert uploads("reviewer_fp") == 4
    assert uploads("expert") == 4


def test_the_forms_of_the_rule_agree(world):
    """One review, seen person by person (actor_for), as a filter (visible_reviews), in bulk
    (Visibility) and as the people to tell (audience): the same people."""
    review, people, _documents = world
    codes = {p.reviewer.code for p in review.pairings()}
    everyone = [p for name, p in people.items() if name != "secretariat"]
    by_actor = {p.pk for p in everyone if access.actor_for(p, review, codes) is not None}
    reviewers = [p.reviewer_id for p in review.pairings()]
    present = access.people_of(review, reviewers)
    for person in everyone:  # the workspace's form, from the people it shows
        assert access.actor_of(person, review, present, codes) == access.actor_for(
            person, review, codes
        )
    by_filter = {p.pk for p in everyone if Review.objects.visible_to(p).filter(pk=review.pk)}
    bulk = Visibility(Review.objects.all()).of([p.pk for p in everyone])
    by_bulk = {pk for pk, seen in bulk.items() if review.pk in seen}
    told = {p.pk for p in access.audience(review)} - {people["secretariat"].pk}
    assert by_actor == by_filter == by_bulk == told
    assert people["outsider"].pk not in by_actor and people["observer"].pk in by_actor


def test_a_person_whose_nomination_ended_sees_no_nominations_of_their_party(client, world):
    review, people, _documents = world
    expert = people["expert"]
    expert.party = review.party
    expert.save()
    client.force_login(expert)
    assert client.get("/api/v1/nominations/").json()["count"] > 0
    Nomination.objects.filter(person=expert).update(ends_on=dt.date(2024, 1, 1))
    client.force_login(expert)
    listed = client.get("/api/v1/nominations/")
    assert listed.status_code == 200 and listed.json()["count"] == 0
