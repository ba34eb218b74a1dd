"""If the database fails while a form is being saved, show the user what they typed.

The error page must not touch the database (it is what failed), so it is rendered without
context processors, and it re-posts the same fields to the same URL once the user retries.
Uploaded files cannot be kept this way; the page says so.
"""

import logging

from auditlog.middleware import AuditlogMiddleware as _AuditlogMiddleware
from django.db import DatabaseError
from django.http import HttpResponse
from django.template.loader import get_template

from ita_portal.client_ip import client_ip

logger = logging.getLogger(__name__)

HIDDEN_FIELDS = {"csrfmiddlewaretoken"}


class DatabaseErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DatabaseError) or request.method != "POST":
            return None
        logger.exception("database error while saving %s", request.path)
        fields = [(name, value) for name in request.POST for value in request.POST.getlist(name)]
        html = get_template("503_database.html").render(
            {
                "action": request.path,
                "hidden": [(n, v) for n, v in fields if n in HIDDEN_FIELDS],
                "fields": [(n, v) for n, v in fields if n not in HIDDEN_FIELDS],
                "had_files": bool(request.FILES),
            }
        )
        response = HttpResponse(html, status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response


class AuditlogMiddleware(_AuditlogMiddleware):
    """django-auditlog's middleware, reading the client IP past our trusted proxies only.

    The stock one takes the first X-Forwarded-For entry, which the client can write itself.
    """

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)


class RejectUnusableInputMiddleware:
    """400 (Thai) for a request whose address or fields hold a NUL character.

    NUL means nothing in any text a person types, and PostgreSQL refuses it in text: a NUL in an
    organisation code in the path (`/organisations/%00/`) or in a search reached the database
    and answered 500 (SQLite accepts it, so only a PostgreSQL run shows it). Refused here, once,
    before any view (or form) sees it, and after the size check (an oversize body is never read). Lone surrogates cannot arrive: Django decodes the path
    and the fields as UTF-8 with replacement.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # After RequestSizeMiddleware's process_view: an oversize body is refused unread first.
        if self._has_nul(request):
            from django.shortcuts import render

            logger.info("request refused: a NUL character in its address or fields")
            return render(request, "400.html", status=400)
        return None

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path_info:
            return True
        sources = [request.GET]
        if request.method == "POST":
            sources.append(request.POST)  # the CSRF check parses it next anyway
        return any(
            "\x00" in key or any("\x00" in value for value in values)
            for source in sources
            for key, values in source.lists()
        )
