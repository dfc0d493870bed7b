"""The pages' forms serve the API too (one set of checks for both)."""

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

SCALARS = (str, int, float, bool)


def cleaned(form) -> dict:
    """The form's cleaned data, or a 400 that names each field and its errors."""
    if not form.is_valid():
        raise ValidationError(
            {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        )
    return form.cleaned_data


def form_data(data, fields) -> dict | QueryDict:
    """A request's data as a form with `fields` ({name: form field}) reads it: a JSON object's
    values as the text a page posts (a list where the field takes several values; null is a
    value not given), so that a number, a list or an object where the form wants one text is
    a 400 that names the field, never a form's crash. Form-encoded fields pass as they are (a
    copy the caller may change)."""
    if isinstance(data, QueryDict):
        return data.copy()
    if not isinstance(data, dict):
        raise ValidationError(
            {"detail": [_("Send a JSON object whose fields are named in the API's schema.")]}
        )
    values: dict = {}
    errors: dict = {}
    for name, field in fields.items():
        value = data.get(name)
        if value is None:
            continue
        if getattr(field.widget, "allow_multiple_selected", False):
            items = value if isinstance(value, list) else [value]
            if all(isinstance(item, SCALARS) for item in items):
                values[name] = [_text(item) for item in items]
            else:
                errors[name] = [_("Give a list of values (texts or numbers).")]
        elif isinstance(value, SCALARS):
            values[name] = _text(value)
        else:
            errors[name] = [_("Give one value (a text or a number), not a list or an object.")]
    if errors:
        raise ValidationError(errors)
    return values


def bound(form_class, data, **kwargs):
    """`form_class` bound to a request's data (`form_data`); its fields are those of an
    unbound one, including any its constructor adds."""
    return form_class(form_data(data, form_class(**kwargs).fields), **kwargs)


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
