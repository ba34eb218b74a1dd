"""Counting requests per account or per address over a window, in the shared cache.

The cache is Redis in production (shared by every app server), per process in the embedded
default. A window starts at its first event and lasts `window` seconds; `hit` counts one event and
says whether it is still within the limit. Keys are hashed: no e-mail address or IP lands in the
cache as text.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _key(scope: str, key: str) -> str:
    digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one event for `key` in `scope`; True while at most `limit` fell in the window."""
    name = _key(scope, key)
    cache.add(name, 0, timeout=window)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=window)
        count = 1
    return count <= limit


def count(scope: str, key: str) -> int:
    """How many events `key` has in its current window."""
    return int(cache.get(_key(scope, key)) or 0)
