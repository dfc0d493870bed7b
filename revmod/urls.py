from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from revmod.accounts import views as accounts
from revmod.accounts.views import set_language
from revmod.lib.access import is_secretariat
from revmod.public import views as public
from revmod.public.feeds import EventsFeed
from revmod.registry import views as registry


def admin_login(request, extra_context=None):
    """The admin signs in through allauth, so the secretariat's second factor always applies.
    Someone signed in who is not the secretariat gets 404, as everywhere (sending them to sign
    in would send them straight back here, in a loop)."""
    if request.user.is_authenticated:
        raise Http404
    return redirect_to_login(request.GET.get("next", "/admin/"))


admin.site.login = admin_login
# The admin is the secretariat's, whatever is_staff says (roles live in one place).
admin.site.has_permission = lambda request: is_secretariat(request.user)

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("revmod.api.urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Its script from the same URL (?script), never inline: the Content-Security-Policy.
    path(
        "api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"
    ),
]

urlpatterns += i18n_patterns(
    path("", public.home, name="home"),
    path("parties/", public.party_list, name="party-list"),
    path("parties/<str:code>/", public.party_detail, name="party-detail"),
    path("data/", include("revmod.public.urls")),
    path("feeds/events.atom", EventsFeed(), name="feed-events"),
    path("lots/", include("revmod.lots.urls")),
    path("reviews/", include("revmod.reviews.urls")),
    path("people/", include("revmod.accounts.urls")),
    path("statistics/", include("revmod.stats.urls")),
    path("reviews/", include("revmod.documents.urls")),
    path("reviews/", include("revmod.questionnaires.urls")),
    path("reviews/", include("revmod.translations.urls")),
    path("outbox/", include("revmod.notifications.urls")),
    path("followups/", include("revmod.followups.urls")),
    path("activities/", include("revmod.activities.urls")),
    path("assistance/", include("revmod.assistance.urls")),
    path("library/", include("revmod.library.urls")),
    path("stakeholders/", include("revmod.stakeholders.urls")),
    path("recommendations/", include("revmod.recommendations.urls")),
    path("registry/files/", registry.registry_files, name="registry-files"),
    path("registry/import/", registry.registry_import, name="registry-import"),
    path(
        "registry/export/<str:table>.<str:fmt>",
        registry.registry_export,
        name="registry-export",
    ),
    # Before allauth's: the change of address asks for the password and a verified address.
    path("accounts/email/", accounts.email, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
)
