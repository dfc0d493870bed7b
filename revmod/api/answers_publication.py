"""The publication of a review's submitted answers through the API (questionnaires.
publication): the decision in force and the sections it may publish, and the party under
review's focal point's decision, as on the review's publication page. A mixin of the reviews'
viewset: /api/v1/reviews/{id}/answers-publication/."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from revmod.questionnaires import publication
from revmod.questionnaires.models import AnswerPublication
from revmod.reviews.schedule import Loaded

Detail = inline_serializer("AnswersPublicationRefusal", {"detail": serializers.CharField()})
DECISION = {
    "id": serializers.IntegerField(),
    "choice": serializers.ChoiceField(choices=AnswerPublication.Choice.choices),
    "sections": serializers.ListField(child=serializers.CharField()),
    "submission_sha256": serializers.CharField(help_text="the submission it publishes"),
    "submitted_at": serializers.DateTimeField(),
    "by": serializers.CharField(),
    "at": serializers.DateTimeField(),
}
State = inline_serializer(
    "AnswersPublication",
    {
        "in_force": inline_serializer("AnswersPublicationDecision", DECISION, allow_null=True),
        "sections": serializers.ListField(
            child=inline_serializer(
                "AnswersSection",
                {"key": serializers.CharField(), "heading": serializers.CharField()},
            ),
            help_text="the sections of the latest submission (empty before any)",
        ),
        "may_decide": serializers.BooleanField(),
    },
)
DecisionInput = inline_serializer(
    "AnswersPublicationInput",
    {
        "choice": serializers.ChoiceField(choices=AnswerPublication.Choice.choices),
        "sections": serializers.ListField(
            child=serializers.CharField(), required=False, help_text="section keys, for `some`"
        ),
        "based_on": serializers.IntegerField(
            required=False,
            min_value=0,
            help_text="the id of the decision in force you saw (0 for none): refused (409) "
            "when another was recorded since",
        ),
    },
)


def _decision(decision: AnswerPublication | None) -> dict | None:
    if decision is None:
        return None
    return {
        "id": decision.pk,
        "choice": decision.choice,
        "sections": decision.sections,
        "submission_sha256": decision.submission.sha256,
        "submitted_at": decision.submission.at,
        "by": decision.by.username,
        "at": decision.at,
    }


def _input(data) -> dict:
    """The decision's fields from a JSON object (or a form), or a 400 naming what is wrong."""
    if hasattr(data, "getlist"):  # a form's fields
        data = {
            "choice": data.get("choice"),
            "sections": data.getlist("sections"),
            "based_on": data.get("based_on"),
        }
    if not isinstance(data, dict):
        raise ValidationError({"detail": [_("Send a JSON object with `choice`.")]})
    errors = {}
    choice = data.get("choice")
    if not isinstance(choice, str):
        errors["choice"] = [_("Give `choice`: all, some or none.")]
    sections = data.get("sections") or []
    if not isinstance(sections, list) or not all(isinstance(s, str) for s in sections):
        errors["sections"] = [_("Give a list of section keys.")]
    based_on = data.get("based_on")
    if isinstance(based_on, str) and based_on.isdigit():
        based_on = int(based_on)
    if based_on is not None and (
        isinstance(based_on, bool) or not isinstance(based_on, int) or based_on < 0
    ):
        errors["based_on"] = [_("Give the id of the decision in force, 0 for none.")]
    if errors:
        raise ValidationError(errors)
    return {"choice": choice, "sections": sections, "based_on": based_on}


class AnswersPublicationMixin:
    @extend_schema(methods=["GET"], request=None, responses=State)
    @extend_schema(
        methods=["POST"],
        request=DecisionInput,
        responses={
            200: State,
            # The fields that are wrong, each with its messages (found by the fuzzing on
            # PostgreSQL: a 400 names fields, it has no single `detail`).
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="The fields that are wrong, with messages."
            ),
            403: OpenApiResponse(Detail),
            409: OpenApiResponse(Detail),
        },
    )
    @action(detail=True, methods=["get", "post"], url_path="answers-publication")
    def answers_publication(self, request, pk=None, **kwargs):
        """GET: the publication of the review's submitted answers in force, the sections it may
        publish and whether the caller may decide. POST: the party under review's focal point
        decides, once the answers are submitted, to publish `all`, `some` (the `sections`
        keys) or `none` of them, as on the page; refused with 403 (someone else), 409 (not
        submitted yet, or another decision since `based_on`) or 400 (a choice or a section
        that is not one), recording nothing."""
        review = self.get_object()  # 404 for a review the caller does not take part in
        if request.method == "POST":
            args = _input(request.data)
            try:
                publication.decide(review, by=request.user, now=timezone.now(), **args)
            except publication.PublicationError as error:
                return Response({"detail": str(error)}, status=error.status)
        submission = publication.latest_submission(review)
        sections = publication.sections_of(review, submission) if submission else []
        actor = Loaded([review]).actor(request.user, review)
        return Response(
            {
                "in_force": _decision(publication.in_force(review)),
                "sections": [{"key": s.key, "heading": s.heading} for s in sections],
                "may_decide": publication.may_decide(actor) and submission is not None,
            }
        )
