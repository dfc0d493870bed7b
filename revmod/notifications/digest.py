"""The monthly digest (`manage.py senddigest --month YYYY-MM`, and the worker on the first day
of a month): one message per person per month, key `digest:<user>:<YYYY-MM>`, in their
language, with
- what happened that month in the reviews they may see now (`Review.objects.visible_to`: only
  those; an officer: those they follow), from the ReviewEvent rows, counted by kind per review;
- what is due next in those reviews (each open step with a due date, the earliest first),
  each step linking to its page (`reviews.tasks.page_of`), as the overdue list does;
- what the person must do, in which review, by which date, overdue first (reviews.tasks: their
  tasks as a participant; for an officer, what needs the secretariat in the reviews they
  follow), each linking to the step's page;
- the messages they chose to receive only in the digest (status DIGEST) of that month;
- for the secretariat, every step of every running review overdue on the first day of the
  next month.
Nobody with nothing to read gets a digest. Running again for the same month stores nothing
(the key), whatever changed since."""

import datetime as dt
from collections import Counter
from dataclasses import replace

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from revmod.accounts.models import Nomination, User
from revmod.notifications.models import Message
from revmod.notifications.outbox import prepare
from revmod.reviews import deadlines, tasks
from revmod.reviews.access import Material, Visibility, submitted
from revmod.reviews.models import EVENT_LABELS, STEP_LABELS, Review, ReviewEvent
from revmod.reviews.schedule import Loaded, with_schedule_data
from revmod.reviews.workflow import Stage


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime, dt.date]:
    """(first instant, first instant of the next month, first day of the next month) of the
    month of `month`, in the site's time zone."""
    first = month.replace(day=1)
    following = deadlines.add_months(first, 1)
    zone = timezone.get_default_timezone()
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=zone),
        dt.datetime.combine(following, dt.time.min, tzinfo=zone),
        following,
    )


# Reviews whose schedules are computed together: bounds the memory the event log, deadline
# changes and nominations of a batch take while they are read.
SCHEDULE_BATCH = 1000


class Named:
    """What the digests keep of a review once its schedule and task facts are computed: its pk,
    party pk and stage, and its party and cluster (rows shared by every review of the month
    that names them, `rows`), so that it reads `str(review)` in the active language as the
    Review does. A Review row with its party, cluster and schedule data weighs tens of times
    more, for tens of thousands of reviews at fifty times the mechanism."""

    __slots__ = ("pk", "party_id", "stage", "party", "cluster")

    def __init__(self, review: Review, rows: dict):
        self.pk, self.party_id, self.stage = review.pk, review.party_id, review.stage
        self.party = rows.setdefault(("party", review.party_id), review.party)
        self.cluster = rows.setdefault(("cluster", review.cluster_id), review.cluster)

    def __str__(self) -> str:
        return f"{self.party.label} — {self.cluster.label}"


def _slim(facts: tasks.Facts, named: Named, rows: dict, today: dt.date) -> tasks.Facts:
    """`facts` as the digest's task lists on `today` read them (tasks.for_person and
    for_secretariat): the review as `named`, its parties' rows shared through `rows`, and of
    its schedule only the current stage's step and the open steps past their due date."""
    current = tasks.current_step(facts.state)
    steps = {
        step: sd
        for step, sd in facts.steps.items()
        if step == current or (sd.done is None and sd.due is not None and sd.due < today)
    }
    parties = {
        code: rows.setdefault(("party", party.pk), party) for code, party in facts.parties.items()
    }
    return replace(facts, review=named, parties=parties, steps=steps)


def _schedules(reviews, today, rows: dict | None = None):
    """{review pk: (review, [open StepDeadline with a due date, earliest first])} as known on
    `today`, and {review pk: tasks.Facts} (what the task lists need of each review). Each
    review is kept as `Named` (its name in every language), its facts too, not the rows its
    schedule was computed from; `rows`: the party and cluster rows they share."""
    rows = {} if rows is None else rows
    pks = list(reviews.values_list("pk", flat=True))
    result, facts = {}, {}
    for first in range(0, len(pks), SCHEDULE_BATCH):
        batch = list(
            with_schedule_data(
                Review.objects.filter(pk__in=pks[first : first + SCHEDULE_BATCH]).select_related(
                    "cluster"
                )
            )
        )
        loaded = Loaded(batch)
        found = tasks.facts(batch, loaded, today)
        for review in batch:
            named = Named(review, rows)
            f = found.get(review.pk)
            # The schedule computed for the task facts, when the review has started.
            schedule = f.steps.values() if f else loaded.schedule(review, today)
            steps = [sd for sd in schedule if sd.done is None and sd.due is not None]
            result[review.pk] = (named, sorted(steps, key=lambda sd: sd.due))
            if f:
                facts[review.pk] = _slim(f, named, rows, today)
        del batch, loaded, found
    return result, facts


def candidates(start, end):
    """Who may have something to read: the active people nominated, the secretariat, and
    anyone with a message kept for the digest that month."""
    kept = Message.objects.filter(
        status=Message.Status.DIGEST, created_at__gte=start, created_at__lt=end
    ).values("recipient")
    return (
        User.objects.filter(
            Q(pk__in=Nomination.objects.active().values("person"))
            | Q(is_secretariat=True)
            | Q(pk__in=kept),
            is_active=True,
        )
        .exclude(email="")
        .order_by("pk")
    )


# People handled per transaction: each batch's digests are committed together (a commit per
# message would cost more than the messages), and a worker stopped mid-run redoes one batch.
BATCH = 500
# Lines of the secretariat's overdue list in a digest.
OVERDUE_LINES = 100


class Month:
    """What every digest of a month draws on, read once: the running reviews' schedules and
    what is overdue, the month's events counted per review, the messages kept for the digest
    per person, who may see which review."""

    def __init__(self, month: dt.date):
        self.start, self.end, self.following = month_bounds(month)
        self.paths: dict = {}  # Link's
        rows: dict = {}  # the party and cluster rows the reviews' names share
        schedules, self.facts = _schedules(
            Review.objects.exclude(stage=Stage.COMPLETED), self.following, rows
        )
        overdue = sorted(
            (
                (
                    review,
                    STEP_LABELS[sd.step],
                    sd.due,
                    (self.following - sd.due).days,
                    Link(tasks.page_of(sd.step), review.pk, self.paths),
                )
                for review, steps in schedules.values()
                for sd in steps
                if sd.due < self.following
            ),
            key=lambda line: (-line[3], line[0].pk),
        )
        # The most overdue first, at most OVERDUE_LINES of them: the message links to the
        # reviews page filtered on what is overdue for the whole list.
        self.overdue, self.overdue_more = overdue[:OVERDUE_LINES], len(overdue[OVERDUE_LINES:])
        # Counted by material: an event about answers or feedback not yet submitted is counted
        # only in the secretariat's digests (reviews.access: the other side may not read it).
        by_material: dict[int, Counter] = {}
        for review_id, kind, material, n in (
            ReviewEvent.objects.filter(at__gte=self.start, at__lt=self.end)
            .values_list("review", "kind", "data__material")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            by_material.setdefault(review_id, Counter())[kind, material or Material.SHARED] += n
        # Completed reviews with events this month are not among the schedules.
        reviews = {pk: review for pk, (review, _steps) in schedules.items()}
        missing = set(by_material) - set(reviews)
        reviews.update(
            (pk, Named(review, rows))
            for pk, review in Review.objects.select_related("party", "cluster")
            .in_bulk(missing)
            .items()
        )
        self.kept: dict[int, list[str]] = {}
        for recipient, subject in Message.objects.filter(
            status=Message.Status.DIGEST, created_at__gte=self.start, created_at__lt=self.end
        ).values_list("recipient", "subject"):
            self.kept.setdefault(recipient, []).append(subject)
        self.visibility = Visibility(Review.objects.all())
        self.rendered: dict = {}
        self.blocks: dict[int, Shared] = {}  # the secretariat's
        self.shared_blocks: dict[int, Shared] = {}  # the participants'
        # The schedules and the events counted are not kept: only what the digests say of each
        # review (its blocks) and its task facts stay for the whole run.
        for pk in set(by_material) | set(schedules):
            review, steps = schedules.get(pk, (reviews[pk], []))
            self._add_blocks(review, steps, by_material.get(pk, Counter()))
        self.parts = Shared(
            {"month": self.start.date(), "overdue": self.overdue, "more": self.overdue_more},
            self.rendered,
            "month",
        )

    def _add_blocks(self, review, steps, counted: Counter) -> None:
        pk = review.pk
        everything, shared = Counter(), Counter()
        for (kind, material), n in counted.items():
            everything[kind] += n
            if submitted(Material(material), review.stage):
                shared[kind] += n
        item = review_item(review, everything, steps, self.following, self.paths)
        if item is None:
            return
        self.blocks[pk] = Shared(item, self.rendered, pk)
        if shared == everything:
            self.shared_blocks[pk] = self.blocks[pk]
        else:
            item = review_item(review, shared, steps, self.following, self.paths)
            if item is not None:
                self.shared_blocks[pk] = Shared(item, self.rendered, (pk, "shared"))


def send_digests(month: dt.date, *, now: dt.datetime) -> int:
    """Enqueue the digests of `month`; the number stored by this run."""
    data = Month(month)
    label = data.start.strftime("%Y-%m")
    stored = 0
    # Only the keys are held for the whole run: people are loaded a batch at a time.
    # By language: the shared parts rendered in one language are dropped when the next begins,
    # so memory holds one language's parts at a time.
    pks = list(
        candidates(data.start, data.end)
        .order_by("preferred_language", "pk")
        .values_list("pk", flat=True)
    )
    language = None
    for first in range(0, len(pks), BATCH):
        batch = sorted(
            User.objects.filter(pk__in=pks[first : first + BATCH]),
            key=lambda p: (p.preferred_language, p.pk),
        )
        keys = {f"digest:{person.pk}:{label}": person for person in batch}
        done = set(Message.objects.filter(key__in=keys).values_list("key", flat=True))
        visible = data.visibility.of([p.pk for p in batch if not p.is_secretariat])
        followed: dict[int, set[int]] = {}
        for person, review in Review.officers.through.objects.filter(
            user__in=[p.pk for p in batch if p.is_secretariat]
        ).values_list("user", "review"):
            followed.setdefault(person, set()).add(review)
        nominations: dict[int, list[tuple]] = {}
        for person, *row in (
            Nomination.objects.active()
            .filter(person__in=[p.pk for p in batch if not p.is_secretariat])
            .values_list("person", "party", "party__code", "scope", "kind")
        ):
            nominations.setdefault(person, []).append(tuple(row))
        messages = []
        for key, person in keys.items():
            if key in done:
                continue
            # An officer's reviews are those they follow (all are visible to them: the
            # overdue list covers the rest).
            seen = followed.get(person.pk, set()) if person.is_secretariat else visible[person.pk]
            if person.preferred_language != language:
                language = person.preferred_language
                data.rendered.clear()
            context = digest_context(person, seen, data, nominations.get(person.pk, []))
            if any(context[part] for part in ("reviews", "tasks", "kept", "overdue")):
                message = prepare("digest", person, context, key=key, now=now)
                if message is not None:
                    messages.append(message)
        # One insert per batch; a digest stored meanwhile by another run is left as it is.
        with transaction.atomic():
            Message.objects.bulk_create(messages, ignore_conflicts=True)
        stored += len(messages)
    return stored


class Shared:
    """Parts of the month's digests that are the same for everyone who gets them (the title,
    the introduction, the footer, a review's part, the secretariat's overdue list): each
    rendered once per language, in the language active when a digest is rendered, and shared
    through `cache`. A template asks for `parts.intro_txt`: notifications/digest/intro.txt."""

    __slots__ = ("context", "cache", "key")

    def __init__(self, context: dict, cache: dict, key):
        self.context, self.cache, self.key = context, cache, key

    def __getitem__(self, name: str) -> str:
        base, _sep, extension = name.rpartition("_")
        if extension not in ("txt", "html"):
            raise KeyError(name)
        key = (self.key, translation.get_language(), name)
        if key not in self.cache:
            self.cache[key] = render_to_string(
                f"notifications/digest/{base}.{extension}",
                {**self.context, "site_url": settings.REVMOD_SITE_URL.rstrip("/")},
            )
        # Rendered by our own templates, with autoescaping in the HTML ones.
        return mark_safe(self.cache[key])  # noqa: S308


class Link:
    """The path of the page `name` of the review `pk`, in the language active when it is
    rendered. The digest has tens of thousands of links, of a dozen pages: `reverse` runs once
    per page and language (with a stand-in pk), kept in `paths`, and the pk takes its place."""

    __slots__ = ("name", "pk", "paths")

    STAND_IN = 987654321

    def __init__(self, name: str, pk: int, paths: dict):
        self.name, self.pk, self.paths = name, pk, paths

    def __str__(self) -> str:
        key = (self.name, translation.get_language())
        if key not in self.paths:
            self.paths[key] = reverse(self.name, args=[self.STAND_IN]).split(str(self.STAND_IN))
        before, *after = self.paths[key]
        if len(after) != 1:  # the stand-in found twice or not at all: no shortcut
            return reverse(self.name, args=[self.pk])
        return f"{before}{self.pk}{after[0]}"


def review_item(
    review, counts: Counter, steps, following: dt.date, paths: dict | None = None
) -> dict | None:
    """What the digests of the month say of `review`: what happened (events counted by
    kind), what is overdue, the next step due, each step with the Link to its page
    (`tasks.page_of`); None when there is nothing to say. `paths`: Link's cache."""
    paths = {} if paths is None else paths
    happened = [(EVENT_LABELS.get(kind, kind), n) for kind, n in sorted(counts.items())]
    upcoming = [
        (STEP_LABELS[sd.step], sd.due, Link(tasks.page_of(sd.step), review.pk, paths))
        for sd in steps
        if sd.due >= following
    ][:1]
    late = [
        (STEP_LABELS[sd.step], sd.due, Link(tasks.page_of(sd.step), review.pk, paths))
        for sd in steps
        if sd.due < following
    ]
    if not (happened or upcoming or late):
        return None
    return {
        "review": review,
        "detail": Link("reviews:detail", review.pk, paths),
        "happened": happened,
        "upcoming": upcoming,
        "late": late,
    }


class Greeting:
    """ "Dear <name>," in the language active when a digest is rendered (the same catalogue
    entry as the other messages' greeting)."""

    def __init__(self, person):
        self.name = person.get_full_name() or person.email

    def __str__(self) -> str:
        return gettext("Dear %(name)s,") % {"name": self.name}


def digest_context(person, visible: set[int], data: Month, nominations=()) -> dict:
    """The digest of `person`, who may see the reviews `visible` (pks) and holds the
    nominations in force `nominations` (tasks.nominations_of's rows)."""
    blocks = data.blocks if person.is_secretariat else data.shared_blocks
    context = {
        "month": data.start.date(),
        "greeting": Greeting(person),
        "parts": data.parts,
        "tasks": task_items(person, visible, data, nominations),
        "reviews": [blocks[pk] for pk in sorted(visible & blocks.keys())],
        "kept": data.kept.get(person.pk, []),
        "overdue": data.overdue if person.is_secretariat else [],
    }
    context["body"] = Body(context)
    return context


class Body:
    """The text and the inside of the HTML body of one digest, put together from its context's
    parts (`digest_context`) in the language active when rendered. The layout is written here,
    not in a template: it is the only part of a digest rendered for each person, fifty thousand
    times a month, and joining a dozen strings costs a tenth of a template's rendering.
    body.txt and body.html place it."""

    def __init__(self, context: dict):
        self.context = context

    @property
    def text(self) -> str:
        c, parts = self.context, self.context["parts"]
        out = [str(c["greeting"]), "\n\n", parts["intro_txt"], "\n"]
        if c.get("tasks"):
            out += [parts["tasks_txt"], *(task["task_txt"] for task in c.get("tasks"))]
        for item in c.get("reviews", ()):
            out += [item["review_txt"], "\n"]
        if c.get("kept"):
            out += [parts["kept_txt"], *(f"- {subject}\n" for subject in c.get("kept"))]
        if c.get("overdue"):
            out.append(parts["overdue_txt"])
        out += ["\n", parts["footer_txt"], "\n"]
        return "".join(out)

    @property
    def html(self) -> SafeString:
        c, parts = self.context, self.context["parts"]
        out = [f"<p>{escape(c['greeting'])}</p>\n", parts["intro_html"], "\n"]
        if c.get("tasks"):
            out += [
                parts["tasks_html"],
                "\n<ul>",
                *(t["task_html"] for t in c.get("tasks")),
                "</ul>",
            ]
        out.append("\n")
        for item in c.get("reviews", ()):
            out += [item["review_html"], "\n"]
        out.append("\n")
        if c.get("kept"):
            kept = "".join(f"<li>{escape(subject)}</li>" for subject in c.get("kept"))
            out += [parts["kept_html"], f"\n<ul>{kept}</ul>"]
        out.append("\n")
        if c.get("overdue"):
            out.append(parts["overdue_html"])
        out += ["\n", parts["footer_html"], "\n", parts["signature_html"]]
        # Each piece is escaped above or rendered by our templates with autoescaping.
        return mark_safe("".join(out))  # noqa: S308

    @property
    def title(self) -> str:
        return self.context["parts"]["title_txt"]


def task_items(person, visible: set[int], data: Month, nominations) -> list[Shared]:
    """What `person` must do as of the first day of the next month (reviews.tasks), overdue
    first: a participant's tasks in the reviews they may see; an officer's, what needs the
    secretariat in the reviews they follow. Each line is rendered once per language and shared
    by everyone who has it."""
    found = [data.facts[pk] for pk in sorted(visible & data.facts.keys())]
    if person.is_secretariat:
        items = tasks.for_secretariat(found, data.following)
    else:
        items = [i for i in tasks.for_person(nominations, found, data.following) if i.is_task]
    return [
        Shared(
            {"item": item, "link": Link(item.page, item.review.pk, data.paths)},
            data.rendered,
            ("task", item.review.pk, item.kind, item.step, *(p.pk for p in item.waiting_for)),
        )
        for item in items
    ]
