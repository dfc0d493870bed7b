"""The figures of the status paper on constructed calendars: reviews, nominations and steps made
through the real actions on given days, counts asserted before, on and after each change."""

import datetime as dt
import re

import pytest
from django.conf import settings

from revmod.accounts import actions as accounts
from revmod.accounts.models import Nomination
from revmod.registry.models import Party
from revmod.reviews import actions
from revmod.stats import report
from revmod.stats.status import status
from revmod.test import body, count_queries, fresh, make_user, make_world, pdf_made, shared_data

pytestmark = pytest.mark.django_db
FP, EXPERT, OBSERVER = "focal_point", "expert", "observer"
OWN, REVIEWER = Nomination.Scope.OWN, Nomination.Scope.REVIEWER


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)


def person(username, gender="", ministry=""):
    user = make_user(username)
    user.gender, user.ministry = gender, ministry
    user.save(update_fields=["gender", "ministry"])
    return user


def name(user, code, kind, scope, day, secretariat):
    return accounts.nominate(
        party=Party.objects.get(code=code),
        person=user,
        kind=kind,
        scope=scope,
        starts_on=day,
        by=secretariat,
        now=at(day),
        handover_note="Files handed over.",
    )


@pytest.fixture(scope="module")
def shared_world(request, django_db_blocker):
    with shared_data(request, django_db_blocker):
        secretariat, reviews = make_world()
        yield secretariat, reviews["FRA"], reviews


@pytest.fixture
def world(shared_world, db):
    return fresh(shared_world)


def d(text):
    return dt.date.fromisoformat(text)


def test_nominations_are_counted_as_they_stood_on_the_day(world):
    secretariat, review, reviews = world
    start = review.started_on
    day1 = start + dt.timedelta(days=3)
    before = status(day1 - dt.timedelta(days=1))
    assert before["focal_points"]["total"] == 0
    # 189 parties today; Bhutan and South Sudan joined the Convention only in 2023 (seed fn 2).
    assert before["focal_points"]["parties_without"] == before["parties"] == 187
    assert status(d("2023-12-31"))["parties"] == 189
    started = [r for r in reviews.values() if r.started_on <= day1 - dt.timedelta(days=1)]
    assert before["reviews"] == len(started)
    assert before["focal_points"]["reviews_blocked"] == len(started)

    amina = person("amina", "female", "justice")
    name(amina, "FRA", FP, OWN, day1, secretariat)
    # The same person as the focal point for France's role as reviewer: one person, one party.
    name(amina, "FRA", FP, REVIEWER, day1, secretariat)
    on = status(day1)
    fp = on["focal_points"]
    assert (fp["total"], fp["parties"], fp["women"]) == (1, 1, 1)
    assert fp["by_ministry"] == {"foreign_affairs": 0, "justice": 1, "interior": 0, "other": 0}
    assert fp["parties_with_several"] == 0 and fp["parties_without"] == 186
    assert on["focal_points"]["reviews_blocked"] == before["focal_points"]["reviews_blocked"]

    day2 = day1 + dt.timedelta(days=10)
    reviewers = [p.reviewer.code for p in review.pairings()]
    for n, code in enumerate(reviewers):
        name(person(f"fp{n}", "male", "foreign_affairs"), code, FP, REVIEWER, day2, secretariat)
    assert status(day2 - dt.timedelta(days=1))["focal_points"]["total"] == 1
    after = status(day2)
    assert after["focal_points"]["total"] == 1 + len(reviewers)
    assert after["focal_points"]["women"] == 1
    # France's review has every focal point now: no longer blocked.
    assert after["focal_points"]["reviews_blocked"] == on["focal_points"]["reviews_blocked"] - 1

    # France names a second person for its role as reviewer; later replaces its own one.
    day3 = day2 + dt.timedelta(days=30)
    name(person("bruno", "male", "interior"), "FRA", FP, REVIEWER, day3, secretariat)
    several = status(day3)["focal_points"]
    assert several["parties_with_several"] == 1 and several["parties_changed"] == 1
    assert status(day3 - dt.timedelta(days=1))["focal_points"]["parties_changed"] == 0

    name(person("e1", "female"), "FRA", EXPERT, OWN, day3, secretariat)
    name(person("e2", "male"), "FRA", EXPERT, OWN, day3, secretariat)
    name(person("o1"), "FRA", OBSERVER, OWN, day3, secretariat)
    assert status(day3)["experts"] == {"total": 2, "women": 1}
    assert status(day3)["observers"] == {"total": 1, "parties": 1}
    assert status(day3 - dt.timedelta(days=1))["experts"]["total"] == 0


def walk_to_questionnaire(review, secretariat, day, languages=("en", "fr"), agreed=None):
    """Every focal point named on `day`, the consultation started and recorded the day after."""
    people = {"reviewed": person(f"fp-{review.party.code}", "female", "justice")}
    name(people["reviewed"], review.party.code, FP, OWN, day, secretariat)
    for pairing in review.pairings():
        code = pairing.reviewer.code
        if not Nomination.objects.active().filter(party__code=code, scope=REVIEWER, kind=FP):
            people[code] = person(f"fp-{review.party.code}-{code}")
            name(people[code], code, FP, REVIEWER, day, secretariat)
    held = day + dt.timedelta(days=1)
    actions.act(review, "start_consultation", by=people["reviewed"], now=at(held))
    actions.record_consultation(
        review,
        by=secretariat,
        now=at(held),
        held_on=held,
        languages=list(languages),
        agreed=agreed or {},
    )
    actions.act(review, "advance", by=people["reviewed"], now=at(held))
    return people


def test_steps_and_their_timeliness_follow_the_event_log(world):
    secretariat, review, reviews = world
    day = review.started_on + dt.timedelta(days=5)
    due = day + dt.timedelta(days=120)
    people = walk_to_questionnaire(review, secretariat, day, agreed={"questionnaire": due})
    held = day + dt.timedelta(days=1)
    assert status(day)["reviews_by_stage"]["questionnaire"] == 0
    assert status(day)["consultations_held"] == 0
    on = status(held)
    assert on["reviews_by_stage"]["questionnaire"] == 1
    assert on["consultations_held"] == 1 and on["languages"] == {"en+fr": 1}
    assert on["questionnaire"]["in_preparation"] == 1 and on["questionnaire"]["submitted"] == 0

    # Submitted five days after the agreed date: "within 10 days" of it (seed ¶32).
    submitted = due + dt.timedelta(days=5)
    actions.act(review, "clear", by=people["reviewed"], now=at(submitted))
    actions.act(review, "submit", by=people["reviewed"], now=at(submitted))
    before = status(submitted - dt.timedelta(days=1))
    assert before["questionnaire"]["submitted"] == 0
    assert before["reviews_by_stage"]["questionnaire"] == 1
    after = status(submitted)
    assert after["questionnaire"]["submitted"] == 1
    assert after["questionnaire"]["late_10_days"] == 1 and after["questionnaire"]["on_time"] == 0
    assert after["reviews_by_stage"]["written_feedback"] == 1
    assert after["written_feedback"]["in_progress"] == 1
    assert after["written_feedback"]["late"] == 0
    # The written feedback is due six months after the answers; a year and more later it is late.
    much_later = submitted + dt.timedelta(days=700)
    late = status(much_later)["written_feedback"]
    assert late["late"] == 1 and late["late_over_1_year"] == 1
    # By group: the review counts in its group only.
    group = str(review.group.number)
    assert status(submitted)["by_group"][group]["reviews_by_stage"]["written_feedback"] == 1
    others = [g for g in status(submitted)["by_group"] if g != group]
    assert all(
        status(submitted)["by_group"][g]["reviews_by_stage"]["written_feedback"] == 0
        for g in others
    )
    region = review.party.regional_group.code
    assert status(submitted)["by_regional_group"][region]["questionnaire"]["submitted"] == 1


def test_groups_list_their_reviews_and_participating_parties(world):
    secretariat, review, reviews = world
    day = max(r.started_on for r in reviews.values())
    result = status(day)
    assert sum(g["reviews"] for g in result["groups"]) == len(reviews)
    for group in result["groups"]:
        in_group = [r for r in reviews.values() if r.group.number == group["group"]]
        parties = {r.party.code for r in in_group} | {
            p.reviewer.code for r in in_group for p in r.pairings()
        }
        assert group["participating_parties"] == len(parties)
        assert group["started_on"] == min(r.started_on for r in in_group).isoformat()


def test_a_review_not_started_yet_is_not_counted(world):
    _secretariat, review, reviews = world
    first = min(r.started_on for r in reviews.values())
    assert status(first - dt.timedelta(days=1))["reviews"] == 0
    assert status(first)["reviews"] == sum(1 for r in reviews.values() if r.started_on == first)


def test_the_query_count_stays_flat_as_nominations_and_events_grow(world):
    secretariat, review, reviews = world
    day = max(r.started_on for r in reviews.values()) + dt.timedelta(days=2)
    few = count_queries(lambda: status(day))
    walk_to_questionnaire(review, secretariat, review.started_on + dt.timedelta(days=1))
    for n in range(5):
        name(person(f"x{n}", "female"), "DEU", EXPERT, OWN, day, secretariat)
    assert count_queries(lambda: status(day)) == few


def test_the_api_gives_the_secretariat_the_status_of_a_day(world, client):
    secretariat, review, reviews = world
    client.force_login(secretariat)
    day = max(r.started_on for r in reviews.values())
    response = client.get(f"/api/v1/stats/status/?as_of={day}")
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == day.isoformat() and body["reviews"] == len(reviews)
    assert body["reviews_by_stage"]["not_started"] == len(reviews)
    assert set(body["by_group"]) == {str(r.group.number) for r in reviews.values()}
    bad = client.get("/api/v1/stats/status/?as_of=16/04/2024")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["as_of"][0]
    assert client.get("/api/v1/stats/status/?cluster=9").status_code == 400
    # Nobody else learns even that the figures exist.
    client.force_login(make_user("outsider"))
    assert client.get("/api/v1/stats/status/").status_code == 404


def test_the_dashboard_draws_each_figure_with_its_table(world, client):
    secretariat, review, reviews = world
    day = review.started_on + dt.timedelta(days=5)
    walk_to_questionnaire(review, secretariat, day, languages=("ar", "en"))
    client.force_login(secretariat)
    page = client.get(f"/en/statistics/?as_of={day + dt.timedelta(days=1)}")
    assert page.status_code == 200
    html = page.content.decode()
    for number in ["I", "II", "III", "IV", "V", "VI", "VII"]:
        assert f'id="figure-{number}"' in html
    assert html.count('class="bars"') == 7
    assert "Arabic + English" in html  # figure IV's row for the consultation held
    # The same day a day earlier: no consultation yet, so no languages either.
    earlier = client.get(f"/en/statistics/?as_of={day}").content.decode()
    assert "Arabic + English" not in earlier
    # In Arabic the page, charts included, reads right to left.
    arabic = client.get(f"/ar/statistics/?as_of={day}").content.decode()
    assert 'dir="rtl"' in arabic and arabic.count('class="bars"') == 7
    bad = client.get("/en/statistics/?as_of=2999-01-01")
    assert bad.status_code == 200 and "future day" in bad.content.decode()
    assert 'class="bars"' not in bad.content.decode()


def test_each_figure_downloads_as_csv_and_xlsx(world, client):
    secretariat, review, reviews = world
    client.force_login(secretariat)
    day = max(r.started_on for r in reviews.values())
    response = client.get(f"/en/statistics/figures/II.csv?as_of={day}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="figure-II-{day}.csv"'
    rows = body(response).decode().splitlines()
    assert rows[0].startswith("Category,Awaiting nominations,Initial consultation")
    groups = sorted({r.group.number for r in reviews.values()})
    assert [row.split(",")[0] for row in rows[1:]] == [f"Group {g}" for g in groups]
    assert sum(int(row.split(",")[1]) for row in rows[1:]) == len(reviews)
    xlsx = client.get(f"/en/statistics/figures/IV.xlsx?as_of={day}")
    assert xlsx.status_code == 200 and body(xlsx)[:2] == b"PK"
    assert client.get("/en/statistics/figures/VIII.csv").status_code == 404
    assert client.get("/en/statistics/figures/II.pdf").status_code == 404


def test_the_public_sees_progress_but_nothing_by_party_or_region(world, client):
    _secretariat, review, reviews = world
    page = client.get("/en/statistics/public/").content.decode()
    assert 'id="figure-II"' in page and 'id="figure-I"' not in page
    assert 'name="regional_group"' not in page
    assert client.get("/en/statistics/public/figures/I.csv").status_code == 404
    assert client.get("/en/statistics/public/figures/II.csv").status_code == 200
    client.force_login(make_user("someone"))
    assert client.get("/en/statistics/").status_code == 404


def test_the_dashboard_query_count_stays_flat(world, client):
    secretariat, review, reviews = world
    client.force_login(secretariat)
    day = max(r.started_on for r in reviews.values()) + dt.timedelta(days=3)
    few = count_queries(lambda: client.get(f"/en/statistics/?as_of={day}"))
    walk_to_questionnaire(review, secretariat, review.started_on + dt.timedelta(days=1))
    for n in range(4):
        name(person(f"y{n}", "male"), "KEN", EXPERT, OWN, day, secretariat)
    assert count_queries(lambda: client.get(f"/en/statistics/?as_of={day}")) == few


def test_the_status_report_writes_the_numbers_into_sentences(world, client):
    secretariat, review, reviews = world
    day = review.started_on + dt.timedelta(days=5)
    walk_to_questionnaire(review, secretariat, day, languages=("en",))
    client.force_login(secretariat)
    held = day + dt.timedelta(days=1)
    html = client.get(f"/en/statistics/report/?as_of={held}").content.decode()
    begun = sum(1 for r in reviews.values() if r.started_on <= held)
    assert f"Of these {begun} reviews, 1 have started, that is, reached the self-assessment " in (
        html
    )
    assert "The initial consultation has been held in 1 review (" in html
    assert "Of the consultations held, 1 (100%) chose one working language" in html
    assert html.count('class="bars"') == 7
    # The day before: nothing under way, no consultation.
    before = client.get(f"/en/statistics/report/?as_of={day}").content.decode()
    assert f"Of these {begun} reviews, 0 have started" in before
    # In French, with French sentences and the day written the French way.
    french = client.get(f"/fr/statistics/report/?as_of={held}").content.decode()
    assert 'lang="fr"' in french and "II." in french
    bad = client.get("/en/statistics/report/?as_of=yesterday")
    assert "Enter a valid date" in bad.content.decode()
    assert 'class="bars"' not in bad.content.decode()


PROGRESS = re.compile(r'<p class="progress">(.*?)</p>', re.S)


def test_the_reports_sentences_count_reviews_that_add_up(world, client):
    """ "189 country reviews started" stood beside "116 not started": the first counted the
    reviews of the groups that had begun, the second those not yet at the questionnaire. The
    sentences now say what each counts, and the numbers add up, in the six languages."""
    secretariat, review, reviews = world
    day = review.started_on + dt.timedelta(days=5)
    walk_to_questionnaire(review, secretariat, day)
    # Another review at the initial consultation: started in no sense but its group's.
    other = next(r for r in reviews.values() if r.pk != review.pk and r.started_on <= day)
    fp = person(f"fp-{other.party.code}")
    name(fp, other.party.code, FP, OWN, day, secretariat)
    for pairing in other.pairings():
        code = pairing.reviewer.code
        if not Nomination.objects.active().filter(party__code=code, scope=REVIEWER, kind=FP):
            name(person(f"fp-{other.party.code}-{code}"), code, FP, REVIEWER, day, secretariat)
    held = day + dt.timedelta(days=1)
    actions.act(other, "start_consultation", by=fp, now=at(held))
    n = report.progress(status(held))
    assert n["reviews"] == sum(1 for r in reviews.values() if r.started_on <= held)
    assert (n["started"], n["consultation"]) == (1, 1)
    assert n["started"] + n["not_started"] == n["reviews"]
    assert n["awaiting"] + n["consultation"] == n["not_started"]
    stages = status(held)["reviews_by_stage"]
    assert sum(stages.values()) == n["reviews"]
    client.force_login(secretariat)
    html = client.get(f"/en/statistics/report/?as_of={held}").content.decode()
    assert (
        f"The groups that have begun in the current phase hold {n['reviews']} country reviews."
    ) in html
    assert (
        f"Of these {n['reviews']} reviews, 1 have started, that is, reached the self-assessment "
        "questionnaire: 1 are at the questionnaire, 0 at the written feedback, 0 at the list of "
        f"observations and summary and 0 are completed. {n['not_started']} have not started: "
        f"{n['awaiting']} await nominations and 1 are at the initial consultation (figure II)."
    ) in html
    expected = sorted([n["reviews"], n["started"], 1, 0, 0, 0, n["not_started"], n["awaiting"], 1])
    for language, _name in settings.LANGUAGES:
        page = client.get(f"/{language}/statistics/report/?as_of={held}").content.decode()
        (sentence,) = PROGRESS.findall(page)
        assert sorted(int(x) for x in re.findall(r"\d+", sentence)) == expected, language
    dashboard = client.get(f"/en/statistics/?as_of={held}").content.decode()
    assert (
        f"{n['reviews']} country reviews in the groups that have begun, 1 of them started and "
        f"{n['not_started']} not started;"
    ) in dashboard


def test_report_numbers_are_shares_of_the_right_wholes():
    from revmod.stats.report import share

    assert share(54, 174) == 31  # seed ¶12: 54 of 174 focal points are women, 31%
    assert share(73, 163) == 45  # seed ¶15: 44.8%
    assert share(26, 189) == 14  # seed ¶16: 13.8%
    assert share(1, 2) == 50 and share(0, 0) == 0


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_status_report_as_a_pdf_reads_in_the_language_asked(world, client, language):
    import io

    from django.utils import translation
    from pypdf import PdfReader

    secretariat, review, reviews = world
    day = review.started_on + dt.timedelta(days=5)
    walk_to_questionnaire(review, secretariat, day)
    client.force_login(secretariat)
    as_of = day + dt.timedelta(days=1)
    response = pdf_made(client, f"/{language}/statistics/report.pdf?as_of={as_of}")
    assert response["Content-Type"] == "application/pdf"
    # Each language's report has a name of its own.
    name = f"status-report-{as_of.isoformat()}-{language}.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    with translation.override(language):
        heading = translation.gettext("III. Progress of the country reviews")
        figure = translation.gettext("Status of the country reviews")
    assert heading != "III. Progress of the country reviews"  # really translated
    if language == "fr":
        # Latin text extracts faithfully; Arabic shaping is checked by test_pdf.py's glyph reader.
        assert heading in text and figure in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in (page["/Resources"].get_object().get("/Font") or {}).values()
    }
    assert fonts and not any("DejaVu" in name for name in fonts)
    bad = client.get(f"/{language}/statistics/report.pdf?as_of=someday")
    assert bad.status_code == 400


def test_the_report_and_the_api_query_counts_stay_flat(world, client):
    secretariat, review, reviews = world
    client.force_login(secretariat)
    day = max(r.started_on for r in reviews.values()) + dt.timedelta(days=3)
    pages = [f"/en/statistics/report/?as_of={day}", f"/api/v1/stats/status/?as_of={day}"]
    few = [count_queries(lambda u=u: client.get(u)) for u in pages]
    walk_to_questionnaire(review, secretariat, review.started_on + dt.timedelta(days=1))
    for n in range(4):
        name(person(f"z{n}", "female"), "BRA", EXPERT, OWN, day, secretariat)
    assert [count_queries(lambda u=u: client.get(u)) for u in pages] == few


def test_figures_are_cached_until_the_records_change(world):
    secretariat, review, reviews = world
    day = max(r.started_on for r in reviews.values()) + dt.timedelta(days=3)
    first = status(day)
    assert count_queries(lambda: status(day)) < count_queries(lambda: status(day, None, "AFR"))
    name(person("late", "female"), "FRA", EXPERT, OWN, day, secretariat)
    assert status(day)["experts"]["total"] == first["experts"]["total"] + 1


def test_bars_are_drawn_to_scale_and_escape_their_text():
    from revmod.stats.charts import Figure, bars

    html = bars(Figure("II", "s", "Status <b>", ["A & B", "C"], [("G1", [2, 2]), ("G2", [1, 0])]))
    assert html.count('class="bar-row"') == 2
    assert "width:50.00%" in html and "width:25.00%" in html  # the largest row fills the track
    assert html.count('class="bar"') == 3  # nothing is drawn for a zero
    assert "A &amp; B" in html and "<b>" not in html


def test_each_figures_download_holds_the_table_the_filtered_page_shows(world, client):
    """Issue 17, item 5: the dashboard filtered on a day and a group links each figure's CSV
    with the same filters, and the CSV holds the rows of the figure's table on the page."""
    import csv
    import html as markup
    import io
    import re

    secretariat, review, reviews = world
    day = review.started_on + dt.timedelta(days=5)
    walk_to_questionnaire(review, secretariat, day, languages=("ar", "en"))
    client.force_login(secretariat)
    params = {"as_of": str(day + dt.timedelta(days=1)), "group": str(review.group.number)}
    page = client.get("/en/statistics/", params).content.decode()
    sections = re.findall(r'id="figure-(\w+)".*?</section>', page, flags=re.S)
    assert len(sections) == 7
    for number in sections:
        section = page[page.index(f'id="figure-{number}"') :].split("</section>")[0]
        (link,) = re.findall(r'href="([^"]*/figures/\w+\.csv[^"]*)"', section)
        link = markup.unescape(link)
        assert f"as_of={params['as_of']}" in link and f"group={params['group']}" in link
        table = section.split("<tbody>")[1].split("</tbody>")[0]
        shown = [
            [markup.unescape(label), *values]
            for label, cells in re.findall(r'<th scope="row">([^<]*)</th>(.*?)</tr>', table)
            for values in [re.findall(r"<td>([^<]*)</td>", cells)]
        ]
        rows = list(csv.reader(io.StringIO(body(client.get(link)).decode())))
        assert rows[1:] == shown, number


def test_the_report_pdf_is_made_once_per_version_of_the_records(world, client, monkeypatch):
    """The worker makes it; the request serves the file (rendering there fails the test); a
    change of the records is a new version, asked for (202) and made, the old file removed."""
    from pathlib import Path

    from django.utils import timezone

    from revmod.lib import pdf
    from revmod.lib.tests.headers import response_problems
    from revmod.lots.generated import documents
    from revmod.lots.models import Generation

    secretariat, review, reviews = world
    client.force_login(secretariat)
    day = review.started_on + dt.timedelta(days=5)
    path = f"/es/statistics/report.pdf?as_of={day}"
    first = client.get(path)
    assert first.status_code == 202 and "refresh" in first.content.decode()
    assert f'href="/es/statistics/report/?as_of={day}"' in first.content.decode()
    assert client.get(path).status_code == 202
    assert Generation.objects.get().params == {"day": day.isoformat()}
    documents.make_all_due(now=timezone.now)
    [old] = Path(settings.REVMOD_GENERATED_DIR).glob("status-report/*/*.pdf")

    def refuse(html):
        raise AssertionError("a request rendered a PDF")

    render = pdf.render
    monkeypatch.setattr(pdf, "render", refuse)
    served = client.get(path)
    assert served.status_code == 200
    assert served["X-Content-Type-Options"] == "nosniff"
    assert response_problems(served, signed_in=True) == []  # never kept by a cache, too
    assert b"".join(served.streaming_content).startswith(b"%PDF-")

    walk_to_questionnaire(review, secretariat, day)  # records change: a new version
    assert client.get(path).status_code == 202
    monkeypatch.setattr(pdf, "render", render)
    documents.make_all_due(now=timezone.now)
    [new] = Path(settings.REVMOD_GENERATED_DIR).glob("status-report/*/*.pdf")
    assert new != old and not old.exists()
    assert client.get(path).status_code == 200
