"""End to end in a real browser (Debian's Chromium driven by Playwright): what a person at a
ministry or at the secretariat sees and clicks, in their language.

Chromium comes from Debian (`make test` installs the package when it is missing); Playwright
never downloads a browser. The pages are served by pytest-django's live server. The `browser`
and `page` fixtures are in conftest.py."""

import io

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.management import call_command
from django.utils import timezone

from revmod.accounts.models import Nomination
from revmod.questionnaires.models import Answer, Question
from revmod.registry.models import Cluster
from revmod.reviews import actions as reviews
from revmod.reviews.models import Review
from revmod.test import PASSWORD, make_people, make_user, make_world

FP, OWN, REVIEWER = Nomination.Kind.FOCAL_POINT, Nomination.Scope.OWN, Nomination.Scope.REVIEWER
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    """FRA's review and its personas (the focal point in Arabic), committed for the browser's
    server: built for each test (a test that commits cannot share its module's data)."""
    secretariat, reviews = make_world()
    review = reviews["FRA"]
    people, _nominations = make_people(secretariat, review, languages={"reviewed_fp": "ar"})
    return secretariat, review, people


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]:not(.languages button)")


def test_a_focal_point_works_in_arabic_right_to_left(page, live_server, world):
    _secretariat, review, _people = world
    sign_in(page, live_server, "reviewed_fp")
    page.goto(f"{live_server.url}/ar/reviews/")
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    # Laid out right to left: the brand (first in the header) is at the right edge.
    brand = page.locator("header .brand").bounding_box()
    assert brand["x"] > page.viewport_size["width"] / 2
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    page.click(f"a[href='/ar/reviews/{review.pk}/']")
    assert page.locator("h1").inner_text().strip()
    # The party's focal point starts the initial consultation with the button in Arabic.
    button = page.locator(f"form[action='/ar/reviews/{review.pk}/act/start_consultation/'] button")
    assert button.inner_text() == "بدء المشاورات الأولية"
    with page.expect_navigation():
        button.click()
    # Confirmed on the page that says what it does (nothing is done before).
    assert Review.objects.get(pk=review.pk).stage == "awaiting_nominations"
    with page.expect_navigation():
        page.locator("form.confirm button[type=submit]").click()
    review.refresh_from_db()
    assert review.stage == "initial_consultation"
    assert "المشاورات الأولية" in page.locator("main").inner_text()


def test_an_outsider_sees_nothing_of_the_review(page, live_server, world):
    _secretariat, review, _people = world
    sign_in(page, live_server, "outsider")
    response = page.goto(f"{live_server.url}/en/reviews/{review.pk}/")
    assert response.status == 404
    assert "France" not in page.content()
    page.goto(f"{live_server.url}/en/reviews/")
    assert "France" not in page.locator("main").inner_text()


def test_the_secretariat_signs_in_with_its_second_factor(page, live_server, world):
    officer = make_user("officer", secretariat=True, totp=False)
    secret = generate_totp_secret()
    TOTP.activate(officer, secret)
    sign_in(page, live_server, "officer")
    assert "/accounts/2fa/authenticate/" in page.url
    page.goto(f"{live_server.url}/en/reviews/")
    assert "/en/reviews/" not in page.url  # not in before the code
    page.goto(f"{live_server.url}/en/accounts/2fa/authenticate/")
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    page.fill("input[name=code]", code)
    # Wait for the code's answer: going on at once could abandon the POST (the test failed so
    # once on a busy machine, still on the code page).
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/accounts/2fa/authenticate/" not in page.url
    page.goto(f"{live_server.url}/en/reviews/")
    assert page.url.endswith("/en/reviews/")
    assert Review.objects.count() == 4
    assert page.locator("main table tbody tr").count() == 4


def test_the_language_switcher_keeps_the_page_and_the_choice(page, live_server, world):
    _secretariat, review, _people = world
    sign_in(page, live_server, "reviewed_fp")
    page.goto(f"{live_server.url}/en/reviews/{review.pk}/")
    page.select_option("#language-switcher", "ru")
    with page.expect_navigation():
        page.click("form.languages button[type=submit]")
    assert page.url.endswith(f"/ru/reviews/{review.pk}/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert "Выйти" in page.locator("header").inner_text()
    page.goto(f"{live_server.url}/")
    assert "/ru/" in page.url


def test_a_draft_answer_saves_itself_while_the_focal_point_writes(page, live_server, world):
    from playwright.sync_api import expect

    _secretariat, review, people = world
    call_command("loadquestionnaire", stdout=io.StringIO())
    fp, now = people["reviewed_fp"], timezone.now()
    reviews.act(review, "start_consultation", by=fp, now=now)
    reviews.record_consultation(review, by=fp, now=now, held_on=now.date(), languages=["en"])
    reviews.act(review, "advance", by=fp, now=now)
    q = Question.objects.get(key="untoc-6-1", template__published=True)
    sign_in(page, live_server, "reviewed_fp")
    page.goto(f"{live_server.url}/en/reviews/{review.pk}/questionnaire/")
    form = page.locator(f"#q{q.pk} form")
    form.locator("input[name=value][value=partly]").check()
    form.locator("textarea[name=text]").fill("Written, never saved by hand.")
    # Two seconds after the last keystroke, without a click.
    expect(form.locator("[data-autosave-status]")).to_contain_text("Draft saved at", timeout=15000)
    answer = Answer.objects.get(question=q)
    assert (answer.value, answer.text, answer.version) == (
        ["partly"],
        "Written, never saved by hand.",
        1,
    )
    assert form.locator("input[name=version]").input_value() == "1"
    # The button saves on top of the draft: the form carries the draft's version, no conflict.
    form.locator("textarea[name=text]").fill("Then saved with the button.")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "Answer saved." in page.locator("main").inner_text()
    answer.refresh_from_db()
    assert (answer.text, answer.version) == ("Then saved with the button.", 2)


def signed_in_as(page, live_server, user):
    """`user`'s session in the browser, without the sign-in form (nor a second factor)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def font_files(page) -> list[str]:
    """The font files the page downloaded, once its fonts are ready."""
    page.evaluate("document.fonts.ready.then(() => true)")
    return page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(name => name.endsWith('.woff2'))"
    )


def test_pages_run_under_the_content_security_policy(page, live_server, world):
    """Key pages, in Arabic and English, the API's documentation and the admin run without the
    policy refusing anything (the page fixture fails the test if it did): scripts come from
    files, the second factor's QR code is a data: image, the statistics' bars are sized by
    style attributes, Arabic and Chinese are drawn in fonts from our static files."""
    from playwright.sync_api import expect

    secretariat, review, _people = world
    sign_in(page, live_server, "reviewed_fp")  # the sign-in page, too
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{live_server.url}/en/reviews/")
    assert font_files(page) == []
    for path in [
        "/ar/reviews/",
        f"/ar/reviews/{review.pk}/",
        "/ar/statistics/public/",
        "/ar/parties/",
        "/api/v1/reviews/",  # the API's browsable pages
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
    # Arabic and Chinese are drawn in the fonts we serve (font-src 'self'), a few slices of
    # them (an English page downloads none: checked first, before any was in the cache).
    for path, family in [("/ar/parties/", "ibm-plex-sans-arabic"), ("/zh-hans/", "noto-sans-sc")]:
        page.goto(f"{live_server.url}{path}")
        assert font_files(page) and all("/static/fonts/" in f for f in font_files(page)), path
        assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith(family)
        loaded = "[...document.fonts].filter(f => f.status == 'loaded').map(f => f.family)"
        assert family in {name.strip('"') for name in page.evaluate(loaded)}, path
    # Setting up the second factor: the password again, then the QR code (a data: image).
    page.goto(f"{live_server.url}/en/accounts/2fa/totp/activate/")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator("main img[src^='data:image/svg+xml']")).to_be_visible()
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("revmod API", timeout=15000)
    signed_in_as(page, live_server, secretariat)
    cluster = Cluster.objects.first()
    for path in ["/en/admin/", f"/en/admin/registry/cluster/{cluster.pk}/change/"]:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
    # The admin's own scripts ran: the articles' two-list chooser is built by one.
    expect(page.locator("#id_articles_add_all")).to_be_visible()


def test_a_focal_point_confirms_the_submission_seeing_what_is_unanswered(
    browser, live_server, world
):
    """Issue 17, item 3: "Submit" leads to a confirmation that counts the answers and lists
    the unanswered; going back submits nothing, only its Confirm button does. Without
    JavaScript (a slow link, a locked-down browser): plain pages and forms."""
    from revmod.questionnaires import actions as questionnaires

    _secretariat, review, people = world
    call_command("loadquestionnaire", stdout=io.StringIO())
    fp, now = people["reviewed_fp"], timezone.now()
    reviews.act(review, "start_consultation", by=fp, now=now)
    reviews.record_consultation(review, by=fp, now=now, held_on=now.date(), languages=["en"])
    reviews.act(review, "advance", by=fp, now=now)
    questions = questionnaires.questions_for(review, questionnaires.template_for(review))
    first = next(q for q in questions if q.kind == "yes_no_partly")
    questionnaires.save_answer(review, first, by=fp, now=now, version=0, value=["yes"])
    reviews.act(review, "clear", by=fp, now=now)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        signed_in_as(page, live_server, fp)
        detail = f"{live_server.url}/en/reviews/{review.pk}/"
        page.goto(detail)
        with page.expect_navigation():
            page.get_by_role("button", name="Submit", exact=True).click()
        assert page.url.endswith(f"/en/reviews/{review.pk}/act/submit/")
        main = page.locator("main")
        assert f"1 of {len(questions)} questions answered" in main.inner_text()
        warning = page.locator("main .warning").inner_text()
        assert f"{len(questions) - 1} questions are not answered" in warning
        assert page.locator("main section ul.plain a").count() == len(questions) - 1
        assert Review.objects.get(pk=review.pk).stage == "questionnaire"
        # "Go back" submits nothing.
        with page.expect_navigation():
            page.get_by_role("link", name="Go back").click()
        assert page.url == detail
        assert Review.objects.get(pk=review.pk).stage == "questionnaire"
        # Submit again, then Confirm: submitted, frozen, the review moved on.
        with page.expect_navigation():
            page.get_by_role("button", name="Submit", exact=True).click()
        with page.expect_navigation():
            page.get_by_role("button", name="Confirm").click()
        assert page.url == detail
        assert "Done." in page.locator("main").inner_text()
        assert Review.objects.get(pk=review.pk).stage == "written_feedback"
    finally:
        context.close()


def test_the_secretariat_sorts_the_reviews_from_the_column_headers(page, live_server, world):
    """A header sorts the list when clicked, and again, reversed, from the keyboard; the
    header says how the list is sorted (aria-sort). The world of the module's other tests: a
    few seconds, as they take."""
    secretariat, _review, _people = world
    signed_in_as(page, live_server, secretariat)
    page.goto(f"{live_server.url}/en/reviews/")
    due = page.locator("main th", has_text="Due on")
    assert due.get_attribute("aria-sort") == "none"
    assert page.locator("main th", has_text="Group").get_attribute("aria-sort") == "ascending"

    def dates() -> list[str]:
        return [t.get_attribute("datetime") for t in page.locator("main tbody time").all()]

    with page.expect_navigation():
        due.locator("a").click()
    assert due.get_attribute("aria-sort") == "ascending"
    assert len(dates()) == 4 and dates() == sorted(dates())
    due.locator("a").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert due.get_attribute("aria-sort") == "descending"
    assert dates() == sorted(dates(), reverse=True)
    assert "Reviews 1–4 of 4" in page.locator("main table caption").inner_text()


def worker_makes_the_queued_pdf():
    """What `runworker` does once the browser's request has queued the PDF."""
    import time

    from django.db import OperationalError

    from revmod.lots.generated import documents
    from revmod.lots.models import Generation

    # On SQLite the live server's thread shares the in-memory database: while its request
    # writes, a read here is refused at once ("table is locked") rather than kept waiting.
    for _ in range(300):
        try:
            if Generation.objects.filter(status="queued").exists():
                break
        except OperationalError:
            pass
        time.sleep(0.1)
    for _ in range(50):
        try:
            done = documents.make_all_due(now=timezone.now).done
            break
        except OperationalError:
            time.sleep(0.1)
    assert done == 1


def test_the_report_pdf_downloads_once_the_worker_has_made_it(page, live_server, world):
    """The link asks again while the PDF is being made (202), then saves the file."""
    secretariat, review, _people = world
    signed_in_as(page, live_server, secretariat)
    day = review.started_on.isoformat()
    page.goto(f"{live_server.url}/en/statistics/report/?as_of={day}")
    with page.expect_download(timeout=60_000) as download:
        page.click("a[data-pdf]")
        assert "Preparing the PDF" in page.locator("#pdf-status").inner_text()
        worker_makes_the_queued_pdf()
    assert download.value.suggested_filename == f"status-report-{day}-en.pdf"
    with open(download.value.path(), "rb") as saved:
        assert saved.read(5) == b"%PDF-"
    page.wait_for_function("document.getElementById('pdf-status').textContent.includes('ready')")


def test_without_script_the_pdf_page_reloads_until_the_download(page, live_server, world):
    response = page.goto(f"{live_server.url}/fr/lots/pairings.pdf")
    assert response.status == 202
    assert "Le PDF est en cours de préparation" in page.locator("main").inner_text()
    with page.expect_download(timeout=60_000) as download:
        worker_makes_the_queued_pdf()  # the page reloads itself within 5 seconds
    assert download.value.suggested_filename == "pairings.pdf"


def test_anyone_downloads_the_pairings_pdf_from_the_list(page, live_server, world):
    page.goto(f"{live_server.url}/es/lots/")
    with page.expect_download(timeout=60_000) as download:
        page.click("a[data-pdf]")
        worker_makes_the_queued_pdf()
    assert download.value.suggested_filename == "pairings-active.pdf"
