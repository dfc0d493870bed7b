"""A pytest plugin loaded with -p (pyproject), so it runs before pytest-django sets Django up."""

import os
import tempfile

# Tests run as production does (DEBUG off, the secretariat's second factor required), without a
# real SECRET_KEY, over plain HTTP and without collected static files.
os.environ.setdefault("REVMOD_ALLOW_INSECURE_KEY", "1")
os.environ.setdefault("REVMOD_REQUIRE_SECRETARIAT_2FA", "1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("DEBUG", "0")
# Uploaded files of a test run go to a throw-away folder, never into the checkout's var/media.
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="revmod-test-media-"))
