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
at once; revmod.demo.answers writes them) — all of them in the reviews that submit by
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
from revmod.demo.answers import Answerer
from revmod.lots.models import Pairing
from revmod.registry.models import Cluster, Party
from revmod.reviews import actions
from revmod.reviews.deadlines import Step
from revmod.reviews.models import Review, ReviewEvent

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
    """The whole calendar, drawn from `random.Random(SEED)` in a fixed order (each phase below
    draws after the one before), so the same reviews and pairings give the same plan: the focal
    points (the parties without one, when each names one, who holds it and hands it over), the
    experts and observers, then the reviews that get under way and their steps."""
    rng = random.Random(SEED)
    result = Plan()
    drawn = _Drawn.of(reviews, pairings)
    forced = [code for code in LATE_JOINERS if code in drawn.start]
    silent = _no_focal_point(rng, drawn.involves, drawn.keep, forced)
    named = sorted(p for p in drawn.involves if p not in silent)  # the 163 States (¶12)
    first = _first_nominations(rng, drawn, named)
    holders = _focal_point_holders(rng, drawn, named, first, persona_reviewer)
    _name_focal_points(rng, result, holders)
    expert_day = _name_experts(rng, result, named, first)
    _name_observers(rng, result, named, first)
    under_way = _under_way(rng, result, drawn, silent, first)
    _set_timetables(rng, under_way)
    _review_steps(rng, result, drawn, under_way, expert_day)
    result.steps.sort()
    return result


@dataclass(frozen=True)
class _Drawn:
    """The reviews as the draws left them: when each starts, who reviews it (by reviewed
    party), the reviews each party takes part in, and the parties always named and never
    changed (the persona party and its reviewers)."""

    start: dict[str, dt.date]
    reviewers: defaultdict[str, list[str]]  # reviewed -> reviewing parties
    involves: defaultdict[str, set[str]]  # party -> the reviews (by reviewed party) it is in
    keep: set[str]

    @classmethod
    def of(cls, reviews: list[Review], pairings: list[Pairing]) -> "_Drawn":
        start = {r.party.code: r.started_on for r in reviews}
        reviewers = defaultdict(list)
        for pairing in pairings:
            reviewers[pairing.reviewed.code].append(pairing.reviewer.code)
        involves = defaultdict(set)
        for code in start:
            involves[code].add(code)
            for reviewer in reviewers[code]:
                involves[reviewer].add(code)
        keep = {PERSONA_PARTY, *reviewers[PERSONA_PARTY]}
        return cls(start, reviewers, involves, keep)


_Role = tuple[str, str]  # (party, scope)


def _first_nominations(rng, drawn: _Drawn, named: list[str]) -> dict[_Role, dt.date]:
    """When each named State first names its focal point for each of its roles: a few days to
    weeks after the first review it takes part in starts in that role (rule 18: within 2
    weeks); a State that reviews no one has no reviewer role."""
    first = {}
    for code in named:
        first[code, OWN] = drawn.start[code] + _days(rng, 3, 45)
        reviewed = [r for r in drawn.start if code in drawn.reviewers[r]]
        if reviewed:
            first[code, REVIEWER] = min(drawn.start[r] for r in reviewed) + _days(rng, 3, 45)
    return first


def _focal_point_holders(
    rng, drawn: _Drawn, named: list[str], first: dict[_Role, dt.date], persona_reviewer: str
) -> dict[_Role, list[tuple[dt.date, str]]]:
    """Who holds each role, in order: the first nominee, then the replacements (¶14). Eight
    States have a person per role (¶13: the personas' two among them), the others one person
    for both; 73 hand over once or twice, at least 40 days apart and 20 before AS_OF."""
    two = [c for c in named if (c, REVIEWER) in first and c not in drawn.keep]
    several = {PERSONA_PARTY, persona_reviewer, *rng.sample(two, MORE_THAN_ONE - 2)}
    holders: dict[_Role, list[tuple[dt.date, str]]] = {}
    changeable = [
        c
        for c in named
        if c not in drawn.keep
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
    if PERSONA_PARTY in drawn.start:
        holders[PERSONA_PARTY, OWN][0] = (holders[PERSONA_PARTY, OWN][0][0], "reviewed_fp")
        day = holders[persona_reviewer, REVIEWER][0][0]
        holders[persona_reviewer, REVIEWER][0] = (day, "reviewer_fp")
    return holders


def _name_focal_points(rng, result: Plan, holders: dict[_Role, list[tuple[dt.date, str]]]) -> None:
    """Every holder a person and a nomination step; those in office on AS_OF 54 women (¶12)
    and spread over the ministries by the seed's shares; the earlier ones a gender at random."""
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


def _name_experts(
    rng, result: Plan, named: list[str], first: dict[_Role, dt.date]
) -> dict[str, dt.date]:
    """The governmental experts (¶18: 1,003, 343 women): at least two per State, the rest
    spread at random, each named 5 to 60 days after the focal point of its role (every third
    for the State's role as reviewer, when it has one). Returns the day each is named."""
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
    return expert_day


def _name_observers(rng, result: Plan, named: list[str], first: dict[_Role, dt.date]) -> None:
    """The observers (¶19): named by 14 States (the persona party among them), read-only, in
    their party's own review."""
    observing = [PERSONA_PARTY] + rng.sample(sorted(set(named) - {PERSONA_PARTY}), 13)
    for code in observing:
        username = "observer" if code == PERSONA_PARTY else f"obs-{code.lower()}"
        result.person(username, code, gender=rng.choice(["female", "male"]))
        day = first[code, OWN] + _days(rng, 20, 200)
        result.add(day, 1, "nominate", code, username, OBSERVER, OWN, False)


@dataclass
class _UnderWay:
    """The reviews under way on AS_OF (¶23), in the order their consultations were held: when
    they could start (all parties had a focal point), when the consultation was held and in
    which languages, which of them reached the observations and the written feedback (the
    others are at the questionnaire); `_set_timetables` adds the questionnaires' submission
    and the dates agreed."""

    codes: list[str]
    ready: dict[str, dt.date]
    held: dict[str, dt.date]
    languages: list[tuple | None]  # one per code
    observations: list[str]
    feedback: list[str]
    sent: dict[str, dt.date] = field(default_factory=dict)
    agreed: dict[str, dict[Step, dt.date]] = field(default_factory=dict)


def _under_way(rng, result: Plan, drawn: _Drawn, silent: set[str], first) -> _UnderWay:
    """The 73 reviews under way among those whose parties all named a focal point (124), the
    earliest ready more likely (Kenya's among them when it is ready); a quarter of the others
    a consultation started and still discussed (¶29), a step of `result`. The answers came in
    mostly, not only, from the reviews that consulted first."""
    ready = {}
    for code in drawn.start:
        if code in silent or any(r in silent for r in drawn.reviewers[code]):
            continue
        days = [first[code, OWN]] + [first[r, REVIEWER] for r in drawn.reviewers[code]]
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
    jitter = {code: _days(rng, 0, 700) for code in under_way}
    submitted = sorted(under_way, key=lambda c: (held[c] + jitter[c], c))
    submitted = submitted[: AT_FEEDBACK + AT_OBSERVATIONS]
    if PERSONA_PARTY in under_way and PERSONA_PARTY not in submitted:
        # Kenya's answers are submitted, so that its focal point (the `reviewed_fp` persona) can
        # publish some of them on its country profile (issue 20; docs/demo.md).
        submitted[-1] = PERSONA_PARTY
    submitted = sorted(submitted, key=lambda c: (held[c], c))
    return _UnderWay(
        under_way,
        ready,
        held,
        languages,
        observations=submitted[:AT_OBSERVATIONS],
        feedback=submitted[AT_OBSERVATIONS:],
    )


def _set_timetables(rng, uw: _UnderWay) -> None:
    """The questionnaire's agreed date of each review under way and, for those past it, when
    it was submitted: late by the seed's buckets (¶32), the longest delays to the earliest
    consultations (the only ones with time for them), the four at the observations stage
    submitted in time for their lists' drafting since OBSERVATIONS_SINCE (¶40); the written
    feedback's date 183 days later, passed for all but five of the 37 (¶36). RuntimeError
    when a review has no room for its delay."""
    delays = []
    for bucket, count, low, high in SAQ_DELAYS:
        delays += [(bucket, low, high)] * count
    obs_delays = delays[-AT_OBSERVATIONS:]
    feedback_delays = delays[:-AT_OBSERVATIONS]
    tail = feedback_delays[16:]
    rng.shuffle(tail)
    feedback_delays[16:] = tail
    delay_of = dict(zip(uw.observations, obs_delays, strict=True)) | dict(
        zip(uw.feedback, feedback_delays, strict=True)
    )
    for code in uw.codes:
        held = uw.held[code]
        due = held + _days(rng, 90, 180)
        if code in delay_of:
            _bucket, low, high = delay_of[code]
            delay = dt.timedelta(days=rng.randint(low, high))
            limit = AS_OF - dt.timedelta(days=7)
            if code in uw.observations:
                limit = OBSERVATIONS_SINCE[uw.observations.index(code)] - dt.timedelta(days=45)
            if due + delay > limit:
                due = limit - delay
            if due < held + dt.timedelta(days=30):
                raise RuntimeError(f"no room for the questionnaire of {code}'s review")
            uw.sent[code] = max(due + delay, held + dt.timedelta(days=7))  # on time anyway
        uw.agreed[code] = {Step.QUESTIONNAIRE: due, Step.WRITTEN_FEEDBACK: due + dt.timedelta(183)}
    on_schedule = sorted(uw.feedback, key=lambda c: uw.sent[c])[-FEEDBACK_ON_SCHEDULE:]
    for code in uw.feedback:
        wf = uw.agreed[code][Step.WRITTEN_FEEDBACK]
        if code in on_schedule:
            uw.agreed[code][Step.WRITTEN_FEEDBACK] = max(wf, AS_OF + _days(rng, 20, 120))
        elif wf >= AS_OF:
            uw.agreed[code][Step.WRITTEN_FEEDBACK] = AS_OF - _days(rng, 5, 40)


def _review_steps(
    rng, result: Plan, drawn: _Drawn, uw: _UnderWay, expert_day: dict[str, dt.date]
) -> None:
    """The steps of each review under way: the consultation started, held and the review
    advanced; an expert of the party drafts the answers (not before being named, not after the
    submission), its focal point clears and submits them (guideline 6); the four lists of
    observations cleared by every reviewing party and submitted by the first."""
    for n, code in enumerate(uw.codes):
        held = uw.held[code]
        result.add(uw.ready[code], 2, "act", code, "start_consultation", (code, OWN))
        result.add(held, 3, "consult", code, uw.languages[n], uw.agreed[code])
        result.add(held, 4, "act", code, "advance", (code, OWN))
        drafter = "expert" if code == PERSONA_PARTY else f"ex-{code.lower()}-0"
        last = uw.sent.get(code, AS_OF)
        day = max(held + _days(rng, 1, 60), expert_day[drafter] + dt.timedelta(days=1))
        if day <= last:
            result.add(day, 5, "act", code, "draft", drafter)
        if code in uw.sent:
            result.add(uw.sent[code], 5, "act", code, "clear", (code, OWN))
            result.add(uw.sent[code], 6, "act", code, "submit", (code, OWN))
    for code, day in zip(uw.observations, OBSERVATIONS_SINCE, strict=True):
        reviewers = sorted(drawn.reviewers[code])
        for reviewer in reviewers:
            result.add(day, 5, "act", code, "clear", (reviewer, REVIEWER))
        result.add(day, 6, "act", code, "submit", (reviewers[0], REVIEWER))


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
    walk = _Walk(
        secretariat,
        parties,
        reviews,
        users=_create_users(the_plan, parties, password),
        submitting={  # the reviews whose questionnaire is submitted by AS_OF
            step[1]
            for _day, _order, _n, step in the_plan.steps
            if step[0] == "act" and step[2] == "submit" and step[3] == (step[1], OWN)
        },
        answer=Answerer(Cluster.objects.get(review_order=1), SEED),
    )
    for day, order, _n, step in the_plan.steps:
        walk.take(day, at(day, 9 + order), *step)


def _create_users(the_plan: Plan, parties: dict[str, Party], password: str) -> dict[str, User]:
    """The plan's people as users (one insert), by username: the four personas sign in with
    `password`, the others cannot sign in."""
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
    return {u.username: u for u in User.objects.filter(username__in=the_plan.people)}


@dataclass
class _Walk:
    """The calendar walked step by step, as the secretariat and the parties would act: who
    holds each focal point role on the simulated day, and how many answers each review saved."""

    secretariat: User
    parties: dict[str, Party]
    reviews: dict[str, Review]
    users: dict[str, User]
    submitting: set[str]  # the reviews whose questionnaire is submitted by AS_OF
    answer: Answerer
    holder: dict[tuple[str, str], User] = field(default_factory=dict)  # (party, scope) -> in office
    answered: dict[str, int] = field(default_factory=dict)  # party under review -> answers saved

    def take(self, day: dt.date, now: dt.datetime, kind: str, code: str, *rest) -> None:
        """One step of the plan (`Plan.add`'s arguments after the order) at `now`."""
        if kind == "nominate":
            self.nominate(day, now, code, *rest)
        elif kind == "act":
            self.act(now, code, *rest)
        elif kind == "consult":
            self.consult(day, now, code, *rest)

    def nominate(self, day, now, code, username, role, scope, replacing) -> None:
        """The secretariat records the nomination; a focal point takes office that day."""
        accounts.nominate(
            party=self.parties[code],
            person=self.users[username],
            kind=role,
            scope=scope,
            starts_on=day,
            by=self.secretariat,
            now=now,
            handover_note="Files and contacts handed over through the permanent mission."
            if replacing
            else "",
        )
        if role == FP:
            self.holder[code, scope] = self.users[username]

    def act(self, now, code, action, who) -> None:
        """A workflow action by a person (username) or the focal point of a role; a draft saves
        answers (all of them in a review that submits by AS_OF), and so does a clearance with
        no draft before it (the focal point answers)."""
        review = self.reviews[code]
        by = self.users[who] if isinstance(who, str) else self.holder[who]
        if action == "clear" and who == (code, OWN) and code not in self.answered:
            self.answered[code] = self.answer(review, by, now, complete=True)
        actions.act(review, action, by=by, now=now)
        if action == "draft":
            self.answered[code] = self.answer(review, by, now, complete=code in self.submitting)

    def consult(self, day, now, code, languages, agreed) -> None:
        """The initial consultation, recorded by the reviewed party's focal point."""
        actions.record_consultation(
            self.reviews[code],
            by=self.holder[code, OWN],
            now=now,
            held_on=day,
            languages=list(languages or []),
            no_agreement=languages is None,
            exceptional_reason="The reviewed party's legislation exists only in these languages."
            if languages and len(languages) == 3
            else "",
            agreed=agreed,
            # Rules 34, 35: most consultations were held after the questionnaire's six months.
            agreed_reason="The consultation was held late; the timetable counts from it.",
        )


@transaction.atomic
def load(secretariat: User, password: str) -> bool:
    """Run the simulation once; False when it has run (the reviews have more than the events
    the draws' publication writes: it creates them, and its redraws change their reviewers;
    the simulation does the rest)."""
    if ReviewEvent.objects.exclude(kind__in=["created", "reviewers_changed"]).exists():
        return False
    with actions.deferred_due():  # the lists' due columns written once, at the end
        run(secretariat, password)
    return True
