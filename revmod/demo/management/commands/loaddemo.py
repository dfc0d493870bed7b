from collections import Counter

from django.core.management.base import BaseCommand

from revmod.accounts.models import Nomination, User
from revmod.activities import figures as activities
from revmod.assistance import figures as assistance
from revmod.demo import draws as lots_demo
from revmod.demo import load as reviews_demo
from revmod.demo.simulation import AS_OF, PERSONA_PARTY
from revmod.lots.models import Draw, Pairing
from revmod.questionnaires import actions as questionnaires
from revmod.questionnaires import publication
from revmod.questionnaires.models import (
    Answer,
    AnswerAttachment,
    AnswerPublication,
    AnswerSubmission,
)
from revmod.recommendations import figures as recommendations
from revmod.reviews.models import Review
from revmod.translations import actions as translations

DEMO_PASSWORD = "revmod-demo"
DEMO_USERS = [
    # username, e-mail, secretariat, preferred language, who it is
    ("secretariat", "secretariat@example.org", True, "en", "secretariat officer"),
]


class Command(BaseCommand):
    help = "Create the demo accounts (idempotent) and print how to sign in. For demos only."

    def handle(self, *args, **options):
        created = []
        for username, email, secretariat, language, _who in DEMO_USERS:
            user, new = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": email,
                    "is_secretariat": secretariat,
                    "is_staff": secretariat,
                    "is_superuser": secretariat,
                    "preferred_language": language,
                },
            )
            if new:
                user.set_password(DEMO_PASSWORD)
                user.save()
                created.append(username)
        self.stdout.write(
            f"demo accounts: {len(created)} created, {len(DEMO_USERS) - len(created)} already there"
        )
        secretariat = User.objects.get(username="secretariat")
        if lots_demo.load(secretariat):
            draws = Draw.objects.count()
            pairings = Pairing.objects.active().count()
            self.stdout.write(f"demo draws: {draws} held and verifiable, {pairings} pairings")
        else:
            self.stdout.write("demo draws: already there")
        personas = reviews_demo.load(secretariat, DEMO_PASSWORD)
        stages = Counter(Review.objects.values_list("stage", flat=True))
        self.stdout.write(
            f"demo reviews: {Review.objects.count()} (cluster 1) as of 16 April 2024: "
            f"{stages['questionnaire']} at the questionnaire, "
            f"{stages['written_feedback']} at written feedback, "
            f"{stages['observations']} at the observations, "
            f"{stages['awaiting_nominations'] + stages['initial_consultation']} not started"
        )
        nominations = Nomination.objects.active()
        self.stdout.write(
            "demo nominations: "
            f"{nominations.filter(kind='focal_point').values('person').distinct().count()} "
            "focal points, "
            f"{nominations.filter(kind='expert').values('person').distinct().count()} "
            "governmental experts, "
            f"{nominations.filter(kind='observer').values('party').distinct().count()} "
            "States with observers (docs/demo.md)"
        )
        self.outreach()
        self.translation(secretariat)
        self.attachment()
        self.publication()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, _email, _s, language, who in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {who} (language: {language})")
        for username, who in personas:
            self.stdout.write(f"  {username:<14} {who}")

    def outreach(self) -> None:
        """The outreach figures of 16 April 2024 as the status report computes them."""
        training = activities.training(AS_OF)
        needs = assistance.figures(AS_OF)
        self.stdout.write(
            f"demo outreach: {activities.events(AS_OF).total} events, "
            f"{needs.requests} assistance requests from {needs.states} States, "
            f"{training.officials} officials trained from {training.states} States, "
            f"{recommendations.figures(AS_OF).adopted} recommendations (docs/demo.md)"
        )

    def translation(self, secretariat) -> None:
        """A French machine translation of the first submitted answers (idempotent): queued
        here, made by the worker that `make run` starts (the dummy backend unless
        REVMOD_MT_URL names a LibreTranslate server), shown labelled as unofficial."""
        from django.utils import timezone

        submission = (
            AnswerSubmission.objects.select_related("answer_set__review__party")
            .order_by("answer_set__review__party__code", "pk")
            .first()
        )
        if submission is None:
            return
        review = submission.answer_set.review
        # From the review's working language (issue 21, item 3), into French or else English.
        source = translations.default_language(review)
        target = "en" if source == "fr" else "fr"
        request, _created = translations.request_answers(
            review, by=secretariat, target=target, source_language=source, now=timezone.now()
        )
        self.stdout.write(
            f"demo machine translation: the answers of {review.party.name_en} from {source} "
            f"into {target} ({request.get_status_display()}), "
            f"/{target}/reviews/{review.pk}/translations/{request.pk}/"
        )

    def attachment(self) -> None:
        """A file attached to a draft answer of the first review at the questionnaire, not
        cleared, by the person who drafted that answer (idempotent): the answers page shows an
        attached file, and who may download it."""
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone

        if AnswerAttachment.objects.exists():
            return
        drafts = Answer.objects.filter(answer_set__review__stage="questionnaire").select_related(
            "answer_set__review__party", "question", "updated_by"
        )
        answer = next(
            (
                a
                for a in drafts.order_by("answer_set__review__party__code", "question__key")
                if not a.answer_set.review.cleared
            ),
            None,
        )
        if answer is None:
            return
        review, question = answer.answer_set.review, answer.question
        text = (
            f"Extract of the legislation of {review.party.name_en} cited in the answer to "
            f"question {question.key} (demo text).\n"
        )
        file = SimpleUploadedFile("legislation-extract.txt", text.encode(), "text/plain")
        questionnaires.save_answer(
            review,
            question,
            by=answer.updated_by,
            now=timezone.now(),
            version=answer.version,
            value=answer.value,
            citations=answer.citations,
            text=answer.text,
            attach=[file],
            language=translations.default_language(review),  # a working language (issue 21)
        )
        self.stdout.write(
            f"demo attachment: legislation-extract.txt on question {question.key} of the review "
            f"of {review.party.name_en}, /en/reviews/{review.pk}/questionnaire/#q{question.pk}"
        )

    # The sections of its answers Kenya's focal point publishes (issue 20, item 2): articles 2
    # (definitions) and 5 (participation in an organized criminal group) of the Convention.
    PUBLISHED = ["UNTOC-2", "UNTOC-5"]

    def publication(self) -> None:
        """Kenya's focal point (the `reviewed_fp` persona) publishes two sections of Kenya's
        submitted answers through the real action, a few days before 16 April 2024
        (idempotent: once Kenya's review has a decision, nothing more)."""
        import datetime as dt

        review = Review.objects.filter(party__code=PERSONA_PARTY).select_related("party").first()
        if review is None or publication.latest_submission(review) is None:
            return
        if not AnswerPublication.objects.filter(review=review).exists():
            publication.decide(
                review,
                by=User.objects.get(username="reviewed_fp"),
                now=dt.datetime(2024, 4, 12, 9, tzinfo=dt.UTC),
                choice=AnswerPublication.Choice.SOME,
                sections=self.PUBLISHED,
            )
        found = publication.published_for(review)
        answers = sum(len(s.answers) for s in found.sections) if found else 0
        self.stdout.write(
            f"demo publication of answers: {review.party.name_en} publishes {answers} answers "
            f"of {len(found.sections) if found else 0} sections (UNTOC 2 and 5), "
            f"/en/parties/{review.party.code}/"
        )
