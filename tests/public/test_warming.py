"""Scoped invalidation and warming of the public page cache (ita_portal.public_cache,
public.warming): a change to one organisation retires only its pages and the directory's, and
its pages are rendered again on the queue before anyone visits them."""

import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from approvals import services as memos
from approvals.models import Decision
from ita_portal import public_cache
from publication import services as publication_services
from tests.memo_helpers import YEAR, act, new_memo

pytestmark = pytest.mark.django_db


def _get(client, url):
    """(status, body, queries) of an anonymous request."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body, len(ctx.captured_queries)


def _publish_again(org, staff, org_admin, approver, chain):
    memo = new_memo(org, staff, chain[0], chain[1])
    memos.memo_submit(memo=memo, user=staff, template=chain[3])
    for user in (org_admin, approver, chain[4]):
        act(memo, user, Decision.APPROVED)  # runs the on-commit work: publication, warming


def _scores_workbook(codes, score=88.5) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["org_code", "fiscal_year", "item_code", "score"])
    for code in codes:
        wb.active.append([code, 2568, "TOTAL", score])
    content = io.BytesIO()
    wb.save(content)
    return content.getvalue()


# ---------------------------------------------------------------- scoped invalidation


def test_a_publication_retires_only_its_organisations_pages_and_the_directory(
    client, org, other_org, staff, org_admin, approver, published
):
    _, chain = published
    cache.clear()
    other, mine = f"/p/{other_org.code}/", f"/p/{org.code}/"
    first_other = _get(client, other)
    assert "ฉบับที่ 1" in _get(client, mine)[1].decode()
    assert _get(client, other)[2] == 0 and _get(client, mine)[2] == 0 and _get(client, "/p/")
    directory = _get(client, "/p/")
    assert directory[2] == 0

    with override_settings(PUBLIC_WARM=False):  # what a visit sees, without the warm-up
        _publish_again(org, staff, org_admin, approver, chain)

    # The other organisation's page is still the cached one: no query, same bytes.
    status, body, queries = _get(client, other)
    assert (status, body, queries) == (200, first_other[1], 0)
    # This organisation's page and the directory are rendered again, with the new revision.
    status, body, queries = _get(client, mine)
    assert status == 200 and queries > 0 and "ฉบับที่ 2" in body.decode()
    assert _get(client, "/p/")[2] > 0


def test_a_withdrawal_leaves_another_organisations_pages_cached(
    client, org, other_org, org_admin, published
):
    pub, _ = published
    cache.clear()
    other = f"/p/{other_org.code}/"
    first = _get(client, other)
    document = f"/p/{org.code}/{YEAR}/measure-results/"
    assert _get(client, document)[0] == 200
    publication_services.publication_withdraw(publication=pub, user=org_admin, reason="ผิด")
    assert _get(client, other) == (200, first[1], 0)
    assert _get(client, document)[0] == 410


def test_an_organisation_with_no_version_yet_gets_one_from_the_clock(org):
    cache.clear()
    (version, scoped), entry = public_cache.public_versions_and(
        public_cache.organisation_key(org.code), "public:page:/nothing/"
    )
    assert entry is None and version > 1_000_000_000_000 and scoped > 1_000_000_000_000
    public_cache.bump_organisations([org.code], warm=False)
    assert cache.get(public_cache.organisation_key(org.code)) > scoped


def test_a_change_to_many_organisations_bumps_the_global_version(monkeypatch):
    cache.clear()
    monkeypatch.setattr(public_cache, "MAX_SCOPED", 2)
    before = public_cache.public_version()
    public_cache.bump_organisations(["a", "b"], warm=False)
    assert public_cache.public_version() == before  # two: only theirs
    assert cache.get(public_cache.organisation_key("a")) is not None
    public_cache.bump_organisations(["a", "b", "c"], warm=False)
    assert public_cache.public_version() > before  # three: everything
    assert cache.get(public_cache.organisation_key("c")) is None


# ---------------------------------------------------------------- warming


def test_after_a_publication_its_pages_are_cached_before_any_visit(
    client, org, staff, org_admin, approver, published
):
    _, chain = published
    cache.clear()
    _publish_again(org, staff, org_admin, approver, chain)
    # No request was made since the cache was emptied: the queue rendered these.
    for url in (
        f"/p/{org.code}/",
        f"/p/{org.code}/{YEAR}/measure-results/",
        f"/p/{org.code}/{YEAR}/measure-results.pdf",
        f"/p/{org.code}/{YEAR}/memo/",
        "/p/",
    ):
        status, body, queries = _get(client, url)
        assert (status, queries) == (200, 0), url
    page = _get(client, f"/p/{org.code}/{YEAR}/measure-results/")[1].decode()
    assert "ฉบับที่ 2" in page
    pdf = _get(client, f"/p/{org.code}/{YEAR}/measure-results.pdf")[1]
    assert pdf.startswith(b"%PDF")


def test_a_warmed_page_is_the_page_a_visitor_would_have_been_given(client, org, published):
    from public.warming import warm_organisations

    cache.clear()
    visited = {url: _get(client, url)[1] for url in (f"/p/{org.code}/", "/p/")}
    cache.clear()
    warmed = warm_organisations([org.code], directory=True)
    assert warmed.failed == 0 and warmed.pages >= 5
    for url, body in visited.items():
        assert _get(client, url) == (200, body, 0), url


def test_a_withdrawal_warms_the_notice(client, org, org_admin, published):
    pub, _ = published
    cache.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        publication_services.publication_withdraw(publication=pub, user=org_admin, reason="ผิด")
    status, body, queries = _get(client, f"/p/{org.code}/{YEAR}/measure-results/")
    # The address pasted into ITAS now gives the notice, rendered ahead like the rest.
    assert (status, queries) == (410, 0) and "ผิด" in body.decode()
    assert _get(client, f"/p/{org.code}/")[2] == 0


def test_an_import_warms_its_organisations_in_chunks(
    client, org, other_org, scored, monkeypatch, settings
):
    from assessments.imports import scores_import
    from public import tasks
    from tests.factories import OrganisationFactory

    extra = [OrganisationFactory(code=f"630150{n}") for n in range(3)]
    codes = sorted([org.code, other_org.code, *(o.code for o in extra)])
    settings.PUBLIC_WARM_CHUNK = 2
    calls = []
    real = tasks.warm_public_pages.delay
    monkeypatch.setattr(
        tasks.warm_public_pages,
        "delay",
        lambda chunk, directory=False: calls.append((chunk, directory)) or real(chunk, directory),
    )
    cache.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        scores_import(content=_scores_workbook(codes), file_name="คะแนน.xlsx")
    assert calls == [(codes[0:2], True), (codes[2:4], False), (codes[4:], False)]
    for code in codes:  # each chunk ran (inline here, as in the embedded default)
        status, body, queries = _get(client, f"/p/{code}/")
        assert (status, queries) == (200, 0) and "88.5" in body.decode(), code


def test_warming_is_skipped_where_it_would_not_reach_the_visitors_cache(settings):
    from public.warming import LOCAL_MAX, warm_enqueue, warming_useful

    # The tests' cache is local memory, as in the embedded default: useful only inline, and
    # only for a few organisations (it keeps 300 entries).
    assert warming_useful(1) and warming_useful(LOCAL_MAX)
    assert not warming_useful(LOCAL_MAX + 1)
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a worker's memory is not the web's
    assert not warming_useful(1) and warm_enqueue(["6301401"]) == 0
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PUBLIC_WARM = False
    assert not warming_useful(1)


def test_a_page_that_fails_to_render_is_logged_not_raised(org, published, monkeypatch, caplog):
    from public import views
    from public.warming import warm_organisations

    cache.clear()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "assessments_for_organisation", broken)
    warmed = warm_organisations([org.code])
    assert warmed.failed == 1 and warmed.pages >= 3  # the organisation page; its documents did


# ---------------------------------------------------------------- the miss


def test_the_organisation_pages_miss_runs_in_constant_queries(
    client, org, staff, org_admin, approver, scored
):
    """Scores of five years, then three more publications: the same queries on a miss."""
    _, chain = scored
    url = f"/p/{org.code}/"

    def miss():
        cache.clear()
        return _get(client, url)[2]

    miss()  # the catalogue memo of this process
    before = miss()
    with override_settings(PUBLIC_WARM=False):
        for _ in range(3):
            _publish_again(org, staff, org_admin, approver, chain)
    assert miss() == before == 4


def test_warming_inside_a_request_leaves_that_requests_audit_actor(org, org_admin, published):
    """Inline (the embedded default) warming runs inside the request that published: the
    middleware of the pages it renders must not take over that request's audit context."""
    from auditlog.context import set_actor
    from auditlog.models import LogEntry

    from public.warming import warm_organisations

    cache.clear()
    with set_actor(org_admin):
        assert warm_organisations([org.code]).pages >= 3
        org.name = "องค์การบริหารส่วนตำบลหลังอุ่นหน้า"
        org.save()
    assert LogEntry.objects.get_for_object(org).latest("timestamp").actor == org_admin


def test_a_visit_to_a_made_up_code_leaves_no_key_forever(client):
    """Versions seeded by a visit expire (a bumped one does not): /p/<anything>/ cannot fill Redis
    with keys that never go."""
    cache.clear()
    assert client.get("/p/nosuchcode/").status_code == 404
    key = cache.make_key(public_cache.organisation_key("nosuchcode"))
    assert cache._expire_info[key] is not None  # local memory: when it expires
    assert cache._expire_info[cache.make_key(public_cache.VERSION_KEY)] is None


def test_warming_asks_for_the_sites_own_name_or_another_allowed_one(settings):
    from public.warming import _request

    settings.SITE_URL, settings.ALLOWED_HOSTS = "https://ita.example.go.th", [".example.go.th"]
    assert _request("/p/").get_host() == "ita.example.go.th"
    settings.ALLOWED_HOSTS = ["portal.internal", "127.0.0.1"]
    assert _request("/p/").get_host() == "portal.internal"
    assert _request("/p/").is_secure()
