"""Every kind of message renders in the six languages: a subject, a text body, an HTML body
whose <html> says its language and direction (right to left for Arabic)."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from revmod.accounts import actions as onboarding
from revmod.accounts.models import Nomination
from revmod.lots.models import Draw
from revmod.notifications.digest import Body, Greeting, Link, Shared
from revmod.notifications.outbox import KINDS, render
from revmod.registry.models import Instrument, Party
from revmod.reviews.models import STAGE_LABELS
from revmod.reviews.workflow import Stage
from revmod.test import PDF
from revmod.translations.models import TranslationRequest

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)


def with_body(context: dict) -> dict:
    """A digest's context as digest.digest_context gives it: with the Body it lays out."""
    context["body"] = Body(context)
    return context


def contexts(review, people) -> dict[str, dict]:
    fra = Party.objects.get(code="FRA")
    nomination = Nomination.objects.active().get(person=people["reviewed_fp"])
    registration = onboarding.register(
        email="new@example.org",
        first_name="Nour",
        last_name="Haddad",
        party=fra,
        kind=Nomination.Kind.EXPERT,
        scope=Nomination.Scope.OWN,
        language="ar",
        note_verbale=SimpleUploadedFile("note.pdf", PDF),
        received_on=NOW.date(),
        by=people["secretariat"],
        now=NOW,
        site_url="http://testserver/",
    )
    reviewer = review.pairings().first().reviewer
    step = {
        "review": review,
        "from_stage": STAGE_LABELS[Stage.QUESTIONNAIRE],
        "to_stage": STAGE_LABELS[Stage.WRITTEN_FEEDBACK],
        "party": fra,
        "reason": "Answers incomplete",
    }
    draw = Draw.objects.get()
    reminder = {
        "review": review,
        "step": "Focal points named",
        "page": "reviews:detail",
        "due": NOW.date(),
        "slot": "2",
        "days_late": 14,
    }
    return {
        "activation": {
            "person": registration.person,
            "registration": registration,
            "link": "http://testserver/ar/people/activate/abc/",
            "expires_at": registration.expires_at,
            "days": 10,
        },
        "secretariat_invitation": {
            "person": registration.person,
            "by": people["secretariat"],
            "link": "http://testserver/ar/accounts/password/reset/key/1-abc/",
            "days": 3,
        },
        "account_approved": {"nomination": nomination, "party": fra, "replaced": nomination},
        "nomination_recorded": {"nomination": nomination, "party": fra, "replaced": None},
        "focal_point_handover": {"nomination": nomination, "party": fra, "replaced": nomination},
        "focal_point_replaced": {"nomination": nomination, "party": fra, "replaced": nomination},
        "review_started": {
            "review": review,
            "reviewers": [reviewer],
            "started_on": NOW.date(),
            "next_step": "Focal points named",
            "next_due": NOW.date(),
        },
        "step_cleared": step,
        "step_submitted": step,
        "step_reopened": step,
        "redraw_published": {
            "draw": draw,
            "meeting": draw.meeting,
            "replacements": [(fra, reviewer, Party.objects.get(code="KEN"))],
        },
        "reviewers_added": {
            "draw": draw,
            "meeting": draw.meeting,
            "added": [(fra, reviewer, tuple(Instrument.objects.filter(code__in=["UNTOC", "FIR"])))],
        },
        "nomination_reminder": {
            **reminder,
            "party": reviewer,
            "as_reviewer": True,
            "focal_point": False,
            "show_link": True,
        },
        "deadline_reminder": {**reminder, "page": "questionnaires:answers"},
        "digest": with_body(
            {
                "month": NOW.date(),
                "greeting": Greeting(people["reviewed_fp"]),
                "parts": Shared(
                    {
                        "month": NOW.date(),
                        "overdue": [
                            (
                                review,
                                "Experts named",
                                NOW.date(),
                                3,
                                Link("reviews:detail", review.pk, {}),
                            )
                        ],
                    },
                    {},
                    "month",
                ),
                "reviews": [
                    Shared(
                        {
                            "review": review,
                            "detail": Link("reviews:detail", review.pk, {}),
                            "happened": [("Submitted", 2)],
                            "upcoming": [
                                (
                                    "Questionnaire",
                                    NOW.date(),
                                    Link("questionnaires:answers", review.pk, {}),
                                )
                            ],
                            "late": [
                                ("Experts named", NOW.date(), Link("reviews:detail", review.pk, {}))
                            ],
                        },
                        {},
                        review.pk,
                    )
                ],
                "kept": ["Submitted: a review"],
                "overdue": [
                    (review, "Experts named", NOW.date(), 3, Link("reviews:detail", review.pk, {}))
                ],
            }
        ),
        "translation_ready": {
            "review": review,
            "translation": TranslationRequest(
                pk=1, review=review, source_language="en", target_language="fr", status="done"
            ),
            "failed": False,
        },
        "assistance_survey_opened": {
            # A survey as the template reads it (notifications do not import the app).
            "survey": {
                "title": "Needs 2024",
                "opens_on": NOW.date(),
                "closes_on": dt.date(2024, 6, 30),
            },
            "party": fra,
        },
    }


def test_every_kind_renders_in_the_six_languages(world):
    review, people = world
    all_contexts = contexts(review, people)
    assert set(all_contexts) == set(KINDS)
    for kind, context in all_contexts.items():
        for language, _name in settings.LANGUAGES:
            context = {**context, "recipient": people["reviewed_fp"]}
            subject, text, html = render(kind, language, context)
            where = f"{kind} in {language}"
            assert subject.strip() and "\n" not in subject, where
            assert text.strip() and html.strip(), where
            direction = "rtl" if language == "ar" else "ltr"
            assert f'<html lang="{language}" dir="{direction}">' in html, where
            # Nothing left unrendered, nothing escaped twice, no HTML in the text part.
            for part in (subject, text, html):
                assert "{{" not in part and "{%" not in part and "&amp;#" not in part, where
            assert "<p>" not in text and "&#x27;" not in subject + text, where
            # Links point at the page in the recipient's language (the activation link is made
            # by the action, in the person's language: test_triggers).
            for url in re.findall(r"https?://[^\s\"<]+", text):
                if kind not in {"activation", "secretariat_invitation"}:
                    assert f"/{language}/" in url, (where, url)


def test_party_names_and_dates_come_in_the_recipients_language(world):
    review, people = world
    context = {**contexts(review, people)["step_submitted"], "recipient": people["reviewed_fp"]}
    subject_ar, text_ar, _ = render("step_submitted", "ar", context)
    subject_fr, text_fr, _ = render("step_submitted", "fr", context)
    assert "فرنسا" in subject_ar + text_ar  # France, in Arabic
    assert "France" in subject_fr and "/fr/reviews/" in text_fr


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        render("no_such_kind", "en", {})
