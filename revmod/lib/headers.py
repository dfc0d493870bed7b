"""Response headers every view gets (docs/security.md, "Headers and throttling"). The
Content-Security-Policy comes from django-csp (settings.CONTENT_SECURITY_POLICY)."""

from django.utils.cache import add_never_cache_headers


class NeverCacheSignedInMiddleware:
    """`Cache-Control: no-store` (and the rest of Django's never_cache) on every response to a
    signed-in request, pages, API answers and downloads alike: what a signed-in person sees is
    theirs (a review's documents, answers, people), and must stay neither in a shared proxy's
    cache nor in a browser's after they sign out on a shared computer. Review material is only
    ever served to signed-in people, so every download of it gets the header too.

    Placed after AuthenticationMiddleware. An API call authenticated by a token is seen too:
    Django REST framework sets the request's user when it authenticates one. Public pages and
    files for anonymous visitors keep their caching (static files never reach here)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
