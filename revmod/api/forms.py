"""The pages' forms serve the API too (one set of checks for both)."""

from rest_framework.exceptions import ValidationError


def cleaned(form) -> dict:
    """The form's cleaned data, or a 400 that names each field and its errors."""
    if not form.is_valid():
        raise ValidationError(
            {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        )
    return form.cleaned_data
