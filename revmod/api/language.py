from django.utils import translation

from revmod.lib.i18n import LANGUAGE_CODES, normalize_language


class LanguageMixin:
    """API views answer in the language of `?lang=` when given, else of Accept-Language (or
    the signed-in user's preferred language), among the six official languages."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        asked = request.query_params.get("lang")
        if asked:
            translation.activate(normalize_language(asked))
        elif translation.get_language() not in LANGUAGE_CODES:
            translation.activate(normalize_language(translation.get_language()))
        request.LANGUAGE_CODE = translation.get_language()
