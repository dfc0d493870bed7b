"""The secretariat's own accounts (issue 13, item 1): a colleague invited by e-mail chooses a
password and must set up the second factor; a colleague who leaves is deactivated, and their
sessions and API tokens end at once."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from revmod.accounts.models import ApiToken, User
from revmod.notifications.delivery import deliver_all_due
from revmod.notifications.models import Message
from revmod.test import PASSWORD, count_queries, make_user, token_for

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Tr3e-frogs-under-the-bridge"


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def secretariat():
    return make_user("amina", secretariat=True)


def invite(client, **fields):
    data = {
        "first_name": "Chen",
        "last_name": "Li",
        "email": "chen.li@unodc.example",
        "username": "chen",
        "preferred_language": "fr",
        **fields,
    }
    return client.post(url("accounts:staff"), data, follow=True)


def test_an_invited_colleague_chooses_a_password_then_sets_up_the_second_factor(
    client, secretariat, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    page = invite(client).content.decode()
    assert "Chen Li is invited" in page and "Invited: no password chosen yet" in page
    chen = User.objects.get(username="chen")
    assert chen.is_secretariat and not chen.has_usable_password()
    message = Message.objects.get(kind="secretariat_invitation", recipient=chen)
    assert message.language == "fr"
    deliver_all_due(now=timezone.now())
    [sent] = mail.outbox
    assert sent.to == ["chen.li@unodc.example"]
    assert "Bonjour Chen Li" in sent.body and "choisir votre mot de passe" in sent.body  # French
    link = re.search(r"https?://\S+/password/reset/key/\S+/", sent.body).group(0)
    assert "/fr/" in link
    assert link not in Message.objects.get(pk=message.pk).text  # the secret emptied once sent

    colleague = Client()
    form_page = colleague.get(link.split("testserver")[-1], follow=True)
    assert form_page.status_code == 200
    colleague.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    chen.refresh_from_db()
    assert chen.check_password(NEW_PASSWORD)
    colleague.post(url("account_login"), {"login": "chen", "password": NEW_PASSWORD})
    response = colleague.get("/en/reviews/")
    assert response.status_code == 302 and response["Location"] == url("mfa_activate_totp")


def test_an_invitation_refuses_a_taken_name_or_address_and_makes_nothing(client, secretariat):
    client.force_login(secretariat)
    make_user("chen")
    assert "already an account with this user name" in invite(client).content.decode()
    page = invite(client, username="chen2", email="AMINA@example.org").content.decode()
    assert "already an account with this e-mail address" in page
    assert "Enter a valid email address" in invite(client, email="nope").content.decode()
    assert not User.objects.filter(username__in=["chen2"]).exists()
    assert not Message.objects.filter(kind="secretariat_invitation").exists()


def test_a_deactivated_colleague_loses_sessions_and_tokens_at_once(client, secretariat):
    leaving = make_user("leaving", secretariat=True)
    token = token_for(leaving)
    their_browser = Client()
    their_browser.force_login(leaving)
    assert their_browser.get(url("mfa_index")).status_code == 200
    assert Client().get("/api/v1/reviews/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200

    client.force_login(make_user("fp"))  # not the secretariat: nothing to see here
    assert client.post(url("accounts:staff-deactivate", leaving.pk)).status_code == 404
    client.force_login(secretariat)
    page = client.post(url("accounts:staff-deactivate", secretariat.pk), follow=True)
    assert "cannot deactivate your own account" in page.content.decode()
    page = client.post(url("accounts:staff-deactivate", leaving.pk), follow=True)
    assert "leaving can no longer sign in" in page.content.decode()
    leaving.refresh_from_db()
    assert not leaving.is_active
    response = their_browser.get(url("mfa_index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    api = Client().get("/api/v1/reviews/", HTTP_AUTHORIZATION=f"Token {token}")
    assert api.status_code == 401
    assert ApiToken.objects.get(person=leaving).revoked_by == secretariat
    assert not Client().login(username="leaving", password=PASSWORD)


def test_the_staff_page_query_count_stays_flat(client, secretariat):
    client.force_login(secretariat)
    few = count_queries(lambda: client.get(url("accounts:staff")))
    for n in range(5):
        make_user(f"officer{n}", secretariat=True)
    assert count_queries(lambda: client.get(url("accounts:staff"))) == few
