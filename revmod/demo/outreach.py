"""The demo's records of the secretariat's outreach as the status paper gives them as of
16 April 2024 (seed ¶42-54): the national and regional events, the February 2024 briefing,
the survey of technical-assistance needs, the training and the resources library; with
`revmod.demo.dialogues` (¶55-71: stakeholders, pilots, recommendations). Every record is
entered through the apps' own actions, dated on its simulated day, as the secretariat or the
parties' focal points would enter it; the figures the report shows are then computed from them
(each app's `figures.py`), never typed. What the demo chose where the paper is silent, and
where it cannot follow the paper, is in docs/demo.md.

Everything here is deterministic: the parties are chosen by rules on their codes and on the
nominations the simulation made, never at random."""

import datetime as dt

from django.db.models import Q

from revmod.accounts.models import Nomination, User
from revmod.activities import actions as activities
from revmod.activities.models import Event, Participant, TrainingSession
from revmod.assistance import actions as assistance
from revmod.demo import dialogues
from revmod.demo.simulation import at
from revmod.followups import actions as followups
from revmod.followups.models import Briefing
from revmod.library import actions as library
from revmod.library.models import Resource
from revmod.registry.models import Party
from revmod.reviews.models import Review

BRIEFING_ON = dt.date(2024, 2, 27)
BRIEFING_TITLE = "Briefing on the status of the review mechanism"
ORGANISER = "UNODC (secretariat of the review mechanism)"

# ¶44: "7 national and regional events" in Bosnia and Herzegovina and Serbia (January 2022),
# Mexico, Côte d'Ivoire, Pakistan, Kenya and North Macedonia: seven countries, seven events
# (one in each). The days, places and participants by gender are the demo's (the paper gives
# months only, and no participants); all are national (the paper does not say which were
# regional).
EVENTS = [
    # code, starts, days, place, languages, women, men
    ("BIH", dt.date(2022, 1, 25), 2, "Sarajevo", ["en"], 14, 12),
    ("SRB", dt.date(2022, 1, 27), 2, "Belgrade", ["en"], 16, 11),
    ("MEX", dt.date(2022, 5, 17), 2, "Mexico City", ["es"], 22, 19),
    ("CIV", dt.date(2022, 9, 13), 2, "Abidjan", ["fr"], 12, 18),
    ("PAK", dt.date(2022, 9, 20), 3, "Islamabad", ["en"], 9, 24),
    ("KEN", dt.date(2023, 8, 22), 2, "Nairobi", ["en"], 17, 15),
    ("MKD", dt.date(2024, 1, 23), 2, "Skopje", ["en"], 13, 10),
]

# ¶46: the survey's 69 requests from 16 States, by category, in the paper's order.
REQUESTS = {
    "general_training": 15,
    "revmod_training": 15,
    "status_briefings": 10,
    "questionnaire_training": 9,
    "counterpart_coordination": 9,
    "questionnaire_help": 8,
    "other": 3,
}
SURVEY_STATES = 16

# ¶47: 3,270 officials from 155 States since 2020. The demo enters 12 sessions of 50
# participants, 30 of whom took part in two sessions (570 officials), and 2,700 e-learning
# completions recorded by the import's action, a year at a time (each one official).
TRAINED_STATES = 155
SESSIONS = 12
PER_SESSION = 50
REPEATS = 30
COMPLETIONS = 3270 - (SESSIONS * PER_SESSION - REPEATS)
TRAINING_LANGUAGES = ["en", "fr", "es", "ru", "ar", "zh", "pt"]
GENDERS = ["woman", "man", "woman", "man", "man", "other"]
MINISTRIES = ["Ministry of Foreign Affairs", "Ministry of Justice", "Ministry of the Interior"]


def _states() -> list[Party]:
    return list(Party.objects.filter(kind=Party.Kind.STATE).order_by("code"))


def focal_points_on(day: dt.date) -> dict[str, User]:
    """Each State's focal point for its own review in force on `day`, by the State's code
    (the earliest named when it had more than one)."""
    nominations = (
        Nomination.objects.filter(
            kind=Nomination.Kind.FOCAL_POINT,
            scope=Nomination.Scope.OWN,
            starts_on__lte=day,
            party__kind=Party.Kind.STATE,
        )
        .filter(Q(ends_on=None) | Q(ends_on__gt=day))
        .select_related("party", "person")
        .order_by("party__code", "starts_on", "pk")
    )
    found: dict[str, User] = {}
    for nomination in nominations:
        found.setdefault(nomination.party.code, nomination.person)
    return found


def load(secretariat: User) -> bool:
    """Enter every outreach record once; False (nothing changed) when the demo's February
    2024 briefing is there already."""
    if Briefing.objects.filter(title=BRIEFING_TITLE, held_on=BRIEFING_ON).exists():
        return False
    states = _states()
    _events(secretariat)
    briefed = _briefing(secretariat, states)
    _survey(secretariat)
    _training(secretariat, states)
    _library(secretariat)
    dialogues.load(secretariat, states, briefed)
    return True


def _events(by: User) -> None:
    parties = {p.code: p for p in Party.objects.filter(code__in=[e[0] for e in EVENTS])}
    reviews = {r.party.code: r for r in Review.objects.filter(party__in=parties.values())}
    for code, starts, days, place, languages, women, men in EVENTS:
        party = parties[code]
        activities.save_event(
            None,
            {
                "kind": Event.Kind.NATIONAL,
                "title": f"National workshop on the review mechanism: {party.name_en}",
                "starts_on": starts,
                "ends_on": starts + dt.timedelta(days=days - 1),
                "place": place,
                "organisers": ORGANISER,
                "languages": languages,
                "women": women,
                "men": men,
                "published": True,
                "parties": [party],
                "reviews": [reviews[code]] if code in reviews else [],
            },
            by=by,
            now=at(starts + dt.timedelta(days=days + 3)),
        )


def _briefing(by: User, states: list[Party]) -> list[Party]:
    """¶46: 193 representatives of 89 Member States. The 89 are the first 89 States, in the
    order of their codes, whose focal point for their own review was in force that day."""
    with_focal_point = focal_points_on(BRIEFING_ON)
    briefed = [s for s in states if s.code in with_focal_point][:89]
    followups.record_briefing(
        by=by,
        now=at(BRIEFING_ON, 17),
        held_on=BRIEFING_ON,
        title=BRIEFING_TITLE,
        kind=Briefing.Kind.GLOBAL,
        languages=["en"],
        place="Vienna",
        representatives=193,
        published=True,
        parties=briefed,
    )
    return briefed


def _survey(by: User) -> None:
    """¶46: the voluntary survey opened at the briefing, answered by the focal points of 16
    States: every tenth State, in code order, of those with a focal point in force. The
    requests of each category go to the next States in turn, so every State asks for one at
    least and none asks twice for one category."""
    survey = assistance.open_survey(
        title="Voluntary survey of technical-assistance needs",
        opens_on=BRIEFING_ON,
        closes_on=BRIEFING_ON + dt.timedelta(days=30),
        by=by,
        now=at(BRIEFING_ON, 18),
    )
    answer_on = BRIEFING_ON + dt.timedelta(days=7)
    focal = focal_points_on(answer_on)
    codes = sorted(focal)[::10][:SURVEY_STATES]
    needs: dict[str, dict[str, str]] = {code: {} for code in codes}
    turn = 0
    for category, count in REQUESTS.items():
        for _ in range(count):
            needs[codes[turn % SURVEY_STATES]][category] = "Requested at the February briefing."
            turn += 1
    parties = {p.code: p for p in Party.objects.filter(code__in=codes)}
    for i, code in enumerate(codes):
        assistance.answer(
            survey, parties[code], needs=needs[code], by=focal[code], now=at(answer_on, 8 + i % 9)
        )


def _training(by: User, states: list[Party]) -> None:
    """¶47: sessions with their participants, and the e-learning completions imported."""
    trained = states[:TRAINED_STATES]
    official = 0
    for n in range(SESSIONS):
        held = dt.date(2020, 10, 6) + dt.timedelta(days=110 * n)
        language = TRAINING_LANGUAGES[n % len(TRAINING_LANGUAGES)]
        session = activities.save_session(
            None,
            {
                "title": f"Briefing for focal points and governmental experts {n + 1}",
                "held_on": held,
                "kind": TrainingSession.Kind.BRIEFING if n % 2 else TrainingSession.Kind.TRAINING,
                "languages": [language],
                "online": True,
            },
            by=by,
            now=at(held, 17),
        )
        for i in range(PER_SESSION):
            # The first REPEATS participants of the second session took part in the first.
            again = n == 1 and i < REPEATS
            number = i if again else official
            official += 0 if again else 1
            activities.save_participant(
                Participant(session=session),
                {
                    "party": trained[number % TRAINED_STATES],
                    "name": f"Demo official {number + 1:04d}",
                    "gender": GENDERS[number % len(GENDERS)],
                    "language": language,
                    "ministry": MINISTRIES[number % len(MINISTRIES)],
                },
                by=by,
                now=at(held, 18),
            )
    _completions(by, trained, first=official)


def _completions(by: User, trained: list[Party], first: int) -> None:
    """The e-learning completions, recorded a year at a time by the import's action
    (activities.import_completions: what the import page calls once a file's rows are read;
    the rows here are built as the file reader would give them: reading 2,700 rows through
    its form took about 4 s of the demo's load, the rest of the outreach 2 s)."""
    years = [2021, 2022, 2023, 2024]
    for y, year in enumerate(years):
        rows = []
        for k in range(y, COMPLETIONS, len(years)):
            number = first + k
            rows.append(
                {
                    "party": trained[number % TRAINED_STATES],
                    "gender": GENDERS[number % len(GENDERS)],
                    "language": TRAINING_LANGUAGES[k % len(TRAINING_LANGUAGES)],
                    "ministry": MINISTRIES[number % len(MINISTRIES)],
                    "module": "The review mechanism and RevMod",
                    "completed_on": dt.date(year, 1, 15)
                    + dt.timedelta(days=k % (90 if year == 2024 else 330)),
                }
            )
        imported_on = dt.date(year, 4, 15) if year == 2024 else dt.date(year, 12, 20)
        activities.import_completions(rows, by=by, now=at(imported_on, 10))


RESOURCES_LINK = (
    "https://www.unodc.org/unodc/en/organized-crime/intro/review-mechanism-untoc/resources.html"
)
SIX = ["ar", "zh", "en", "fr", "ru", "es"]
# ¶49-50: the resources and, where the paper says so, their six languages.
RESOURCES = [
    (Resource.Kind.ELEARNING, "E-learning modules on the review mechanism and RevMod", SIX),
    (Resource.Kind.MANUAL, "RevMod user manual for focal points and governmental experts", ["en"]),
    (Resource.Kind.GUIDE, "Guide to preparing the initial consultation", ["en"]),
    (Resource.Kind.COMPENDIUM, "Compendium of basic documents of the review mechanism", SIX),
    (
        Resource.Kind.RECOMMENDATIONS,
        "Compilation of the working groups' recommendations on the review mechanism",
        ["en"],
    ),
    (
        Resource.Kind.OBSERVATIONS,
        "Compilation of the constructive dialogue chairs' observations",
        ["en"],
    ),
    (
        Resource.Kind.LEGISLATIVE_GUIDE,
        "Legislative guides for the implementation of the Convention and its Protocols",
        ["en"],
    ),
    (Resource.Kind.MODEL_LAW, "Model legislative provisions against organized crime", ["en"]),
]


def _library(by: User) -> None:
    """¶49-50: each resource recorded, a version in each of its languages (a link to the
    resources page the paper cites, footnote 5), then published."""
    now = at(dt.date(2023, 3, 1))
    for kind, title, languages in RESOURCES:
        resource = library.save_resource(
            None,
            by=by,
            now=now,
            kind=kind,
            title_en=title,
            description_en="Demo record: the file is on the page the link opens.",
        )
        for language in languages:
            library.add_version(resource, by=by, now=now, language=language, link=RESOURCES_LINK)
        library.publish(resource, True, by=by, now=now)
