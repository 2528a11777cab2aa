"""Django's own Redis cache backend, keeping its redis-py client.

Django's client makes a new ``redis.Redis`` object for every cache call, which costs about
0.2 ms, as much as a whole page served from the page cache spends talking to Redis. redis-py
clients are safe to share, so one per connection pool is enough.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if pool not in self._clients:
            self._clients[pool] = self._client(connection_pool=pool)
        return self._clients[pool]


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
