"""The demo's country reviews as the seed describes them on 16 April 2024 (seed ¶11-40),
produced by the real actions along a simulated calendar, never by writing review rows.

`plan()` decides, with a fixed `random.Random(SEED)`, who names whom and when, which reviews
get under way, the languages agreed and how late each questionnaire is; `run()` then walks the
calendar from the groups' start dates (1 Dec 2020, 1 Nov 2021, 1 Nov 2022, seed ¶22) to
16 April 2024, calling `accounts.nominate`, `actions.act` and `actions.record_consultation`
with `now` set to each simulated day. Same database of draws, same result.

What the seed gives and the demo reproduces (test: revmod/demo/tests/test_demo.py):
- ¶15: 26 parties without any focal point, blocking the start of 65 reviews; ¶23: 116
  reviews not started, 73 under way (32 questionnaire, 37 written feedback, 4 observations);
- ¶12-14: focal points from 163 States, 54 of them women, 8 States with more than one
  (one for its own review, one as reviewer), 73 States that changed theirs at least once;
  ministries 48 % foreign affairs, 36 % justice, 16 % interior;
- ¶18-19: 1,003 governmental experts (343 women); observers named by 14 States;
- ¶26-28: 73 initial consultations and their working languages;
- ¶32: questionnaire answers of 41 reviews, 14 on time, 6 up to 10 days late, 11 up to 3
  months, 10 over 6 months (5 of them over a year); ¶36: 32 of the 37 written feedbacks late
  against the agreed timetable; ¶40: lists of observations drafted since about October 2021,
  October 2022 and November 2023 (two).
Where the model cannot follow the seed, the demo says so (docs/demo.md): the seed's 174 focal
points need 11 extra people in 8 States, but a party has at most one focal point per role
(own review, as reviewer), so the demo has 163 + 8 = 171; and the seed's 50 reviews "not
started for want of a consultation" plus its 65 blocked make 115, not its 116: the demo has 51.

Answers (seed ¶31-33, ¶52-54): when the cluster's questionnaire is loaded (`manage.py
loadquestionnaire`, run before `loaddemo` by `make setup`), the drafting step saves answers to
it through `questionnaires.actions.save_answers` (`save_answer`'s rules and code, for many answers
at once) — all of them in the reviews that submit by
16 April 2024, part of them in the others — so the secretariat's statistics on the answers
have something to count. Each review's answers come from their own `random.Random` seeded
from SEED and the party, so they are reproducible and leave the plan's draws untouched.

Simplifications: the draws (revmod.lots.demo) are all held before the reviews are simulated,
so the reviews act with today's pairings throughout; the reviews of the two late joiners are
created with the others (they are among the 26 without a focal point).
"""

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from revmod.accounts import actions as accounts
from revmod.accounts.models import Nomination, User
from revmod.lots.models import Pairing
from revmod.questionnaires import actions as questionnaires
from revmod.questionnaires.models import QuestionnaireTemplate
from revmod.registry.models import Cluster, Party
from revmod.reviews import actions
from revmod.reviews.deadlines import Step
from revmod.reviews.models import Review, ReviewEvent

# The demo's answers: mostly yes or partly, a few no (weights), with short explanations.
ANSWER_WEIGHTS = {"yes": 60, "partly": 30, "no": 10}
EXPLANATIONS = {
    "yes": [
        "The offence is established in the Criminal Code and applied by the courts.",
        "Covered by the general part of the Criminal Code; see the provisions cited.",
        "Implemented by the law cited, in force since its adoption.",
    ],
    "partly": [
        "Covered in part: an amendment to the Criminal Code is before Parliament.",
        "The law covers natural persons; the liability of legal persons is civil only.",
        "Some elements are covered by general provisions rather than a specific offence.",
    ],
    "no": [
        "Not yet covered; a draft law is being prepared with technical assistance.",
        "No specific provision; the matter is under review by the Ministry of Justice.",
    ],
}
TEXTS = [
    "Two cases were prosecuted under these provisions in the last five years.",
    "The courts interpret the provisions in line with the Convention.",
    "Guidance for prosecutors was issued by the Office of the Attorney General.",
    "Statistics are kept by the Ministry of Justice and are available on request.",
]
CODES = ["Criminal Code", "Penal Code", "Code of Criminal Procedure", "Law on Organized Crime"]

SEED = 20240416
AS_OF = dt.date(2024, 4, 16)  # the date of every figure in the seed

OWN, REVIEWER = Nomination.Scope.OWN, Nomination.Scope.REVIEWER
FP, EXPERT, OBSERVER = (
    Nomination.Kind.FOCAL_POINT,
    Nomination.Kind.EXPERT,
    Nomination.Kind.OBSERVER,
)

# The seed's numbers (¶ given), the targets of the plan.
NO_FOCAL_POINT = 26  # ¶15
BLOCKED = 65  # ¶15
AT_QUESTIONNAIRE, AT_FEEDBACK, AT_OBSERVATIONS = 32, 37, 4  # ¶23
MORE_THAN_ONE = 8  # ¶13
CHANGED = 73  # ¶14
FOCAL_POINT_WOMEN = 54  # ¶12
MINISTRY_SHARES = {"foreign_affairs": 48, "justice": 36, "interior": 16}  # ¶12, per cent
EXPERTS, EXPERT_WOMEN = 1003, 343  # ¶18
OBSERVER_STATES = 14  # ¶19
LANGUAGES = (  # ¶28: the 73 consultations held
    [("en",)] * 42
    + [("fr",)] * 2
    + [("es",)] * 2
    + [("ar",)]
    + [("en", "es", "fr"), ("ar", "en", "fr"), ("en", "fr", "ru"), ("en", "es", "fr")]
    + [("en", "fr")] * 6
    + [("ar", "en")] * 7
    + [("en", "es")] * 4
    + [("en", "ru"), ("en", "zh"), ("es", "fr")]
    + [None] * 2  # the parties could not agree
)
# ¶32: days late of the 41 questionnaires submitted, per bucket (count, first, last day).
SAQ_DELAYS = [
    ("late_over_1_year", 5, 380, 470),
    ("late_over_6_months", 5, 200, 330),
    ("late_3_months", 11, 15, 80),
    ("late_10_days", 6, 1, 10),
    ("on_time", 14, -45, 0),
]
# ¶40: the four lists of observations, drafted since (written feedback submitted on) these days.
OBSERVATIONS_SINCE = [
    dt.date(2021, 10, 15),
    dt.date(2022, 10, 17),
    dt.date(2023, 11, 8),
    dt.date(2023, 11, 21),
]
FEEDBACK_ON_SCHEDULE = 5  # ¶36: 32 of the 37 written feedbacks are late
LATE_JOINERS = ["BTN", "SSD"]  # seed ¶9: joined in 2023, drawn on 5 Dec 2023
PERSONA_PARTY = "KEN"


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


@dataclass
class Person:
    username: str
    party: str
    gender: str = ""
    ministry: str = ""


@dataclass
class Plan:
    """Everything decided before the calendar is walked."""

    people: dict[str, Person] = field(default_factory=dict)
    steps: list[tuple[dt.date, int, int, tuple]] = field(default_factory=list)

    def add(self, day: dt.date, order: int, *step) -> None:
        self.steps.append((day, order, len(self.steps), step))

    def person(self, username: str, party: str, **kwargs) -> str:
        self.people[username] = Person(username, party, **kwargs)
        return username


def _days(rng: random.Random, first: int, last: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(first, last))


def _no_focal_point(rng, involves, keep, forced) -> set[str]:
    """26 parties whose absence of a focal point blocks exactly 65 reviews (¶15): a local
    search over fixed random choices."""
    candidates = sorted(p for p in involves if p not in keep and p not in forced)
    chosen = set(forced) | set(rng.sample(candidates, NO_FOCAL_POINT - len(forced)))

    def blocked(parties):
        return len(set().union(*(involves[p] for p in parties)))

    for _ in range(50000):
        score = abs(blocked(chosen) - BLOCKED)
        if score == 0:
            return chosen
        out = rng.choice(sorted(chosen - set(forced)))
        into = rng.choice(candidates)
        if into in chosen:
            continue
        trial = (chosen - {out}) | {into}
        if abs(blocked(trial) - BLOCKED) <= score:
            chosen = trial
    raise RuntimeError("no set of parties blocks exactly the seed's number of reviews")


def plan(reviews: list[Review], pairings: list[Pairing], persona_reviewer: str) -> Plan:
    rng = random.Random(SEED)
    result = Plan()
    start = {r.party.code: r.started_on for r in reviews}
    reviewers = defaultdict(list)  # reviewed -> reviewing parties
    for pairing in pairings:
        reviewers[pairing.reviewed.code].append(pairing.reviewer.code)
    involves = defaultdict(set)  # party -> the reviews (by reviewed party) it takes part in
    for code in start:
        involves[code].add(code)
        for reviewer in reviewers[code]:
            involves[reviewer].add(code)
    keep = {PERSONA_PARTY, *reviewers[PERSONA_PARTY]}
    forced = [code for code in LATE_JOINERS if code in start]
    silent = _no_focal_point(rng, involves, keep, forced)
    named = sorted(p for p in involves if p not in silent)  # the 163 States (¶12)

    # When each State first names its focal point for each role: a few days to weeks after
    # the first review it takes part in starts in that role (rule 18: within 2 weeks).
    first = {}
    for code in named:
        first[code, OWN] = start[code] + _days(rng, 3, 45)
        reviewed = [r for r in start if code in reviewers[r]]
        if reviewed:
            first[code, REVIEWER] = min(start[r] for r in reviewed) + _days(rng, 3, 45)
    two = [c for c in named if (c, REVIEWER) in first and c not in keep]
    several = {PERSONA_PARTY, persona_reviewer, *rng.sample(two, MORE_THAN_ONE - 2)}

    # Who holds each role, in order: the first nominee, then the replacements (¶14).
    holders: dict[tuple[str, str], list[tuple[dt.date, str]]] = {}
    changeable = [
        c
        for c in named
        if c not in keep
        and AS_OF - max(first[c, s] for s in (OWN, REVIEWER) if (c, s) in first) > dt.timedelta(120)
    ]
    changers = set(rng.sample(changeable, CHANGED))
    twice = set(rng.sample(sorted(changers), 10))
    for code in named:
        scopes = [s for s in (OWN, REVIEWER) if (code, s) in first]
        persons = {}
        for scope in scopes:
            if code in several or scope == OWN:
                persons[scope] = f"fp-{code.lower()}-{scope}"
            else:
                persons[scope] = persons[OWN]  # one person for both roles
        for scope in scopes:
            holders[code, scope] = [(first[code, scope], persons[scope])]
        if code in changers:
            # A State with one focal point hands over both roles; one with two, its own.
            scopes_changed = [OWN] if code in several else scopes
            since = max(first[code, s] for s in scopes_changed)
            for n in range(2 if code in twice else 1):
                span = (AS_OF - since).days - 20
                if span < 40:
                    break
                day = since + dt.timedelta(days=rng.randint(min(60, span // 2), span))
                new = f"fp-{code.lower()}-{n + 2}"
                for scope in scopes_changed:
                    holders[code, scope].append((day, new))
                since = day
    if PERSONA_PARTY in start:
        holders[PERSONA_PARTY, OWN][0] = (holders[PERSONA_PARTY, OWN][0][0], "reviewed_fp")
        day = holders[persona_reviewer, REVIEWER][0][0]
        holders[persona_reviewer, REVIEWER][0] = (day, "reviewer_fp")
    for (code, scope), items in holders.items():
        for n, (day, username) in enumerate(items):
            result.person(username, code)
            result.add(day, 0, "nominate", code, username, FP, scope, n > 0)
    final = sorted({items[-1][1] for items in holders.values()})
    for username in rng.sample(final, FOCAL_POINT_WOMEN):
        result.people[username].gender = User.Gender.FEMALE
    ministries = []
    for ministry, share in MINISTRY_SHARES.items():
        ministries += [ministry] * round(len(final) * share / 100)
    ministries = (ministries + ["foreign_affairs"] * len(final))[: len(final)]
    rng.shuffle(ministries)
    for username, ministry in zip(final, ministries, strict=True):
        person = result.people[username]
        person.gender = person.gender or User.Gender.MALE
        person.ministry = ministry
    for person in result.people.values():
        person.gender = person.gender or rng.choice([User.Gender.FEMALE, User.Gender.MALE])

    # Governmental experts (¶18): at least two per State, the rest spread at random.
    counts = Counter({code: 2 for code in named})
    counts.update(rng.choice(named) for _ in range(EXPERTS - 2 * len(named)))
    experts, expert_day = [], {}
    for code in named:
        for n in range(counts[code]):
            scope = REVIEWER if (code, REVIEWER) in first and n % 3 == 2 else OWN
            username = "expert" if (code, n) == (PERSONA_PARTY, 0) else f"ex-{code.lower()}-{n}"
            experts.append(result.person(username, code))
            expert_day[username] = first[code, scope] + _days(rng, 5, 60)
            result.add(expert_day[username], 1, "nominate", code, username, EXPERT, scope, False)
    for username in rng.sample(experts, EXPERT_WOMEN):
        result.people[username].gender = User.Gender.FEMALE
    for username in experts:
        result.people[username].gender = result.people[username].gender or User.Gender.MALE
    # Observers (¶19): read-only, in their party's own review.
    observing = [PERSONA_PARTY] + rng.sample(sorted(set(named) - {PERSONA_PARTY}), 13)
    for code in observing:
        username = "observer" if code == PERSONA_PARTY else f"obs-{code.lower()}"
        result.person(username, code, gender=rng.choice(["female", "male"]))
        result.add(
            first[code, OWN] + _days(rng, 20, 200),
            1,
            "nominate",
            code,
            username,
            OBSERVER,
            OWN,
            False,
        )

    # The reviews whose parties all named a focal point (124): when all had one, when the
    # consultation could start and be held.
    ready = {}
    for code in start:
        if code in silent or any(r in silent for r in reviewers[code]):
            continue
        days = [first[code, OWN]] + [first[r, REVIEWER] for r in reviewers[code]]
        ready[code] = max(days) + _days(rng, 2, 20)
    order = sorted(ready, key=lambda c: ready[c] + _days(rng, 0, 800))
    under_way = order[: AT_QUESTIONNAIRE + AT_FEEDBACK + AT_OBSERVATIONS]
    if PERSONA_PARTY in ready and PERSONA_PARTY not in under_way:
        under_way[-1] = PERSONA_PARTY
    waiting = [c for c in order if c not in under_way]
    for code in waiting[::4]:  # consultation started, still discussing (¶29)
        result.add(ready[code], 2, "act", code, "start_consultation", (code, OWN))

    held = {code: ready[code] + _days(rng, 10, 50) for code in under_way}
    under_way.sort(key=lambda c: (held[c], c))
    languages = list(LANGUAGES)
    rng.shuffle(languages)
    # The answers came in mostly, not only, from the reviews that consulted first.
    jitter = {code: _days(rng, 0, 700) for code in under_way}
    submitted = sorted(under_way, key=lambda c: (held[c] + jitter[c], c))
    submitted = sorted(submitted[: AT_FEEDBACK + AT_OBSERVATIONS], key=lambda c: (held[c], c))
    observations = submitted[:AT_OBSERVATIONS]
    feedback = submitted[AT_OBSERVATIONS:]
    # Delays: the longest to the earliest consultations (the only ones with time for them).
    delays = []
    for bucket, count, low, high in SAQ_DELAYS:
        delays += [(bucket, low, high)] * count
    obs_delays = delays[-AT_OBSERVATIONS:]
    feedback_delays = delays[:-AT_OBSERVATIONS]
    tail = feedback_delays[16:]
    rng.shuffle(tail)
    feedback_delays[16:] = tail
    delay_of = dict(zip(observations, obs_delays, strict=True)) | dict(
        zip(feedback, feedback_delays, strict=True)
    )
    sent = {}
    agreed = {}
    for code in under_way:
        due = held[code] + _days(rng, 90, 180)
        if code in delay_of:
            _bucket, low, high = delay_of[code]
            delay = dt.timedelta(days=rng.randint(low, high))
            limit = AS_OF - dt.timedelta(days=7)
            if code in observations:
                limit = OBSERVATIONS_SINCE[observations.index(code)] - dt.timedelta(days=45)
            if due + delay > limit:
                due = limit - delay
            if due < held[code] + dt.timedelta(days=30):
                raise RuntimeError(f"no room for the questionnaire of {code}'s review")
            sent[code] = max(due + delay, held[code] + dt.timedelta(days=7))  # on time anyway
        agreed[code] = {Step.QUESTIONNAIRE: due, Step.WRITTEN_FEEDBACK: due + dt.timedelta(183)}
    on_schedule = sorted(feedback, key=lambda c: sent[c])[-FEEDBACK_ON_SCHEDULE:]
    for code in feedback:
        wf = agreed[code][Step.WRITTEN_FEEDBACK]
        if code in on_schedule:
            agreed[code][Step.WRITTEN_FEEDBACK] = max(wf, AS_OF + _days(rng, 20, 120))
        elif wf >= AS_OF:
            agreed[code][Step.WRITTEN_FEEDBACK] = AS_OF - _days(rng, 5, 40)
    for n, code in enumerate(under_way):
        result.add(ready[code], 2, "act", code, "start_consultation", (code, OWN))
        result.add(held[code], 3, "consult", code, languages[n], agreed[code])
        result.add(held[code], 4, "act", code, "advance", (code, OWN))
        # An expert of the party drafts the answers, its focal point clears them (guideline 6).
        drafter = "expert" if code == PERSONA_PARTY else f"ex-{code.lower()}-0"
        last = sent.get(code, AS_OF)
        day = max(held[code] + _days(rng, 1, 60), expert_day[drafter] + dt.timedelta(days=1))
        if day <= last:
            result.add(day, 5, "act", code, "draft", drafter)
        if code in sent:
            result.add(sent[code], 5, "act", code, "clear", (code, OWN))
            result.add(sent[code], 6, "act", code, "submit", (code, OWN))
    for code, day in zip(observations, OBSERVATIONS_SINCE, strict=True):
        for reviewer in sorted(reviewers[code]):
            result.add(day, 5, "act", code, "clear", (reviewer, REVIEWER))
        result.add(day, 6, "act", code, "submit", (sorted(reviewers[code])[0], REVIEWER))
    result.steps.sort()
    return result


def run(secretariat: User, password: str) -> None:
    """Walk the plan's calendar through the actions (once), from the reviews that the draws'
    publication created (revmod.lots.demo holds them first)."""
    reviews = {r.party.code: r for r in Review.objects.select_related("party")}
    assert reviews, "the draws' publication created no review"
    pairings = list(Pairing.objects.active().select_related("reviewed", "reviewer"))
    persona_review = reviews[PERSONA_PARTY]
    persona_reviewer = persona_review.pairings().order_by("reviewer__code").first().reviewer.code
    the_plan = plan(list(reviews.values()), pairings, persona_reviewer)

    parties = {p.code: p for p in Party.objects.all()}
    unusable = make_password(None)
    new = []
    for person in the_plan.people.values():
        hashed = unusable
        if person.username in {"reviewed_fp", "reviewer_fp", "expert", "observer"}:
            hashed = make_password(password)
        new.append(
            User(
                username=person.username,
                email=f"{person.username}@example.org",
                password=hashed,
                party=parties[person.party],
                gender=person.gender,
                ministry=person.ministry,
            )
        )
    User.objects.bulk_create(new)
    users = {u.username: u for u in User.objects.filter(username__in=the_plan.people)}
    holder = {}  # (party, scope) -> the focal point in office on the simulated day
    answered = {}  # party under review -> the number of answers saved
    submitting = {  # the reviews whose questionnaire is submitted by AS_OF
        step[1]
        for _day, _order, _n, step in the_plan.steps
        if step[0] == "act" and step[2] == "submit" and step[3] == (step[1], OWN)
    }
    answer = Answerer(Cluster.objects.get(review_order=1))

    for day, order, _n, step in the_plan.steps:
        now = at(day, 9 + order)
        kind, code, *rest = step
        if kind == "nominate":
            username, role, scope, replacing = rest
            accounts.nominate(
                party=parties[code],
                person=users[username],
                kind=role,
                scope=scope,
                starts_on=day,
                by=secretariat,
                now=now,
                handover_note="Files and contacts handed over through the permanent mission."
                if replacing
                else "",
            )
            if role == FP:
                holder[code, scope] = users[username]
        elif kind == "act":
            action, who = rest
            by = users[who] if isinstance(who, str) else holder[who]
            if action == "clear" and who == (code, OWN) and code not in answered:
                # Submitted without a drafting step of its own: the focal point answers.
                answered[code] = answer(reviews[code], by, now, complete=True)
            actions.act(reviews[code], action, by=by, now=now)
            if action == "draft":
                answered[code] = answer(reviews[code], by, now, complete=code in submitting)
        elif kind == "consult":
            languages, agreed = rest
            actions.record_consultation(
                reviews[code],
                by=holder[code, OWN],
                now=now,
                held_on=day,
                languages=list(languages or []),
                no_agreement=languages is None,
                exceptional_reason="The reviewed party's legislation exists only in these "
                "languages."
                if languages and len(languages) == 3
                else "",
                agreed=agreed,
            )


class Answerer:
    """Saves a review's answers to the cluster's current questionnaire, when one is loaded."""

    def __init__(self, cluster: Cluster):

        self.template = QuestionnaireTemplate.objects.current(cluster)

    def __call__(self, review: Review, by: User, now: dt.datetime, *, complete: bool) -> int:
        """Answer the review's questions as `by` (all, or a few when `complete` is False: a
        draft in preparation, which the statistics never count); the number of answers saved."""

        if self.template is None:
            return 0
        rng = random.Random(f"{SEED}-answers-{review.party.code}")
        drafts = []
        for question in questionnaires.questions_for(review, self.template):
            if not complete and rng.random() < 0.8:
                continue
            value, citations, text = [], "", rng.choice(TEXTS)
            if question.kind == "yes_no_partly":
                (choice,) = rng.choices(list(ANSWER_WEIGHTS), list(ANSWER_WEIGHTS.values()))
                value, text = [choice], rng.choice(EXPLANATIONS[choice])
            elif question.kind in {"single", "multiple"}:
                options = [c.value for c in question.choices.all()]
                # The first options offered are the usual ones: chosen more often.
                weights = [len(options) - n for n in range(len(options))]
                value = rng.choices(options, weights)
                if question.kind == "multiple":
                    value += rng.sample(options, rng.randint(0, min(2, len(options) - 1)))
            if question.has_citations and value != ["no"]:
                citations = f"{rng.choice(CODES)}, art. {rng.randint(2, 450)}"
            drafts.append(questionnaires.Draft(question, 0, value, citations, text))
        return len(questionnaires.save_answers(review, drafts, by=by, now=now))


@transaction.atomic
def load(secretariat: User, password: str) -> bool:
    """Run the simulation once; False when it has run (the reviews have more than the events
    the draws' publication writes: it creates them, and its redraws change their reviewers;
    the simulation does the rest)."""
    if ReviewEvent.objects.exclude(kind__in=["created", "reviewers_changed"]).exists():
        return False
    run(secretariat, password)
    return True
