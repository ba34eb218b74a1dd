"""Real-browser journeys: Playwright driving Debian's Chromium against a live server.

Each test gets its own data (transactional database) and its own browser, started against
pytest-django's live server on 127.0.0.1, which also serves /static/. Every step leaves a
screenshot in tests/e2e/artifacts/<journey>/<NN-step>.png (git-ignored).

No browser is ever downloaded: Chromium comes from Debian (`make e2e-deps`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = os.environ.get("ITA_E2E_CHROMIUM", "/usr/bin/chromium")
# The machine has no network: background networking, component updates and sync make
# Chromium wait for hosts it cannot reach.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PASSWORD = "pass-ทดสอบ-1234"  # tests/factories.py UserFactory's default
# Milliseconds: generous for PDF rendering on a 2-core machine, short enough to fail fast.
TIMEOUT_MS = 30_000


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "e2e: real-browser journey (Playwright + Debian's Chromium, live server)"
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture(scope="session")
def live_server(django_db_setup):
    """pytest-django's live server, always on 127.0.0.1 (serves /static/ via staticfiles).

    It needs the test database first, so that it stops (closing its thread's connection)
    before the database is dropped.
    """
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1"))
    yield server
    server.stop()


@pytest.fixture
def playwright_browser(monkeypatch):
    """Debian's Chromium, one per test.

    Playwright's sync API keeps an asyncio loop marked as running on this thread, so Django's
    async-safety check would refuse the test's own ORM calls; it is lifted for this test only
    (a browser per test keeps that loop out of the rest of the suite).
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make e2e-deps` (installs Debian's chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While the loop runs, Django keeps this thread's connections in a context variable
        # (asgiref's Local); close them here, or they outlive the test and PostgreSQL cannot
        # drop the test database at the end.
        connections.close_all()


@dataclass
class Journey:
    """A browser for one journey: opens pages for personas and numbers the screenshots."""

    name: str
    base_url: str
    browser: object
    folder: Path
    step: int = 0
    problems: list[str] = field(default_factory=list)
    contexts: list = field(default_factory=list)
    expected_errors: set[str] = field(default_factory=set)

    def open(self, viewport=DESKTOP, **options):
        """A fresh browser profile (its own cookies), as a different person's device."""
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport=viewport,
            locale="th-TH",
            timezone_id="Asia/Bangkok",
            accept_downloads=True,
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"JS error: {exc}"))
        page.on("response", self._response)
        return page

    def _console(self, message):
        # Pages a journey expects to fail (goto_expecting) log their status too. (/favicon.ico
        # answers: a missing icon is a console error on every PDF and admin page.)
        url = message.location.get("url", "")
        if message.type == "error" and url not in self.expected_errors:
            self.problems.append(f"console error on {message.location.get('url')}: {message.text}")

    def _response(self, response):
        if "/static/" in response.url and response.status >= 400:
            self.problems.append(f"{response.status} for {response.url}")

    def goto_expecting(self, page, path: str, status: int):
        """Open `path` and check its HTTP status (an error status is then no problem)."""
        self.expected_errors.add(self.base_url + path)
        response = page.goto(path)
        assert response.status == status, f"{path}: {response.status}"
        return response

    def shot(self, page, label: str) -> Path:
        """Screenshot of the whole page as <NN-label>.png."""
        self.step += 1
        path = self.folder / f"{self.step:02d}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        overflow = horizontal_overflow(page)
        if overflow:  # a page wider than the screen scrolls sideways, worst on a phone
            self.problems.append(f"{path.name}: page is {overflow}px wider than the viewport")
        return path

    def pdf_shot(self, pdf: Path, label: str) -> Path:
        """The PDF's first page as <NN-label>.png (poppler's pdftoppm), to look at."""
        self.step += 1
        path = self.folder / f"{self.step:02d}-{label}.png"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf)]
            + [str(path.with_suffix(""))],
            check=True,
        )
        return path

    def login(self, page, user, password: str = PASSWORD):
        page.goto("/accounts/login/")
        expect_styled(page)
        page.get_by_label("ชื่อผู้ใช้").fill(user.username)
        page.get_by_label("รหัสผ่าน").fill(password)
        self.shot(page, f"login-{user.username}")
        page.locator("main").get_by_role("button", name="เข้าสู่ระบบ").click()
        page.wait_for_url("**/dashboard/")
        expect(page.get_by_role("heading", name=re.compile("^สวัสดี"))).to_be_visible()

    def logout(self, page):
        # On a phone the menu has just been opened: let Bootstrap's collapse finish its
        # animation first (a click on a button still sliding in can be lost).
        page.locator(".collapsing").first.wait_for(state="detached")
        button = page.get_by_role("button", name="ออกจากระบบ")
        expect(button).to_be_visible()
        with page.expect_navigation(url=self.base_url + "/"):  # LOGOUT_REDIRECT_URL: home
            button.click()
        page.get_by_role("link", name="เข้าสู่ระบบ").first.wait_for()

    def assert_clean(self):
        """No static file failed, no JavaScript error, no CSP violation on any page, and no
        screenshot of a page wider than its viewport."""
        assert self.problems == []

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def journey(request, live_server, playwright_browser):
    name = request.node.name.removeprefix("test_")
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    j = Journey(name=name, base_url=live_server.url, browser=playwright_browser, folder=folder)
    yield j
    if getattr(request.node, "e2e_failed", False):
        # The page as it was when the journey failed, and its HTML, next to the steps.
        for n, context in enumerate(j.contexts):
            for m, page in enumerate(context.pages):
                stem = j.folder / f"failed-{n}{m}"
                page.screenshot(path=f"{stem}.png", full_page=True)
                stem.with_suffix(".html").write_text(page.content(), encoding="utf-8")
    j.close()


def expect_styled(page):
    """Bootstrap's CSS and the Sarabun web font came from /static/ and apply to the page."""
    state = page.evaluate(
        """async () => {
            await document.fonts.ready;
            const sheets = [...document.styleSheets].map(s => s.href || "");
            const probe = document.createElement("button");
            probe.className = "btn btn-primary";
            document.body.appendChild(probe);
            const colour = getComputedStyle(probe).backgroundColor;
            probe.remove();
            return {
                sheets,
                colour,
                sarabun: [...document.fonts].some(
                    f => f.family.replace(/"/g, "") === "Sarabun" && f.status === "loaded"
                ),
                font: getComputedStyle(document.body).fontFamily,
            };
        }"""
    )
    assert any("/static/bootstrap/css/bootstrap.min" in s for s in state["sheets"]), state
    assert state["colour"] == "rgb(13, 110, 253)", state  # Bootstrap 5's --bs-primary
    assert state["sarabun"] and state["font"].replace('"', "").startswith("Sarabun,"), state


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )


def pdf_text(path: Path) -> str:
    """The PDF's text as poppler reads it, NFC, with all whitespace removed (Thai wraps)."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    ).stdout.decode()
    return "".join(unicodedata.normalize("NFC", out).split())


def squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def tiny_pdf(path: Path) -> Path:
    """A valid one-page PDF (pypdf writes a correct xref table)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    with path.open("wb") as fh:
        writer.write(fh)
    return path
