from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person using the platform. Secretariat staff run the mechanism; everyone else acts
    through nominations by their party (focal point, expert, observer)."""

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=7,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_(
            "Pages, e-mails and documents come in this language unless you choose another."
        ),
    )
    is_secretariat = models.BooleanField(
        _("secretariat"),
        default=False,
        help_text=_("Secretariat staff run the mechanism and must use two-factor authentication."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
