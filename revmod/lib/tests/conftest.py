"""The browser of the browser tests (test_browser.py, test_browser_pages.py): Debian's Chromium
driven by Playwright, which never downloads a browser of its own."""

import os
import shutil

import pytest
from django.db import connection
from django.test.utils import override_settings

CHROMIUM = os.environ.get("REVMOD_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test code's ORM calls are
    # still synchronous and one at a time.
    # Only while the browser runs: the setting must not leak into other tests (or a deploy check).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch(sync_playwright)
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def _launch(sync_playwright):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def watch(page) -> list[str]:
    """What the Content-Security-Policy refuses on `page` (Chromium reports each refusal on the
    console) and its uncaught script errors, as they come."""
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: blocked.append(f"{page.url}: {error}"))
    return blocked


@pytest.fixture
def page(browser):
    """A page of a fresh browser context. Whatever the Content-Security-Policy blocked (Chromium
    reports each refusal on the console) and any uncaught script error fail the test."""
    context = browser.new_context()
    page = context.new_page()
    blocked = watch(page)
    with _cache_of_the_live_server():
        yield page
    context.close()
    assert blocked == [], "refused by the Content-Security-Policy, or a script failed"


def _cache_of_the_live_server():
    """The cache while a live server answers the browser. On SQLite the tests' database is in
    memory, shared by the server's threads (a page and its fonts, say), and a write that meets
    another is refused at once instead of waiting as on a file or PostgreSQL; Django's database
    cache drops such a write silently, and allauth then takes a fresh TOTP code for a used one
    (`cache.add` failing). There, the cache is the process's memory; elsewhere it stays the
    database's, as in production."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        memory = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        return override_settings(CACHES=memory)
    return override_settings()
