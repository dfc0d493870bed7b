"""Form fields shared by the apps' forms."""

from django import forms
from django.core.exceptions import ValidationError

# The largest id the database holds (a 64-bit signed integer: BigAutoField).
MAX_ID = 2**63 - 1


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Objects chosen by id (checkboxes on a page, a list through the API). An id that is not a
    whole number the database can hold is refused as one that is not there, before any query:
    Django's own check sends a number too large for the database to it, which fails."""

    def clean(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            text = str(pk)
            if not (text.isascii() and text.isdigit() and int(text) <= MAX_ID):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)
