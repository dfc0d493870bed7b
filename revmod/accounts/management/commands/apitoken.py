from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from revmod.accounts import actions
from revmod.accounts.models import Nomination, User


class Command(BaseCommand):
    help = (
        "Make an API token for a user and print it, once (it is stored hashed and cannot be "
        "shown again), for scripts and integrations (Authorization: Token <token>). It is "
        "valid REVMOD_API_TOKEN_DAYS days. --rotate revokes the user's earlier tokens first. "
        "People make and revoke their own tokens on their API tokens page."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="revoke the earlier tokens")
        parser.add_argument(
            "--name", default="manage.py apitoken", help="what the token is for (shown on the page)"
        )

    def handle(self, *args, username, rotate, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user {username!r}.")
        now = timezone.now()
        with transaction.atomic():
            if rotate:
                actions.revoke_api_tokens(user, by=None, now=now)
            try:
                _row, token = actions.create_api_token(user, name=name, now=now)
            except actions.TokenError as error:
                raise CommandError(str(error)) from None
        self.stdout.write(token)
        if user.lacks_second_factor():
            self.stderr.write(
                "The token works once the account has set up two-factor authentication."
            )
        elif (
            not user.is_secretariat and not Nomination.objects.active().filter(person=user).exists()
        ):
            self.stderr.write("The token gives no access until the user holds a nomination.")
