"""Which accounts an e-mail address names (issue 15, item 4).

An account's address is the one the secretariat set (from a note verbale, an invitation) or
one the person verified by following the link e-mailed to it. A change the person asked for
and has not confirmed is pending: it names nobody, for signing in, password resets or the
secretariat's registrations."""

from allauth.account.models import EmailAddress
from django.db.models import Q

from revmod.accounts.models import User


def accounts_with_address(email: str):
    """The accounts whose address `email` is: those that verified it, and those whose address
    was set by the secretariat and never went through allauth's pages (the demo's, an
    account made before issue 15). Never an account where it only awaits verification."""
    rows = EmailAddress.objects.filter(email__iexact=email)
    return User.objects.filter(
        Q(pk__in=rows.filter(verified=True).values("user"))
        | (Q(email__iexact=email) & ~Q(pk__in=rows.values("user")))
    )


def address_taken(email: str) -> bool:
    """Whether another account already holds `email` (as its address or its user name)."""
    return (
        accounts_with_address(email).exists()
        or User.objects.filter(username__iexact=email).exists()
    )
