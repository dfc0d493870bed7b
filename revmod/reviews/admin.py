from django.contrib import admin

from revmod.registry import versions
from revmod.reviews.actions import refresh_due
from revmod.reviews.models import DeadlinePeriods, Review


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

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # The due dates the lists sort on follow the new periods, in the admin's transaction.
        refresh_due(Review.objects.filter(started_on__gte=obj.applies_from))
        versions.bump()  # the statistics' delays follow the periods too

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
