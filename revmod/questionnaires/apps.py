from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionnairesConfig(AppConfig):
    name = "revmod.questionnaires"
    verbose_name = _("Self-assessment questionnaires")

    def ready(self):
        """What the three stages this app owns require of the workflow, their pages, their
        drafts and the summaries confirmed before they are cleared or submitted
        (reviews.stages); the check of what it freezes (reviews.audit, `manage.py
        verifyaudit`)."""
        from revmod.questionnaires import actions, audit, feedback, observations
        from revmod.reviews import audit as reviews_audit
        from revmod.reviews import stages
        from revmod.reviews.workflow import Stage

        stages.register(
            Stage.QUESTIONNAIRE,
            submitted=actions.freeze,
            page="questionnaires:answers",
            drafts=actions.drafts,
            summary=actions.summary,
        )
        stages.register(
            Stage.WRITTEN_FEEDBACK,
            submitted=feedback.freeze,
            page="questionnaires:feedback",
            drafts=feedback.drafts,
            summary=feedback.summary,
        )
        stages.register(
            Stage.OBSERVATIONS,
            check=observations.stage_check,
            page="questionnaires:observations",
            drafts=observations.drafts,
            summary=observations.summary,
        )
        reviews_audit.SNAPSHOTS.register(audit.check)
