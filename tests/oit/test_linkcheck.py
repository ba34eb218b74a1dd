"""The OIT link checker against a local test server: only URLs it serves are fetched."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from oit import linkcheck
from oit import selectors as oit_selectors
from oit import services as oit
from oit.models import LinkStatus, OitEvidence
from oit.tasks import check_links
from tests.memo_helpers import YEAR, setup_chain


class Handler(BaseHTTPRequestHandler):
    hits: list[tuple[str, str]] = []
    other_port = 0

    def log_message(self, *args):  # keep test output quiet
        pass

    def _answer(self, send_body: bool) -> None:
        Handler.hits.append((self.command, self.path))
        routes = {
            "/ok": (200, {}),
            "/missing": (404, {}),
            "/error": (500, {}),
            "/redirect": (302, {"Location": "/ok"}),
            "/redirect-private": (302, {"Location": "http://10.1.2.3/admin"}),
            "/redirect-metadata": (301, {"Location": "http://169.254.169.254/latest/meta-data/"}),
            "/redirect-other-port": (
                302,
                {"Location": f"http://127.0.0.1:{Handler.other_port}/ok"},
            ),
            "/loop": (302, {"Location": "/loop"}),
        }
        if self.path == "/head-refused":
            status, headers = (405, {}) if self.command == "HEAD" else (200, {})
        else:
            status, headers = routes.get(self.path, (404, {}))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        body = b"ok"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def do_HEAD(self):
        self._answer(False)

    def do_GET(self):
        self._answer(True)


def serve():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture
def server(settings):
    main, other = serve(), serve()
    Handler.hits = []
    Handler.other_port = other.server_address[1]
    port = main.server_address[1]
    # Only the main test server may be fetched; the second one stands for any other local service.
    settings.LINKCHECK_ALLOWED_PRIVATE = [f"127.0.0.1:{port}"]
    settings.LINKCHECK_HOST_INTERVAL = 0
    settings.LINKCHECK_TIMEOUT = 2
    yield f"http://127.0.0.1:{port}"
    for s in (main, other):
        s.shutdown()
        s.server_close()


def test_a_page_that_answers_is_ok(server):
    result = linkcheck.check_url(f"{server}/ok")
    assert result.ok and result.status == 200
    assert Handler.hits == [("HEAD", "/ok")]


def test_missing_page_is_broken_with_a_thai_message(server):
    result = linkcheck.check_url(f"{server}/missing")
    assert not result.ok and result.message == "ไม่พบหน้านี้ (HTTP 404)"
    # HEAD said 404: a GET confirms it (some servers answer HEAD wrongly).
    assert Handler.hits == [("HEAD", "/missing"), ("GET", "/missing")]


def test_server_error_is_broken(server):
    result = linkcheck.check_url(f"{server}/error")
    assert not result.ok and "HTTP 500" in result.message


def test_head_refused_falls_back_to_get(server):
    result = linkcheck.check_url(f"{server}/head-refused")
    assert result.ok
    assert Handler.hits == [("HEAD", "/head-refused"), ("GET", "/head-refused")]


def test_redirect_within_the_allowed_server_is_followed(server):
    result = linkcheck.check_url(f"{server}/redirect")
    assert result.ok and result.final_url == f"{server}/ok"


@pytest.mark.parametrize(
    "path, address",
    [("/redirect-private", "10.1.2.3"), ("/redirect-metadata", "169.254.169.254")],
)
def test_redirect_to_a_private_address_is_refused(server, path, address):
    result = linkcheck.check_url(f"{server}{path}")
    assert not result.ok
    assert "ที่อยู่ภายใน" in result.message and address in result.message


def test_redirect_to_another_local_service_is_refused(server):
    result = linkcheck.check_url(f"{server}/redirect-other-port")
    assert not result.ok and "ที่อยู่ภายใน" in result.message
    # The other local server was never contacted.
    assert [h for h in Handler.hits if h[1] == "/ok"] == []


def test_local_address_not_listed_is_refused_before_any_request(settings):
    settings.LINKCHECK_ALLOWED_PRIVATE = []
    server = serve()
    try:
        Handler.hits = []
        result = linkcheck.check_url(f"http://127.0.0.1:{server.server_address[1]}/ok")
    finally:
        server.shutdown()
        server.server_close()
    assert not result.ok and "ที่อยู่ภายใน" in result.message
    assert Handler.hits == []


def test_redirect_loops_stop(server):
    result = linkcheck.check_url(f"{server}/loop")
    assert not result.ok and "เกิน" in result.message
    assert len(Handler.hits) == linkcheck.MAX_REDIRECTS + 1


def test_only_http_and_https_are_fetched():
    result = linkcheck.check_url("file:///etc/passwd")
    assert not result.ok and "http://" in result.message


def test_connection_refused_is_broken(settings):
    server = serve()
    port = server.server_address[1]
    server.shutdown()
    server.server_close()
    settings.LINKCHECK_ALLOWED_PRIVATE = [f"127.0.0.1:{port}"]
    result = linkcheck.check_url(f"http://127.0.0.1:{port}/ok")
    assert not result.ok and "เชื่อมต่อเว็บไซต์ไม่ได้" in result.message


def test_rate_limiter_spaces_requests_to_the_same_host():
    now = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    limiter = linkcheck.RateLimiter(1.0, clock=lambda: now[0], sleep=sleep)
    limiter.wait("https://a.go.th/1")
    limiter.wait("https://b.go.th/1")
    limiter.wait("https://a.go.th/2")
    now[0] += 0.25
    limiter.wait("https://a.go.th/3")
    assert slept == [1.0, 0.75]


@pytest.mark.django_db
def test_the_job_marks_links_and_unpublished_documents(
    server, org, staff, org_admin, approver, login
):
    setup_chain(org, staff, org_admin, approver)
    items = {i.code: i for i in oit_selectors.oit_items(oit_selectors.oit_framework(org, YEAR))}

    def entry(code):
        return oit.entry_for(organisation=org, item=items[code], year=YEAR)

    good = oit.evidence_add_url(entry=entry("o1"), user=staff, url=f"{server}/ok")
    bad = oit.evidence_add_url(entry=entry("o3"), user=staff, url=f"{server}/missing")
    sneaky = oit.evidence_add_url(entry=entry("o4"), user=staff, url=f"{server}/redirect-private")
    document = oit.evidence_add_document(
        entry=entry("o27"), user=staff, document_kind="measure-plan"
    )
    summary = check_links(organisation_id=org.pk, fiscal_year=YEAR)
    assert (summary.checked, summary.ok, summary.broken) == (4, 1, 3)
    statuses = {
        e.pk: (e.link_status, e.link_message)
        for e in OitEvidence.objects.filter(entry__organisation=org)
    }
    assert statuses[good.pk][0] == LinkStatus.OK
    assert statuses[bad.pk] == (LinkStatus.BROKEN, "ไม่พบหน้านี้ (HTTP 404)")
    assert statuses[sneaky.pk][0] == LinkStatus.BROKEN
    assert statuses[document.pk][0] == LinkStatus.BROKEN
    assert "ยังไม่ได้เผยแพร่" in statuses[document.pk][1]

    board = login(staff).get(reverse("oit:board", args=[org.code, YEAR])).content.decode()
    assert "ลิงก์/เอกสารมีปัญหา 3 รายการ" in board
    assert "ไม่พบหน้านี้ (HTTP 404)" in board


@pytest.mark.django_db
def test_check_links_button_runs_the_job(server, org, staff, org_admin, approver, login):
    setup_chain(org, staff, org_admin, approver)
    item = oit_selectors.oit_item(oit_selectors.oit_framework(org, YEAR), "o1")
    evidence = oit.evidence_add_url(
        entry=oit.entry_for(organisation=org, item=item, year=YEAR),
        user=staff,
        url=f"{server}/missing",
    )
    client = login(staff)
    response = client.post(reverse("oit:check_links", args=[org.code, YEAR]), follow=True)
    assert "ตรวจลิงก์เสร็จแล้ว" in response.content.decode()
    evidence.refresh_from_db()
    assert evidence.link_status == LinkStatus.BROKEN and evidence.link_checked_at
