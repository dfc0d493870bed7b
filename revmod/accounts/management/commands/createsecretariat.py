"""manage.py createsecretariat USERNAME --email ADDRESS: a working secretariat account."""

import getpass
import os
import sys

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from revmod.accounts.actions import record_address
from revmod.accounts.addresses import address_taken
from revmod.accounts.models import User
from revmod.lib.i18n import LANGUAGE_CODES


class Command(BaseCommand):
    help = (
        "Make a secretariat account: the first one of a fresh install, or a colleague's. It "
        "has the secretariat's pages and the admin; at its first sign-in it sets up two-factor "
        "authentication (TOTP) before anything else. The password is asked twice, or read from "
        "the environment variable that --password-env names (for scripts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", required=True, help="the person's e-mail address")
        parser.add_argument(
            "--password-env",
            metavar="NAME",
            help="read the password from this environment variable instead of asking",
        )
        parser.add_argument(
            "--language",
            choices=LANGUAGE_CODES,
            default="en",
            help="the language of the person's pages and e-mails (default: en)",
        )

    def handle(self, *args, username, email, password_env, language, **options):
        username, email = username.strip(), email.strip()
        if not username:
            raise CommandError("Give a user name.")
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an e-mail address.") from error
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"There is already a user {username!r}: choose another name.")
        if address_taken(email):
            raise CommandError(f"There is already a user with the address {email}.")
        user = User(username=username, email=email, preferred_language=language)
        password = self._password(password_env)
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            raise CommandError("The password is refused: " + " ".join(error.messages)) from error
        with transaction.atomic():
            user = User.objects.create_user(
                username,
                email,
                password,
                is_secretariat=True,
                is_staff=True,
                preferred_language=language,
            )
            record_address(user, email)
        self.stdout.write(
            f"Secretariat account {user.username!r} made. Sign in at "
            f"{settings.REVMOD_SITE_URL.rstrip('/')}/{language}/accounts/login/; "
            + (
                "the first sign-in asks for two-factor authentication to be set up."
                if settings.REVMOD_REQUIRE_SECRETARIAT_2FA
                else "two-factor authentication is off on this machine "
                "(REVMOD_REQUIRE_SECRETARIAT_2FA=0)."
            )
        )

    def _password(self, password_env: str | None) -> str:
        if password_env:
            password = os.environ.get(password_env, "")
            if not password:
                raise CommandError(f"The environment variable {password_env} is not set.")
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                "No terminal to ask the password on: give --password-env NAME and the password "
                "in that environment variable."
            )
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ; nothing was made.")
        return password
