"""Reading settings from the environment, with defaults and clear errors."""

import os

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def load_file(path) -> None:
    """Read `NAME=value` lines (blank lines and `#` comments skipped, quotes around a value
    taken off) into the environment, for the names the environment does not set already: a
    variable set by the shell or systemd wins over the file."""
    try:
        text = open(path, encoding="utf-8").read()
    except FileNotFoundError:
        return
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.removeprefix("export ").partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name.isidentifier():
            raise ValueError(f"{path}, line {number}: expected NAME=value, got {line!r}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(name, value)


def env(name: str, default: str) -> str:
    """The variable's value, or `default` when it is unset."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable: 1/true/yes/on or 0/false/no/off (any case)."""
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in TRUE:
        return True
    if value.strip().lower() in FALSE:
        return False
    raise ValueError(f"{name} must be 1 or 0 (got {value!r})")


def env_list(name: str, default: str) -> list[str]:
    """A comma-separated list."""
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# The database cache's table (created by revmod/registry/migrations/0002_cache_table.py).
CACHE_TABLE = "revmod_cache"


def cache_from_url(url: str) -> dict:
    """The CACHES entry for CACHE_URL: empty, the database cache (a table of the site's own
    database, shared by every process); redis:// or rediss://, Django's Redis cache there.
    Anything else is refused with a message naming the variable."""
    url = url.strip()
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            # Sessions live here too (cached_db): Django's default of 300 entries would cull
            # a third of them at every 301st.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ValueError(f"CACHE_URL must be empty or a redis:// address (got {url!r})")
