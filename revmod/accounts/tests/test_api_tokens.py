"""API tokens (issue 15, item 5): stored hashed and shown once, never in the admin; personal,
revocable and expiring; a secretariat token needs its owner's second factor; a deactivated
account's or a person's without a nomination in force gives no access."""

import datetime as dt
import re
from io import StringIO

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from revmod.accounts import actions
from revmod.accounts.models import ApiToken
from revmod.test import count_queries, make_user, nominate

pytestmark = pytest.mark.django_db


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def apitoken(username, *args) -> str:
    """The token `manage.py apitoken` prints (as the README and the operations guide say)."""
    out = StringIO()
    call_command("apitoken", username, *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def api(token, path="/api/v1/reviews/", method="get"):
    return getattr(Client(), method)(path, HTTP_AUTHORIZATION=f"Token {token}")


@pytest.fixture
def focal_point(registry):
    secretariat = make_user("secretariat", secretariat=True)
    person = make_user("fp")
    nominate(person, "KEN", "focal_point", "own", secretariat)
    return person


def test_the_admin_lists_no_token(client):
    """The finding: /admin/authtoken/tokenproxy/ showed every user's token in clear to any
    secretariat member, who could then act as any focal point."""
    officer = make_user("officer", secretariat=True)
    apitoken("officer")
    client.force_login(officer)
    for path in ["/en/admin/authtoken/tokenproxy/", "/en/admin/authtoken/token/"]:
        assert client.get(path).status_code == 404, path
    index = client.get("/en/admin/").content.decode()
    assert "/admin/authtoken/" not in index and "Token" not in index


def test_a_token_is_stored_hashed_and_shown_once(focal_point):
    token = apitoken("fp")
    assert api(token).status_code == 200
    [row] = ApiToken.objects.filter(person=focal_point).values()
    assert not any(token in str(value) for value in row.values())
    assert "authtoken_token" not in connection.introspection.table_names()
    # A second call makes another token: the first cannot be printed again.
    assert apitoken("fp") != token
    assert ApiToken.objects.filter(person=focal_point).count() == 2


def test_rotate_revokes_the_earlier_tokens(focal_point):
    first = apitoken("fp")
    second = apitoken("fp", "--rotate")
    assert api(first).status_code == 401
    assert api(second).status_code == 200


def test_a_secretariat_token_works_only_once_its_owner_has_a_second_factor():
    """The finding: a secretariat token worked before its owner had set up the second factor
    (under production settings, as the tests run: REVMOD_REQUIRE_SECRETARIAT_2FA=1)."""
    officer = make_user("officer", secretariat=True, totp=False)
    out, err = StringIO(), StringIO()
    call_command("apitoken", "officer", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert "two-factor" in err.getvalue()
    for method in ["get", "post"]:
        refused = api(token, "/api/v1/meetings/", method)
        assert refused.status_code == 403, method
        assert "two-factor authentication" in refused.json()["detail"]
    TOTP.activate(officer, generate_totp_secret())
    assert api(token, "/api/v1/meetings/").status_code == 200


def test_revoked_expired_and_deactivated_tokens_get_401(focal_point):
    now = timezone.now()
    revoked = apitoken("fp")
    actions.revoke_api_token(
        ApiToken.objects.get(prefix=revoked.split(".")[0]), by=focal_point, now=now
    )
    expired_row, expired = actions.create_api_token(
        focal_point, name="old", now=now - dt.timedelta(days=91)
    )
    assert expired_row.expires_at < now  # REVMOD_API_TOKEN_DAYS: 90 by default
    for token, message in [
        (revoked, "revoked"),
        (expired, "expired"),
        ("abc.not-a-token", "Invalid token"),
    ]:
        response = api(token)
        assert response.status_code == 401 and message in response.json()["detail"]
        assert response["WWW-Authenticate"] == "Token"
    working = apitoken("fp")
    focal_point.is_active = False
    focal_point.save()
    assert api(working).status_code == 401


def test_a_person_without_a_nomination_in_force_gets_no_access(focal_point):
    token = apitoken("fp")
    assert api(token).status_code == 200
    nomination = focal_point.nominations.get()
    actions.end_nomination(
        nomination, on=timezone.now().date(), by=nomination.recorded_by, now=timezone.now()
    )
    for path in ["/api/v1/reviews/", "/api/v1/nominations/", "/api/v1/parties/"]:
        response = api(token, path)
        assert response.status_code == 403, path
        assert "No access" in response.json()["detail"]


def test_the_last_use_is_recorded(focal_point):
    row, token = actions.create_api_token(focal_point, name="script", now=timezone.now())
    assert row.last_used_at is None
    api(token)
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_a_person_makes_sees_and_revokes_their_own_tokens(client, focal_point):
    client.force_login(focal_point)
    page = client.get(url("accounts:api-tokens"))
    assert page.status_code == 200 and "You have no API token" in page.content.decode()
    page = client.post(url("accounts:api-tokens"), {"name": "Weekly export"})
    html = page.content.decode()
    assert "shown only once" in html
    token = re.search(r'id="new-token">([^<]+)<', html).group(1)
    assert "no-store" in page["Cache-Control"]
    assert api(token).status_code == 200
    # The list shows its name and first characters, never the token again.
    listing = client.get(url("accounts:api-tokens")).content.decode()
    assert "Weekly export" in listing and token.split(".")[0] in listing
    assert token not in listing
    row = ApiToken.objects.get(person=focal_point)
    response = client.post(url("accounts:api-token-revoke", row.pk), follow=True)
    assert "is revoked" in response.content.decode()
    assert api(token).status_code == 401
    again = client.post(url("accounts:api-token-revoke", row.pk), follow=True)
    assert "already revoked" in again.content.decode()


def test_a_token_needs_a_name(client, focal_point):
    client.force_login(focal_point)
    page = client.post(url("accounts:api-tokens"), {"name": "  "})
    assert page.status_code == 200 and "This field is required" in page.content.decode()
    assert not ApiToken.objects.exists()


def test_nobody_else_revokes_a_persons_token_but_the_secretariat(client, focal_point):
    row, token = actions.create_api_token(focal_point, name="Mine", now=timezone.now())
    client.force_login(make_user("other"))
    assert client.post(url("accounts:api-token-revoke", row.pk)).status_code == 404
    assert "Mine" not in client.get(url("accounts:api-tokens")).content.decode()
    assert api(token).status_code == 200
    officer = make_user("officer", secretariat=True)
    client.force_login(officer)
    page = client.get(url("accounts:api-tokens")).content.decode()
    assert "Everyone&#x27;s tokens in force" in page or "Everyone's tokens in force" in page
    assert "Mine" in page and row.prefix in page and token not in page
    client.post(url("accounts:api-token-revoke", row.pk))
    row.refresh_from_db()
    assert row.revoked_by == officer
    assert api(token).status_code == 401


def test_the_secretariats_token_list_query_count_stays_flat(client, registry):
    officer = make_user("officer", secretariat=True)
    client.force_login(officer)
    few = count_queries(lambda: client.get(url("accounts:api-tokens")))
    for n in range(5):
        actions.create_api_token(make_user(f"p{n}"), name="script", now=timezone.now())
        actions.create_api_token(officer, name=f"mine {n}", now=timezone.now())
    assert count_queries(lambda: client.get(url("accounts:api-tokens"))) == few


def test_the_schema_still_says_token(client):
    schemes = client.get("/api/v1/schema/?format=json").json()["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["name"] == "Authorization"
    assert 'prefix "Token"' in schemes["tokenAuth"]["description"]
