"""Every main page on a phone, in English and in Arabic, in Chromium: nothing scrolls the page
sideways at 375 px, Arabic opens at its start (its right edge) with its heading in view, and
axe-core finds no violation of WCAG 2.1 A and AA (docs/decisions.md, "Small screens").

The module's data is built once, through the real actions, and committed for its own live
server (not pytest-django's `live_server`, whose tests each empty the database when they end):
`site` builds it, serves it while the module's tests run and empties the database after the
last one (revmod's `flush`, as a test with `transaction=True` does). The tests only read:
nothing they do changes what the next one sees. A browser context per persona and language
(its session cookie set once), a page of it reused from test to test."""

import datetime as dt
import io
import re
import threading
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import modify_settings
from pytest_django.live_server_helper import LiveServer

from revmod.accounts import actions as accounts
from revmod.accounts.models import Nomination
from revmod.documents.actions import upload
from revmod.lib.tests.conftest import watch
from revmod.lots import actions as lots
from revmod.lots.models import Pairing
from revmod.questionnaires import actions as answering
from revmod.questionnaires import feedback, observations
from revmod.questionnaires.models import Question
from revmod.recommendations import actions as recommendations
from revmod.registry.models import Party
from revmod.reviews import actions as reviews
from revmod.stakeholders.tests import matrix as stakeholders
from revmod.test import (
    PDF,
    load_questionnaire,
    make_people,
    make_user,
    make_world,
    nominate,
    to_questionnaire,
)

NOW = dt.datetime(2021, 2, 1, 9, tzinfo=dt.UTC)
PHONE = {"width": 375, "height": 800}
LANGUAGES = ["en", "ar"]
# Words a narrow column cannot hold unless they break: a URL, an address, a long name.
LONG_URL = "https://www.legifrance.gouv.fr/codes/section_lc/LEGITEXT000006070719/LEGISCTA0000061494"
LONG_ADDRESS = "direction.des.affaires.criminelles.et.des.graces@justice.example.org"
# WCAG 2.1 A and AA (axe-core's tags), on the whole page but what repeats the same markup: the
# rows of a table past the tenth (the 189 parties took axe 13 s) and the questions of an article
# past the second.
WCAG21AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
REPEATS = [["tbody > tr:nth-child(n+11)"], ["article.question:nth-of-type(n+3)"]]
# Each test runs in a transaction rolled back after it, as any database test; the data it reads
# is the module's, committed by `site`. The marker also makes pytest-django set up the test
# databases (without a test that asks for one, the module would reach the real database).
pytestmark = pytest.mark.django_db

# The main pages: (name, who looks at it, its path; {review} is FRA's review, {answering} a
# review at the questionnaire whose focal point `answering_fp` has the answers' forms).
STAKEHOLDERS = [
    ("dialogues", None, "dialogues/"),
    ("dialogue", None, "dialogues/{dialogue}/"),
    ("new-dialogue", "secretariat", "dialogues/new/"),
    ("register", "secretariat", "register/"),
    ("pilot", "reviewed_fp", "pilots/{pilot}/"),
    ("figures", None, "figures/"),
]
PERSONAS = ["secretariat", "reviewed_fp", "expert", "observer", "reviewer_fp", "outsider"]
PAGES = [
    ("home", None, "/"),
    *[(f"home-{persona}", persona, "/") for persona in PERSONAS],
    ("parties", None, "/parties/"),
    ("party", None, "/parties/FRA/"),
    # The profile with the focal points' contact details (a registered participant's).
    ("party-participant", "reviewer_fp", "/parties/FRA/"),
    ("pairings", None, "/lots/"),
    ("draws", "secretariat", "/lots/draws/"),
    ("statistics", "secretariat", "/statistics/"),
    ("progress", None, "/statistics/public/"),
    ("open-data", None, "/data/"),
    ("open-data-dictionary", None, "/data/reviews/"),
    ("library", None, "/library/"),
    ("assistance-tallies", None, "/assistance/tallies/"),
    ("status-report", "secretariat", "/statistics/report/"),
    ("reviews", "secretariat", "/reviews/"),
    ("my-reviews", "reviewed_fp", "/reviews/"),
    ("review", "secretariat", "/reviews/{review}/"),
    ("review-focal-point", "reviewed_fp", "/reviews/{review}/"),
    ("answers", "reviewed_fp", "/reviews/{review}/questionnaire/"),
    ("answers-to-write", "answering_fp", "/reviews/{answering}/questionnaire/"),
    ("feedback", "reviewer_fp", "/reviews/{review}/feedback/"),
    ("observations", "reviewed_fp", "/reviews/{review}/observations/"),
    ("documents", "reviewed_fp", "/reviews/{review}/documents/"),
    ("submissions", "reviewed_fp", "/reviews/{review}/submissions/"),
    ("confirm-submit", "answering_fp", "/reviews/{answering}/act/submit/"),
    ("registrations", "secretariat", "/people/registrations/"),
    ("nominations", "secretariat", "/people/nominations/"),
    ("events", None, "/activities/events/"),
    ("training-figures", None, "/activities/figures/"),
    ("training-sessions", "secretariat", "/activities/training/"),
    ("outbox", "secretariat", "/outbox/"),
    ("followups", "secretariat", "/followups/"),
    ("followup-new", "secretariat", "/followups/new/"),
    ("briefings", None, "/followups/briefings/"),
    ("briefing-new", "secretariat", "/followups/briefings/new/"),
    ("preferences", "reviewed_fp", "/outbox/preferences/"),
    ("api-tokens", "reviewed_fp", "/people/tokens/"),
    ("recommendations", None, "/recommendations/"),
    ("recommendation", "reviewed_fp", "/recommendations/{recommendation}/"),
    *[(f"stakeholders-{n}", who, f"/stakeholders/{path}") for n, who, path in STAKEHOLDERS],
    ("login", None, "/accounts/login/"),
    ("not-found", None, "/no-such-page/"),
]
PAGE_IDS = [name for name, _persona, _path in PAGES]


@dataclass
class Site:
    url: str
    people: dict
    ids: dict
    cookies: dict  # persona: session cookie
    tabs: dict = field(default_factory=dict)  # (persona, language): (page, its refusals)


def build() -> tuple[dict, dict]:
    """FRA's review at the observations stage (an answer, a comment, a version of the list, a
    document), DEU's at the questionnaire, a registration, a token, a redraw request; the
    long words of a real ministry (a URL, an address) where they are shown."""
    secretariat, made = make_world()
    load_questionnaire()
    review = made["FRA"]
    people, _nominations = make_people(secretariat, review)
    fp = people["reviewed_fp"]
    to_questionnaire(review, fp, now=NOW)
    question = Question.objects.get(key="untoc-5-1a", template__published=True)
    answering.save_answer(
        review,
        question,
        by=people["expert"],
        now=NOW,
        version=0,
        value=["yes"],
        text=f"Penal Code, article 450-1: {LONG_URL}",
    )
    reviews.act(review, "clear", by=fp, now=NOW)
    reviews.act(review, "submit", by=fp, now=NOW)
    fp_of = {
        n.party.code: n.person
        for n in Nomination.objects.active().filter(scope="reviewer", kind="focal_point")
    }
    pairings = list(review.pairings())
    main = sorted(p.reviewer.code for p in pairings if p.role == "main")
    feedback.save_comment(
        review, question, by=fp_of[main[0]], now=NOW, version=0, text="Well answered."
    )
    reviewer_fps = [fp_of[p.reviewer.code] for p in pairings]
    for reviewer in reviewer_fps:
        reviews.act(review, "clear", by=reviewer, now=NOW)
    reviews.act(review, "submit", by=fp_of[main[0]], now=NOW)
    sections = dict.fromkeys((key for key, _label in observations.SECTIONS), "")
    observations.save_version(
        review,
        by=fp,
        now=NOW,
        based_on=0,
        sections={**sections, "gaps": f"No law yet; see {LONG_URL}", "summary": "In place."},
    )
    upload(
        review,
        by=fp,
        kind="supporting",
        language="en",
        title="Code pénal, livre IV, titre V: association de malfaiteurs",
        file=SimpleUploadedFile("code-penal-livre-4-titre-5-association-de-malfaiteurs.pdf", PDF),
        now=NOW,
    )
    people["answering_fp"] = answering_fp = make_user("answering_fp")
    other = made["DEU"]
    nominate(answering_fp, "DEU", "focal_point", "own", secretariat)
    for pairing in other.pairings():
        if not Nomination.objects.active().filter(
            party=pairing.reviewer, kind="focal_point", scope="reviewer"
        ):
            nominate(
                make_user(f"fp_{pairing.reviewer.code}"),
                pairing.reviewer.code,
                "focal_point",
                "reviewer",
                secretariat,
            )
    to_questionnaire(other, answering_fp, now=NOW)
    accounts.register(
        email=LONG_ADDRESS,
        first_name="Marie-Christine",
        last_name="de La Tour d'Auvergne-Lauraguais",
        party=Party.objects.get(code="FRA"),
        kind=Nomination.Kind.EXPERT,
        scope=Nomination.Scope.OWN,
        language="fr",
        note_verbale=SimpleUploadedFile("note.pdf", PDF),
        received_on=NOW.date(),
        by=secretariat,
        now=NOW,
        site_url="http://testserver/",
    )
    accounts.create_api_token(fp, name="Ministry's reporting spreadsheet", now=NOW)
    pairing = Pairing.objects.active().first()
    lots.record_redraw_request(
        pairing=pairing,
        requested_by=pairing.reviewed,
        reason="A conflict of interest.",
        received_on=NOW.date(),
        by=secretariat,
    )
    adopted = recommendations.create_recommendation(
        by=secretariat,
        now=NOW,
        session="Working Group on Trafficking in Persons, 13th session",
        number=1,
        adopted_on=NOW.date(),
        addressee="both",
        text_en=f"Name focal points who know the working languages; see {LONG_URL}",
        text_ar="تسمية جهات وصل تعرف لغات العمل.",
        published=True,
    )
    recommendations.record_follow_up(
        adopted,
        party=review.party,
        by=fp,
        now=NOW,
        status="implemented",
        evidence=f"Named on 1 March; see {LONG_URL}",
        link=LONG_URL,
        on=NOW.date(),
        published=True,
    )
    ids = {"review": review.pk, "answering": other.pk, "recommendation": adopted.pk}
    return people, {**ids, **stakeholders.build(secretariat, review)}


@pytest.fixture(scope="module")
def site(request, django_db_blocker):
    """The module's data, committed and served by a live server of the module's own, the
    database emptied after the module's last test."""
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock(), modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
        # What is built here is committed and then flushed: the test database, never another.
        name = str(connection.settings_dict["NAME"])
        assert (
            connection.vendor == "sqlite"
            and connection.is_in_memory_db()
            or (name.startswith("test_"))
        ), name
        server = LiveServer("localhost")
        try:
            people, ids = build()
            cookies = {persona: session_of(user) for persona, user in people.items()}
            site = Site(url=server.url, people=people, ids=ids, cookies=cookies)
            yield site
            for page, _blocked in site.tabs.values():
                page.context.close()
        finally:
            # The server's threads that still serve a closed page end before the server shares
            # its connection no more (they close it as they end: an error if no longer shared).
            for thread in threading.enumerate():
                if thread.name.endswith("(process_request_thread)"):
                    thread.join(timeout=5)
            server.stop()
            call_command("flush", verbosity=0, interactive=False, stdout=io.StringIO())


def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def tab(browser, site, persona, language):
    """The page of `persona`'s browser context at 375 px in `language` (None: anonymous)."""
    key = (persona, language)
    if key not in site.tabs:
        context = browser.new_context(viewport=PHONE, locale=language)
        if persona:
            cookie = {"name": "sessionid", "value": site.cookies[persona], "url": site.url}
            context.add_cookies([cookie])
        page = context.new_page()
        site.tabs[key] = (page, watch(page))
    page, blocked = site.tabs[key]
    blocked.clear()
    return page, blocked


def visit(browser, site, name, language):
    _name, persona, path = next(p for p in PAGES if p[0] == name)
    page, blocked = tab(browser, site, persona, language)
    response = page.goto(site.url + f"/{language}" + path.format(**site.ids))
    assert response.status == (404 if name == "not-found" else 200), name
    return page, blocked


# What sticks out past the window's end edge (the right in English, the left in Arabic: what
# can be scrolled to): the outermost elements whose box does, and that no ancestor scrolls or
# clips (an element of a box that scrolls is no problem).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const rtl = getComputedStyle(document.documentElement).direction === 'rtl';
  const out = (r) => rtl ? r.left < -0.5 : r.right > width + 0.5;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    [...el.classList].map((c) => '.' + c).join('');
  const where = (el) => {
    const path = [];
    for (let p = el; p && p !== document.body; p = p.parentElement) path.unshift(name(p));
    return path.join(' > ');
  };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !out(r) || clipped(el)) continue;
    if (el.parentElement !== document.body && out(el.parentElement.getBoundingClientRect()))
      continue;
    found.push(`${where(el)} (${Math.round(r.left)} to ${Math.round(r.right)} px)`);
  }
  // Or whose content spills out of a box that is inside (a word too long for its line).
  for (const el of document.body.querySelectorAll('*')) {
    if (el.scrollWidth <= el.clientWidth + 1 || !el.clientWidth || clipped(el)) continue;
    if (getComputedStyle(el).overflowX !== 'visible') continue;
    if (out(el.getBoundingClientRect())) continue;
    found.push(`${where(el)} (its content is ${el.scrollWidth} px wide in ${el.clientWidth} px)`);
  }
  // Every table in a box that scrolls, which a keyboard reaches and a screen reader names.
  const bare = [...document.querySelectorAll('main table')].filter((table) => {
    const box = table.parentElement;
    const label = document.getElementById(box.getAttribute('aria-labelledby'));
    return !(box.classList.contains('table-scroll') && box.getAttribute('role') === 'region' &&
             box.getAttribute('tabindex') === '0' && label && label.textContent.trim());
  }).map((table) => table.outerHTML.slice(0, 80));
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
          found, bare};
}"""


@pytest.fixture(
    scope="module",
    params=[(name, language) for name in PAGE_IDS for language in LANGUAGES],
    ids="-".join,
)
def shown(request, browser, site):
    """(name, language, the page as a phone shows it, what the policy refused): each page is
    loaded once for the checks below (pytest runs the tests of one parameter together)."""
    name, language = request.param
    return name, language, *visit(browser, site, name, language)


def test_no_page_scrolls_sideways_on_a_phone(shown):
    """At 375 px the page is no wider than the window: the navigation folds into a menu, the
    forms fit, wide tables scroll inside their own box, long words break. In Arabic the page
    opens at its start, its heading in view."""
    name, language, page, blocked = shown
    width = page.evaluate(OVERFLOW)
    assert width["scrollWidth"] <= width["innerWidth"], (
        f"{name} ({language}) is {width['scrollWidth']} px wide in a {width['innerWidth']} px "
        "window; sticking out: " + "; ".join(width["found"])
    )
    assert width["bare"] == [], f"{name} ({language}): tables outside a named scrolling box"
    if language == "ar":
        assert page.evaluate("window.scrollX") == 0
        heading = page.locator("h1").first.bounding_box()
        assert heading and 0 <= heading["x"] and heading["x"] + heading["width"] <= PHONE["width"]
    assert blocked == [], "refused by the Content-Security-Policy, or a script failed"


def test_axe_finds_no_violation(shown):
    """axe-core (the copy axe-playwright-python ships, pinned in pyproject.toml; run through
    the DevTools protocol, which the Content-Security-Policy does not govern) on the page as
    a phone shows it: WCAG 2.1 A and AA, no violation."""
    name, language, page, _blocked = shown
    problems = axe(page, {"exclude": REPEATS})
    assert problems == [], f"{name} ({language}): " + "\n".join(problems)


def axe(page, context) -> list[str]:
    """axe-core's violations of WCAG 2.1 A and AA in `context` (axe's include and exclude) of
    what `page` shows, each with the first elements concerned."""
    page.evaluate(AXE_SCRIPT)
    results = page.evaluate(
        "([context, options]) => axe.run(context, options)",
        [context, {"runOnly": {"type": "tag", "values": WCAG21AA}, "resultTypes": ["violations"]}],
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
    ]


def test_the_menu_folds_on_a_phone_and_opens_without_a_script(browser, site):
    """On a phone the navigation and the account's links are behind "Menu", which opens with
    no script at all and then fits the screen; on a wide screen they show, with no button.
    Open, the header passes axe-core's checks too (the pages' checks see it closed)."""
    from playwright.sync_api import expect

    phone = new_context(browser, site, "secretariat", viewport=PHONE, java_script_enabled=False)
    page = phone.new_page()
    page.goto(f"{site.url}/ar/")
    nav = page.locator("header nav")
    expect(nav).to_be_hidden()
    page.locator("header summary").click()
    expect(nav.get_by_role("link", name="الإحصاءات")).to_be_visible()
    expect(page.locator("header").get_by_role("button", name="تسجيل الخروج")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.close()
    page, _blocked = tab(browser, site, "secretariat", "ar")
    page.goto(f"{site.url}/ar/")
    page.locator("header summary").click()
    assert axe(page, {"include": [["header"]]}) == []
    wide = new_context(browser, site, "secretariat", viewport={"width": 1280, "height": 800})
    page = wide.new_page()
    page.goto(f"{site.url}/en/")
    expect(page.locator("header summary")).to_be_hidden()
    expect(page.locator("header nav").get_by_role("link", name="Statistics")).to_be_visible()
    expect(page.locator("header").get_by_role("button", name="Sign out")).to_be_visible()
    assert axe(page, {"include": [["header"]]}) == []
    wide.close()


def new_context(browser, site, persona, **options):
    """A browser context of its own, signed in as `persona` (None: anonymous)."""
    context = browser.new_context(**options)
    if persona:
        cookie = {"name": "sessionid", "value": site.cookies[persona], "url": site.url}
        context.add_cookies([cookie])
    return context


def test_a_focal_point_sees_what_to_do_and_by_when(browser, site):
    """The home page of a focal point lists the review's task with its due date, and the task
    leads to the page where it is done."""
    from playwright.sync_api import expect

    page, blocked = tab(browser, site, "reviewed_fp", "en")
    page.goto(f"{site.url}/en/")
    tasks = page.locator("main section.task-list")
    expect(tasks.get_by_role("heading", name="What you must do")).to_be_visible()
    task = tasks.locator("ul.tasks > li").first
    expect(task).to_contain_text("France")
    expect(task).to_contain_text(re.compile(r"Due on .*\d{4}"))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", task.locator("time").get_attribute("datetime"))
    with page.expect_navigation():
        task.get_by_role("link").click()
    assert page.url == f"{site.url}/en/reviews/{site.ids['review']}/observations/"
    assert blocked == []


def test_the_reviews_list_stays_usable_on_a_phone(browser, site):
    """The secretariat's list of reviews, wider than a phone, scrolls in its own box, by
    keyboard too; its filters fit and its links work."""
    from playwright.sync_api import expect

    page, blocked = tab(browser, site, "secretariat", "en")
    page.goto(f"{site.url}/en/reviews/")
    box = page.get_by_role("region", name="Country reviews")
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")
    box.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(box).not_to_have_js_property("scrollLeft", 0)
    for control in (
        page.locator("main form.filters")
        .first.locator("select, input:not([type=hidden]), button")
        .all()
    ):
        edge = control.bounding_box()
        assert edge["x"] >= 0 and edge["x"] + edge["width"] <= PHONE["width"], control
    with page.expect_navigation():
        box.get_by_role("link", name="France").click()
    assert page.url == f"{site.url}/en/reviews/{site.ids['review']}/"
    assert blocked == []


# The contrast ratio of two colours (WCAG 2: relative luminance).
def contrast(one: str, other: str) -> float:
    def luminance(colour: str) -> float:
        red, green, blue = (int(c) / 255 for c in re.findall(r"\d+", colour)[:3])
        linear = [
            c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# The focused element's ring: its outline and the halo between it and the element (a box
# shadow as wide as the outline's offset), the colour behind the element (the first ancestor
# with a background) and the element's own background, if any.
RING = r"""() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const opaque = (c) => c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent';
  let behind = 'rgb(255, 255, 255)';
  for (let p = el.parentElement; p; p = p.parentElement) {
    const c = getComputedStyle(p).backgroundColor;
    if (opaque(c)) { behind = c; break; }
  }
  const r = el.getBoundingClientRect();
  const halo = style.boxShadow.match(/^(rgba?\([^)]*\)) 0px 0px 0px ([\d.]+)px/);
  return {what: el.outerHTML.slice(0, 60), outline: style.outlineColor,
          width: parseFloat(style.outlineWidth), style: style.outlineStyle, behind,
          halo: halo && parseFloat(halo[2]) >= parseFloat(style.outlineOffset) ? halo[1] : null,
          own: opaque(style.backgroundColor) ? style.backgroundColor : null,
          left: r.left, right: r.right, innerWidth: window.innerWidth};
}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_focus_ring_stands_out(browser, site, language):
    """Tabbing from the top of the page to the table: each focused element has a solid ring at
    least 2 px wide, 3:1 or more against what is behind it, against the halo that parts it from
    the element and against the element's background, and is in view, in English as in
    Arabic."""
    page, _blocked = tab(browser, site, "secretariat", language)
    page.goto(f"{site.url}/{language}/reviews/")
    seen = []
    while not seen or "table-scroll" not in seen[-1]:
        assert len(seen) < 40, f"never reached the table: {seen}"
        page.keyboard.press("Tab")
        ring = page.evaluate(RING)
        seen.append(ring["what"])
        assert ring["style"] == "solid" and ring["width"] >= 2, ring
        assert contrast(ring["outline"], ring["behind"]) >= 3, ring
        assert ring["halo"] and contrast(ring["outline"], ring["halo"]) >= 3, ring
        if ring["own"]:
            assert contrast(ring["outline"], ring["own"]) >= 3, ring
        assert 0 <= ring["left"] and ring["right"] <= ring["innerWidth"], ring


def test_textareas_write_in_the_page_font(browser, site):
    """An answer is written in the page's font, not in the browser's monospace."""
    page, _blocked = tab(browser, site, "answering_fp", "en")
    page.goto(f"{site.url}/en/reviews/{site.ids['answering']}/questionnaire/")
    fonts = page.evaluate(
        "[getComputedStyle(document.body).fontFamily,"
        " getComputedStyle(document.querySelector('main textarea')).fontFamily]"
    )
    assert fonts[1] == fonts[0] and "monospace" not in fonts[1]


def test_the_statistics_tables_show_whole_on_a_wide_screen(browser, site):
    """At 1,280 px every table of the statistics shows whole, figure II's seven columns too
    (below its chart rather than beside it): none needs scrolling."""
    context = new_context(browser, site, "secretariat", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{site.url}/en/statistics/")
    boxes = page.evaluate(
        "[...document.querySelectorAll('main .table-scroll')].map("
        "box => [box.getAttribute('aria-labelledby'), box.scrollWidth, box.clientWidth])"
    )
    context.close()
    assert len(boxes) >= 7
    assert [box for box in boxes if box[1] > box[2]] == []
