"""A small per-client rate limit on Django's cache, for forms the public can post."""

from django.core.cache import cache


def client_address(request):
    """The client's address as the web server saw it (set REMOTE_ADDR from a trusted proxy)."""
    return request.META.get("REMOTE_ADDR", "")


def allow(request, scope, limit, seconds):
    """Count this request against ``limit`` per ``seconds`` for its client; False once over."""
    key = f"ratelimit:{scope}:{client_address(request)}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= limit
