"""The monthly digest: one per person per month, in their language, of their reviews only."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from revmod.notifications.digest import send_digests
from revmod.notifications.models import Message, Preference
from revmod.notifications.worker import daily_work
from revmod.reviews import actions as reviews
from revmod.reviews.models import Review

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)
MAY = dt.date(2024, 5, 1)
LATER = dt.datetime(2024, 6, 1, 6, tzinfo=dt.UTC)


def digest(person):
    return Message.objects.get(kind="digest", recipient=person, key__endswith=":2024-05")


@pytest.fixture
def may(world):
    """In May 2024 FRA's review goes to the questionnaire, is cleared and submitted; the expert
    keeps submissions for the digest; the outsider has a message kept for it too."""
    review, people = world
    Preference.objects.create(user=people["expert"], kind="step_submitted", mode="digest")
    secretariat = people["secretariat"]
    reviews.act(review, "start_consultation", by=secretariat, now=NOW)
    reviews.record_consultation(
        review, by=secretariat, now=NOW, held_on=NOW.date(), languages=["en", "fr"]
    )
    reviews.act(review, "advance", by=secretariat, now=NOW)
    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    kept = Message.objects.get(kind="step_submitted", recipient=people["expert"])
    assert kept.status == Message.Status.DIGEST
    Message.objects.create(
        recipient=people["outsider"],
        address="outsider@example.org",
        language="es",
        kind="redraw_published",
        subject="Kept for the outsider",
        text="-",
        key="outsider-kept",
        message_id="<x@revmod>",
        created_at=NOW,
        send_after=NOW,
        status=Message.Status.DIGEST,
    )
    return review, people, kept


def test_one_digest_per_person_and_month_however_often_it_runs(may):
    first = send_digests(MAY, now=LATER)
    assert first > 0
    assert send_digests(MAY, now=LATER) == 0
    out = StringIO()
    call_command("senddigest", "--month", "2024-05", stdout=out)
    assert "digests for 2024-05: 0 enqueued" in out.getvalue()
    per_person = Message.objects.filter(kind="digest").values("recipient").annotate(n=Count("pk"))
    assert per_person.count() == first and {row["n"] for row in per_person} == {1}
    # Another month is another digest.
    assert send_digests(dt.date(2024, 6, 1), now=LATER) > 0


def test_a_digest_tells_of_the_persons_reviews_only_in_their_language(may):
    review, people, kept = may
    send_digests(MAY, now=LATER)

    def names(language):
        with translation.override(language):
            return [str(r) for r in Review.objects.all()]

    mine = digest(people["reviewed_fp"])
    assert mine.language == "ar" and '<html lang="ar" dir="rtl">' in mine.html
    assert f"/ar/reviews/{review.pk}/" in mine.text
    assert not any(f"/reviews/{r.pk}/" in mine.text for r in Review.objects.exclude(pk=review.pk))
    with translation.override("ar"):
        name_ar = str(review)
    assert name_ar in mine.text
    assert not any(name in mine.text for name in names("ar") if name != name_ar)
    # The outsider's digest has what was kept for them, and nothing of anyone's reviews.
    outsider = digest(people["outsider"])
    assert "Kept for the outsider" in outsider.text
    assert "/reviews/" not in outsider.text
    assert not any(name in outsider.text + outsider.html for name in names("es"))
    # The expert's digest folds in the submission they chose to read there.
    expert = digest(people["expert"])
    assert kept.subject in expert.text
    kept.refresh_from_db()
    assert kept.status == Message.Status.DIGEST  # never sent on its own


def test_a_digest_says_what_the_person_must_do_and_by_when(may):
    review, people, _kept = may
    secretariat = people["secretariat"]
    reviews.assign_officers([review], officers=[secretariat], by=secretariat, now=NOW)
    send_digests(MAY, now=LATER)
    # The review is at the written feedback: each reviewing party comments on the answers,
    # by the step's due date, on the feedback page.
    text = digest(people["reviewer_fp_2"]).text
    tasks = text.split("What you must do:")[1].split("==")[0]
    assert "- Comment on the answers (" in tasks and "Due on Nov. 1, 2024 · 153 days left" in tasks
    assert f"http://127.0.0.1:8000/en/reviews/{review.pk}/feedback/" in tasks
    html = digest(people["reviewer_fp_2"]).html
    assert f'href="http://127.0.0.1:8000/en/reviews/{review.pk}/feedback/"' in html
    # In the person's language.
    french = digest(people["reviewer_fp"])
    assert "Commenter les réponses" in french.text and f"/fr/reviews/{review.pk}/feedback/" in (
        french.text
    )
    # The party under review and its people have nothing to do: they wait.
    for name in ["reviewed_fp", "expert", "observer"]:
        assert "What you must do:" not in digest(people[name]).text, name
    # The review's part links each step due to its page, not to the review's: the next one
    # here is the written feedback.
    mine = digest(people["reviewer_fp_2"])
    block = mine.text.split("== ")[1]
    assert "- Next: Written feedback completed, due on Nov. 1, 2024" in block
    assert f"  http://127.0.0.1:8000/en/reviews/{review.pk}/feedback/\n" in block
    assert (
        f'<a href="http://127.0.0.1:8000/en/reviews/{review.pk}/feedback/">Next: Written feedback'
    ) in mine.html
    # An officer: what needs the secretariat in the reviews it follows, the most overdue first.
    mine = digest(secretariat).text.split("What you must do:")[1].split("==")[0]
    assert "Overdue: Governmental experts named (" in mine
    assert str(review) in mine and not any(
        str(other) in mine for other in Review.objects.exclude(pk=review.pk)
    )


def test_the_secretariat_digest_lists_everything_overdue(may):
    review, people, kept = may
    send_digests(MAY, now=LATER)
    secretariat = digest(people["secretariat"])
    # Every running review has steps overdue by June 2024 (the reviews began in 2020-2022).
    for other in Review.objects.exclude(pk=review.pk):
        assert str(other) in secretariat.text
    # Nobody else gets that list.
    assert "Overdue in every running review" not in digest(people["reviewer_fp_2"]).text


def test_the_worker_sends_last_months_digests_on_the_first_of_a_month(may):
    out: list[str] = []
    daily_work(dt.date(2024, 5, 31), LATER, out.append)
    assert not Message.objects.filter(kind="digest").exists()
    daily_work(dt.date(2024, 6, 1), LATER, out.append)
    assert "reminders for 2024-06-01:" in " ".join(out) and "digests for 2024-05:" in out[-1]
    assert Message.objects.filter(kind="digest", key__endswith=":2024-05").exists()
    daily_work(dt.date(2024, 6, 1), LATER, out.append)  # a second worker, or a restart
    assert out[-1] == "digests for 2024-05: 0 enqueued"


def test_the_digests_bulk_visibility_is_the_rule_of_the_review_pages(world):
    """The digest decides who may see which review for thousands of people at once
    (reviews.access.Visibility); it must give what `Review.objects.visible_to` gives each
    person, also after a reviewing party is replaced by a redraw and a nomination ended."""
    from revmod.accounts.models import Nomination, User
    from revmod.lots.models import Pairing
    from revmod.reviews.access import Visibility

    review, people = world
    pairing = Pairing.objects.active().filter(reviewed=review.party).first()
    Pairing.objects.filter(pk=pairing.pk).update(until=NOW.date())  # no longer reviewing
    Nomination.objects.filter(person=people["observer"]).update(ends_on=NOW.date())
    everyone = list(User.objects.filter(is_secretariat=False).order_by("pk"))
    bulk = Visibility(Review.objects.all()).of([p.pk for p in everyone])
    for person in everyone:
        expected = set(Review.objects.visible_to(person).values_list("pk", flat=True))
        assert bulk[person.pk] == expected, person.username
    assert review.pk in bulk[people["reviewed_fp"].pk]
    assert not bulk[people["outsider"].pk]


def test_the_digest_run_takes_the_same_queries_for_more_people(
    world, django_assert_max_num_queries
):
    from revmod.test import make_user, nominate

    review, people = world
    send_digests(MAY, now=LATER)
    Message.objects.filter(kind="digest").delete()
    with CaptureQueriesContext(connection) as few:
        send_digests(MAY, now=LATER)
    Message.objects.filter(kind="digest").delete()
    for i in range(30):
        nominate(make_user(f"more-{i}"), review.party.code, "expert", "own", people["secretariat"])
    with django_assert_max_num_queries(len(few)):
        assert send_digests(MAY, now=LATER) >= 30


def test_a_long_overdue_list_shows_the_most_overdue_and_links_to_the_rest(may, monkeypatch):
    from revmod.notifications import digest as module

    _review, people, _kept = may
    monkeypatch.setattr(module, "OVERDUE_LINES", 2)
    send_digests(MAY, now=LATER)
    text = digest(people["secretariat"]).text
    listed = text.split("Overdue in every running review:")[1].split("…")[0]
    lines = [line for line in listed.strip().splitlines() if line.startswith("- ")]
    days = [int(line.rsplit(",", 1)[1].split()[0]) for line in lines]
    # Each line links to the step's page: the nominations are on the review's.
    links = [line.strip() for line in listed.strip().splitlines() if not line.startswith("- ")]
    assert len(links) == 2 and all(re.fullmatch(r"http://\S+/en/reviews/\d+/", u) for u in links)
    assert len(days) == 2 and days == sorted(days, reverse=True)
    assert "more steps overdue" in text and "/en/reviews/?overdue=on" in text


def test_digests_made_in_batches_are_those_made_all_at_once(may, monkeypatch):
    """People, and the reviews' schedules, are taken a batch at a time and the parts shared
    by many digests rendered once per language: a run with batches of one person and one
    review stores, for people of six languages, secretariat and participants, the very messages
    a run with everything in one batch stores."""
    from revmod.notifications import digest as module

    review, people, _kept = may
    secretariat = people["secretariat"]
    reviews.assign_officers([review], officers=[secretariat], by=secretariat, now=NOW)

    def run(batch: int, schedules: int) -> dict:
        monkeypatch.setattr(module, "BATCH", batch)
        monkeypatch.setattr(module, "SCHEDULE_BATCH", schedules)
        assert send_digests(MAY, now=LATER) > 0
        found = Message.objects.filter(kind="digest")
        made = {m.key: (m.language, m.subject, m.text, m.html) for m in found}
        found.delete()
        return made

    at_once = run(10_000, 10_000)
    assert len({language for language, *_ in at_once.values()}) >= 5
    assert run(1, 1) == at_once == run(3, 2)


def test_a_digests_links_are_those_reverse_gives_in_every_language(world):
    from django.conf import settings
    from django.urls import reverse

    from revmod.notifications.digest import Link

    review, _people = world
    paths: dict = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for name in ("reviews:detail", "questionnaires:answers"):
                assert str(Link(name, review.pk, paths)) == reverse(name, args=[review.pk])
                assert str(Link(name, 7, paths)) == reverse(name, args=[7])
    # reverse() ran once per page and language, whatever the number of links.
    assert len(paths) == 2 * len(settings.LANGUAGES)


def test_a_review_kept_by_its_name_reads_as_the_review_in_every_language(world):
    from django.conf import settings

    from revmod.notifications.digest import Named

    review, _people = world
    review = Review.objects.select_related("party", "cluster").get(pk=review.pk)
    rows: dict = {}
    named = Named(review, rows)
    assert (named.pk, named.party_id, named.stage) == (review.pk, review.party_id, review.stage)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            assert str(named) == str(review)
    # A second review of the same party and cluster shares their rows.
    assert Named(review, rows).party is named.party
