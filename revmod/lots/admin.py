from django.contrib import admin

from revmod.lots.models import Meeting, ReviewGroup, Rules


@admin.register(Rules)
class RulesAdmin(admin.ModelAdmin):
    """The settings of the draw. Draws and pairings are changed only through the draw pages,
    which keep them verifiable; they are not editable here."""

    def has_add_permission(self, request):
        return not Rules.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewGroup)
class ReviewGroupAdmin(admin.ModelAdmin):
    list_display = ["number", "starts_on"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["held_on", "title", "place"]
