"""The dashboard's board is cached per scope, query and day, and 20 officers on one view cost
one render.

Each cached board carries the versions it was rendered under: the country's, and its scopes'
provinces' or districts' (a status row that changes bumps its agency's country, province and
district versions; an edited agency bumps the register's epoch, which every board carries). A
board whose versions are current is served for up to BOARD_SECONDS; one whose versions have
moved is still served for STALE_SECONDS after it was rendered, so a country that changes a row
every second re-renders its national board at most once a minute, not on every request. The
board says when it was rendered ("ข้อมูล ณ …")."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

PREFIX = "oversight:statuses:version"
#: Bumped by any agency's save or delete (a rename or a move between provinces shows at once)
REGISTER_KEY = f"{PREFIX}:register"
COUNTRY_KEY = f"{PREFIX}:all"
#: At most this old, whatever the versions (the waiting-days column moves with the clock).
BOARD_SECONDS = 300
#: A board rendered under older versions is still served this long after its rendering.
STALE_SECONDS = 60


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def province_key(province: str) -> str:
    return f"{PREFIX}:p:{_digest(province)}"


def district_key(province: str, district: str) -> str:
    return f"{PREFIX}:d:{_digest(f'{province}/{district}')}"


def _seed() -> int:
    # Seeded from the clock, so a version lost from the cache never reuses an old number.
    return int(time.time() * 1000)


def versions(keys: list[str]) -> tuple[int, ...]:
    """The current versions of `keys` (one round trip when all are there)."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, _seed(), None)
            found[key] = cache.get(key) or 0
    return tuple(found[key] for key in keys)


def _bump(keys: list[str]) -> None:
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # not there (expired, flushed): a new seed is a new version
            cache.add(key, _seed(), None)


def bump_area(province: str, district: str) -> None:
    """An agency's status row changed: the boards of its country, province and district."""
    _bump([COUNTRY_KEY, province_key(province), district_key(province, district)])


def bump_register() -> None:
    """An agency was added, renamed, moved or removed: every board."""
    _bump([REGISTER_KEY])


def board_key(scope_signature: str, query: str, day) -> str:
    return "oversight:board:" + _digest(f"{scope_signature}|{query}|{day.isoformat()}")


def board_get(key: str, current: tuple[int, ...]) -> tuple[str, float] | None:
    """(html, rendered at) if the cached board may be served under the `current` versions."""
    entry = cache.get(key)
    if entry is None:
        return None
    rendered_versions, rendered_at, html = entry
    if rendered_versions == current or time.time() - rendered_at < STALE_SECONDS:
        return html, rendered_at
    return None


def board_set(key: str, current: tuple[int, ...], html: str, rendered_at: float) -> None:
    cache.set(key, (current, rendered_at, html), BOARD_SECONDS)
