"""The demo's records of the engagement with non-governmental stakeholders and of the working
groups' recommendations as of 16 April 2024 (seed ¶55-71), entered through the apps' actions
(see `revmod.demo.outreach`, which calls `load`). The stakeholders named here are fictitious
("Demo NGO 01"...); the recommendations' texts are placeholders, the paper giving none."""

import datetime as dt

from revmod.accounts.models import User
from revmod.demo.simulation import at
from revmod.recommendations import actions as recommendations
from revmod.recommendations.models import Recommendation
from revmod.registry.models import Party
from revmod.reviews.models import Review
from revmod.stakeholders import actions as stakeholders
from revmod.stakeholders.models import Dialogue, Outreach, Stakeholder

DIALOGUE_2022 = dt.date(2022, 6, 17)
DIALOGUE_2023 = dt.date(2023, 6, 16)

# The registered stakeholders (the others of a dialogue are counted from its attendance
# sheet): 12 NGOs, 3 academic institutions, 2 private sector entities, in the pilots' countries
# and a few others. Fictitious names.
REGISTERED = [
    *[
        (f"Demo NGO {n:02d}", Stakeholder.Kind.NGO, c)
        for n, c in enumerate(
            ["KEN", "KEN", "MEX", "MEX", "PAK", "PAK", "AGO", "AGO", "NGA", "BRA", "IND", "FRA"], 1
        )
    ],
    ("Demo University 1", Stakeholder.Kind.ACADEMIC, "KEN"),
    ("Demo University 2", Stakeholder.Kind.ACADEMIC, "MEX"),
    ("Demo University 3", Stakeholder.Kind.ACADEMIC, "PAK"),
    ("Demo Company 1", Stakeholder.Kind.PRIVATE, "MEX"),
    ("Demo Company 2", Stakeholder.Kind.PRIVATE, "ZAF"),
]

# ¶55: the 2023 dialogue: 328 stakeholders (299 NGOs, 15 academic, 14 private sector) and 72
# Member States plus one intergovernmental organization. The 2022 dialogue: "more than 200"
# stakeholders, hybrid, with no split by kind and no count of States: the split is the demo's.
PAPER_2023 = {"ngo": 299, "academic": 15, "private": 14}
COUNTED_2022 = {"other_ngo": 170, "other_academic": 18, "other_private": 13}
DIALOGUE_STATES = 72

# ¶57: the four themes the paper cites among the 22 observations of 2023.
THEMES = [
    "Improve the collection and analysis of data on the impact of organized crime on society.",
    "Use emerging technologies such as artificial intelligence to map and identify victims.",
    "Prioritize human rights and the protection of victims in countering organized crime.",
    "Strengthen education, entrepreneurship and employment for young people to reduce crime.",
]
OBSERVATIONS = 22

# ¶60: the pilot initiatives: consent, and under way from (None: starting). The dates are the
# demo's (the paper gives none before Angola's launch "since 23 April", after the paper's
# date: the demo records Angola's consent on 2 April so that it is starting on 16 April).
PILOTS = [
    ("KEN", dt.date(2023, 3, 1), dt.date(2023, 5, 15)),
    ("MEX", dt.date(2023, 4, 3), dt.date(2023, 6, 1)),
    ("PAK", dt.date(2023, 5, 8), dt.date(2023, 7, 3)),
    ("AGO", dt.date(2024, 4, 2), None),
]

# ¶69: 17 recommendations adopted; the paper gives neither their texts nor their sessions.
RECOMMENDATIONS = 17
SESSION = "Working groups of the Conference, sessions up to 2023 (not given in the paper)"
PLACEHOLDER = {
    "en": "Placeholder for recommendation %(n)s of the 17 the working groups adopted on the "
    "review mechanism (status paper, para. 69): the paper does not give its text.",
    "fr": "Texte provisoire de la recommandation %(n)s des 17 adoptées par les groupes de "
    "travail sur le mécanisme d'examen (document de situation, par. 69) : le document n'en "
    "donne pas le texte.",
    "es": "Texto provisional de la recomendación %(n)s de las 17 aprobadas por los grupos de "
    "trabajo sobre el mecanismo de examen (documento de situación, párr. 69): el documento no "
    "da su texto.",
    "ru": "Условный текст рекомендации %(n)s из 17, принятых рабочими группами по механизму "
    "обзора (доклад о ходе работы, пункт 69): в докладе ее текст не приводится.",
    "ar": "نص مؤقت للتوصية %(n)s من التوصيات الـ17 التي اعتمدتها الأفرقة العاملة بشأن آلية "
    "الاستعراض (ورقة الحالة، الفقرة 69): لا تورد الورقة نصها.",
    "zh": "工作组就审议机制通过的 17 项建议中第 %(n)s 项的占位文本"
    "（情况文件第 69 段）：文件未提供其案文。",
}


def load(secretariat: User, states: list[Party], briefed: list[Party]) -> None:
    """Every record of ¶55-71, once (outreach.load decides whether to run)."""
    registered = _register(secretariat)
    _dialogues(secretariat, states, registered)
    for programme, people, countries in (
        (Outreach.Programme.SE4U, 3300, 136),
        (Outreach.Programme.WHATSON, 533, 136),
    ):
        stakeholders.save_outreach(
            None,
            {
                "programme": programme,
                "year": 2024,
                "people": people,
                "countries": countries,
                "note": "Status paper, para. 59 (“more than 3,300” recorded as 3,300).",
            },
            by=secretariat,
            now=at(dt.date(2024, 4, 10)),
        )
    _pilots(secretariat, registered)
    _recommendations(secretariat)


def _register(by: User) -> list[Stakeholder]:
    now = at(dt.date(2022, 5, 2))
    return [
        stakeholders.save_stakeholder(
            None,
            {
                "name": name,
                "kind": kind,
                "country": country,
                "contact_name": f"Contact of {name}",
                "contact_email": f"contact{i}@example.org",
                "consent_on": dt.date(2022, 5, 2) if i % 2 else None,
            },
            by=by,
            now=now,
        )
        for i, (name, kind, country) in enumerate(REGISTERED, 1)
    ]


def _dialogues(by: User, states: list[Party], registered: list[Stakeholder]) -> None:
    """The 2022 dialogue (counts only) and the 2023 one: the registered stakeholders, the
    others counted, the 72 first States by code, one intergovernmental organization, and the
    chairs' 22 observations (the four themes of ¶57, then placeholders)."""
    stakeholders.save_dialogue(
        None,
        {
            "held_on": DIALOGUE_2022,
            "title": "First constructive dialogue on the review process",
            "format": Dialogue.Format.HYBRID,
            "published": True,
            **COUNTED_2022,
        },
        by=by,
        now=at(DIALOGUE_2022, 18),
    )
    kinds = {kind: sum(1 for s in registered if s.kind == kind) for kind in PAPER_2023}
    dialogue = stakeholders.save_dialogue(
        None,
        {
            "held_on": DIALOGUE_2023,
            "title": "Second constructive dialogue on the review process",
            "format": Dialogue.Format.IN_PERSON,
            "published": True,
            "stakeholders": registered,
            "parties": states[:DIALOGUE_STATES],
            **{f"other_{kind}": n - kinds[kind] for kind, n in PAPER_2023.items()},
            "other_igo": 1,
        },
        by=by,
        now=at(DIALOGUE_2023, 18),
    )
    for n in range(1, OBSERVATIONS + 1):
        text = (
            THEMES[n - 1]
            if n <= len(THEMES)
            else (
                f"Observation {n} of the chairs' summary (placeholder: the paper gives four "
                "themes, para. 57, not the texts)."
            )
        )
        stakeholders.save_observation(
            None, {"text": text}, dialogue=dialogue, by=by, now=at(DIALOGUE_2023 + dt.timedelta(5))
        )


def _pilots(by: User, registered: list[Stakeholder]) -> None:
    reviews = {
        r.party.code: r for r in Review.objects.filter(party__code__in=[p[0] for p in PILOTS])
    }
    for code, consent, started in PILOTS:
        pilot = stakeholders.save_pilot(
            None,
            {
                "review": reviews[code],
                "consent_on": consent,
                "consent_note": "Note verbale of the permanent mission (demo reference)",
                "started_on": started,
                "published": True,
                "stakeholders": [s for s in registered if s.country == code],
            },
            by=by,
            now=at(consent + dt.timedelta(days=2)),
        )
        if started:
            stakeholders.save_activity(
                None,
                {
                    "held_on": started,
                    "description": "Launch meeting of the government and stakeholders.",
                },
                pilot=pilot,
                by=by,
                now=at(started + dt.timedelta(days=1)),
            )


def _recommendations(by: User) -> None:
    """The 17 recommendations, published; one session string (the paper names none)."""
    adopted = dt.date(2023, 6, 30)
    for n in range(1, RECOMMENDATIONS + 1):
        recommendations.create_recommendation(
            by=by,
            now=at(adopted + dt.timedelta(days=10)),
            session=SESSION,
            number=n,
            adopted_on=adopted,
            addressee=Recommendation.Addressee.PARTIES,
            published=True,
            **{f"text_{code}": text % {"n": n} for code, text in PLACEHOLDER.items()},
        )
