"""The user guide's screenshots (docs/user-guide.md), taken from the demo in Chromium.

Every run takes them into tests/e2e/artifacts/guide_images/ and checks each page as the guide
describes it; `make guide-images` (ITA_GUIDE_IMAGES=docs/images) also writes them over the
guide's own images, so the guide shows the portal as it is.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from approvals.models import Memo, MemoStatus
from organisations.models import Organisation
from publication.models import Publication

from .conftest import PHONE
from .test_every_page import demo  # noqa: F401  (the demo on 6 Dec 2569 BE)

DESKTOP = {"width": 1280, "height": 800}
#: guide images rendered from a PDF, not a browser (tests/documents/test_survey_poster.py)
PDF_IMAGES = {"survey-poster.png"}
GUIDE_DIR = Path(settings.BASE_DIR) / "docs" / "user-guide.md"


def _page_for(journey, username: str | None, viewport):
    page = journey.open(viewport=viewport)
    if username:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": journey.base_url}]
        )
    return page


def _guide_images() -> list[tuple[str, str]]:
    """(file name, alt text) of every image the guide shows."""
    text = GUIDE_DIR.read_text(encoding="utf-8")
    return [(m.group(2), m.group(1)) for m in re.finditer(r"!\[([^\]]*)\]\(images/([^)]+)\)", text)]


def test_the_guides_screenshots(journey, demo):  # noqa: F811
    org = Organisation.objects.get(code="6301401")
    waiting = (
        Memo.objects.filter(organisation=org, status=MemoStatus.IN_REVIEW).order_by("pk").first()
    )
    published = (
        Publication.objects.filter(organisation=org, withdrawn_at__isnull=True)
        .exclude(kind="memo")
        .order_by("-fiscal_year", "kind")
        .first()
    )
    assert waiting and published, "the demo has a memo waiting and a published report"
    year = 2570
    shots = {
        # file: (user, viewport, path, a heading the page must show)
        "staff-dashboard-phone.png": ("staff", PHONE, "/dashboard/", "สวัสดี"),
        "staff-measure-list.png": (
            "staff",
            DESKTOP,
            reverse("measures:measure_list", args=[org.code, year]),
            "มาตรการ",
        ),
        "staff-oit-board.png": (
            "staff",
            DESKTOP,
            reverse("oit:board", args=[org.code, year]),
            "OIT",
        ),
        "approver-memo.png": (
            "approver",
            DESKTOP,
            reverse("approvals:memo_detail", args=[org.code, waiting.pk]),
            "บันทึกข้อความ",
        ),
        "public-report.png": (
            None,
            DESKTOP,
            reverse(
                "public:document_revision",
                args=[org.code, published.fiscal_year, published.kind, published.revision],
            ),
            published.title[:20],
        ),
    }
    # Every image the guide shows is taken here, and nothing the guide does not show.
    assert {name for name, _ in _guide_images()} == set(shots) | PDF_IMAGES
    folder = journey.folder
    target = os.environ.get("ITA_GUIDE_IMAGES")
    for name, (username, viewport, path, heading) in shots.items():
        page = _page_for(journey, username, viewport)
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.get_by_text(heading).first).to_be_visible()
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(folder / name), full_page=viewport is PHONE)
        page.context.close()
        if target:
            shutil.copyfile(folder / name, Path(target) / name)
    journey.contexts.clear()
    journey.assert_clean()
