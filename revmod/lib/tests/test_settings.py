import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


def run_manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "REVMOD_ALLOW_INSECURE_KEY", "SECURE_SSL_REDIRECT"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 60 + "a-production-like-secret-key-with-enough-entropy",
        ALLOWED_HOSTS="revmod.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_hashes_passwords_with_a_strong_hasher():
    """Tests swap in a fast hasher (revmod/conftest.py); the settings that production loads
    keep a slow, salted one."""
    from django.contrib.auth.hashers import get_hasher

    assert get_hasher().algorithm == "md5", "the tests' fast hasher is not in effect"
    result = run_manage(
        "shell",
        "-c",
        "from django.contrib.auth.hashers import get_hasher, make_password;"
        "h = get_hasher(); print(h.algorithm, getattr(h, 'iterations', 0), make_password('x'))",
        SECRET_KEY="x" * 60 + "a-production-like-secret-key-with-enough-entropy",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    algorithm, iterations, hashed = result.stdout.splitlines()[-1].split()
    assert algorithm in {"pbkdf2_sha256", "argon2", "scrypt"}
    assert algorithm != "pbkdf2_sha256" or int(iterations) >= 600_000
    assert hashed.startswith(f"{algorithm}$")


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_every_static_file_a_template_links_is_found():
    """The CSS and scripts the pages link ({% static %}) are found, so `runserver` serves them
    and `collectstatic` collects them (the site's own folder was once missing: unstyled pages)."""
    from django.contrib.staticfiles import finders

    templates = Path(settings.BASE_DIR) / "revmod" / "templates"
    linked = {
        match
        for path in templates.rglob("*.html")
        for match in re.findall(r"""{%\s*static\s+['"]([^'"]+)['"]""", path.read_text())
    }
    assert {"revmod/site.css", "revmod/pdf.js", "revmod/autosave.js"} <= linked
    assert [name for name in sorted(linked) if not finders.find(name)] == []


def test_commands_find_the_settings_make_run_wrote(tmp_path):
    """`make run` writes the demo's settings to .env; a command typed by hand reads them (it
    failed for want of SECRET_KEY), and the shell's variables still win over the file."""
    written = tmp_path / ".env"
    written.write_text("# the demo\nDEBUG=1\n\nexport REVMOD_MAX_UPLOAD_MB='7'\n")
    show = (
        "from django.conf import settings; print(settings.DEBUG, settings.REVMOD_MAX_UPLOAD_BYTES)"
    )
    result = run_manage("shell", "-c", show, REVMOD_ENV_FILE=str(written))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"True {7 * 1024 * 1024}"
    result = run_manage("shell", "-c", show, REVMOD_ENV_FILE=str(written), DEBUG="0")
    assert "SECRET_KEY is not set" in result.stderr  # DEBUG=0 from the shell won


def test_a_malformed_settings_file_names_its_line(tmp_path):
    from revmod.lib.env import load_file

    written = tmp_path / ".env"
    written.write_text("DEBUG=1\nthis is not a setting\n")
    with pytest.raises(ValueError, match=r"\.env, line 2: expected NAME=value"):
        load_file(written)
