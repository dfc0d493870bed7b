"""Who may see a page. What a user may not see answers 404, so its existence is not revealed;
an anonymous visitor is sent to the login page instead, where signing in may help."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def is_secretariat(user) -> bool:
    return bool(user.is_authenticated and user.is_secretariat and user.is_active)


def secretariat_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_secretariat(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
