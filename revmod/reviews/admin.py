from django.contrib import admin

from revmod.reviews.models import DeadlinePeriods


@admin.register(DeadlinePeriods)
class DeadlinePeriodsAdmin(admin.ModelAdmin):
    """Versions of the steps' periods: a new version is added for the reviews that start from
    its date; one in use is never changed nor deleted (deadlines computed from it stay put)."""

    list_display = [
        "applies_from",
        "focal_points_days",
        "experts_days",
        "consultation_months",
        "questionnaire_months",
        "feedback_months",
        "observations_months",
        "note",
    ]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
