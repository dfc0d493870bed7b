from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from revmod.accounts.models import Nomination
from revmod.api.answers_publication import AnswersPublicationMixin
from revmod.api.forms import bound, cleaned
from revmod.api.pagination import Pagination
from revmod.lib.access import is_secretariat
from revmod.lib.lists import NarrowPaginator
from revmod.questionnaires import actions as questionnaires
from revmod.questionnaires.models import Answer
from revmod.reviews import actions, deadlines
from revmod.reviews.access import (
    Material,
    actor_for,
    events_for,
    people_of,
)
from revmod.reviews.confirmations import summary as action_summary
from revmod.reviews.forms import (
    ORDERINGS,
    ActionForm,
    ConsultationForm,
    DeadlineChangeForm,
    OfficersForm,
    ReviewFilterForm,
    listed,
)
from revmod.reviews.models import DeadlineChange, Review, ReviewEvent
from revmod.reviews.reads import How, record_read
from revmod.reviews.schedule import Loaded, with_schedule_data
from revmod.reviews.workflow import Action

# The workflow actions the API takes (the consultation is recorded at its own address).
ACTION_NAMES = [a.value for a in Action if a != Action.RECORD_CONSULTATION]
# Query parameters of every list besides its filters: paging, the format and the language.
PAGING = {"page", "page_size", "format", "lang"}

Deadline = inline_serializer(
    "Deadline",
    {
        "step": serializers.CharField(),
        "guideline": serializers.DateField(allow_null=True),
        "agreed": serializers.DateField(allow_null=True),
        "agreed_reason": serializers.CharField(
            allow_null=True,
            help_text="Why the agreed date is later than the rules allow (rules 34, 35); null "
            "when it is not.",
        ),
        "due": serializers.DateField(allow_null=True),
        "done_on": serializers.DateField(allow_null=True),
        "delay_days": serializers.IntegerField(allow_null=True),
        "days_late": serializers.IntegerField(
            allow_null=True,
            help_text="as of today: done - due once done; today - due while open and past "
            "its due date; null while open and not late",
        ),
    },
)
Reviewer = inline_serializer(
    "ReviewingParty",
    {
        "party": serializers.CharField(),
        "instruments": serializers.ListField(),
        "role": serializers.CharField(),
    },
)


class ReviewSerializer(serializers.ModelSerializer):
    party = serializers.CharField(source="party.code")
    group = serializers.IntegerField(source="group.number")
    cluster = serializers.IntegerField(source="cluster.number")
    reviewers = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    officers = serializers.SerializerMethodField()
    due_step = serializers.SerializerMethodField()
    due_on = serializers.DateField(allow_null=True, help_text="the due date of `due_step`")
    days_late = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "party",
            "group",
            "cluster",
            "stage",
            "version",
            "started_on",
            "reviewers",
            "languages",
            "deadlines",
            "officers",
            "due_step",
            "due_on",
            "days_late",
        ]

    @property
    def today(self):
        return self.context.get("today") or timezone.localdate()

    def get_due_step(self, review) -> str | None:
        """The step of the current stage (null once completed)."""
        return review.due_step or None

    def get_days_late(self, review) -> int | None:
        """How many days `due_step` is late today; null while it is not late."""
        return review.days_late(self.today)

    def get_officers(self, review) -> list[str]:
        """The user names of the secretariat officers assigned (prefetched)."""
        return [officer.username for officer in review.officers.all()]

    @property
    def loaded(self) -> Loaded:
        return self.context["loaded"]

    @extend_schema_field(serializers.ListField(child=Reviewer))
    def get_reviewers(self, review):
        return [
            {"party": p.reviewer.code, "instruments": p.instruments, "role": p.role}
            for p in self.loaded.pairings[review.party_id]
        ]

    def get_languages(self, review) -> list[str] | None:
        consultation = getattr(review, "consultation", None)
        return None if consultation is None else consultation.languages

    @extend_schema_field(serializers.ListField(child=Deadline))
    def get_deadlines(self, review):
        return [
            {
                "step": item.step.value,
                "guideline": item.guideline,
                "agreed": item.agreed,
                "agreed_reason": item.agreed_reason,
                "due": item.due,
                "done_on": item.done,
                "delay_days": item.delay_days,
                "days_late": deadlines.days_late(item, self.today),
            }
            for item in self.loaded.schedule(review)
        ]


class EventSerializer(serializers.ModelSerializer):
    # The name, never the e-mail address (a registered person's user name).
    actor = serializers.CharField(source="actor.display_name", allow_null=True, default=None)

    class Meta:
        model = ReviewEvent
        fields = ["at", "kind", "actor", "data"]


class DeadlineChangeSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username")

    class Meta:
        model = DeadlineChange
        fields = [
            "id",
            "step",
            "kind",
            "new_date",
            "days",
            "first_day",
            "last_day",
            "reason",
            "recorded_by",
            "recorded_at",
        ]


DeadlineChangeInput = inline_serializer(
    "DeadlineChangeInput",
    {
        "step": serializers.ChoiceField(choices=DeadlineChangeForm.base_fields["step"].choices),
        "kind": serializers.ChoiceField(choices=DeadlineChange.Kind.choices),
        "new_date": serializers.DateField(required=False),
        "days": serializers.IntegerField(required=False, min_value=1),
        "first_day": serializers.DateField(required=False),
        "last_day": serializers.DateField(required=False),
        "reason": serializers.CharField(),
    },
)


ConsultationInput = inline_serializer(
    "ConsultationInput",
    {
        "held_on": serializers.DateField(),
        "languages": serializers.ListField(child=serializers.CharField(), required=False),
        "no_agreement": serializers.BooleanField(required=False),
        "exceptional_reason": serializers.CharField(required=False),
        "division_of_tasks": serializers.CharField(required=False),
        "agreed_questionnaire": serializers.DateField(required=False),
        "agreed_written_feedback": serializers.DateField(required=False),
        "agreed_observations": serializers.DateField(required=False),
        "agreed_reason": serializers.CharField(required=False),
    },
)


class ContactSerializer(serializers.Serializer):
    """A person of a review; the contact details of focal points, experts and officers only."""

    party = serializers.CharField(allow_null=True)
    role = serializers.CharField()
    name = serializers.SerializerMethodField()
    ministry = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()

    def get_name(self, row) -> str:
        return row["person"].get_full_name() or row["person"].username

    def get_ministry(self, row) -> str | None:
        return row["person"].ministry or None if row["contact"] else None

    def get_email(self, row) -> str | None:
        return row["person"].email or None if row["contact"] else None

    def get_languages(self, row) -> list[str]:
        return list(row["person"].languages) if row["contact"] else []


class AnswerSerializer(serializers.Serializer):
    """A question of the review's questionnaire and its answer (null before any is saved)."""

    question = serializers.CharField(source="question.key")
    article = serializers.SerializerMethodField()
    kind = serializers.CharField(source="question.kind")
    version = serializers.IntegerField(source="answer.version", default=0)
    value = serializers.ListField(source="answer.value", default=list)
    citations = serializers.CharField(source="answer.citations", default="")
    text = serializers.CharField(source="answer.text", default="")
    updated_by = serializers.CharField(
        source="answer.updated_by.username", default=None, allow_null=True
    )
    updated_at = serializers.DateTimeField(
        source="answer.updated_at", default=None, allow_null=True
    )

    def get_article(self, row) -> str:
        """The article answered, e.g. "UNTOC 5"."""
        article = row["question"].article
        return f"{article.instrument.code} {article.number}"


AnswerInput = inline_serializer(
    "AnswerInput",
    {
        "version": serializers.IntegerField(help_text="0 for a first answer"),
        "value": serializers.ListField(child=serializers.CharField()),
        "citations": serializers.CharField(required=False),
        "text": serializers.CharField(required=False),
        "on_behalf_of": serializers.CharField(
            required=False,
            help_text="the secretariat only: the code of the party under review it answers "
            "for (a party that cannot use the platform), with a `reason`",
        ),
        "reason": serializers.CharField(required=False),
    },
)
ActionSummary = inline_serializer(
    "ReviewActionSummary",
    {
        "title": serializers.CharField(),
        "sent": serializers.ListField(child=serializers.CharField(), help_text="what is sent"),
        "warnings": serializers.ListField(
            child=serializers.CharField(), help_text="what is incomplete (it does not block)"
        ),
        "missing_title": serializers.CharField(),
        "missing": serializers.ListField(
            child=inline_serializer(
                "MissingItem", {"text": serializers.CharField(), "url": serializers.URLField()}
            ),
            help_text="the incomplete items (the questions not answered), each with its page",
        ),
        "next": serializers.ListField(
            child=serializers.CharField(), help_text="what happens next, and to whom"
        ),
        "version": serializers.IntegerField(help_text="the review's version: send it to act"),
    },
)
OfficersInput = inline_serializer(
    "OfficersInput", {"officers": serializers.ListField(child=serializers.CharField())}
)


ActionInput = inline_serializer(
    "ReviewActionInput",
    {
        "reason": serializers.CharField(required=False),
        "to": serializers.CharField(required=False),
        "on_behalf_of": serializers.CharField(
            required=False,
            help_text="secretariat: the code of the party it acts for (with a reason)",
        ),
        "version": serializers.IntegerField(
            required=False,
            min_value=0,
            help_text="the review's version you saw (its `version`): refused (409) when it "
            "has changed since, so a repeated call does nothing",
        ),
    },
)


class ReviewPagination(Pagination):
    # The page's reviews sorted as keys first, then read whole (lib.lists.NarrowPaginator).
    django_paginator_class = NarrowPaginator


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description="search: a party's name in any of the six languages, or its code",
            ),
            OpenApiParameter("group", int),
            OpenApiParameter("cluster", int),
            OpenApiParameter("party", str, description="the code of the party under review"),
            OpenApiParameter("regional_group", str, description="AFR, APG, EEG, GRULAC, WEOG"),
            OpenApiParameter("stage", str),
            OpenApiParameter("overdue", bool),
            OpenApiParameter(
                "officer", str, description="secretariat only: me, none or a user name"
            ),
            OpenApiParameter(
                "ordering",
                str,
                enum=ORDERINGS,
                description="the column sorted on, `-` before it for the reverse order: party "
                "(its name in the language asked), group, cluster, stage, since (at this "
                "stage since), step (the current stage's step, in the workflow's order), "
                "due_on (its due date), days_late, officer (the first by user name). Reviews "
                "without a value come last either way; ties go by group, then party. Default: "
                "group. Any other value is a 400.",
            ),
        ]
    )
)
class ReviewViewSet(AnswersPublicationMixin, viewsets.ReadOnlyModelViewSet):
    """Country reviews the caller may see (participants and the secretariat; anyone else gets
    an empty list and 404), with their reviewers, languages and deadlines, and the step due
    now with its due date and days late. The list is the reviews page's (`reviews.forms.
    listed`): the same search, filters and order. Actions take the same path as the pages."""

    serializer_class = ReviewSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = ReviewPagination

    def get_queryset(self):
        today = timezone.localdate()
        if self.action != "list":
            reviews = Review.objects.visible_to(self.request.user).select_related(
                "group", "cluster"
            )
            return with_schedule_data(reviews.prefetch_related("officers")).order_by("pk")
        form = ReviewFilterForm(self.request.query_params, today=today, user=self.request.user)
        unknown = set(self.request.query_params) - set(form.fields) - PAGING
        if unknown:  # a filter the API does not know is refused, never silently ignored
            raise ValidationError(
                {
                    name: [
                        _("Unknown parameter: the filters are %(names)s.")
                        % {"names": ", ".join([*form.fields, *sorted(PAGING)])}
                    ]
                    for name in sorted(unknown)
                }
            )
        cleaned(form)
        return with_schedule_data(listed(self.request.user, form))

    def get_serializer(self, *args, **kwargs):
        if args and "context" not in kwargs:
            items = args[0] if isinstance(args[0], list) else [args[0]]
            kwargs["context"] = {
                **self.get_serializer_context(),
                "loaded": Loaded(items),
                "today": timezone.localdate(),
            }
        return super().get_serializer(*args, **kwargs)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return list(page) if page is not None else None

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, pagination_class=None)
    def events(self, request, pk=None, **kwargs):
        review = self.get_object()
        loaded = Loaded([review])
        actor = actor_for(request.user, review, set(loaded.reviewer_codes(review)))
        events = review.events.select_related("actor").order_by("at", "pk")
        return Response(EventSerializer(events_for(actor, review, events), many=True).data)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=ActionSummary,
        parameters=[
            OpenApiParameter("name", str, OpenApiParameter.PATH, enum=ACTION_NAMES),
            *[OpenApiParameter(field, str) for field in ("reason", "to", "on_behalf_of")],
        ],
    )
    @extend_schema(
        methods=["POST"],
        request=ActionInput,
        responses=ReviewSerializer,
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, enum=ACTION_NAMES)],
    )
    @action(detail=True, methods=["get", "post"], url_path="actions/(?P<name>[a-z_]+)")
    def take_action(self, request, pk=None, name=None, **kwargs):
        """POST takes a workflow action at once, as the page's confirmation does: a client
        needs no confirm field (docs/decisions.md, issue 17 item 3); `version` makes a repeated
        call do nothing. GET changes nothing and says what the same POST (with the same
        `reason`, `to`, `on_behalf_of`) would send and what follows, to whom, as the page's
        confirmation does, for a client that asks its user to confirm; 409 when it would be
        refused."""
        review = self.get_object()
        if name not in ACTION_NAMES:
            raise NotFound()
        if request.method == "GET":
            return self._preview(request, review, name)
        data = cleaned(bound(ActionForm, request.data))  # as the page's form
        try:
            review = actions.act(
                review,
                name,
                by=request.user,
                reason=data["reason"] or None,
                to=data["to"] or None,
                on_behalf_of=data["on_behalf_of"] or None,
                version=data["version"],
            )
        except actions.ReviewError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(self.get_queryset().get(pk=review.pk)).data)

    def _preview(self, request, review, name):
        data = cleaned(bound(ActionForm, request.query_params))
        args = {key: data[key] or None for key in ("reason", "to", "on_behalf_of")}
        try:
            actor, before, after = actions.preview(review, name, by=request.user, **args)
        except actions.ReviewError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        summary = action_summary(
            review,
            name,
            actor,
            before,
            after,
            reason=args["reason"],
            on_behalf_of=args["on_behalf_of"],
        )
        return Response(
            {
                "title": summary.title,
                "sent": summary.sent,
                "warnings": summary.warnings,
                "missing_title": summary.missing_title,
                "missing": [
                    {"text": link.text, "url": request.build_absolute_uri(link.url)}
                    for link in summary.missing
                ],
                "next": summary.next,
                "version": review.version,
            }
        )

    @extend_schema(methods=["GET"], request=None, responses=DeadlineChangeSerializer(many=True))
    @extend_schema(methods=["POST"], request=DeadlineChangeInput, responses=ReviewSerializer)
    @action(
        detail=True, methods=["get", "post"], url_path="deadline-changes", pagination_class=None
    )
    def deadline_changes(self, request, pk=None, **kwargs):
        """The review's deadline changes; the secretariat records one (an extension to
        `new_date` or by `days`, or a pause from `first_day` to `last_day`, with a `reason`),
        as on the review page, and gets the review with its new deadlines."""
        review = self.get_object()
        if request.method == "GET":
            changes = review.deadline_changes.all()  # prefetched with the schedule
            return Response(DeadlineChangeSerializer(changes, many=True).data)
        if not is_secretariat(request.user):
            raise PermissionDenied(_("Only the secretariat changes deadlines."))
        change = cleaned(bound(DeadlineChangeForm, request.data))
        try:
            actions.change_deadline(review, by=request.user, now=timezone.now(), **change)
        except actions.ReviewError as error:
            raise ValidationError({"detail": str(error)}) from error
        return Response(self.get_serializer(self.get_queryset().get(pk=review.pk)).data)

    @extend_schema(request=OfficersInput, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def officers(self, request, pk=None, **kwargs):
        """The secretariat sets the review's officers (user names of active secretariat
        accounts; an empty list assigns none), as on the review page."""
        review = self.get_object()
        if not is_secretariat(request.user):
            raise PermissionDenied(_("Only the secretariat assigns officers."))
        names = request.data.get("officers") if isinstance(request.data, dict) else None
        if hasattr(request.data, "getlist"):  # a form's fields rather than JSON
            names = request.data.getlist("officers")
        if not isinstance(names, list):
            raise ValidationError({"officers": [_("Give a list of user names.")]})
        chosen = cleaned(bound(OfficersForm, {"officers": names}))["officers"]
        actions.assign_officers(
            [review], officers=list(chosen), by=request.user, now=timezone.now()
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=review.pk)).data)

    @extend_schema(request=ConsultationInput, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def consultation(self, request, pk=None, **kwargs):
        """Record (or amend) the initial consultation, as on the review page: `held_on`,
        `languages` (["en", "fr"]), or `no_agreement`; `exceptional_reason` for a third
        language; `division_of_tasks`; agreed dates `agreed_questionnaire`,
        `agreed_written_feedback`, `agreed_observations`, and `agreed_reason`, required when
        one is later than the rules allow (409 otherwise, nothing stored)."""
        review = self.get_object()
        form = bound(ConsultationForm, request.data)
        cleaned(form)  # 400 with the form's errors when it is not valid
        try:
            actions.record_consultation(
                review, by=request.user, now=timezone.now(), **form.recorded()
            )
        except actions.ReviewError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(self.get_queryset().get(pk=review.pk)).data)

    @extend_schema(responses=ContactSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def people(self, request, pk=None, **kwargs):
        """Who takes part in the review, as its page shows them to its participants: the focal
        points and experts of its parties with their contact details, its observers (name and
        role only), and the secretariat officers assigned."""
        review = self.get_object()
        reviewer_ids = review.pairings().values_list("reviewer_id", flat=True)
        rows = [
            {
                "party": n.party.code,
                "role": n.kind,
                "person": n.person,
                "contact": n.kind != Nomination.Kind.OBSERVER,
            }
            for n in people_of(review, list(reviewer_ids))
        ]
        rows += [
            {"party": None, "role": "secretariat_officer", "person": officer, "contact": True}
            for officer in review.officers.all()
        ]
        return Response(ContactSerializer(rows, many=True).data)

    def _answers_access(self, review):
        access = questionnaires.access_for(self.request.user, review)
        template = questionnaires.template_for(review)
        if access is None or template is None:
            raise NotFound()
        return access, template

    @extend_schema(responses=AnswerSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def answers(self, request, pk=None, **kwargs):
        """The questionnaire's questions of this review with their answers (the latest drafts,
        or as submitted), for those who may read them on the page: the reviewing parties only
        once submitted (403 before)."""
        review = self.get_object()
        access, template = self._answers_access(review)
        if not access.may_read:
            raise PermissionDenied(_("The answers reach the reviewing parties once submitted."))
        questions = questionnaires.questions_for(review, template)
        saved = {
            a.question_id: a
            for a in Answer.objects.filter(
                answer_set__review=review, answer_set__template=template
            ).select_related("updated_by")
        }
        rows = [{"question": q, "answer": saved.get(q.pk)} for q in questions]
        data = AnswerSerializer(rows, many=True).data
        if saved:
            record_read(request.user, review, Material.ANSWERS, how=How.API)
        return Response(data)

    @extend_schema(request=AnswerInput, responses=AnswerSerializer)
    @action(detail=True, methods=["post"], url_path=r"answers/(?P<key>[a-z0-9-]+)")
    def answer(self, request, pk=None, key=None, **kwargs):
        """Save one answer as on the page, based on `version` (0 for a first answer): a stale
        version is a 409 with what is saved now, nothing is overwritten. The secretariat saves
        one for the party under review with `on_behalf_of` and a `reason`."""
        review = self.get_object()
        access, template = self._answers_access(review)
        found = [q for q in questionnaires.questions_for(review, template) if q.key == key]
        if not found:
            raise NotFound()
        data = request.data if isinstance(request.data, dict) else {}
        value = data.get("value", [])
        version = data.get("version")
        behalf = str(data.get("on_behalf_of") or "") or None
        if not isinstance(value, list) or not isinstance(version, int):
            raise ValidationError({"detail": _("Give `version` (a number) and `value` (a list).")})
        try:
            answer = questionnaires.save_answer(
                review,
                found[0],
                by=request.user,
                now=timezone.now(),
                version=version,
                value=[str(v) for v in value],
                citations=str(data.get("citations", "")),
                text=str(data.get("text", "")),
                on_behalf_of=behalf,
                reason=str(data.get("reason", "")),
            )
        except questionnaires.AnswerError as error:
            code = questionnaires.refusal_status(error, access, review, behalf)
            body = {"detail": str(error)}
            if isinstance(error, questionnaires.StaleAnswer):
                body["current"] = AnswerSerializer(
                    {"question": found[0], "answer": error.current}
                ).data
            return Response(body, status=code)
        return Response(AnswerSerializer({"question": found[0], "answer": answer}).data)
