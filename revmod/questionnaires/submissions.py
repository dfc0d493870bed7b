"""A review's submissions: what was submitted online — the frozen questionnaire answers, the
written feedback, and each version of the list of observations (with its summary) that a party
signed off — each as a PDF and a DOCX in each of the review's working languages, beside the
documents uploaded of those kinds (the latest version of each); and all of it in one ZIP.

Who reads what is `reviews.access.may_read` for the material of each (answers, feedback,
observations), as on the steps' pages; uploaded documents are `Document.objects.visible_to`.
What a person may not read is neither listed nor put in the ZIP, and its address answers 404.

`listing` reads a review's submissions in a fixed number of queries and makes no document: a
document is made when its link is followed (`document`), from the frozen submission, never a
later draft (exports.build with the submission). `bundle` makes the ZIP of exactly what the
listing holds, within settings.REVMOD_MAX_ZIP_BYTES (documents.files.TooLarge past it)."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from revmod.accounts.models import User
from revmod.documents.files import Bundle, TooLarge, safe_stem
from revmod.documents.models import Document, DocumentVersion
from revmod.documents.rules import MATERIAL, Kind
from revmod.lib.i18n import normalize_language
from revmod.questionnaires import exports
from revmod.questionnaires.models import (
    AnswerSubmission,
    FeedbackSubmission,
    ObservationVersion,
    SignOff,
)
from revmod.reviews.access import Material, may_read
from revmod.reviews.models import Review
from revmod.reviews.schedule import Loaded

__all__ = ["TooLarge", "bundle", "document", "find", "listing"]

MATERIAL_OF = {
    "answers": Material.ANSWERS,
    "feedback": Material.FEEDBACK,
    "observations": Material.OBSERVATIONS,
}
LABELS = {
    "answers": _("Questionnaire answers"),
    "feedback": _("Written feedback"),
    "observations": _("List of observations and summary"),
}
# The step of each uploaded kind, in the names of the ZIP's files (as the online ones').
STEP_OF_KIND = {
    Kind.QUESTIONNAIRE_ANSWERS: "answers",
    Kind.WRITTEN_FEEDBACK: "feedback",
    Kind.LIST_OF_OBSERVATIONS: "observations",
    Kind.SUMMARY: "summary",
}


@dataclass
class Online:
    """One submission made online: the `number`-th frozen answers or feedback of the review
    (1, 2, ... in the order submitted), or version `number` of the list of observations."""

    what: str
    number: int
    at: dt.datetime  # submitted (the list of observations: the version saved)
    by: User  # the person who submitted (the list: who saved the version)
    frozen: AnswerSubmission | FeedbackSubmission | ObservationVersion
    signed: list[SignOff] = field(default_factory=list)  # the list's sign-offs
    links: list[dict] = field(default_factory=list)  # per working language: pdf, docx

    @property
    def label(self) -> str:
        return str(LABELS[self.what])

    @property
    def material(self) -> Material:
        return MATERIAL_OF[self.what]


@dataclass
class Listing:
    """What a person may read of a review's submissions, without any document made."""

    review: Review
    languages: list[str]  # the working languages (column suffixes)
    online: list[Online]
    uploaded: list[Document]  # with `latest`, their newest version

    @property
    def files(self) -> int:
        """The number of files of the ZIP: a PDF and a DOCX of each online submission in each
        working language, and each uploaded document."""
        return len(self.online) * len(self.languages) * len(exports.FORMATS) + len(self.uploaded)

    @property
    def uploaded_size(self) -> int:
        return sum(d.latest.size for d in self.uploaded)

    @property
    def too_large(self) -> bool:
        """The uploaded files alone are more than a ZIP may hold (the documents made online are
        counted as they are made)."""
        return self.uploaded_size > settings.REVMOD_MAX_ZIP_BYTES

    @property
    def materials(self) -> set[Material]:
        shown = {item.material for item in self.online}
        return shown | {MATERIAL[Kind(d.kind)] for d in self.uploaded}


# Reading -------------------------------------------------------------------------------------


def _answers(review: Review) -> list[Online]:
    submissions = (
        AnswerSubmission.objects.filter(answer_set__review=review)
        .select_related("by", "answer_set__template")
        .defer("snapshot")  # the answers themselves are read when a document is made
        .order_by("at", "pk")
    )
    return [Online("answers", n, s.at, s.by, s) for n, s in enumerate(submissions, 1)]


def _feedback(review: Review) -> list[Online]:
    """The written feedback as submitted, leaving out a submission without any comment: the
    stage was submitted with the feedback uploaded as a document."""
    submissions = FeedbackSubmission.objects.filter(review=review).select_related("by")
    return [
        Online("feedback", n, s.at, s.by, s)
        for n, s in enumerate(submissions.order_by("at", "pk"), 1)
        if any(c.get("text", "").strip() for c in s.snapshot.get("comments", []))
    ]


def _observations(review: Review) -> list[Online]:
    """The versions of the list of observations that at least one party signed off."""
    signed = SignOff.objects.filter(version=OuterRef("pk"))
    versions = (
        ObservationVersion.objects.filter(Exists(signed), review=review)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "sign_offs",
                queryset=SignOff.objects.select_related("party", "by").order_by("at", "pk"),
            )
        )
        .order_by("number")
    )
    return [
        Online("observations", v.number, v.created_at, v.created_by, v, list(v.sign_offs.all()))
        for v in versions
    ]


READERS = {"answers": _answers, "feedback": _feedback, "observations": _observations}


def _readable(user, review: Review, loaded: Loaded) -> list[str]:
    """Which of the online submissions (`READERS`' keys) `user` may read now."""
    actor = loaded.actor(user, review)
    return [what for what in READERS if may_read(actor, MATERIAL_OF[what], review.stage)]


def links(review: Review, item: Online, languages: list[str]) -> list[dict]:
    """The addresses of `item`'s documents, per working language (its name in itself)."""
    urls = {
        fmt: reverse(
            "questionnaires:submission_file", args=[review.pk, item.what, item.number, fmt]
        )
        for fmt in exports.FORMATS
    }
    result = []
    for language in languages:
        ui = normalize_language(language)
        row = {fmt: f"{url}?lang={language}" for fmt, url in urls.items()}
        result.append({"language": ui, "name": get_language_info(ui)["name_local"], **row})
    return result


def listing(review: Review, user, loaded: Loaded) -> Listing:
    """What `user` (who may see `review`) may read of its submissions, each online one with its
    links. A fixed number of queries, whatever the number of submissions and documents."""
    online = [item for what in _readable(user, review, loaded) for item in READERS[what](review)]
    languages = exports.working_languages(review)
    for item in online:
        item.links = links(review, item, languages)
    uploaded = (
        Document.objects.visible_to(user)
        .filter(review=review)
        .submissions()
        .with_versions()
        .order_by("kind", "created_at", "pk")
    )
    return Listing(review, languages, online, [d for d in uploaded if d.latest is not None])


def find(review: Review, user, loaded: Loaded, what: str, number: int) -> Online | None:
    """The online submission `what` number `number` of `review` if `user` may read it and the
    listing shows it, with what was frozen; None otherwise."""
    if what not in READERS or what not in _readable(user, review, loaded):
        return None
    return next((item for item in READERS[what](review) if item.number == number), None)


# Documents and the ZIP -----------------------------------------------------------------------


def _day(at: dt.datetime) -> str:
    return timezone.localtime(at).date().isoformat()


def _prefix(review: Review) -> str:
    return f"{review.party.code}-cluster{review.cluster.number}"


def online_name(review: Review, item: Online, language: str) -> str:
    """e.g. 'FRA-cluster1-answers-v1-2021-02-01-fr' (party, step, version, date, language):
    made by the server, ASCII."""
    return f"{_prefix(review)}-{item.what}-v{item.number}-{_day(item.at)}-{language}"


def uploaded_name(review: Review, document: Document, version: DocumentVersion) -> str:
    """e.g. 'FRA-cluster1-answers-Réponses-fr-v2-2021-02-01.pdf' (party, step, title, language,
    version, date): the title in letters, digits and '-' only (documents.files.safe_stem)."""
    step = STEP_OF_KIND[Kind(document.kind)]
    title = safe_stem(document.title, fallback=step)
    day = _day(version.uploaded_at)
    name = f"{_prefix(review)}-{step}-{title}-{document.language}-v{version.number}-{day}"
    return f"{name}.{version.extension}"


def zip_name(review: Review) -> str:
    return f"{_prefix(review)}-submissions-{timezone.localdate().isoformat()}.zip"


def _export(review: Review, item: Online, language: str, loaded: Loaded):
    if item.what == "observations":
        made = exports.build(review, item.what, language, loaded=loaded, number=item.number)
    else:
        assert not isinstance(item.frozen, ObservationVersion)
        made = exports.build(review, item.what, language, loaded=loaded, submission=item.frozen)
    if made is not None:
        made.filename = online_name(review, item, language)
    return made


def document(review: Review, item: Online, language: str, fmt: str, loaded: Loaded):
    """The PDF or DOCX (`fmt`) of `item` in `language` as a download, made now; None when there
    is nothing to make (no questionnaire for the review's cluster)."""
    made = _export(review, item, language, loaded)
    return None if made is None else exports.RENDERERS[fmt](made)


def bundle(found: Listing, loaded: Loaded) -> FileResponse:
    """The ZIP of everything `found` lists: the uploaded documents under 'uploaded/', the
    documents of the online submissions made now under 'online/'. TooLarge, before anything
    is made when the uploaded files alone are too large, or as soon as the files are."""
    if found.too_large:
        raise TooLarge
    review = found.review
    archive = Bundle(settings.REVMOD_MAX_ZIP_BYTES)
    try:
        for d in found.uploaded:
            archive.add_version(f"uploaded/{uploaded_name(review, d, d.latest)}", d.latest)
        for item in found.online:
            for language in found.languages:
                made = _export(review, item, language, loaded)
                if made is None:
                    continue
                for fmt in exports.FORMATS:
                    response: HttpResponse = exports.RENDERERS[fmt](made)
                    archive.add_bytes(f"online/{made.filename}.{fmt}", response.content)
    except BaseException:
        archive.discard()
        raise
    return archive.response(zip_name(review))
