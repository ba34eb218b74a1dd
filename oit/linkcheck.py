"""Checking that OIT evidence links answer, without becoming a tool for server-side request forgery.

Every hop (the URL and each redirect) is resolved first and refused unless every address it
resolves to is public (`ipaddress.is_global`), or its host:port is listed in
`LINKCHECK_ALLOWED_PRIVATE` (tests list their local server there). The connection then goes to the
address that was checked, never to a second DNS answer (no rebinding between check and connect).
Redirects are followed by hand, at most `MAX_REDIRECTS`, each hop checked again.

HEAD first; servers that refuse HEAD (405/501, or 403/404 on HEAD only) get a GET whose body is
not read beyond the first bytes.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 5
USER_AGENT = "ITA-Portal-LinkCheck/1.0 (+OIT evidence check)"


@dataclass(frozen=True)
class LinkResult:
    ok: bool
    message: str  # Thai, shown on the board
    status: int | None = None
    final_url: str = ""


class Refused(Exception):
    pass


def _allowed_private() -> set[str]:
    return set(getattr(settings, "LINKCHECK_ALLOWED_PRIVATE", ()))


def _resolve(host: str, port: int) -> str:
    """The address to connect to, after checking that every answer is public (or allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused(f"ไม่พบชื่อโดเมน “{host}”") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise Refused(f"ไม่พบชื่อโดเมน “{host}”")
    if f"{host}:{port}" in _allowed_private():
        return addresses[0]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise Refused(f"ไม่ตรวจลิงก์ที่ชี้ไปยังที่อยู่ภายใน ({host} → {address}) เพื่อความปลอดภัยของระบบ")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, address, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, address, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _request(url: str, method: str, timeout: float) -> tuple[int, str | None]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("ลิงก์ต้องขึ้นต้นด้วย http:// หรือ https://")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _resolve(parts.hostname, port)
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(
            parts.hostname,
            address,
            port=port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        connection = _PinnedHTTPConnection(parts.hostname, address, port=port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request(
            method, path, headers={"User-Agent": USER_AGENT, "Accept": "*/*", "Connection": "close"}
        )
        response = connection.getresponse()
        if method == "GET":
            response.read(1024)
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def check_url(url: str, *, timeout: float | None = None) -> LinkResult:
    timeout = timeout or getattr(settings, "LINKCHECK_TIMEOUT", 10)
    current = url
    try:
        for _ in range(MAX_REDIRECTS + 1):
            status, location = _request(current, "HEAD", timeout)
            if status in (403, 404, 405, 501) or status >= 500:
                status, location = _request(current, "GET", timeout)
            if status in (301, 302, 303, 307, 308) and location:
                current = urljoin(current, location)
                continue
            if 200 <= status < 300:
                return LinkResult(True, f"ใช้งานได้ (HTTP {status})", status, current)
            if status == 404:
                return LinkResult(False, "ไม่พบหน้านี้ (HTTP 404)", status, current)
            return LinkResult(False, f"เว็บไซต์ตอบกลับด้วยรหัส HTTP {status}", status, current)
        return LinkResult(False, f"ถูกเปลี่ยนเส้นทางเกิน {MAX_REDIRECTS} ครั้ง", None, current)
    except Refused as exc:
        return LinkResult(False, str(exc), None, current)
    except TimeoutError:
        return LinkResult(False, f"เว็บไซต์ไม่ตอบภายใน {timeout:g} วินาที", None, current)
    except ssl.SSLError as exc:
        return LinkResult(False, f"ใบรับรองความปลอดภัย (HTTPS) ไม่ถูกต้อง: {exc.reason}", None, current)
    except (OSError, http.client.HTTPException) as exc:
        return LinkResult(False, f"เชื่อมต่อเว็บไซต์ไม่ได้ ({exc.__class__.__name__})", None, current)


class RateLimiter:
    """At most one request per `interval` seconds to the same host (agencies' sites are small)."""

    def __init__(self, interval: float, clock=time.monotonic, sleep=time.sleep):
        self.interval = interval
        self.clock, self.sleep = clock, sleep
        self.last: dict[str, float] = {}

    def wait(self, url: str) -> None:
        host = (urlsplit(url).hostname or "").lower()
        now = self.clock()
        due = self.last.get(host, -self.interval) + self.interval
        if due > now:
            self.sleep(due - now)
            now = due
        self.last[host] = now
