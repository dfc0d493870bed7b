"""Settings of the page benchmark (bench/pages.py): the project's, with its URLs plus the
benchmark's signed-in trivial view (bench/urls.py)."""

from revmod.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
