import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse
from django.utils import translation

from revmod.test import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def url(name, language="en"):
    with translation.override(language):
        return reverse(name)


def current_code(secret):
    counter = next(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counter))


def sign_in(client, username, language="en"):
    return client.post(url("account_login", language), {"login": username, "password": PASSWORD})


@pytest.mark.parametrize("language", ["ar", "zh-hans", "en", "fr", "ru", "es"])
def test_login_page_in_each_language_inside_the_site_layout(client, language):
    response = client.get(url("account_login", language))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert 'id="main"' in html and 'name="password"' in html
    # No "please sign up first" leading to "Sign Up Closed": how an account is opened instead.
    assert "/accounts/signup/" not in html
    assert "ask your country" in html or language != "en"


def test_sign_in_and_out(client):
    make_user("amina")
    response = sign_in(client, "amina")
    assert response.status_code == 302 and response["Location"] == "/en/"
    assert "Signed in as amina" in client.get("/en/").content.decode()
    client.post(url("account_logout"))
    assert "Signed in as" not in client.get("/en/").content.decode()


def test_wrong_password_says_so(client):
    make_user("amina")
    response = client.post(url("account_login"), {"login": "amina", "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_no_public_sign_up(client):
    response = client.get(url("account_signup"))
    assert b"Sign Up Closed" in response.content or b"sign up is currently closed" in (
        response.content.lower()
    )
    secret = "Sup3r-secret!"
    client.post(
        url("account_signup"),
        {"username": "x", "email": "x@example.org", "password1": secret, "password2": secret},
    )
    from revmod.accounts.models import User

    assert not User.objects.filter(username="x").exists()


def test_secretariat_without_second_factor_must_set_it_up_first(client):
    make_user("officer", secretariat=True, totp=False)
    sign_in(client, "officer")
    for page in ["/en/", "/en/parties/", "/en/registry/files/", "/en/admin/"]:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == url("mfa_activate_totp")
    client.post(url("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(url("mfa_activate_totp")).status_code == 200


def test_secretariat_signs_in_with_a_code(client):
    user = make_user("officer", secretariat=True, totp=False)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = sign_in(client, "officer")
    assert response.status_code == 302
    assert response["Location"] == url("mfa_authenticate")
    assert "Signed in as" not in client.get("/en/").content.decode()
    response = client.post(url("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get("/en/registry/files/").status_code == 200


def test_any_user_can_turn_on_two_factor(client):
    make_user("amina")
    sign_in(client, "amina")
    response = client.get(url("mfa_activate_totp"))
    # allauth asks for the password again before a second factor is added.
    assert response["Location"].startswith(url("account_reauthenticate"))
    client.post(url("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(url("mfa_activate_totp"))
    assert response.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(url("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user__username="amina", type="totp").exists()


def test_language_switch_is_remembered_for_the_user(client):
    user = make_user("amina", language="en")
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/en/parties/"})
    assert response.status_code == 302 and response["Location"] == "/ar/parties/"
    user.refresh_from_db()
    assert user.preferred_language == "ar"


def test_the_users_language_applies_where_the_url_names_none(client):
    client.force_login(make_user("ivan", language="ru"))
    response = client.get("/", headers={"accept-language": "en"})
    assert response["Location"] == "/ru/"


def test_admin_signs_in_through_the_site_login(client):
    response = client.get("/en/admin/login/?next=/en/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(url("account_login"))


def test_admin_is_for_the_secretariat(client):
    client.force_login(make_user("amina"))
    assert client.get("/en/admin/registry/party/").status_code == 302
    client.force_login(make_user("officer", secretariat=True))
    assert client.get("/en/admin/registry/party/").status_code == 200


def test_createsecretariat_makes_an_account_that_runs_the_mechanism(client, monkeypatch):
    """The first account of a fresh install (createsuperuser's was sent back to the login page
    and got 404 on the secretariat's pages): it signs in, must set up its second factor first,
    then has the secretariat's pages and the admin."""
    from io import StringIO

    from django.core.management import call_command

    from revmod.accounts.models import User

    monkeypatch.setenv("FIRST_PASSWORD", PASSWORD)
    out = StringIO()
    call_command(
        "createsecretariat",
        "amina",
        "--email",
        "amina@unodc.example",
        "--password-env",
        "FIRST_PASSWORD",
        "--language",
        "fr",
        stdout=out,
    )
    assert "Secretariat account 'amina' made" in out.getvalue()
    assert "/fr/accounts/login/" in out.getvalue() and "two-factor" in out.getvalue()
    user = User.objects.get(username="amina")
    assert (user.is_secretariat, user.preferred_language) == (True, "fr")
    assert sign_in(client, "amina").status_code == 302
    assert client.get("/en/registry/files/")["Location"] == url("mfa_activate_totp")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)  # what the set-up page does
    client.logout()
    sign_in(client, "amina")
    client.post(url("mfa_authenticate"), {"code": current_code(secret)})
    assert client.get("/en/registry/files/").status_code == 200
    assert client.get("/en/people/registrations/").status_code == 200
    assert client.get("/en/admin/").status_code == 200


@pytest.mark.parametrize(
    "args, env, message",
    [
        (["amina", "--email", "a@example.org"], {}, "No terminal to ask the password on"),
        (
            ["amina", "--email", "a@example.org", "--password-env", "NOPE"],
            {},
            "The environment variable NOPE is not set",
        ),
        (
            ["amina", "--email", "a@example.org", "--password-env", "P"],
            {"P": "short"},
            "The password is refused: This password is too short",
        ),
        (
            ["amina", "--email", "not-an-address", "--password-env", "P"],
            {"P": PASSWORD},
            "is not an e-mail address",
        ),
        (
            ["Taken", "--email", "a@example.org", "--password-env", "P"],
            {"P": PASSWORD},
            "There is already a user 'Taken'",
        ),
        (
            ["amina", "--email", "TAKEN@example.org", "--password-env", "P"],
            {"P": PASSWORD},
            "There is already a user with the address",
        ),
    ],
)
def test_createsecretariat_refuses_bad_input_and_makes_nothing(monkeypatch, args, env, message):
    from django.core.management import CommandError, call_command

    from revmod.accounts.models import User

    make_user("taken")  # taken@example.org
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match=message):
        call_command("createsecretariat", *args)
    assert list(User.objects.values_list("username", flat=True)) == ["taken"]
