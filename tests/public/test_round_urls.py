"""A report per round has its own latest URL; the kind's bare URL keeps the document it first
showed (issue 15: "latest" URLs are per document, never shared between different things)."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.test import Client

from approvals import services as memos
from approvals.models import Decision
from measures.models import round_key
from publication.models import Publication
from tests.memo_helpers import YEAR, act, new_memo, setup_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(org, staff, org_admin, approver):
    return setup_chain(org, staff, org_admin, approver)


def publish(org, staff, chain, round):
    unit, rounds, _, template, mayor = chain
    memo = new_memo(
        org,
        staff,
        unit,
        rounds,
        attachments=[
            {
                "kind": "measure-results",
                "fiscal_year": YEAR,
                "options": {"round_id": round.pk} if round else {},
                "title": f"รายงานผล {round.name if round else 'ทั้งปี'}",
            }
        ],
    )
    memo = memos.memo_submit(memo=memo, user=staff, template=template)
    for step in memo.steps.order_by("order"):
        act(memo, step.assignee, Decision.APPROVED)
    return Publication.objects.filter(kind="measure-results").latest("revision")


def get(url: str):
    response = Client().get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def frozen(url: str) -> bytes:
    """The stored document inside the page (the banner around it may list newer rounds)."""
    body = get(url)
    start = body.index(b"</aside>")
    return body[start:]


def test_round_keys():
    assert round_key(2568, date(2024, 10, 1), date(2025, 3, 31)) == "round-6"
    assert round_key(2568, date(2024, 10, 1), date(2025, 9, 30)) == "round-12"
    assert round_key(2568, date(2025, 1, 1), date(2025, 3, 31)) == "round-4-6"


def test_each_round_has_its_own_latest_url_and_the_bare_url_keeps_its_meaning(org, staff, chain):
    six, twelve = chain[1]
    base = f"/p/{org.code}/{YEAR}/measure-results"
    first = publish(org, staff, chain, six)
    assert (first.variant, first.variant_label) == ("round-6", "รอบ 6 เดือน")
    bare, six_url = frozen(f"{base}/"), frozen(f"{base}/round-6/")
    assert bare == six_url and "รอบ 6 เดือน".encode() in bare
    assert Client().get(f"{base}/round-12/").status_code == 404

    second = publish(org, staff, chain, twelve)
    assert second.variant == "round-12"
    # The bare URL an agency pasted after the first publication still shows the 6-month report.
    assert frozen(f"{base}/") == bare
    assert frozen(f"{base}/round-6/") == six_url
    assert "รอบ 12 เดือน".encode() in frozen(f"{base}/round-12/")
    assert get(f"{base}/round-12.pdf") == second.pdf.open("rb").read()
    assert get(f"{base}.pdf") == first.pdf.open("rb").read()
    # The 6-month page points to the 12-month report's own URL.
    assert f'href="{base}/round-12/">รอบ 12 เดือน</a>' in get(f"{base}/round-6/").decode()

    third = publish(org, staff, chain, six)  # a revised 6-month report
    assert third.revision == 3
    assert frozen(f"{base}/") == frozen(f"{base}/round-6/") == frozen(f"{base}/r3/")
    assert frozen(f"{base}/r1/") == bare  # each revision stays itself
    page = get(f"{base}/round-6/").decode()
    assert f'href="{base}/r1/">ฉบับที่ 1</a>' in page and "ฉบับที่ 2</a>" not in page


def test_the_organisation_page_lists_each_round(org, staff, chain):
    six, twelve = chain[1]
    publish(org, staff, chain, six)
    publish(org, staff, chain, twelve)
    page = get(f"/p/{org.code}/").decode()
    assert (
        f'href="/p/{org.code}/{YEAR}/measure-results/round-6/"><span translate="no">รายงานผล รอบ 6 เดือน'
        in page
    )
    assert (
        f'href="/p/{org.code}/{YEAR}/measure-results/round-12/"><span translate="no">รายงานผล รอบ 12 เดือน'
        in page
    )


def test_existing_publications_learn_their_round_from_the_memo(org, staff, chain):
    six, twelve = chain[1]
    publish(org, staff, chain, six)
    publish(org, staff, chain, twelve)
    Publication.objects.update(variant="", variant_label="")
    migration = importlib.import_module("publication.migrations.0003_publication_variant")
    migration.backfill(apps, None)
    assert dict(
        Publication.objects.filter(kind="measure-results").values_list("revision", "variant")
    ) == {1: "round-6", 2: "round-12"}
    assert set(Publication.objects.filter(kind="memo").values_list("variant", flat=True)) == {""}


def test_the_whole_years_report_has_its_own_url_beside_the_rounds(org, staff, chain):
    """A trial found /measure-results/ and /round-6/ answering 500 once the whole year's report
    (no round) was published beside the 6-month one."""
    six, _ = chain[1]
    base = f"/p/{org.code}/{YEAR}/measure-results"
    first = publish(org, staff, chain, six)
    whole = publish(org, staff, chain, None)
    assert (whole.variant, whole.variant_label) == ("year", "ทั้งปีงบประมาณ")
    assert frozen(f"{base}/") == frozen(f"{base}/round-6/") == frozen(f"{base}/r{first.revision}/")
    assert frozen(f"{base}/year/") == frozen(f"{base}/r{whole.revision}/")
    assert get(f"{base}/year.pdf") == whole.pdf.open("rb").read()
    six_page = get(f"{base}/round-6/").decode()
    assert f'href="{base}/year/">ทั้งปีงบประมาณ</a>' in six_page
    assert f'href="{base}/round-6/">รอบ 6 เดือน</a>' in get(f"{base}/year/").decode()
    organisation_page = get(f"/p/{org.code}/").decode()
    assert f'href="{base}/year/"' in organisation_page


def test_a_whole_year_report_published_before_its_variant_keeps_working(org, staff, chain):
    six, _ = chain[1]
    base = f"/p/{org.code}/{YEAR}/measure-results"
    publish(org, staff, chain, six)
    old = publish(org, staff, chain, None)
    Publication.objects.filter(pk=old.pk).update(variant="", variant_label="")
    assert get(f"{base}/round-6/") and get(f"{base}/r{old.revision}/")
    migration = importlib.import_module("publication.migrations.0006_whole_year_variant")
    migration.whole_year(apps, None)
    assert Publication.objects.get(pk=old.pk).variant == "year"
    assert frozen(f"{base}/year/") == frozen(f"{base}/r{old.revision}/")
