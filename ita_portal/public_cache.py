"""The versions of what the public site shows, and the hook that warms pages after a change.

Public pages are cached whole (public.cache). Each entry is kept with the versions it was made
under, and is served only while they are current:

  * the global version (`public:version`): every page. A catalogue edit, a national score import
    or an OIT change bumps it, and every cached page is retired at once;
  * one scope version per page: `public:version:org:<code>` for the pages of one organisation
    (everything under /p/<code>/), and `public:version:lists` for the pages that list
    organisations (the directory and its search, /p/).

A publication, a withdrawal, an import that touches a few organisations or an edit of one
organisation bumps only those organisations' versions and the lists'
(`bump_organisations`): the other organisations' pages stay cached. At national scale (8,300
organisations) one agency's publication no longer turns every page of the site into a miss.

Every version is seeded from the clock when it is missing, so a version lost from the cache
never reuses an old number (a scope's version seeded by a visit expires after a day, so that
requests for made-up codes leave nothing behind). This module imports no app: the public app registers the warmer
(`WARMERS`) that renders the affected pages again once the change is committed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "public:version"
LISTS_KEY = "public:version:lists"
# Beyond this many organisations one change bumps the global version instead of each one's
# (a national import: one write instead of thousands; every page goes, as before).
MAX_SCOPED = 500

# Called once a change is committed, with the organisations whose pages it changed (their
# codes). Filled by the public app at start-up (public.apps): render the pages again.
WARMERS: list[Callable[[list[str]], None]] = []


def organisation_key(code: str) -> str:
    return f"public:version:org:{code}"


# A scope's version first read by a visit expires after a day: /p/<any code>/ must not leave a
# key behind forever. Losing one is harmless: it is seeded again from the clock, a larger number
# than any it had, so the pages cached under the old one are misses.
SEEDED_SCOPE_SECONDS = 24 * 3600


def _seed(key: str, timeout: int | None = None) -> int:
    # Start from the clock, so a version lost from the cache never reuses an old number.
    cache.add(key, int(time.time() * 1000), timeout)
    return cache.get(key) or 0


def public_version() -> int:
    version = cache.get(VERSION_KEY)
    return _seed(VERSION_KEY) if version is None else version


def public_versions_and(scope: str, key: str) -> tuple[tuple[int, int], object | None]:
    """(global version, `scope`'s version) and the entry cached under `key`, read together: one
    round trip to Redis (two more, once, when a version is missing)."""
    found = cache.get_many([VERSION_KEY, scope, key])
    version, scoped = found.get(VERSION_KEY), found.get(scope)
    if version is None:
        version = _seed(VERSION_KEY)
    if scoped is None:
        scoped = _seed(scope, SEEDED_SCOPE_SECONDS)
    return (version, scoped), found.get(key)


def _incr(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, int(time.time() * 1000), None)


def _bump(keys: Iterable[str]) -> None:
    for key in keys:
        _incr(key)


def _twice(keys: list[str]) -> None:
    """Now (this request) and again at commit, so a page cached in between is dropped too."""
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def bump_public_version() -> None:
    """Every public page: a change that shows on pages of many organisations."""
    _twice([VERSION_KEY])


def bump_lists() -> None:
    """The pages that list organisations (the directory, the province and district pages)."""
    _twice([LISTS_KEY])


def bump_organisations(codes: Iterable[str], *, warm: bool = True) -> None:
    """The pages of these organisations and the pages that list organisations; then, once the
    change is committed, the registered warmers render the organisations' pages again (unless
    `warm` is false). More than MAX_SCOPED organisations bump the global version instead."""
    codes = sorted(set(codes))
    if not codes:
        return
    if len(codes) > MAX_SCOPED:
        _twice([VERSION_KEY])
    else:
        _twice([LISTS_KEY, *(organisation_key(code) for code in codes)])
    if warm and WARMERS:
        for warmer in WARMERS:
            # robust: a page that fails to render is logged, never the change's failure.
            transaction.on_commit(lambda warmer=warmer: warmer(codes), robust=True)
