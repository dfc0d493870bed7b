from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from revmod.lib.i18n import field_names
from revmod.registry.models import Adherence, Article, Cluster, Instrument, Party, RegionalGroup


@admin.register(RegionalGroup)
class RegionalGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "order"]


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "short_en", "order"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["instrument", "number", "title_en"]
    list_filter = ["instrument"]
    list_select_related = ["instrument"]
    search_fields = field_names("title")


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["number", "review_order", "title_en"]
    filter_horizontal = ["articles"]


class AdherenceInline(admin.TabularInline):
    model = Adherence
    extra = 0
    fields = ["instrument", "action", "date", "recorded_at", "superseded_at"]
    readonly_fields = ["recorded_at", "superseded_at"]
    ordering = ["instrument__order", "recorded_at"]

    def has_delete_permission(self, request, obj=None):
        # History is kept: a wrong row is corrected by a new one, never deleted.
        return False


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "kind", "regional_group"]
    list_filter = ["kind", "regional_group"]
    list_select_related = ["regional_group"]
    search_fields = ["code", *field_names("name")]
    inlines = [AdherenceInline]


@admin.register(Adherence)
class AdherenceAdmin(admin.ModelAdmin):
    list_display = ["party", "instrument", "action", "date", "superseded_at"]
    list_filter = ["instrument", "action", ("superseded_at", admin.EmptyFieldListFilter)]
    list_select_related = ["party", "instrument"]
    search_fields = ["party__code", "party__name_en"]

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = _("revmod administration")
admin.site.site_title = _("revmod")
