"""Machine translation on request: the LibreTranslate client against a real local server,
asking, the queue and its retries, the pages (always labelled), who may see what, and the
e-mail to the requester."""

import datetime as dt
import io
import threading
from io import StringIO

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from revmod.accounts import actions as accounts
from revmod.accounts.models import Nomination
from revmod.documents.actions import upload
from revmod.notifications.models import Message
from revmod.questionnaires import actions as questionnaires
from revmod.questionnaires import feedback, observations
from revmod.questionnaires.models import Answer, ObservationVersion, Question
from revmod.reviews import actions as reviews
from revmod.reviews.models import ReadRecord
from revmod.test import PDF, count_queries, zip_bomb
from revmod.translations import actions
from revmod.translations.backends import (
    Backend,
    LibreTranslateBackend,
    TranslationError,
    get_backend,
)
from revmod.translations.models import TranslationRequest
from revmod.translations.tests.conftest import API_KEY, NOW

pytestmark = pytest.mark.django_db
LABEL = "Unofficial machine translation — not reviewed; the original in English is authoritative."
Status = TranslationRequest.Status


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def question(key):
    return Question.objects.get(key=key, template__published=True)


def answer(review, person, key, version=0, **fields):
    fields.setdefault("value", [])
    return questionnaires.save_answer(
        review, question(key), by=person, now=NOW, version=version, **fields
    )


def ask(client, review, target="fr", source="answers", **data):
    return client.post(
        url("translations:new", review.pk), {"source": source, "target": target, **data}
    )


def submit(review, people):
    reviews.act(review, "clear", by=people["reviewed_fp"], now=NOW)
    reviews.act(review, "submit", by=people["reviewed_fp"], now=NOW)
    review.refresh_from_db()


# The LibreTranslate client ------------------------------------------------------------------


def test_the_client_speaks_the_libretranslate_api(libretranslate, settings):
    backend = get_backend()
    assert isinstance(backend, LibreTranslateBackend)
    assert backend.translate(["Hello.", "Conspiracy only."], "en", "fr") == [
        "Bonjour.",
        "Entente seulement.",
    ]
    body = libretranslate.received[-1]
    assert body == {
        "q": ["Hello.", "Conspiracy only."],
        "source": "en",
        "target": "fr",
        "format": "text",
        "api_key": API_KEY,
    }
    # Chinese is "zh" for LibreTranslate, whichever revmod code comes in.
    backend.translate(["Hello."], "zh", "en")
    backend.translate(["Hello."], "en", "zh-hans")
    assert [b["source"] for b in libretranslate.received[-2:]] == ["zh", "en"]
    assert libretranslate.received[-1]["target"] == "zh"


def test_segments_are_sent_in_batches(libretranslate, world, settings):
    review, people = world
    settings.REVMOD_MT_BATCH = 2
    for key, text in [("untoc-5-1a", "One."), ("untoc-5-1b", "Two."), ("untoc-2-a", "Three.")]:
        answer(review, people["expert"], key, text=text)
    made, _created = actions.request_answers(review, by=people["expert"], target="es", now=NOW)
    actions.process_due(now=NOW)
    made.refresh_from_db()
    assert made.status == Status.DONE
    assert [len(b["q"]) for b in libretranslate.received] == [2, 1]


@pytest.mark.parametrize(
    "fail, message, transient",
    [
        (500, "HTTP 500: Internal error", True),
        (429, "HTTP 429: Slowdown", True),
        ("json", "not the JSON it should be", True),
    ],
)
def test_server_errors_are_clear(libretranslate, fail, message, transient):
    libretranslate.fail = fail
    with pytest.raises(TranslationError, match=message) as error:
        get_backend().translate(["Hello."], "en", "fr")
    assert error.value.transient is transient


def test_a_wrong_key_or_no_server_is_said(libretranslate):
    with pytest.raises(TranslationError, match="HTTP 403: Invalid API key") as error:
        LibreTranslateBackend(libretranslate.url, "wrong").translate(["Hello."], "en", "fr")
    assert error.value.transient is False  # trying again will not mend a wrong key
    closed = LibreTranslateBackend("http://127.0.0.1:9", API_KEY, timeout=2)
    with pytest.raises(TranslationError, match="could not be reached") as error:
        closed.translate(["Hello."], "en", "fr")
    assert error.value.transient is True


def test_the_dummy_is_the_default_without_a_url(settings):
    settings.REVMOD_MT_BACKEND = "dummy"
    assert get_backend().translate(["Hi"], "en", "ar") == ["[ar] Hi"]


# Asking, processing, reading ----------------------------------------------------------------


def test_french_translation_of_english_answers(client, world, libretranslate):
    review, people = world
    expert = people["expert"]
    answer(
        review,
        expert,
        "untoc-5-1a",
        value=["partly"],
        citations="Penal Code, art. 450-1",
        text="Conspiracy only.",
    )
    client.force_login(expert)
    page = client.get(url("questionnaires:answers", review.pk)).content.decode()
    assert "Request a machine translation" in page
    response = ask(client, review, "fr")
    made = TranslationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("translations:detail", review.pk, made.pk)
    assert (made.status, made.answers, made.source_language, made.target_language) == (
        Status.QUEUED,
        TranslationRequest.Answers.DRAFT,
        "en",
        "fr",
    )
    page = client.get(response["Location"]).content.decode()
    assert "waiting its turn" in page and "Entente" not in page

    outcome = actions.process_due(now=timezone.now())
    assert (outcome.claimed, outcome.done) == (1, 1)
    made.refresh_from_db()
    assert (made.status, made.backend, made.attempts) == (Status.DONE, "libretranslate", 1)
    # Stored apart: the original answer is untouched.
    original = Answer.objects.get(question__key="untoc-5-1a")
    assert (original.text, original.citations, original.version) == (
        "Conspiracy only.",
        "Penal Code, art. 450-1",
        1,
    )
    translated = {
        "question": "untoc-5-1a",
        "citations": "Code pénal, art. 450-1",
        "text": "Entente seulement.",
    }
    assert made.result == {"answers": [translated]}

    page = client.get(url("translations:detail", review.pk, made.pk)).content.decode()
    assert LABEL in page
    assert "Entente seulement." in page and "Code pénal, art. 450-1" in page
    # The question and the chosen value come from the template, in French.
    assert question("untoc-5-1a").text_fr.split("?")[0].replace("'", "&#x27;") in page
    assert "En partie" in page.split(LABEL)[-1]  # "Partly", from the catalogue
    assert 'lang="fr"' in page
    # The translations list of the review.
    listing = client.get(url("translations:list", review.pk)).content.decode()
    assert "Questionnaire answers" in listing and "Done" in listing

    # The requester is told, in their language (French), with a link to the result.
    message = Message.objects.get(kind="translation_ready")
    assert message.recipient == expert and message.language == "fr"
    assert f"/fr/reviews/{review.pk}/translations/{made.pk}/" in message.text


def test_the_label_is_in_the_download(client, world):
    review, people = world
    answer(review, people["expert"], "untoc-5-1a", text="Conspiracy only.")
    made, _ = actions.request_answers(review, by=people["expert"], target="ar", now=NOW)
    client.force_login(people["reviewed_fp"])
    download = url("translations:download", review.pk, made.pk)
    assert client.get(download).status_code == 404  # nothing to download yet
    actions.process_due(now=NOW)
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode()
    assert text.startswith(LABEL + "\n")
    assert "[ar] Conspiracy only." in text
    # The translated text is marked as Arabic, right to left, under the label.
    page = client.get(url("translations:detail", review.pk, made.pk)).content.decode()
    assert 'lang="ar"' in page and 'dir="rtl"' in page and LABEL in page


def test_submitted_answers_are_translated_as_submitted(client, world):
    review, people = world
    answer(review, people["expert"], "untoc-5-1a", text="Conspiracy only.")
    submit(review, people)
    client.force_login(people["reviewer_fp"])
    assert ask(client, review, "es").status_code == 302
    made = TranslationRequest.objects.get()
    assert made.answers == TranslationRequest.Answers.SUBMITTED
    assert made.submission == review.answer_set.submissions.get()
    actions.process_due(now=timezone.now())
    page = client.get(url("translations:detail", review.pk, made.pk)).content.decode()
    assert "[es] Conspiracy only." in page and LABEL in page


def test_who_may_ask_and_read(client, world):
    review, people = world
    answer(review, people["expert"], "untoc-5-1a", text="Conspiracy only.")
    draft, _ = actions.request_answers(review, by=people["expert"], target="fr", now=NOW)
    actions.process_due(now=NOW)
    detail = url("translations:detail", review.pk, draft.pk)
    download = url("translations:download", review.pk, draft.pk)
    listing = url("translations:list", review.pk)

    # A reviewing party reads no drafts: nor their translation, nor may it ask for one.
    client.force_login(people["reviewer_fp"])
    assert ask(client, review, "fr").status_code == 404
    assert client.get(detail).status_code == 404
    assert client.get(download).status_code == 404
    page = client.get(listing)
    assert page.status_code == 200 and "No machine translation yet." in page.content.decode()
    # An outsider learns nothing.
    client.force_login(people["outsider"])
    for path in (listing, detail, download):
        assert client.get(path).status_code == 404
    assert ask(client, review, "fr").status_code == 404
    # The party under review's observer reads it (read-only access to its own review).
    client.force_login(people["observer"])
    assert client.get(detail).status_code == 200
    # Once submitted, the reviewers still never see the translation of the drafts.
    submit(review, people)
    client.force_login(people["reviewer_fp"])
    assert client.get(detail).status_code == 404
    assert ask(client, review, "fr").status_code == 302  # the submitted answers, this time
    assert TranslationRequest.objects.count() == 2
    assert TranslationRequest.objects.exclude(pk=draft.pk).get().answers == "submitted"
    assert TranslationRequest.objects.filter(requested_by=people["outsider"]).count() == 0


def test_duplicate_requests_collapse(client, world):
    review, people = world
    answer(review, people["expert"], "untoc-5-1a", text="Conspiracy only.")
    client.force_login(people["expert"])
    first = ask(client, review, "fr")
    client.force_login(people["reviewed_fp"])
    second = ask(client, review, "fr")
    assert first["Location"] == second["Location"]
    assert TranslationRequest.objects.count() == 1
    page = client.get(second["Location"]).content.decode()
    assert "This translation was already requested" in page
    actions.process_due(now=NOW)
    ask(client, review, "fr")  # done: still the same one
    assert TranslationRequest.objects.count() == 1
    ask(client, review, "es")  # another language: another translation
    assert TranslationRequest.objects.count() == 2
    # The answers changed: a new translation of the new text.
    answer(review, people["expert"], "untoc-5-1a", version=1, text="Changed.")
    ask(client, review, "fr")
    assert TranslationRequest.objects.count() == 3


def test_bad_requests_are_refused_with_a_message(client, world):
    review, people = world
    client.force_login(people["expert"])
    response = ask(client, review, "fr")
    assert response.status_code == 302 and response["Location"] == url(
        "translations:list", review.pk
    )
    page = client.get(response["Location"]).content.decode()
    assert "There are no answers to translate yet." in page
    answer(review, people["expert"], "untoc-5-1a", text="Conspiracy only.")
    for data, message in [
        ({"target": "en"}, "into another language"),
        ({"target": "de"}, "one of the six official languages"),
        ({"source": "nothing"}, "Choose what to translate."),
        # Rule 50, seed ¶27-28: the answers are written in a working language (English here);
        # the target may be any of the six (seed ¶51; below, Chinese).
        ({"target": "ar", "source_language": "fr"}, "working languages (English)"),
    ]:
        page = client.post(
            url("translations:new", review.pk), {"source": "answers", **data}, follow=True
        ).content.decode()
        assert message in page, data
    assert ask(client, review, "fr", source="version-999999").status_code == 404
    assert TranslationRequest.objects.count() == 0
    # The UI's code for Chinese is accepted.
    assert ask(client, review, "zh-hans").status_code == 302
    assert TranslationRequest.objects.get().target_language == "zh"


def test_transient_errors_are_retried_then_the_request_fails(
    client, world, libretranslate, settings
):
    review, people = world
    settings.REVMOD_MT_MAX_ATTEMPTS = 3
    settings.REVMOD_MT_RETRY_SECONDS = 60
    answer(review, people["expert"], "untoc-5-1a", text="Conspiracy only.")
    made, _ = actions.request_answers(review, by=people["expert"], target="fr", now=NOW)
    libretranslate.fail = 500
    outcome = actions.process_due(now=NOW)
    assert (outcome.claimed, outcome.retried) == (1, 1)
    made.refresh_from_db()
    assert (made.status, made.attempts) == (Status.QUEUED, 1)
    assert made.next_attempt_at == NOW + dt.timedelta(seconds=60)
    assert "HTTP 500" in made.last_error
    assert actions.process_due(now=NOW + dt.timedelta(seconds=59)).claimed == 0  # backing off
    actions.process_due(now=NOW + dt.timedelta(seconds=60))
    made.refresh_from_db()
    assert (made.status, made.attempts) == (Status.QUEUED, 2)
    assert made.next_attempt_at == NOW + dt.timedelta(seconds=60 + 120)  # doubled
    outcome = actions.process_due(now=NOW + dt.timedelta(seconds=180))
    made.refresh_from_db()
    assert (outcome.failed, made.status, made.attempts) == (1, Status.FAILED, 3)
    assert made.result is None
    assert len(libretranslate.received) == 3

    detail = url("translations:detail", review.pk, made.pk)
    for person in ("expert", "secretariat"):  # the requester and the secretariat see why
        client.force_login(people[person])
        page = client.get(detail).content.decode()
        assert "The machine translation failed." in page and "HTTP 500" in page
        assert "HTTP 500" in client.get(url("translations:list", review.pk)).content.decode()
    client.force_login(people["reviewed_fp"])
    page = client.get(detail).content.decode()
    assert "The machine translation failed." in page and "HTTP 500" not in page
    # The requester is told of the failure too, with the page that says why.
    message = Message.objects.get(kind="translation_ready", recipient=people["expert"])
    assert message.key == f"translation:{made.pk}:failed"
    assert f"/fr/reviews/{review.pk}/translations/{made.pk}/" in message.text
    # Asking again after a failure queues a new attempt.
    client.force_login(people["expert"])
    ask(client, review, "fr")
    assert TranslationRequest.objects.filter(status=Status.QUEUED).count() == 1


def test_a_busy_server_is_tried_again_later(world, libretranslate):
    review, people = world
    answer(review, people["expert"], "untoc-5-1a", text="Conspiracy only.")
    made, _ = actions.request_answers(review, by=people["expert"], target="fr", now=NOW)
    libretranslate.fail, libretranslate.fail_times = 429, 1
    actions.process_due(now=NOW)
    made.refresh_from_db()
    assert made.status == Status.QUEUED and "HTTP 429" in made.last_error
    actions.process_due(now=made.next_attempt_at)
    made.refresh_from_db()
    assert (made.status, made.attempts, made.last_error) == (Status.DONE, 2, "")


def test_a_refusal_fails_at_once(world, libretranslate):
    review, people = world
    libretranslate.api_key = "another-key"
    answer(review, people["expert"], "untoc-5-1a", text="Conspiracy only.")
    made, _ = actions.request_answers(review, by=people["expert"], target="fr", now=NOW)
    assert actions.process_due(now=NOW).failed == 1
    made.refresh_from_db()
    assert (made.status, made.attempts) == (Status.FAILED, 1)
    assert "Invalid API key" in made.last_error


def test_a_dead_workers_claim_is_taken_again_and_its_late_result_ignored(world, settings):
    review, people = world
    answer(review, people["expert"], "untoc-5-1a", text="Conspiracy only.")
    made, _ = actions.request_answers(review, by=people["expert"], target="fr", now=NOW)
    lease = dt.timedelta(minutes=15)
    [stale] = actions.claim(now=NOW, limit=5, lease=lease)  # a worker that then hangs
    assert actions.claim(now=NOW + dt.timedelta(minutes=14), limit=5, lease=lease) == []
    assert actions.process_due(now=NOW + lease).done == 1
    # The hung worker wakes up: its outcome is not stored over the finished one.
    assert not actions._record(stale, NOW, status=Status.FAILED, last_error="late")
    made.refresh_from_db()
    assert (made.status, made.attempts) == (Status.DONE, 2)
    assert Message.objects.filter(kind="translation_ready").count() == 1


def test_the_requester_who_left_the_review_is_not_told(world):
    review, people = world
    answer(review, people["expert"], "untoc-5-1a", text="Conspiracy only.")
    actions.request_answers(review, by=people["expert"], target="fr", now=NOW)
    accounts.end_nomination(
        people["expert_nomination"], on=NOW.date(), by=people["secretariat"], now=NOW
    )
    assert actions.process_due(now=NOW).done == 1
    assert not Message.objects.filter(kind="translation_ready").exists()


def test_the_worker_translates_in_its_rounds(world):
    review, people = world
    answer(review, people["expert"], "untoc-5-1a", text="Conspiracy only.")
    made, _ = actions.request_answers(review, by=people["expert"], target="ru", now=NOW)
    out = StringIO()
    call_command("runworker", "--once", stdout=out)
    made.refresh_from_db()
    assert made.status == Status.DONE and "translations: claimed 1, done 1" in out.getvalue()
    assert made.result["answers"][0]["text"] == "[ru] Conspiracy only."


# Calls kept, retried alone, a time limit ------------------------------------------------------


class Scripted(Backend):
    """A backend that answers "[fr] text", but for the calls (numbered from 1) that `script`
    names: an exception to raise, or an Event to wait for (a server that hangs until it is set).
    `calls`: the texts of each call made, in order."""

    name = "scripted"

    def __init__(self, script=None, *, before=None):
        self.script = dict(script or {})
        self.calls: list[list[str]] = []
        self.before = before  # called at the start of each call

    def translate(self, texts, source, target):
        self.calls.append(list(texts))
        if self.before:
            self.before()
        planned = self.script.pop(len(self.calls), None)
        if isinstance(planned, threading.Event):
            planned.wait()
        elif planned is not None:
            raise planned
        return [f"[{target}] {text}" for text in texts]


def three_calls(review, people, settings) -> TranslationRequest:
    """A request of the expert's answers whose three texts go one to a call."""
    settings.REVMOD_MT_BATCH = 1
    for key, text in [("untoc-5-1a", "One."), ("untoc-5-1b", "Two."), ("untoc-2-a", "Three.")]:
        answer(review, people["expert"], key, text=text)
    made, _created = actions.request_answers(review, by=people["expert"], target="fr", now=NOW)
    return made


def texts_of(result) -> list[str]:
    return [a["text"] for a in result["answers"] if a["text"]]


def test_a_retry_makes_only_the_call_that_failed(world, settings):
    review, people = world
    settings.REVMOD_MT_MAX_ATTEMPTS = 1  # an attempt that translated something is not the last
    made = three_calls(review, people, settings)
    backend = Scripted({2: TranslationError("The translation server answered HTTP 500.")})
    outcome = actions.process_due(now=NOW, backend=backend)
    assert (outcome.claimed, outcome.retried, outcome.failed) == (1, 1, 0)
    first, failed, third = backend.calls  # each text once; the second call failed
    made.refresh_from_db()
    assert made.status == Status.QUEUED and "HTTP 500" in made.last_error
    assert made.partial.count(None) == 1 and made.result is None
    assert made.next_attempt_at == NOW + dt.timedelta(seconds=settings.REVMOD_MT_RETRY_SECONDS)
    outcome = actions.process_due(now=made.next_attempt_at, backend=backend)
    assert outcome.done == 1
    assert backend.calls == [first, failed, third, failed]  # the retry: the failed call only
    made.refresh_from_db()
    assert (made.status, made.attempts, made.partial, made.last_error) == (
        Status.DONE,
        2,
        None,
        "",
    )
    assert sorted(texts_of(made.result)) == ["[fr] One.", "[fr] Three.", "[fr] Two."]
    print(f"translation figures: calls {len(backend.calls)} for 3 texts, repeated 1 (the failed)")


def test_a_server_that_hangs_is_left_after_the_time_limit_keeping_what_it_translated(
    world, settings
):
    """Waits one second: the time limit of the attempt, for a call that never returns."""
    review, people = world
    settings.REVMOD_MT_JOB_SECONDS = 1
    made = three_calls(review, people, settings)
    hanging = threading.Event()
    backend = Scripted({2: hanging})
    try:
        outcome = actions.process_due(now=NOW, backend=backend)
        assert (outcome.claimed, outcome.retried) == (1, 1)
        assert len(backend.calls) == 2  # the third is not tried against a server that hangs
        assert not hanging.is_set()  # and the second has still not returned
    finally:
        hanging.set()
    made.refresh_from_db()
    assert made.status == Status.QUEUED
    assert made.last_error == "The translation server did not answer within 1 seconds."
    assert made.partial.count(None) == 2  # the first call is kept
    outcome = actions.process_due(now=made.next_attempt_at, backend=backend)
    assert outcome.done == 1 and len(backend.calls) == 4  # the hung call again, and the third
    assert backend.calls[2] == backend.calls[1]
    made.refresh_from_db()
    assert len(texts_of(made.result)) == 3


def test_a_worker_stopping_mid_call_puts_the_request_back_at_once(world, settings):
    review, people = world
    made = three_calls(review, people, settings)
    stop, hanging = threading.Event(), threading.Event()
    backend = Scripted({2: hanging})
    # SIGTERM arrives while the second call hangs.
    backend.before = lambda: len(backend.calls) == 2 and stop.set()
    try:
        outcome = actions.process_due(now=NOW, backend=backend, stop=stop)
    finally:
        hanging.set()
    assert (outcome.claimed, outcome.done, outcome.retried, outcome.failed) == (1, 0, 0, 0)
    made.refresh_from_db()
    assert (made.status, made.next_attempt_at, made.last_error) == (Status.QUEUED, NOW, "")
    assert made.partial.count(None) == 2  # the first call is kept
    assert actions.process_due(now=NOW, backend=Scripted()).done == 1


# Documents ---------------------------------------------------------------------------------


def _docx(*paragraphs) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Article 5", "In force."
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_documents_are_translated_from_txt_and_docx(client, world):
    review, people = world
    fp = people["reviewed_fp"]
    notes = SimpleUploadedFile("notes.txt", b"Hello.\n\nSecond paragraph.\n")
    txt = upload(
        review, by=fp, kind="supporting", language="en", title="Notes", now=NOW, file=notes
    )
    word = upload(
        review,
        by=fp,
        kind="supporting",
        language="en",
        title="Law",
        now=NOW,
        file=SimpleUploadedFile("loi.docx", _docx("Bonjour.", "", "Fin.")),
    )
    client.force_login(people["reviewer_fp"])
    page = client.get(url("documents:list", review.pk)).content.decode()
    assert f'value="version-{txt.pk}"' in page and f'value="version-{word.pk}"' in page
    response = ask(client, review, "es", source=f"version-{txt.pk}")
    assert response.status_code == 302
    ask(client, review, "fr", source=f"version-{word.pk}")
    actions.process_due(now=timezone.now())
    from_txt, from_docx = TranslationRequest.objects.order_by("pk")
    assert (from_txt.source_language, from_txt.status) == ("en", Status.DONE)
    assert from_txt.result == {"paragraphs": ["[es] Hello.", "[es] Second paragraph."]}
    assert from_docx.source_language == "en"
    assert from_docx.result["paragraphs"] == [
        "[fr] Bonjour.",
        "[fr] Fin.",
        "[fr] Article 5",
        "[fr] In force.",
    ]
    page = client.get(url("translations:detail", review.pk, from_docx.pk)).content.decode()
    assert "[fr] Fin." in page
    assert "the original in English is authoritative" in page
    # The document's own language is refused.
    page = client.post(
        url("translations:new", review.pk),
        {"source": f"version-{word.pk}", "target": "en"},
        follow=True,
    ).content.decode()
    assert "into another language" in page


def test_a_document_beyond_the_limits_is_not_read_nor_translated(client, world, settings):
    settings.REVMOD_MAX_PARAGRAPHS, settings.REVMOD_MAX_ROWS = 50, 30
    review, people = world
    fp = people["reviewed_fp"]
    client.force_login(fp)
    many = [f"Article {n}." for n in range(60)]
    for name, data, message in [
        ("code.docx", _docx(*many), "more than 50 paragraphs and table cells"),
        ("table.xlsx", _xlsx(*[[text] for text in many]), "more than 30 rows"),
    ]:
        version = upload(
            review,
            by=fp,
            kind="supporting",
            language="en",
            title=name,
            now=NOW,
            file=SimpleUploadedFile(name, data),
        )
        page = client.post(
            url("translations:new", review.pk),
            {"source": f"version-{version.pk}", "target": "fr"},
            follow=True,
        ).content.decode()
        assert message in page
    assert not TranslationRequest.objects.exists()


def test_a_pdf_is_refused_with_a_clear_message(client, world):
    review, people = world
    pdf = upload(
        review,
        by=people["reviewed_fp"],
        kind="supporting",
        language="en",
        title="Law",
        now=NOW,
        file=SimpleUploadedFile("law.pdf", PDF),
    )
    client.force_login(people["reviewed_fp"])
    page = client.get(url("documents:list", review.pk)).content.decode()
    assert f'value="version-{pdf.pk}"' not in page  # not offered
    page = client.post(
        url("translations:new", review.pk),
        {"source": f"version-{pdf.pk}", "target": "fr"},
        follow=True,
    ).content.decode()
    assert "Machine translation reads TXT, DOCX and XLSX files; this document is PDF." in page
    assert not TranslationRequest.objects.exists()


def test_unsubmitted_answer_documents_stay_with_their_side(client, world):
    review, people = world
    doc = upload(
        review,
        by=people["reviewed_fp"],
        kind="questionnaire_answers",
        language="en",
        title="Answers",
        now=NOW,
        file=SimpleUploadedFile("a.txt", b"Yes."),
    )
    made, _ = actions.request_document(doc, by=people["expert"], target="fr", now=NOW)
    client.force_login(people["reviewer_fp"])
    assert client.get(url("translations:detail", review.pk, made.pk)).status_code == 404
    assert ask(client, review, "fr", source=f"version-{doc.pk}").status_code == 404


# Query counts ------------------------------------------------------------------------------


def test_the_translations_list_query_count_stays_flat(client, world):
    review, people = world
    client.force_login(people["reviewed_fp"])
    listing = url("translations:list", review.pk)
    answer(review, people["expert"], "untoc-5-1a", text="One.")
    actions.request_answers(review, by=people["expert"], target="fr", now=NOW)
    upload_one = upload(
        review,
        by=people["reviewed_fp"],
        kind="supporting",
        language="en",
        title="N0",
        now=NOW,
        file=SimpleUploadedFile("n.txt", b"Hi."),
    )
    actions.request_document(upload_one, by=people["reviewed_fp"], target="fr", now=NOW)
    actions.process_due(now=NOW)
    few = count_queries(lambda: client.get(listing))
    for n, target in enumerate(["ar", "es", "ru", "zh"]):
        actions.request_answers(review, by=people["expert"], target=target, now=NOW)
        version = upload(
            review,
            by=people["reviewed_fp"],
            kind="supporting",
            language="en",
            title=f"N{n + 1}",
            now=NOW,
            file=SimpleUploadedFile("n.txt", b"Hi."),
        )
        actions.request_document(version, by=people["expert"], target=target, now=NOW)
    actions.process_due(now=NOW, limit=20)
    assert TranslationRequest.objects.count() == 10
    page = client.get(listing).content.decode()
    assert page.count("translations/") >= 10
    assert count_queries(lambda: client.get(listing)) == few


def test_a_result_page_query_count_stays_flat(client, world):
    review, people = world
    client.force_login(people["reviewed_fp"])
    answer(review, people["expert"], "untoc-5-1a", text="One.")
    small, _ = actions.request_answers(review, by=people["expert"], target="fr", now=NOW)
    for q in questionnaires.questions_for(review, questionnaires.template_for(review))[:30]:
        if q.key != "untoc-5-1a":
            questionnaires.save_answer(
                review,
                q,
                by=people["expert"],
                now=NOW,
                version=0,
                value=[],
                citations="Law 1",
                text="Answered.",
            )
    large, _ = actions.request_answers(review, by=people["expert"], target="fr", now=NOW)
    actions.process_due(now=NOW)
    few = count_queries(lambda: client.get(url("translations:detail", review.pk, small.pk)))
    many = count_queries(lambda: client.get(url("translations:detail", review.pk, large.pk)))
    assert len(large.source["answers"]) > 20 and many == few


def test_the_documents_page_offers_translations_in_flat_queries(client, world):
    review, people = world
    client.force_login(people["reviewer_fp"])
    page = url("documents:list", review.pk)

    def add(n):
        note = SimpleUploadedFile("n.txt", b"Hi.")
        return upload(
            review,
            by=people["reviewed_fp"],
            kind="supporting",
            language="en",
            title=f"Note {n}",
            now=NOW,
            file=note,
        )

    add(0)
    few = count_queries(lambda: client.get(page))
    for n in range(1, 8):
        add(n)
    html = client.get(page).content.decode()
    assert html.count('value="version-') == 8
    assert count_queries(lambda: client.get(page)) == few


def _xlsx(*rows) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_text_is_read_from_txt_docx_and_xlsx_and_refused_otherwise():
    from revmod.translations.sources import SourceError, paragraphs_of

    assert paragraphs_of("txt", "\ufeffOne\r\nline.\r\n\r\n\r\nTwo.".encode()) == [
        "One\nline.",
        "Two.",
    ]
    assert paragraphs_of("docx", _docx("A.", "  ", "B.")) == ["A.", "B.", "Article 5", "In force."]
    assert paragraphs_of("xlsx", _xlsx(["Law", 1990, "In force"], [None, "Amended"])) == [
        "Law",
        "In force",
        "Amended",
    ]
    for extension, data, message in [
        ("pdf", b"%PDF-1.7\n", "this document is PDF"),
        ("odt", b"PK\x03\x04", "this document is ODT"),
        ("docx", b"PK\x03\x04 not a zip", "damaged or is not a real DOCX"),
        # Stored before the limits were checked on upload: checked again before reading.
        ("docx", zip_bomb("docx"), "as in a decompression bomb"),
        ("xlsx", zip_bomb("xlsx"), "as in a decompression bomb"),
        ("txt", b"  \n\n ", "no text to translate"),
    ]:
        with pytest.raises(SourceError, match=message):
            paragraphs_of(extension, data)


# The written feedback and the list of observations -----------------------------------------


def to_feedback(review, people):
    """The answers submitted: the review at the written feedback stage."""
    answer(review, people["expert"], "untoc-5-1a", text="Conspiracy only.")
    submit(review, people)
    assert review.stage == "written_feedback"


def comment(review, people, text):
    """The reviewing party of `reviewer_fp` comments on question untoc-5-1a (the article is
    given to it, whichever instruments it was drawn for)."""
    q = question("untoc-5-1a")
    code = Nomination.objects.active().get(person=people["reviewer_fp"]).party.code
    secretariat = people["secretariat"]
    feedback.divide_tasks(review, by=secretariat, now=NOW, tasks={code: [q.article_id]})
    return feedback.save_comment(review, q, by=people["reviewer_fp"], now=NOW, version=0, text=text)


def to_observations(review, people):
    """Every reviewing party clears the feedback and it is submitted."""
    fps = [p for name, p in people.items() if name.startswith("reviewer_fp")]
    for fp in fps:
        reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=fps[0], now=NOW)
    review.refresh_from_db()
    assert review.stage == "observations"


OBSERVED = {
    "gaps": "No law on conspiracy.",
    "recommendations": "Adopt a law.",
    "summary": "Mostly in place.",
}


def test_a_reviewer_reads_a_machine_translation_of_the_list_of_observations(client, world):
    review, people = world
    to_feedback(review, people)
    comment(review, people, "Only conspiracy is covered.")
    to_observations(review, people)
    expert, reviewer = people["expert"], people["reviewer_fp"]
    page = url("questionnaires:observations", review.pk)
    client.force_login(reviewer)
    assert 'value="observations-' not in client.get(page).content.decode()
    # A version with no text is refused, with a message, and nothing is stored.
    observations.save_version(review, by=expert, now=NOW, based_on=0, sections={})
    response = ask(client, review, "fr", source="observations-1")
    assert "This version of the list of observations has no text to translate." in (
        client.get(response["Location"]).content.decode()
    )
    observations.save_version(review, by=expert, now=NOW, based_on=1, sections=OBSERVED)
    html = client.get(page).content.decode()
    assert "Request a machine translation of version 2" in html
    assert 'value="observations-2"' in html
    response = ask(client, review, "fr", source="observations-2")
    made = TranslationRequest.objects.get()
    detail = url("translations:detail", review.pk, made.pk)
    download = url("translations:download", review.pk, made.pk)
    assert response["Location"] == detail
    assert (made.kind, made.observation_version.number, made.source_language) == (
        "observations",
        2,
        "en",
    )
    # The same request by the party under review: the same translation.
    client.force_login(people["reviewed_fp"])
    assert ask(client, review, "fr", source="observations-2")["Location"] == detail
    assert TranslationRequest.objects.count() == 1
    # Who takes no part in the review learns nothing, neither asking nor reading.
    client.force_login(people["outsider"])
    assert ask(client, review, "fr", source="observations-2").status_code == 404
    assert ask(client, review, "es", source="observations-2").status_code == 404
    actions.process_due(now=timezone.now())
    for path in (detail, download):
        assert client.get(path).status_code == 404
    assert TranslationRequest.objects.count() == 1

    client.force_login(reviewer)
    html = client.get(detail).content.decode()
    assert LABEL in html
    translated = html.split('lang="fr"')[-1]
    # Section by section under the original's headings, in the target language.
    for heading, text in [
        ("Lacunes et difficultés", "[fr] No law on conspiracy."),
        ("Recommandations", "[fr] Adopt a law."),
        ("Résumé", "[fr] Mostly in place."),
    ]:
        assert f"<h2>{heading}</h2>" in translated and text in translated
    assert translated.index("[fr] Adopt a law.") < translated.index("[fr] Mostly in place.")
    assert ReadRecord.objects.filter(material="observations", how="translation").exists()
    text = client.get(download).content.decode()
    assert text.startswith(LABEL + "\n") and "[fr] Mostly in place." in text
    listing = client.get(url("translations:list", review.pk)).content.decode()
    assert "List of observations and summary" in listing and "version 2" in listing
    # Every participant reads it; the original is untouched.
    client.force_login(people["observer"])
    assert client.get(detail).status_code == 200
    assert ObservationVersion.objects.get(number=2).sections["summary"] == "Mostly in place."


def test_the_written_feedback_is_translated_for_those_who_may_read_it(client, world):
    review, people = world
    to_feedback(review, people)
    page = url("questionnaires:feedback", review.pk)
    client.force_login(people["reviewer_fp"])
    assert 'value="feedback"' not in client.get(page).content.decode()
    response = ask(client, review, "fr", source="feedback")
    assert "There is no written feedback to translate yet." in (
        client.get(response["Location"]).content.decode()
    )
    assert not TranslationRequest.objects.exists()
    comment(review, people, "Only conspiracy is covered.")
    assert 'value="feedback"' in client.get(page).content.decode()
    draft_location = ask(client, review, "fr", source="feedback")["Location"]
    draft = TranslationRequest.objects.get()
    assert (draft.kind, draft.answers) == ("feedback", "draft")
    # Another reviewing party asking the same: the same translation.
    client.force_login(people["reviewer_fp_2"])
    assert ask(client, review, "fr", source="feedback")["Location"] == draft_location
    # The party under review reads no draft feedback: nor may it ask, nor read the translation.
    for name in ("reviewed_fp", "expert", "observer"):
        client.force_login(people[name])
        assert ask(client, review, "fr", source="feedback").status_code == 404, name
        assert client.get(draft_location).status_code == 404, name
    actions.process_due(now=timezone.now())
    client.force_login(people["reviewer_fp"])
    html = client.get(draft_location).content.decode()
    assert LABEL in html and "[fr] Only conspiracy is covered." in html
    assert question("untoc-5-1a").text_fr.split("?")[0].replace("'", "&#x27;") in html

    # Once submitted, the party under review asks for the feedback as submitted.
    to_observations(review, people)
    client.force_login(people["reviewed_fp"])
    submitted_location = ask(client, review, "fr", source="feedback")["Location"]
    assert submitted_location != draft_location
    submitted = TranslationRequest.objects.exclude(pk=draft.pk).get()
    assert submitted.answers == "submitted"
    assert submitted.feedback_submission == review.feedback_submissions.get()
    actions.process_due(now=timezone.now())
    assert "[fr] Only conspiracy is covered." in client.get(submitted_location).content.decode()
    assert client.get(draft_location).status_code == 404  # the draft's stays with the reviewers
    text = client.get(submitted_location.rstrip("/") + ".txt").content.decode()
    assert text.startswith(LABEL) and ": [fr] Only conspiracy is covered." in text


def test_the_list_query_count_stays_flat_with_every_kind(client, world):
    review, people = world
    to_feedback(review, people)
    comment(review, people, "One.")
    to_observations(review, people)
    expert = people["expert"]
    client.force_login(people["reviewed_fp"])
    listing = url("translations:list", review.pk)

    def one_of_each(n, target):
        observations.save_version(
            review, by=expert, now=NOW, based_on=n, sections={"summary": f"Summary {n}."}
        )
        for made in (
            actions.request_answers(review, by=expert, target=target, now=NOW),
            actions.request_feedback(review, by=expert, target=target, now=NOW),
            actions.request_observations(review, by=expert, target=target, now=NOW),
        ):
            assert made[1]

    one_of_each(0, "fr")
    actions.process_due(now=NOW)
    few = count_queries(lambda: client.get(listing))
    for n, target in enumerate(["ar", "es", "ru", "zh"], start=1):
        one_of_each(n, target)
    actions.process_due(now=NOW, limit=20)
    assert TranslationRequest.objects.filter(status="done").count() == 15
    html = client.get(listing).content.decode()
    assert html.count(f"/reviews/{review.pk}/translations/") >= 15
    assert count_queries(lambda: client.get(listing)) == few
