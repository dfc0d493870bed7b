from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from revmod.accounts.models import User


class Command(BaseCommand):
    help = (
        "Print the API token of a user, for scripts and integrations "
        "(Authorization: Token <token>). --rotate replaces it."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true")

    def handle(self, *args, username, rotate, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user {username!r}.")
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
