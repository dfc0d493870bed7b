from django.http import HttpResponseNotAllowed
from django.utils.translation import check_for_language
from django.views.i18n import set_language as django_set_language

from revmod.lib.i18n import normalize_language


def set_language(request):
    """Django's language switcher, which also remembers the choice as the signed-in user's
    preferred language (used for pages without a language in the URL, and for e-mail)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    language = request.POST.get("language", "")
    if request.user.is_authenticated and check_for_language(language):
        request.user.preferred_language = normalize_language(language)
        request.user.save(update_fields=["preferred_language"])
    return django_set_language(request)
