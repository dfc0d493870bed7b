"""The API fuzzed as each other persona (fuzzing.py): the anonymous caller, an outsider, the
people of the review under review and of its reviewing party. Most of what they send is
refused before it is read (403, 404), so fewer examples than the secretariat's suffice, and no
coverage phase (docs/testing.md): none answered with a server error or otherwise than the
schema says."""

import pytest
from hypothesis import settings

from revmod.api.tests import fuzzing

pytestmark = pytest.mark.django_db
schema = fuzzing.load(coverage=False)


@pytest.mark.parametrize("persona", [p for p in fuzzing.PERSONAS if p != "secretariat"])
@schema.parametrize()
@settings(max_examples=fuzzing.examples(4), **fuzzing.SETTINGS)
def test_every_persona_gets_no_server_error_and_what_the_schema_says(
    case, fuzz_world, in_process, persona
):
    """One operation as one persona, about 6 requests (another 4 generated on PostgreSQL in
    CI; docs/testing.md)."""
    fuzzing.call(case, fuzz_world[0], persona)
