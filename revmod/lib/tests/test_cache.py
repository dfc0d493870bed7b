"""The shared cache (settings.CACHES from CACHE_URL): a table of the site's database unless
CACHE_URL names Redis; either way every process reads what another wrote."""

import threading
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import connection

from revmod.lib.env import CACHE_TABLE, cache_from_url
from revmod.lib.tests.test_settings import run_manage


def test_without_cache_url_the_cache_is_a_table_of_the_database():
    assert cache_from_url("")["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert cache_from_url("  ")["LOCATION"] == CACHE_TABLE
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_a_redis_url_selects_djangos_redis_cache():
    entry = cache_from_url("redis://cache.internal:6379/2")
    assert entry == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/2",
    }


def test_another_kind_of_address_is_refused_with_the_variables_name():
    with pytest.raises(ValueError, match="CACHE_URL must be empty or a redis:// address"):
        cache_from_url("memcached://127.0.0.1:11211")


def test_the_setting_is_read_from_the_environment():
    show = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = run_manage("shell", "-c", show, DEBUG="1", CACHE_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "django.core.cache.backends.redis.RedisCache"


def test_migrate_alone_readies_the_cache_of_a_fresh_install(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert run_manage("migrate", "-v0", DEBUG="1", DATABASE_URL=url).returncode == 0
    use = "from django.core.cache import cache; cache.set('k', 'shared'); print(cache.get('k'))"
    result = run_manage("shell", "-c", use, DEBUG="1", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "shared"


@pytest.mark.django_db(transaction=True)
def test_what_one_connection_caches_another_reads():
    """What one process stores, another finds (a per-process cache would miss it): a second
    thread has its own database connection."""
    cache.set("figures", {"completed": 7})
    found, ours = [], connection.connection

    def read():
        from django.db import connection as theirs

        found.append((cache.get("figures"), theirs.connection is not ours))
        theirs.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert found == [({"completed": 7}, True)]


def redis_or_skip() -> RedisCache:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    # A prefix of its own: the test never touches another user's keys on the machine's Redis.
    return RedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": f"revmod-test-{uuid.uuid4()}"})


def test_two_clients_of_the_same_redis_share_what_they_cache():
    writer, reader = redis_or_skip(), None
    reader = RedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": writer.key_prefix})
    try:
        writer.set("figures", {"completed": 7}, 30)
        assert reader.get("figures") == {"completed": 7}
    finally:
        writer.delete("figures")
