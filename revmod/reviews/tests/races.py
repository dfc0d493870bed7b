"""Races a busy installation runs into, played with threads on the configured database: the same
reopening sent twice at once (a double click, or two officers on the same stale page), and
twenty people saving the same answer at once. Run in the test process on PostgreSQL, and in a
child process on a file-based SQLite database (the embedded default: an in-memory test database
cannot show its locking); both print what they counted.

    python -m revmod.reviews.tests.races   (with DATABASE_URL set; prints the counts as JSON)
"""

import datetime as dt
import json
import threading
from collections import Counter

NOW = dt.datetime(2021, 3, 1, 9, tzinfo=dt.UTC)


def _together(n: int, work) -> Counter:
    """Run `work()` in `n` threads released at the same moment; count the outcomes (the value
    returned, or the exception's class name)."""
    from django.db import connections

    barrier = threading.Barrier(n)
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def run():
        try:
            barrier.wait()
            outcome = work()
        except Exception as error:  # counted: the test says which outcomes are allowed
            outcome = type(error).__name__
        finally:
            connections.close_all()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def play() -> dict:
    """Build a review at the questionnaire stage and race on it; the counts."""
    from revmod.notifications.models import Message
    from revmod.questionnaires import actions as answers
    from revmod.questionnaires.models import Question
    from revmod.reviews import actions
    from revmod.reviews.access import audience
    from revmod.reviews.models import Review, ReviewEvent
    from revmod.test import load_questionnaire, make_people, make_world, to_questionnaire

    secretariat, reviews = make_world(reviewed=("KEN", "FRA"))
    review = reviews["KEN"]
    people, _nominations = make_people(secretariat, review)
    review = to_questionnaire(review, people["reviewed_fp"])
    load_questionnaire()
    version = Review.objects.get(pk=review.pk).version

    def reopen():
        actions.act(
            review,
            "reopen",
            by=secretariat,
            now=NOW,
            reason="Asked twice",
            to="questionnaire",
            version=version,
        )
        return "done"

    reopened = _together(2, lambda: _outcome(reopen, actions.ReviewError))
    question = Question.objects.filter(article__instrument__code="UNTOC", kind="text").first()

    def save():
        answers.save_answer(
            review, question, by=people["expert"], now=NOW, version=0, value=[], text="Mine."
        )
        return "done"

    saved = _together(20, lambda: _outcome(save, answers.AnswerError))
    return {
        "reopen": dict(reopened),
        "reopen_events": ReviewEvent.objects.filter(review=review, kind="reopen").count(),
        "reopen_emails": Message.objects.filter(kind="step_reopened").count(),
        "audience": audience(review).exclude(pk=secretariat.pk).count(),
        "save": dict(saved),
    }


def _outcome(work, refusal):
    """ "done", "refused" for the action's own refusal (a message for the person), or the
    exception that escaped (a 500 for the person)."""
    try:
        return work()
    except refusal:
        return "refused"


if __name__ == "__main__":
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(play()))
