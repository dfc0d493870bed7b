"""An account's e-mail address (issue 15, item 4): it changes only with the current password and
once the new address is verified; an address pending verification counts for nothing (sign-in,
password reset, registration by the secretariat)."""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from revmod.accounts import actions
from revmod.accounts.models import Nomination, User
from revmod.registry.models import Party
from revmod.test import PASSWORD, PDF, make_user

pytestmark = pytest.mark.django_db
CLAIMED = "minister@gov.example"
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")
RESET_LINK = re.compile(r"/accounts/password/reset/key/")


def url(name, language="en"):
    with translation.override(language):
        return reverse(name)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change(client, email, password=PASSWORD):
    return client.post(
        url("account_email"), {"action_add": "", "email": email, "password": password}
    )


def make_primary(client, email):
    return client.post(url("account_email"), {"action_primary": "", "email": email})


def sign_in(email, password=PASSWORD) -> Client:
    client = Client()
    client.post(url("account_login"), {"login": email, "password": password})
    return client


def is_signed_in_as(client, username) -> bool:
    return f"Signed in as {username}" in client.get("/en/").content.decode()


def register(secretariat, email):
    return actions.register(
        email=email,
        first_name="Real",
        last_name="Owner",
        party=Party.objects.get(code="KEN"),
        kind=Nomination.Kind.FOCAL_POINT,
        scope=Nomination.Scope.OWN,
        language="en",
        note_verbale=SimpleUploadedFile("note.pdf", PDF),
        received_on=dt.date(2024, 5, 1),
        by=secretariat,
        now=timezone.now(),
        site_url="http://testserver/",
    )


def test_an_unverified_address_cannot_be_made_the_accounts_address():
    """The finding: add, then make primary, switched the account's address to one nobody had
    verified (notifications and password resets went there)."""
    amina = make_user("amina")
    client = signed_in(amina)
    change(client, CLAIMED)
    make_primary(client, CLAIMED)
    amina.refresh_from_db()
    assert amina.email == "amina@example.org"
    assert not EmailAddress.objects.filter(email=CLAIMED, verified=True).exists()


def test_changing_the_address_needs_the_current_password():
    amina = make_user("amina")
    client = signed_in(amina)
    for password in ["", "not-her-password"]:
        page = change(client, CLAIMED, password=password)
        assert page.status_code == 200
        assert "current password" in page.content.decode()
    assert not EmailAddress.objects.filter(email=CLAIMED).exists()
    assert mail.outbox == []


def test_the_new_address_replaces_the_old_once_verified():
    amina = make_user("amina")
    client = signed_in(amina)
    page = client.get(url("account_email")).content.decode()
    assert 'name="password"' in page and "amina@example.org" in page
    assert change(client, CLAIMED).status_code == 302
    amina.refresh_from_db()
    assert amina.email == "amina@example.org"  # not before the link is followed
    [message] = mail.outbox
    assert message.to == [CLAIMED]
    link = CONFIRM_LINK.search(message.body).group(0)
    client.post(link)
    amina.refresh_from_db()
    assert amina.email == CLAIMED
    assert list(EmailAddress.objects.filter(user=amina).values_list("email", "verified")) == [
        (CLAIMED, True)
    ]
    assert is_signed_in_as(sign_in(CLAIMED), "amina")
    assert not is_signed_in_as(sign_in("amina@example.org"), "amina")


def test_an_address_pending_verification_does_not_sign_in():
    amina = make_user("amina")
    change(signed_in(amina), CLAIMED)
    assert EmailAddress.objects.filter(user=amina, email=CLAIMED, verified=False).exists()
    assert not is_signed_in_as(sign_in(CLAIMED), "amina")
    assert is_signed_in_as(sign_in("amina@example.org"), "amina")  # her own address does


def test_a_pending_address_gets_no_password_reset():
    amina = make_user("amina")
    change(signed_in(amina), CLAIMED)
    for address in [CLAIMED, "amina@example.org"]:
        Client().post(url("account_reset_password"), {"email": address})
    # The pending address is told no account has it (allauth's enumeration prevention).
    resets = [m.to for m in mail.outbox if RESET_LINK.search(m.body)]
    assert resets == [["amina@example.org"]]


def test_a_pending_address_cannot_capture_a_registration(registry):
    """The finding: a person pre-claimed an address; when the secretariat registered its real
    owner, signing in with it entered the first account."""
    squatter = make_user("squatter")
    client = signed_in(squatter)
    change(client, CLAIMED)
    make_primary(client, CLAIMED)
    confirm = CONFIRM_LINK.search(mail.outbox[-1].body).group(0)
    secretariat = make_user("secretariat", secretariat=True)
    registration = register(secretariat, CLAIMED)
    owner = registration.person
    assert owner.email == CLAIMED
    assert EmailAddress.objects.get(email=CLAIMED, verified=True).user == owner
    # The squatter's pending change is cancelled: its link no longer verifies anything.
    Client().post(confirm)
    assert list(EmailAddress.objects.filter(email=CLAIMED).values_list("user", flat=True)) == [
        owner.pk
    ]
    squatter.refresh_from_db()
    assert squatter.email == "squatter@example.org"
    assert not is_signed_in_as(sign_in(CLAIMED), "squatter")


def test_a_verified_address_of_another_account_is_refused_at_registration(registry):
    secretariat = make_user("secretariat", secretariat=True)
    taken = make_user("taken")
    signed_in(taken).get(url("account_email"))  # records her address as verified
    with pytest.raises(actions.OnboardingError, match="already registered"):
        register(secretariat, "TAKEN@example.org")
    assert not User.objects.filter(username="taken@example.org").exists()


def test_the_only_address_cannot_be_removed():
    amina = make_user("amina")
    client = signed_in(amina)
    client.get(url("account_email"))
    client.post(url("account_email"), {"action_remove": "", "email": "amina@example.org"})
    amina.refresh_from_db()
    assert amina.email == "amina@example.org"
    assert EmailAddress.objects.filter(user=amina, verified=True, primary=True).exists()
