"""The Redis cache backend (ita_portal/cache.py): Django's, with its redis-py client kept."""

import uuid

import pytest
from django.core.cache import caches
from django.test import override_settings

# The load bench's database (bench/load_public.py); keys here have a prefix of their own.
REDIS_URL = "redis://127.0.0.1:6379/9"


@pytest.fixture
def redis_cache():
    prefix = f"ita-test-{uuid.uuid4().hex}"
    settings = {"BACKEND": "ita_portal.cache.RedisCache", "LOCATION": REDIS_URL}
    with override_settings(CACHES={"default": {**settings, "KEY_PREFIX": prefix}}):
        yield caches["default"]


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache._cache.get_client("any key") is client


def test_round_trips_through_redis(redis_cache):
    import redis

    try:
        redis_cache._cache.get_client().ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    try:
        assert redis_cache.add("version", 41) and not redis_cache.add("version", 1)
        assert redis_cache.incr("version") == 42
        redis_cache.set("page", (42, 200, {"ETag": '"x"'}, "ข้อความ".encode(), None), 60)
        assert redis_cache.get_many(["version", "page", "missing"]) == {
            "version": 42,
            "page": (42, 200, {"ETag": '"x"'}, "ข้อความ".encode(), None),
        }
    finally:
        redis_cache.delete_many(["version", "page"])
