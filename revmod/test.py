"""Test helpers: the registry as shipped, named personas, and small make_* helpers.

Data is set up through the real code paths (the registry loader, the actions), never by
writing rows the application would not write itself."""

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revmod.accounts.models import User
from revmod.registry import tabular
from revmod.registry.models import Party

DATA_DIR = settings.BASE_DIR / "data"
PASSWORD = "a-long-test-password-17"


def load_registry(path=DATA_DIR) -> list[tabular.Report]:
    """The registry as shipped under data/ (or another directory or file)."""
    return tabular.load(tabular.read_path(path))


def make_user(username: str, *, secretariat: bool = False, language: str = "en", totp=None):
    """A user; a secretariat user gets a TOTP authenticator (the rule) unless totp=False."""
    user = User.objects.create_user(
        username,
        f"{username}@example.org",
        PASSWORD,
        is_secretariat=secretariat,
        is_staff=secretariat,
        preferred_language=language,
    )
    if totp if totp is not None else secretariat:
        TOTP.activate(user, generate_totp_secret())
    return user


def make_party(code: str, **names) -> Party:
    """A synthetic party outside ISO 3166 (for growing lists in query-count tests)."""
    return Party.objects.create(
        code=code, kind=Party.Kind.REIO, name_en=names.get("name_en", f"Party {code}")
    )


def count_queries(func) -> int:
    """How many SQL queries `func()` runs."""
    with CaptureQueriesContext(connection) as queries:
        func()
    return len(queries)
