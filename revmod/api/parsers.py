"""The API's JSON bodies: every operation that takes one takes an object of named fields."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JSONObjectParser(JSONParser):
    """JSON, refused with a 400 that says so unless it is an object: a list, a string or a
    number where the API reads named fields never reaches a view (the settings' default)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(_("Send a JSON object whose fields are named in the API's schema."))
        return data
