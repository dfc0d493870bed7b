from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No public sign-up: the secretariat registers people from the notes verbales of their
    parties (seed ¶11; UNODC onboarding)."""

    def is_open_for_signup(self, request) -> bool:
        return False
