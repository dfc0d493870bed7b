"""The secretariat edits questionnaires here. A published version is read-only (answers point
at its questions): the action "new draft version" copies it, the draft is edited, then
published."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from revmod.lib.i18n import field_names
from revmod.questionnaires import actions
from revmod.questionnaires.models import Choice, Question, QuestionnaireTemplate


class FrozenWhenPublished:
    """Read-only once the template (of the row, or of its question) is published."""

    @staticmethod
    def _template(obj):
        if isinstance(obj, QuestionnaireTemplate):
            return obj
        if isinstance(obj, Question):
            return obj.template
        return None

    def _frozen(self, obj) -> bool:
        template = self._template(obj)
        return template is not None and template.published

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        args = (request, obj) if isinstance(self, admin.options.InlineModelAdmin) else (request,)
        return not self._frozen(obj) and super().has_add_permission(*args)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class QuestionInline(FrozenWhenPublished, admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "key", "article", "kind", "text_en"]
    show_change_link = True
    ordering = ["order"]


class ChoiceInline(FrozenWhenPublished, admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["order", "value", *field_names("label")]


@admin.register(QuestionnaireTemplate)
class QuestionnaireTemplateAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ["cluster", "version", "published", "published_at"]
    list_filter = ["cluster", "published"]
    readonly_fields = ["published", "published_at"]
    inlines = [QuestionInline]
    actions = ["new_draft", "publish"]

    @admin.action(description=_("Make a new draft version of the selected templates"))
    def new_draft(self, request, queryset):
        for template in queryset:
            draft = actions.new_version(template)
            messages.success(request, _("Draft created: %s.") % draft)

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request, queryset):
        count = queryset.filter(published=False).update(published=True, published_at=timezone.now())
        messages.success(
            request, ngettext("%d template published.", "%d templates published.", count) % count
        )


@admin.register(Question)
class QuestionAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ["key", "template", "article", "kind", "order"]
    list_filter = ["template", "kind", "article__instrument"]
    list_select_related = ["template__cluster", "article__instrument"]
    search_fields = ["key", *field_names("text")]
    fields = ["template", "key", "article", "order", "kind", *field_names("text")]
    inlines = [ChoiceInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "template":  # questions are added to drafts only
            kwargs["queryset"] = QuestionnaireTemplate.objects.filter(published=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
