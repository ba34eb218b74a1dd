"""The dashboard's board is cached per scope, query and day under a version that every
written status row bumps: a change shows at the next request after its row is refreshed, and
20 officers on the same view cost one render."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

VERSION_KEY = "oversight:statuses:version"
#: At most this old, whatever the version (the waiting-days column moves with the clock).
BOARD_SECONDS = 300


def status_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Seeded from the clock, so a version lost from the cache never reuses an old number.
        cache.add(VERSION_KEY, int(time.time() * 1000), None)
        version = cache.get(VERSION_KEY) or 0
    return version


def bump_status_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there (expired, flushed): a new seed is a new version
        status_version()


def board_key(scope_signature: str, query: str, day) -> str:
    raw = f"{status_version()}|{scope_signature}|{query}|{day.isoformat()}"
    return "oversight:board:" + hashlib.sha256(raw.encode()).hexdigest()


def board_get(key: str) -> str | None:
    return cache.get(key)


def board_set(key: str, html: str) -> None:
    cache.set(key, html, BOARD_SECONDS)
