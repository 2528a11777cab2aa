"""Rate limits on Django's cache, for what the public can send: forms and searches.

Production needs a cache shared by all workers (Redis) for the counts to be site-wide, and,
behind a reverse proxy, ``CLIENT_ADDRESS_HEADER`` naming the header the proxy sets (e.g.
``HTTP_X_REAL_IP``); otherwise every visitor would share the proxy's address.
"""

import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def client_address(request):
    """The client's address; an IPv6 address counts by its /64, which one household holds.

    A proxy header that holds no valid address (forged or misconfigured) is ignored.
    """
    header = settings.CLIENT_ADDRESS_HEADER
    candidates = [
        request.META.get(header, "") if header else "",
        request.META.get("REMOTE_ADDR", ""),
    ]
    for candidate in candidates:
        try:
            parsed = ipaddress.ip_address(candidate.split(",")[0].strip())
        except ValueError:
            continue
        if parsed.version == 6:
            return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
        return str(parsed)
    return ""


def allow(request, scope, limit, seconds):
    """Count this request against ``limit`` per ``seconds`` for its client; False once over."""
    return allow_key(f"{scope}:{client_address(request)}", limit, seconds)


def allow_key(key, limit, seconds):
    """Count one attempt for ``key`` against ``limit`` per ``seconds``; False once over.

    Without a cache to count in (Redis unreachable) the attempt is allowed and a warning
    logged: residents booking or checking in matter more than the limits for that while."""
    key = f"ratelimit:{key}"
    try:
        cache.add(key, 0, timeout=seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=seconds)
            count = 1
    except RedisError:
        logger.warning("Rate limits unavailable: the cache cannot be reached")
        return True
    return count <= limit


def is_exhausted(key, limit):
    """Whether ``key`` has used up ``limit`` without counting another attempt (not while the
    cache cannot be reached, as above)."""
    try:
        return cache.get(f"ratelimit:{key}", 0) >= limit
    except RedisError:
        logger.warning("Rate limits unavailable: the cache cannot be reached")
        return False
