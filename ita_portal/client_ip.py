"""The client's IP address behind our reverse proxies (login lockout and the audit trail)."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address, as seen past TRUSTED_PROXY_COUNT reverse proxies.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the client is the
    TRUSTED_PROXY_COUNT-th entry from the right; anything further left is what the client
    claimed and is ignored. Used for per-IP login lockout.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    return forwarded[-count] if len(forwarded) >= count else remote_addr
