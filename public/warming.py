"""Warming: render the public pages a change affected, so that a citizen's first visit is a hit.

A publication, a withdrawal or a score import retires the cached pages of the organisations it
touched (ita_portal.public_cache). Once it is committed, `warm_enqueue` queues
`public.tasks.warm_public_pages` in chunks of PUBLIC_WARM_CHUNK organisations (a national import
is many small tasks, never one giant one). Each task requests every page of its organisations
that their public page links (`organisation_paths`) through the same handler and middleware as a
visitor's request, anonymously, so the page cache (public.cache.cached_public) stores exactly
what a visitor would have been given.

With a local-memory cache (the embedded default, no REDIS_URL) the cache is the serving
process's own: tasks run inline there (CELERY_TASK_ALWAYS_EAGER), so a publication warms the
pages in that process. Warming is skipped when it would only fill another process's memory (a
worker with a broker but no shared cache), and for more than PUBLIC_WARM_LOCAL_MAX organisations
(a local-memory cache keeps 300 entries: a large import would only churn it, inline).
"""

from __future__ import annotations

import contextvars
import logging
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.http.request import validate_host
from django.urls import reverse

from publication.models import Publication

logger = logging.getLogger(__name__)

CHUNK = 50  # organisations per task (PUBLIC_WARM_CHUNK)
LOCAL_MAX = 20  # organisations warmed at most with a local-memory cache (PUBLIC_WARM_LOCAL_MAX)


def chunk_size() -> int:
    return max(1, getattr(settings, "PUBLIC_WARM_CHUNK", CHUNK))


def warming_useful(count: int) -> bool:
    """Would warming `count` organisations' pages reach the cache visitors are served from?"""
    if getattr(settings, "PUBLIC_WARM", True) is False:
        return False
    if not isinstance(caches["default"], LocMemCache):
        return True  # shared (Redis): every worker serves what any process stored
    eager = getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
    return eager and count <= getattr(settings, "PUBLIC_WARM_LOCAL_MAX", LOCAL_MAX)


def warm_enqueue(codes: Iterable[str]) -> int:
    """Queue the warm-up of these organisations' pages, one task per chunk; the number of tasks."""
    from .tasks import warm_public_pages

    codes = sorted(set(codes))
    if not codes or not warming_useful(len(codes)):
        return 0
    size = chunk_size()
    chunks = [codes[start : start + size] for start in range(0, len(codes), size)]
    for n, chunk in enumerate(chunks):
        # The directory lists them: its first page once, with the first chunk.
        warm_public_pages.delay(chunk, directory=n == 0)
    return len(chunks)


def organisation_paths(codes: Iterable[str]) -> dict[str, list[str]]:
    """Each organisation's public page and the pages it links: each document (each round) as
    HTML and PDF, at the address the page links and at the kind's own address (pasted into ITAS;
    a withdrawn one gives its notice), the year's memo list and OIT list. One query for all."""
    codes = sorted(set(codes))
    paths: dict[str, list[str]] = {
        code: [reverse("public:organisation", args=[code])] for code in codes
    }
    rows = (
        Publication.objects.filter(organisation__code__in=codes, organisation__is_active=True)
        .order_by("organisation__code", "-fiscal_year", "kind", "variant")
        .values_list("organisation__code", "fiscal_year", "kind", "variant")
        .distinct()
    )
    for code, year, kind, variant in rows:
        found = paths[code]
        if kind == "memo":
            wanted = [reverse("public:memo_list", args=[code, year])]
        else:
            wanted = [
                reverse("public:document", args=[code, year, kind]),
                reverse("public:document_pdf", args=[code, year, kind]),
            ]
            if variant:
                wanted += [
                    reverse("public:document_variant", args=[code, year, kind, variant]),
                    reverse("public:document_variant_pdf", args=[code, year, kind, variant]),
                ]
        wanted.append(reverse("public:oit_index", args=[code, year]))
        found += [path for path in wanted if path not in found]
    return paths


@dataclass
class Warmed:
    pages: int = 0
    failed: int = 0
    seconds: float = 0.0


class _Handler(BaseHandler):
    """The project's middleware and URLs, without the request_started/finished signals (they
    would close the database connection of the request or task this runs in)."""

    def __init__(self):
        super().__init__()
        self.load_middleware()


_handler: _Handler | None = None


def _request(path: str) -> WSGIRequest:
    # The site's own name (pages show SITE_URL, never the request's host); another allowed name
    # if that one is not (a request with a refused Host is a 400, not a page).
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    if not validate_host(host, settings.ALLOWED_HOSTS):
        host = next(
            (h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")),
            host,
        )
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": host,
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "https",
        "wsgi.input": BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    # Internal and secure: not redirected to https (prod trusts the proxy's header for that).
    header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if header:
        environ[header[0]] = header[1]
    return WSGIRequest(environ)


def warm_paths(paths: Iterable[str]) -> Warmed:
    """Request each path as an anonymous visitor would; a page already cached and current costs
    one cache read. A page that fails is logged and counted, never raised."""
    global _handler
    if _handler is None:
        _handler = _Handler()
    warmed = Warmed()
    started = time.monotonic()
    for path in paths:
        try:
            # In a copy of the context: run inline inside another request (the embedded
            # default), the middleware's context (the audit log's actor, the language, the
            # URLconf) must not replace that request's.
            response = contextvars.copy_context().run(_handler.get_response, _request(path))
        except Exception:  # get_response turns a view's error into a 500; this is anything else
            logger.exception("warming %s failed", path)
            warmed.failed += 1
            continue
        stream = getattr(response, "file_to_stream", None)
        if stream is not None:
            stream.close()  # a PDF: the cache keeps its name; nothing is sent
        if response.status_code in (200, 404, 410):
            warmed.pages += 1
        else:
            logger.warning("warming %s: status %s", path, response.status_code)
            warmed.failed += 1
    warmed.seconds = time.monotonic() - started
    return warmed


def warm_organisations(codes: Iterable[str], *, directory: bool = False) -> Warmed:
    """Render and cache the public pages of these organisations (and the directory's first page)."""
    paths = [path for found in organisation_paths(codes).values() for path in found]
    if directory:
        paths.insert(0, reverse("public:directory"))
    return warm_paths(paths)
