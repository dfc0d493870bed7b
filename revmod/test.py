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


def make_world(reviewed=("FRA", "DEU", "KEN", "BRA"), now=None):
    """The registry, three groups, a published draw of `reviewed` and their cluster-1 reviews,
    through the real actions. Returns (secretariat, reviews by party code)."""
    import datetime as dt

    from revmod.lots import actions as lots
    from revmod.lots.models import ReviewGroup
    from revmod.registry.models import Cluster
    from revmod.reviews import actions as reviews

    now = now or dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)
    load_registry()
    for number in (1, 2, 3):
        ReviewGroup.objects.create(number=number, starts_on=dt.date(2019 + number, 12, 1))
    secretariat = make_user("secretariat", secretariat=True)
    meeting = lots.create_meeting(held_on=dt.date(2020, 11, 16), title="Draw")
    draw = lots.prepare_draw(
        kind="initial", meeting=meeting, by=secretariat, now=now, reviewed=list(reviewed)
    )
    draw = lots.announce(draw, now=now)
    draw = lots.enter_entropy(draw, entropy="1 2 3 4", now=now)
    lots.publish(lots.perform_draw(draw, now=now), now=now)
    created = reviews.create_reviews(Cluster.objects.get(number=1), by=secretariat, now=now)
    return secretariat, {r.party.code: r for r in created}


def nominate(user, party_code, kind, scope, secretariat, on=None):
    import datetime as dt

    from revmod.registry.models import Party
    from revmod.reviews import actions as reviews

    on = on or dt.date(2021, 1, 4)
    return reviews.nominate(
        party=Party.objects.get(code=party_code),
        person=user,
        kind=kind,
        scope=scope,
        starts_on=on,
        by=secretariat,
        now=dt.datetime(on.year, on.month, on.day, 9, tzinfo=dt.UTC),
        handover_note="Handed over the files.",
    )


def reproducible_draws(monkeypatch, name: str) -> None:
    """Draw secrets from `name` instead of the system's randomness, so a test draws the same
    parties at every run (revmod/conftest.py does it for every test)."""
    import hashlib
    import itertools
    from types import SimpleNamespace

    from revmod.lots import actions

    counter = itertools.count()

    def token_bytes(n=32):
        return hashlib.sha256(name.encode() + str(next(counter)).encode()).digest()[:n]

    monkeypatch.setattr(actions, "secrets", SimpleNamespace(token_bytes=token_bytes))
