"""The project's URLs plus one for the benchmark alone: a signed-in trivial view, the floor a
page's throughput is compared with (bench/pages.py). Never in the product's URLconf."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from revmod.urls import urlpatterns as project


@login_required
def signed_in(request):
    """Loads the session and the signed-in user (and, through the middleware, what every page
    of a signed-in person costs), then answers a few bytes."""
    return HttpResponse(f"{request.user.pk}\n", content_type="text/plain")


urlpatterns = [path("bench/signed-in/", signed_in, name="bench-signed-in"), *project]
