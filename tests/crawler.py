"""A same-site crawler for the test client: every link and GET form a page offers is followed.

It answers one question per persona: does the portal ever offer something that then fails?
A link the portal printed that answers 403 or 404, or any page that answers 500 (or raises), is a
problem. Downloads (PDF, Word, Excel) are listed but not fetched: their statuses are covered by
the URL access table, and rendering each is slow.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urlencode, urljoin, urlsplit

from django.urls import Resolver404, resolve

SKIPPED_PREFIXES = ("/static/", "/media/", "/accounts/logout/", "/i18n/")
DOWNLOAD_SUFFIXES = (".pdf", ".docx", ".xlsx", ".csv", ".zip", ".png", ".jpg", ".svg")
OK_STATUSES = {200, 301, 302, 304, 410}


class _Page(HTMLParser):
    """The links (a[href]) and GET forms (with their default values) of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._form: tuple[str, list[tuple[str, str]]] | None = None
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            if (a.get("method") or "get").lower() == "get":
                self._form = (a.get("action") or "", [])
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self._form[1].append((a["name"], a.get("value") or ""))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select, self._select_value = a["name"], None
        elif (
            self._select is not None
            and tag == "option"
            and (self._select_value is None or "selected" in a)
        ):
            self._select_value = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select" and self._form is not None and self._select is not None:
            self._form[1].append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


@dataclass
class CrawlResult:
    visited: list[str] = field(default_factory=list)
    downloads: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def _url_name(path: str) -> str:
    try:
        match = resolve(unquote(path))
    except Resolver404:
        return f"unresolved:{path}"
    return match.view_name


def crawl(client, starts, *, max_depth: int = 4, per_name: int = 3, max_pages: int = 400):
    """Breadth-first from `starts`; each URL name is visited at most `per_name` times (different
    objects of one page type behave alike), so the crawl stays bounded on any data."""
    result = CrawlResult()
    seen: set[str] = set()
    per_view: dict[str, int] = {}
    queue = deque((url, None, 0) for url in starts)
    while queue and len(result.visited) < max_pages:
        url, source, depth = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        if path.endswith(DOWNLOAD_SUFFIXES) or "/pdf/" in path or "format=" in url:
            result.downloads.add(url)
            continue
        name = _url_name(path)
        if name.startswith("unresolved:") and source is not None:
            result.problems.append(f"404 {url} (ลิงก์จาก {source}: ไม่มีเส้นทางนี้)")
            continue
        if per_view.get(name, 0) >= per_name:
            continue
        per_view[name] = per_view.get(name, 0) + 1
        try:
            response = client.get(url)
        except Exception as exc:  # the test client re-raises a view's exception: a 500
            result.problems.append(f"500 {url} (จาก {source}): {type(exc).__name__}: {exc}")
            continue
        result.visited.append(url)
        status = response.status_code
        if status not in OK_STATUSES:
            result.problems.append(f"{status} {url} (ลิงก์จาก {source or 'จุดเริ่มต้น'})")
            continue
        if status in {301, 302}:
            target = urljoin(url, response["Location"])
            if urlsplit(target).netloc in {"", "testserver"}:
                queue.append((urlsplit(target)._replace(scheme="", netloc="").geturl(), url, depth))
            continue
        if depth >= max_depth or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode(errors="replace"))
        found = list(page.links)
        for action, fields in page.forms:
            target = action or path
            found.append(f"{target}?{urlencode(fields)}" if fields else target)
        for href in found:
            absolute = urljoin(url, href.strip())
            parts = urlsplit(absolute)
            if parts.scheme not in {"", "http"} or parts.netloc not in {"", "testserver"}:
                continue
            local = parts._replace(scheme="", netloc="", fragment="").geturl()
            if not local.startswith("/") or local.startswith(SKIPPED_PREFIXES):
                continue
            if local not in seen:
                queue.append((local, url, depth + 1))
    return result
