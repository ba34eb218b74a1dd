"""Upload limits that people see before they wait: each upload field says its limit and types,
the browser refuses an oversize file before sending it (static/js/portal.js reads the field's
`data-max-bytes`), and the server refuses an oversize request before reading its body
(`RequestSizeMiddleware`, from the view's `max_request_bytes`)."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

MB = 1024 * 1024
# Forms without files: the body of the largest text form, with room to spare.
DEFAULT_MAX_REQUEST_BYTES = 6 * MB


def size_label(size: int) -> str:
    """ "20 MB", "1.5 MB", "800 KB" (Thai readers use these Latin units)."""
    if size >= MB:
        value = size / MB
        return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def max_request_bytes(limit: int):
    """Let a view take a request body up to `limit` bytes (files included)."""

    def decorate(view):
        view.max_request_bytes = limit
        return view

    return decorate


def file_input_attrs(*, max_bytes: int, accept: str, total_bytes: int | None = None) -> dict:
    """Attributes of a file input the browser checks before sending (portal.js)."""
    attrs = {
        "accept": accept,
        "data-max-bytes": str(max_bytes),
        "data-max-label": size_label(max_bytes),
    }
    if total_bytes:
        attrs["data-total-bytes"] = str(total_bytes)
        attrs["data-total-label"] = size_label(total_bytes)
    return attrs


class RequestSizeMiddleware:
    """413 (Thai) for a body larger than the view accepts, decided from Content-Length before
    anything reads the body (it runs before the CSRF check, which would read it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = getattr(view_func, "max_request_bytes", None) or getattr(
            settings, "MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES
        )
        if length <= limit:
            return None
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = "/"
        return render(
            request,
            "413.html",
            {"size": size_label(length), "limit": size_label(limit), "back": back},
            status=413,
        )


def zip_expanded_size(content: bytes, cap: int) -> int:
    """The bytes a zip archive (.xlsx, .ods, .docx) expands to, **measured by decompressing it**
    (not the sizes its directory declares, which a crafted file can understate), stopping as
    soon as more than `cap` came out. A result above `cap` means "too big" (the exact size is
    not known then). Raises what zipfile raises for a damaged archive."""
    import io
    import zipfile

    total = 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            with archive.open(info) as member:
                while chunk := member.read(1024 * 1024):
                    total += len(chunk)
                    if total > cap:
                        return total
    return total
