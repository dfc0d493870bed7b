"""Load a questionnaire template from a JSON file (data/questionnaires/): all or nothing, and
running it twice changes nothing. A published version is frozen, so a file that differs from a
published version already loaded is refused: change the file's version instead."""

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from revmod.lib.i18n import SUFFIXES
from revmod.questionnaires.models import Choice, Question, QuestionnaireTemplate
from revmod.registry.models import Article, Cluster


class LoadError(Exception):
    pass


def _texts(field: str, texts: dict) -> dict[str, str]:
    unknown = set(texts) - set(SUFFIXES.values())
    if unknown:
        raise LoadError(f"Unknown languages {sorted(unknown)} (use {sorted(SUFFIXES.values())}).")
    if not (texts.get("en") or "").strip():
        raise LoadError(f"Every {field} needs its English text.")
    return {f"{field}_{s}": (texts.get(s) or "").strip() for s in SUFFIXES.values()}


def content(template: QuestionnaireTemplate) -> list[dict]:
    """A template's questions as comparable plain data (what a file describes)."""
    return [
        {
            "key": q.key,
            "article": (q.article.instrument.code, q.article.number),
            "kind": q.kind,
            "order": q.order,
            "text": {s: getattr(q, f"text_{s}") for s in SUFFIXES.values()},
            "choices": [
                (c.value, {s: getattr(c, f"label_{s}") for s in SUFFIXES.values()})
                for c in q.choices.all()
            ],
        }
        for q in template.questions.select_related("article__instrument")
        .prefetch_related("choices")
        .order_by("order")
    ]


@transaction.atomic
def load(path: Path) -> tuple[QuestionnaireTemplate, bool]:
    """The template described by the file at `path`, and whether it was created now."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        cluster = Cluster.objects.get(number=data["cluster"])
        version = int(data["version"])
        rows = data["questions"]
    except (OSError, ValueError, KeyError) as error:
        raise LoadError(f"{path}: {error!r}") from None
    except Cluster.DoesNotExist:
        raise LoadError(f"{path}: no cluster {data['cluster']}; load the registry first.") from None
    articles = {
        (a.instrument.code, a.number): a for a in Article.objects.select_related("instrument")
    }
    existing = QuestionnaireTemplate.objects.filter(cluster=cluster, version=version).first()
    template = existing or QuestionnaireTemplate.objects.create(
        cluster=cluster, version=version, note=data.get("note", "")
    )
    if existing is not None:
        # Compare by building the file's rows in a throwaway savepoint.
        sid = transaction.savepoint()
        # The largest version a PositiveSmallIntegerField holds on every database (PostgreSQL:
        # 32767); rolled back below, so it never stays.
        probe = QuestionnaireTemplate.objects.create(cluster=cluster, version=32767)
        _fill(probe, rows, articles, path)
        same = content(probe) == content(existing)
        transaction.savepoint_rollback(sid)
        if not same:
            raise LoadError(
                f"{path}: version {version} of cluster {cluster.number} is already loaded with "
                "other questions; a loaded version is never changed: give the file a new version."
            )
        return existing, False
    _fill(template, rows, articles, path)
    if data.get("published"):
        template.published, template.published_at = True, timezone.now()
        template.save()
    return template, True


def _fill(template, rows, articles, path) -> None:
    for order, row in enumerate(rows, start=1):
        try:
            article = articles[(row["instrument"], int(row["article"]))]
            kind = Question.Kind(row["kind"])
            question = Question.objects.create(
                template=template,
                key=row["key"],
                article=article,
                order=order,
                kind=kind,
                **_texts("text", row["text"]),
            )
        except (KeyError, ValueError) as error:
            raise LoadError(f"{path}: question {order} ({row.get('key')}): {error!r}") from None
        choices = row.get("choices", [])
        if (kind in {Question.Kind.SINGLE, Question.Kind.MULTIPLE}) != bool(choices):
            raise LoadError(f"{path}: {row['key']}: choices go with the choice kinds only.")
        for n, choice in enumerate(choices, start=1):
            Choice.objects.create(
                question=question,
                value=choice["value"],
                order=n,
                **_texts("label", choice["label"]),
            )
