"""The error pages speak the page's language, in the site's layout (right to left in Arabic),
rather than Django's bare English ones."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "direction"),
    [
        ("en", "Page not found", "ltr"),
        ("fr", "Page introuvable", "ltr"),
        ("ar", "الصفحة غير موجودة", "rtl"),
    ],
)
def test_a_missing_page_is_said_in_the_pages_language(client, language, title, direction):
    response = client.get(f"/{language}/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}" dir="{direction}">' in body
    assert title in body and "Not Found" not in body
    assert 'class="site"' in body  # the site's header and navigation


@pytest.mark.parametrize("language", ["en", "ar", "zh-hans"])
def test_the_server_error_page_needs_no_request_and_is_translated(language):
    with translation.override(language):
        response = defaults.server_error(RequestFactory().get("/"))
        expected = translation.gettext("Server error")
    body = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}"' in body and f"<h1>{expected}</h1>" in body
    assert language == "en" or expected != "Server error"
