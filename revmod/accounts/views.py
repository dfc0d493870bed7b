from urllib.parse import urlsplit

from django.http import HttpResponseNotAllowed
from django.utils import translation
from django.utils.translation import check_for_language, get_language_from_path
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
    # Django translates `next` (/en/reviews/1/ -> /ru/reviews/1/) by resolving it in the active
    # language; the page's own language must be active for its prefix to resolve, whatever the
    # user's preferred language is, or the switch would send them back to the same page.
    page_language = get_language_from_path(urlsplit(request.POST.get("next", "")).path)
    if page_language:
        translation.activate(page_language)
    return django_set_language(request)
