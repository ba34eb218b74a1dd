"""The public site's HTTP cache: validators (ETag, Last-Modified), 304s, and the page cache.

Every public page is the same for every anonymous visitor, so the whole response is kept in the
shared cache (Redis in production) under its path, with the versions it was made under
(`ita_portal.public_cache`): the global one and its scope's (its organisation's, or the lists'),
so a change to one organisation retires only its pages and the directory.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date

from ita_portal.public_cache import LISTS_KEY, organisation_key, public_versions_and
from publication.models import Publication

PUBLICATION_STORAGE = Publication._meta.get_field("pdf").storage

PUBLIC_CACHE_SECONDS = 600
# Headers a cached response keeps; Content-Length is worked out again from the body or file.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    # A stored file's own protections must survive a cache hit (the sandbox of frozen evidence).
    "X-Content-Type-Options",
    "Content-Security-Policy",
)


def cached_public(view):
    """Serve a public page from the shared cache while the versions it was made under are current.

    Public pages are the same for every anonymous visitor (no user, no form), so the whole
    response is kept, under its path, with the versions it was made under: the global one and
    its scope's, the organisation's (`code` in the URL) or the lists' (the directory). A hit is
    one cache round trip (the versions and the entry together) and no database query. A response
    that streams a stored file (the PDFs) keeps the file's storage name instead of its bytes,
    and a hit streams the file again.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # Only what every anonymous visitor sees alike: no user menu, no flash messages. Without
        # a session cookie nobody is signed in, so the user is looked at only after that check.
        if (
            request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            or request.COOKIES.get("messages")
            or request.user.is_authenticated
        ):
            return view(request, *args, **kwargs)
        key = page_key(request.get_full_path())
        scope = organisation_key(kwargs["code"]) if "code" in kwargs else LISTS_KEY
        version, entry = public_versions_and(scope, key)
        if entry is not None and entry[0] == version:
            response = _from_entry(request, entry)
            if response is not None:
                return response
        response = view(request, *args, **kwargs)
        entry = _to_entry(version, response)
        if entry is not None:
            cache.set(key, entry, PUBLIC_CACHE_SECONDS)
        return response

    return wrapper


def page_key(full_path: str) -> str:
    """A digest of the address: bounded whatever its length (Thai paths percent-encode to three
    times theirs; memcached refuses keys over 250 characters)."""
    return "public:page:" + hashlib.sha256(full_path.encode()).hexdigest()


def _to_entry(version: tuple[int, int], response) -> tuple | None:
    """(version, status, headers, body, stored file name), or None for what is not kept."""
    if response.status_code not in (200, 404, 410):
        return None
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    if not response.streaming:
        return (version, response.status_code, headers, response.content, None)
    stored = getattr(response, "stored_file", None)
    return None if stored is None else (version, response.status_code, headers, None, stored)


def _from_entry(request, entry: tuple) -> HttpResponse | None:
    _, status, headers, content, stored = entry
    if headers.get("ETag") and not_modified(request, headers["ETag"]):
        return not_modified_response(headers)
    if stored is None:
        response = HttpResponse(content, status=status)
    else:
        try:
            response = FileResponse(PUBLICATION_STORAGE.open(stored), status=status)
        except FileNotFoundError:
            return None  # the view decides (and logs) what a missing stored file means
        response.stored_file = stored
    for name, value in headers.items():
        response[name] = value
    return response


def not_modified(request, etag: str) -> bool:
    if_none_match = request.headers.get("If-None-Match", "")
    return etag in [tag.strip() for tag in if_none_match.split(",")] if if_none_match else False


def not_modified_response(headers) -> HttpResponseNotModified:
    # A 304 repeats the validators and caching rules the 200 would have sent (RFC 9110 15.4.5).
    response = HttpResponseNotModified()
    for name in ("ETag", "Last-Modified", "Cache-Control"):
        if name in headers:
            response[name] = headers[name]
    return response


def validators(etag: str, modified) -> dict[str, str]:
    return {
        "ETag": etag,
        "Last-Modified": http_date(modified.timestamp()),
        "Cache-Control": "public, max-age=300",
    }


def cache_headers(response: HttpResponse, etag: str, modified) -> HttpResponse:
    for name, value in validators(etag, modified).items():
        response[name] = value
    return response
