from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No public sign-up: the secretariat registers people from the notes verbales of their
    parties (seed ¶11; UNODC onboarding)."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def can_delete_email(self, email_address) -> bool:
        """Only a change awaiting verification can be withdrawn: the account's own address is
        replaced by verifying a new one, never removed (an account without one could then
        take any address unverified)."""
        return not (email_address.verified or email_address.primary)
