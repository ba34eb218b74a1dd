"""Every page, for every persona, on a phone and on a desktop, in Thai (issue 16).

The pages are not a list someone remembered: the crawler (tests/crawler.py) collects, on the
demo, every page each persona can reach from the portal's own links (one page per URL name).
Chromium then opens each at 390×844 and at 1366×900 and fails on:
- a page wider than the screen (wide tables scroll inside their own box; charts scale down);
- a console error or an uncaught script error;
- visible English outside an allow-list (codes such as i1/o27, ITA/IIT/EIT/OIT, file names,
  URLs, the demo's usernames).
axe-core (axe-playwright-python) checks each persona's pages for serious or critical
accessibility violations. The Django admin pages the central admin reaches get the same layout,
console and Thai checks; axe checks the portal's own pages (the admin's widgets are Django's).
"""

from __future__ import annotations

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from tests.crawler import crawl

from .conftest import PHONE

DESKTOP_WIDE = {"width": 1366, "height": 900}
PERSONAS = ("anonymous", "staff", "approver", "orgadmin", "deputy", "central", "province")

# Latin words a Thai page may show: names of the assessment and its tools, file formats,
# units, and words the NACC's own forms use in English.
ALLOWED_WORDS = {
    "ITA",
    "ITAS",
    "IIT",
    "EIT",
    "OIT",
    "NACC",
    "PDF",
    "Word",
    "Excel",
    "URL",
    "HTML",
    "CSV",
    "MB",
    "KB",
    "PNG",
    "JPEG",
    "JPG",
    "GIF",
    "WebP",
    "OpenDocument",
    "Text",
    "Spreadsheet",
    "docx",
    "xlsx",
    "xls",
    "ods",
    "odt",
    "doc",
    "pdf",
    "TOTP",
    "SHA",
    "Google",
    "Authenticator",
    "Microsoft",
    "LINE",
    "QR",
    "OA",  # LINE OA, as Thai users call a LINE Official Account
    "output",
    "outcome",
    "Integrity",
    "and",
    "Transparency",
    "Assessment",
    "ITA Portal",
    "Portal",
    "https",
    "http",
    "www",
    "org_name",
    "Sarabun",
    "SarabunPSK",  # the font Word files name (TH SarabunPSK)
    "Authy",
    "Apps",
    "OTP",
    "Bootstrap",
    "FreeOTP",
    "Ctrl",
    "Command",
    "Mac",
    # English in the NACC's own item texts (No Gift Policy, e-Service, Social Network), which the
    # admin lists in its item pickers.
    "Gift",
    "GIFT",
    "Policy",
    "POLICY",
    "Service",
    "SERVICE",
    "Social",
    "Network",
}
# The demo's usernames and e-mail addresses are data, not UI text.
DEMO_WORDS = {
    "staff",
    "approver",
    "orgadmin",
    "mayor",
    "deputy",
    "central",
    "province",
    "example",
    "invalid",
}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
# Text that is data, never UI: URLs, e-mail addresses, file names, item and document codes.
DATA = re.compile(
    r"(?:https?|otpauth)://\S+|\S+@\S+|\b[a-z]+_[a-z_]+\b|[\w\-.]+\.(?:pdf|docx?|xlsx?|ods|odt|png|jpe?g|gif|webp|html|json)\b"
    r"|\b[ieo]\d+\b|\b[A-Z]{1,3}\d+\b|\bround-\d+\b|[\w-]+/[\w/-]+|\{\w+\}",
    re.IGNORECASE,
)

VISIBLE_TEXT = """() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode;
        const el = node.parentElement;
        if (!el || el.closest("script, style, code, pre, kbd, textarea, .font-monospace")) continue;
        // Official and user-written content (item texts, measures, frozen documents) is marked
        // translate="no": it is data, in whatever language its author wrote it.
        const marked = el.closest("[translate]");
        if (marked && marked.getAttribute("translate") === "no") continue;
        const style = getComputedStyle(el);
        if (style.display === "none" || style.visibility === "hidden") continue;
        if (!el.getClientRects().length) continue;
        const text = node.textContent.trim();
        if (text) out.push(text);
    }
    for (const el of document.querySelectorAll("input[placeholder], textarea[placeholder]")) {
        out.push(el.getAttribute("placeholder"));
    }
    for (const el of document.querySelectorAll("[aria-label], img[alt]")) {
        out.push(el.getAttribute("aria-label") || el.getAttribute("alt") || "");
    }
    return out;
}"""


def english_words(texts: list[str]) -> set[str]:
    words = set()
    for text in texts:
        for word in LATIN_WORD.findall(DATA.sub(" ", text)):
            if word not in ALLOWED_WORDS and word.lower() not in DEMO_WORDS and len(word) > 2:
                words.add(word)
    return words


@pytest.fixture
def demo(time_machine):
    time_machine.move_to("2026-12-06 09:00+07:00", tick=True)
    debug, settings.DEBUG = settings.DEBUG, True
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    settings.DEBUG = debug


def _pages_for(persona: str) -> tuple[Client, list[str]]:
    client = Client()
    if persona != "anonymous":
        client.force_login(get_user_model().objects.get(username=persona))
    starts = ["/", "/p/"] if persona == "anonymous" else ["/", "/dashboard/", "/p/"]
    if persona == "central":
        starts.append("/admin/")
    result = crawl(client, starts, per_name=1, max_pages=150)
    return client, result.visited


def _open(journey, client, viewport):
    page = journey.open(viewport=viewport)
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if session is not None:
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.value,
                    "url": journey.base_url,
                }
            ]
        )
    return page


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_fits_a_phone_and_a_desktop_and_speaks_thai(journey, demo, persona):
    client, urls = _pages_for(persona)
    assert len(urls) >= 10, urls
    problems: list[str] = []
    axe = Axe()
    for viewport in (PHONE, DESKTOP_WIDE):
        page = _open(journey, client, viewport)
        for url in urls:
            try:
                response = page.goto(url)
            except PlaywrightError:  # a download (evidence files): not a page
                continue
            if (
                response is None
                or response.status >= 400
                or "text/html" not in response.headers.get("content-type", "")
            ):
                continue  # statuses are the crawler's business (tests/test_crawl.py)
            width = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            if width > 0:
                journey.shot(page, f"wide-{viewport['width']}")
                problems.append(f"{viewport['width']}px {url}: {width}px wider than the screen")
            bar = page.evaluate("() => document.querySelector('nav.navbar')?.offsetHeight || 0")
            if viewport is DESKTOP_WIDE and bar > 80:
                journey.shot(page, "tall-bar")
                problems.append(f"1366px {url}: the top bar is {bar}px tall (a label wrapped)")
            if viewport is PHONE:
                english = english_words(page.evaluate(VISIBLE_TEXT))
                if english:
                    problems.append(f"{url}: English on the page: {sorted(english)[:12]}")
            elif not url.startswith("/admin/"):
                # The portal's own pages; Django's admin widgets (tabular inlines without a
                # label per cell, the item picker) are Django's markup and are not checked.
                serious = [
                    f"{v['id']} ({len(v['nodes'])}×)"
                    for v in axe.run(page).response["violations"]
                    if v["impact"] in {"serious", "critical"}
                ]
                if serious:
                    problems.append(f"{url}: accessibility: {serious}")
    problems += journey.problems
    journey.problems.clear()
    assert problems == [], f"{persona}:\n" + "\n".join(problems)


def test_the_checks_catch_planted_defects(journey, live_server):
    """The checker itself: a page wider than a phone, English UI text and an image without
    alternative text are each reported."""
    page = journey.open(viewport=PHONE)
    page.goto("/help/")
    page.evaluate(
        """() => {
            const wide = document.createElement("div");
            wide.style.width = "900px";
            wide.textContent = "Submit your report";
            document.querySelector("main").append(wide);
            const img = document.createElement("img");
            img.src = "/static/img/none.png";
            document.querySelector("main").append(img);
        }"""
    )
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") > 0
    assert {"Submit", "your", "report"} <= english_words(page.evaluate(VISIBLE_TEXT))
    assert english_words(["ข้อ o27 และ i1 ของ ITA ไฟล์ hr-plan-2568.pdf https://x.go.th/a"]) == set()
    violations = {v["id"] for v in Axe().run(page).response["violations"]}
    assert "image-alt" in violations
    journey.problems.clear()  # the planted image's 404 is part of the plant
