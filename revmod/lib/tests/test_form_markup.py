"""Forms read out right: a field's help text is on the page, and every aria-describedby names an
element of the page (Django's inputs point to `<id>_helptext` and, once refused, `<id>_error`).
The permission matrix's crawl checks the same of every page as first shown; here the forms are
sent back with errors, and allauth's pages (left out of the crawl) are shown."""

import pytest

from revmod.lib.tests.markup import broken_references
from revmod.test import PASSWORD, make_user

pytestmark = pytest.mark.django_db

# (method, path, data): each form of the secretariat's pages sent with what it refuses.
REFUSED = [
    ("GET", "/en/parties/", {"instrument": "NONE"}),
    ("GET", "/en/reviews/", {"group": "x"}),
    ("GET", "/en/statistics/", {"as_of": "not a day"}),
    ("GET", "/en/statistics/report/", {"as_of": "not a day"}),
    ("GET", "/en/people/registrations/", {"status": "none"}),
    # Not empty: a view reading `request.POST or None` shows an empty post as a new form.
    ("POST", "/en/registry/import/", {"file": ""}),
    ("POST", "/en/lots/draws/new/", {"sizes": "a, b", "volunteers": "nowhere"}),
    ("POST", "/en/lots/meetings/", {"held_on": "never"}),
    ("POST", "/en/lots/requests/", {"pairing": "0"}),
    ("POST", "/en/people/staff/", {"username": "no spaces allowed"}),
    ("POST", "/en/people/tokens/", {"name": ""}),
    ("POST", "/en/people/registrations/new/", {"email": "not an address"}),
    ("POST", "/en/people/nominations/new/", {"person": "nobody"}),
    ("POST", "/en/reviews/cycles/", {"parties": "???"}),
    ("POST", "/en/accounts/password/change/", {"oldpassword": "x", "password1": "y"}),
    ("POST", "/en/accounts/email/", {"action_add": "", "email": "not an address"}),
]


def test_refused_forms_point_to_their_errors_and_help_texts(client, registry):
    client.force_login(make_user("officer", secretariat=True))
    problems, described = [], 0
    for method, path, data in REFUSED:
        response = client.get(path, data) if method == "GET" else client.post(path, data)
        assert response.status_code in (200, 400), f"{method} {path}: {response.status_code}"
        page = response.content.decode()
        described += page.count("_error") > 0 and 'aria-describedby="' in page
        problems += [f"{method} {path}: {p}" for p in broken_references(response)]
    assert problems == []
    # Most forms were refused field by field (not only as a whole), so the check had work.
    assert described >= 14


def test_help_texts_are_shown_where_the_field_is(client, registry):
    client.force_login(make_user("officer", secretariat=True))
    page = client.get("/en/reviews/").content.decode()
    # The reviews' filter showed no help text at all.
    assert '<p class="help" id="id_overdue_helptext">' in page
    assert "Reviews with at least one step past its due date today." in page
    page = client.get("/en/lots/draws/new/").content.decode()
    for name in ("reviewed", "sizes", "volunteers"):
        assert f'aria-describedby="id_{name}_helptext"' in page
        assert f'id="id_{name}_helptext"' in page


def test_allauths_pages_name_only_what_they_hold(client, registry):
    for path in ("/en/accounts/login/", "/en/accounts/password/reset/"):
        assert broken_references(client.get(path)) == []
    response = client.post("/en/accounts/login/", {"login": "nobody", "password": "wrong"})
    assert broken_references(response) == []
    user = make_user("person")
    client.post("/en/accounts/login/", {"login": user.username, "password": PASSWORD})
    for path in ("/en/accounts/password/change/", "/en/accounts/email/", "/en/accounts/2fa/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert broken_references(response) == []
