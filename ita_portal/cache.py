"""Django's Redis cache backend, with one redis-py client per connection pool instead of one per call.

Django's RedisCacheClient builds a new `redis.Redis` for every cache call. With redis-py 8 that
costs about as much as the round trip to Redis itself (the client rebuilds its response-callback
tables each time), and a cached public page is one cache call. A client is safe to share: it
holds no connection of its own, only the pool, which Django already keeps per process.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        try:
            return self._clients[pool]
        except KeyError:
            client = self._clients[pool] = self._client(connection_pool=pool)
            return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
