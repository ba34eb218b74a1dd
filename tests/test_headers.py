"""Security headers: a Content-Security-Policy with no inline script on every page, nosniff,
same-origin referrers, no framing; evidence downloads keep their own sandboxing policy."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from measures import services
from measures.services import rounds_ensure_defaults
from tests.factories import UnitFactory
from tests.measures.conftest import make_framework
from tests.measures.helpers import PDF_BYTES, REPORTED, new_measure

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _assert_portal_headers(response) -> None:
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def _assert_no_inline_script(response) -> None:
    html = response.content.decode()
    assert not INLINE_SCRIPT.findall(html)
    assert not EVENT_HANDLER.findall(html)
    assert "javascript:" not in html


@pytest.mark.parametrize(
    "url", ["/", "/accounts/login/", "/accounts/password-reset/", "/p/", "/frameworks/"]
)
def test_public_pages_send_the_security_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    _assert_portal_headers(response)
    _assert_no_inline_script(response)


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/",
        "/accounts/password-change/",
        "/accounts/two-factor/",
        "/organisations/6301401/",
    ],
)
def test_signed_in_pages_send_the_security_headers(login, approver, url):
    response = login(approver).get(url)
    assert response.status_code == 200
    _assert_portal_headers(response)
    _assert_no_inline_script(response)


def test_redirects_and_errors_send_them_too(client, login, outsider):
    _assert_portal_headers(client.get("/dashboard/"))
    _assert_portal_headers(login(outsider).get("/organisations/6301401/"))


def test_evidence_download_keeps_its_sandbox_policy(login, org, staff):
    framework = make_framework(2568)
    units = [UnitFactory(organisation=org, name="สำนักปลัด", order=1)]
    rounds = rounds_ensure_defaults(organisation=org, year=2568)
    measure = new_measure(org, units, framework, staff)
    entry = services.progress_entry_record(
        measure=measure, round=rounds[0], user=staff, status="in_progress", reported_on=REPORTED
    )
    evidence = services.evidence_add_file(
        entry=entry, upload=SimpleUploadedFile("หลักฐาน.pdf", PDF_BYTES), user=staff
    )

    response = login(staff).get(reverse("measures:evidence_download", args=[org.code, evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_carries_inline_script_handlers():
    """The Content-Security-Policy forbids inline scripts: an onsubmit/onclick attribute would
    silently do nothing (a confirmation never asked). Behaviour lives in static/js/portal.js."""
    import re
    from pathlib import Path

    from django.conf import settings

    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
        if re.search(r"\son[a-z]+\s*=", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_favicon_answers(client):
    """Chromium asks every PDF and admin page for /favicon.ico; a 404 is a console error."""
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("img/favicon.svg")


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/organisations/%00/", {}),
        ("get", "/p/?q=%00", {}),
        ("get", "/p/", {"q": "ขาม\x00"}),
        ("post", "/accounts/login/", {"username": "staff\x00", "password": "x"}),
    ],
)
def test_a_nul_character_is_a_thai_400_before_any_view(client, method, url, data):
    """PostgreSQL refuses NUL in text: a NUL in an address or a field once reached the database
    and answered 500 (only on PostgreSQL; tests/test_fuzz_urls.py found it)."""
    response = getattr(client, method)(url, data)
    assert response.status_code == 400
    assert "คำขอไม่ถูกต้อง" in response.content.decode()
