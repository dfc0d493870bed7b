"""The demo's answers to the questionnaire (seed ¶31-33, ¶52-54): mostly yes or partly, a few
no, with short explanations and citations, saved through `questionnaires.actions.save_answers`
as the simulation's drafting steps (revmod.demo.simulation) reach them."""

import datetime as dt
import random

from revmod.accounts.models import User
from revmod.questionnaires import actions as questionnaires
from revmod.questionnaires.models import QuestionnaireTemplate
from revmod.registry.models import Cluster
from revmod.reviews.models import Review

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


class Answerer:
    """Saves a review's answers to the cluster's current questionnaire, when one is loaded;
    each review's from its own `random.Random`, seeded from `seed` and the party."""

    def __init__(self, cluster: Cluster, seed: int):
        self.template = QuestionnaireTemplate.objects.current(cluster)
        self.seed = seed

    def __call__(self, review: Review, by: User, now: dt.datetime, *, complete: bool) -> int:
        """Answer the review's questions as `by` (all, or a few when `complete` is False: a
        draft in preparation, which the statistics never count); the number of answers saved."""

        if self.template is None:
            return 0
        rng = random.Random(f"{self.seed}-answers-{review.party.code}")
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
