"""What was submitted, frozen, stays as it was: the submitted answers and feedback, the versions
of the list of observations, their sign-offs and the publication decisions take no UPDATE or
DELETE in the database itself (lib.appendonly; docs/operations.md, "The audit")."""

from django.db import migrations

from revmod.lib.appendonly import Protect


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaires", "0005_event_material"),
        ("reviews", "0005_reads_append_only"),
    ]

    operations = [
        Protect(
            "questionnaires.AnswerSubmission",
            "questionnaires.FeedbackSubmission",
            "questionnaires.ObservationVersion",
            "questionnaires.SignOff",
            "questionnaires.PublicationDecision",
        )
    ]
