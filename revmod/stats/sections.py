"""The later sections of the status paper (¶42-61) as of a day, gathered from the six apps that
record them into one plain structure for the report's template, its PDF and the statistics API.

Each app answers in its own terms (`followups.figures.figures(as_of)`,
`activities.figures.events(as_of)` and `training(as_of)`, `assistance.figures.figures(on)`,
`library.figures.library_figures(on)`, `stakeholders.figures.figures(as_of)`,
`recommendations.figures.figures(as_of)`); `gather(day)` asks each once and keeps codes and
counts only (no words), so that the result is the same in every language and may be cached:
under the day and the records version that every action of these apps bumps (see
revmod.registry.versions). `labelled` then names the codes in the reader's language.

The secretariat's report counts every record (stakeholders' `user=None`); the recommendations
count what the public may see (published ones), as that app defines its figures. About twenty
queries whatever the number of records.
"""

import datetime as dt

from django.core.cache import cache

from revmod.activities import figures as activities
from revmod.activities.models import TRAINING_LANGUAGES, Event, Gender
from revmod.assistance import categories
from revmod.assistance import figures as assistance
from revmod.followups import figures as followups
from revmod.followups.models import FollowUp
from revmod.lib.i18n import join_list, localized
from revmod.library import figures as library
from revmod.library import languages as library_languages
from revmod.library.models import Resource
from revmod.recommendations import figures as recommendations
from revmod.recommendations.models import FollowUp as RecommendationFollowUp
from revmod.registry.models import Party
from revmod.stakeholders import figures as stakeholders
from revmod.stakeholders.models import Outreach, Pilot, Stakeholder
from revmod.stats.status import CACHE_SECONDS, data_version


def _rows(counts: dict[str, int], order=()) -> list[dict]:
    """{code: n} as rows [{"code", "n"}]: the codes of `order` first (every one, 0 when none),
    then any other by code."""
    codes = list(dict.fromkeys([*order, *sorted(counts)]))
    return [{"code": code, "n": counts.get(code, 0)} for code in codes]


def _support(day: dt.date) -> dict:
    f = followups.figures(day)
    latest = f.briefings[-1] if f.briefings else None
    events = activities.events(day)
    needs = assistance.figures(day)
    return {
        "followups": {
            "total": f.followups,
            "parties": f.parties_followed_up,
            "by_kind": _rows(f.followups_by_kind, FollowUp.Kind.values),
        },
        "briefings": {
            "held": len(f.briefings),
            "representatives": f.representatives,
            "states": f.states,
            "latest": latest
            and {
                "held_on": latest.held_on,
                "title": latest.title,
                "representatives": latest.representatives,
                "states": latest.states,
            },
        },
        "events": {"total": events.total, "by_kind": _rows(events.by_kind, Event.Kind.values)},
        "assistance": {
            "requests": needs.requests,
            "states": needs.states,
            "by_category": [
                {"code": row.code, "requests": row.requests, "states": row.states}
                for row in needs.by_category
            ],
        },
    }


def _stakeholders(day: dt.date) -> dict:
    f = stakeholders.figures(day)
    dialogue = f.dialogue and {
        "title": f.dialogue.title,
        "held_on": f.dialogue.held_on,
        "stakeholders": f.dialogue.stakeholders,
        "by_kind": _rows(f.dialogue.by_kind, Stakeholder.Kind.values),
        "states": f.dialogue.states,
        "observations": f.dialogue.observations,
    }
    outreach = [
        {"programme": p, "year": o.year, "people": o.people, "countries": o.countries}
        for p in Outreach.Programme.values
        if (o := f.outreach.get(p))
    ]
    pilots = [{"status": s, "parties": f.pilots.get(s, [])} for s in Pilot.Status.values]
    return {"dialogue": dialogue, "outreach": outreach, "pilots": pilots}


def gather(day: dt.date) -> dict:
    """The sections' codes and counts as of `day` (see the module), cached under the day and
    the records version: a change made through any action shows at the next reading."""
    key = f"stats:sections:{day}:{data_version()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    training = activities.training(day)
    resources = library.library_figures(day)
    adopted = recommendations.figures(day)
    status_order = RecommendationFollowUp.Status.values
    result = {
        "as_of": day,
        "support": _support(day),
        "training": {
            "officials": training.officials,
            "states": training.states,
            "by_gender": _rows(training.by_gender, Gender.values),
            "by_language": _rows(training.by_language, [c for c, _n in TRAINING_LANGUAGES]),
        },
        "library": {
            "resources": resources.total,
            "by_kind": _rows(resources.by_kind, Resource.Kind.values),
            "by_language": _rows(resources.by_language, library_languages.CODES),
        },
        "stakeholders": _stakeholders(day),
        "recommendations": {
            "adopted": adopted.adopted,
            "parties_by_status": _rows(adopted.parties_by_status, status_order),
            "secretariat_by_status": _rows(adopted.secretariat_by_status, status_order),
        },
    }
    cache.set(key, result, CACHE_SECONDS)
    return result


def _named(rows: list[dict], names: dict) -> list[dict]:
    """The rows of some (not 0) with their label: a reader reads no list of zeros."""
    return [{**row, "label": str(names.get(row["code"], row["code"]))} for row in rows if row["n"]]


def labelled(sections: dict) -> dict:
    """`sections` (from `gather`) with a `label` in the active language beside every code, and
    the pilots' parties named (one query); rows of none left out of the lists a reader reads,
    except the survey's categories (the paper's table gives every one)."""
    support, training = sections["support"], sections["training"]
    library_part, talks = sections["library"], sections["stakeholders"]
    recs = sections["recommendations"]
    codes = {code for pilot in talks["pilots"] for code in pilot["parties"]}
    parties = {p.code: localized(p, "name") for p in Party.objects.filter(code__in=codes)}
    statuses = dict(RecommendationFollowUp.Status.choices)
    languages = {
        row["code"]: library_languages.name(row["code"]) for row in library_part["by_language"]
    }
    return {
        **sections,
        "support": {
            **support,
            "followups": {
                **support["followups"],
                "by_kind": _named(support["followups"]["by_kind"], dict(FollowUp.Kind.choices)),
            },
            "events": {
                **support["events"],
                "by_kind": _named(support["events"]["by_kind"], dict(Event.Kind.choices)),
            },
            "assistance": {
                **support["assistance"],
                "by_category": [
                    {**row, "label": categories.label(row["code"])}
                    for row in support["assistance"]["by_category"]
                ],
            },
        },
        "training": {
            **training,
            "by_gender": _named(training["by_gender"], dict(Gender.choices)),
            "by_language": _named(training["by_language"], dict(TRAINING_LANGUAGES)),
        },
        "library": {
            **library_part,
            "by_kind": _named(library_part["by_kind"], dict(Resource.Kind.choices)),
            "by_language": _named(library_part["by_language"], languages),
        },
        "stakeholders": {
            **talks,
            "dialogue": talks["dialogue"]
            and {
                **talks["dialogue"],
                "by_kind": _named(talks["dialogue"]["by_kind"], dict(Stakeholder.Kind.choices)),
            },
            "outreach": [
                {**o, "label": str(dict(Outreach.Programme.choices)[o["programme"]])}
                for o in talks["outreach"]
            ],
            "pilots": [
                {
                    **pilot,
                    "label": str(dict(Pilot.Status.choices)[pilot["status"]]),
                    "names": join_list(parties.get(c, c) for c in pilot["parties"]),
                }
                for pilot in talks["pilots"]
            ],
        },
        "recommendations": {
            **recs,
            "parties_by_status": _named(recs["parties_by_status"], statuses),
            "secretariat_by_status": _named(recs["secretariat_by_status"], statuses),
            "followed_up": sum(r["n"] for r in recs["parties_by_status"])
            + sum(r["n"] for r in recs["secretariat_by_status"]),
        },
    }


def sections(day: dt.date) -> dict:
    """The later sections as of `day`, labelled in the active language."""
    return labelled(gather(day))
