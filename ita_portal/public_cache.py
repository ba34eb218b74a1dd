"""The version of everything the public site shows.

Public pages are cached whole (public.cache); anything that changes what they show (a
publication, a withdrawal, imported scores, a catalogue or organisation edit) bumps this version,
which retires every cached page at once. It lives here because organisations, assessments and
reports all bump it.
"""

import time

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "public:version"


def public_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Start from the clock, so a version lost from the cache never reuses an old number.
        cache.add(VERSION_KEY, int(time.time() * 1000), None)
        version = cache.get(VERSION_KEY) or 0
    return version


def public_version_and(key: str) -> tuple[int, object | None]:
    """The version and the entry cached under `key`, read together (one round trip to Redis)."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    return (public_version() if version is None else version), found.get(key)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, int(time.time() * 1000), None)


def bump_public_version() -> None:
    """Now (this request) and again at commit, so a page cached in between is dropped too."""
    _bump()
    transaction.on_commit(_bump)
