"""OIT readiness: item states, sign-off and publication, public pages, export, feedback, demo."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from approvals import services as memos
from approvals.models import Decision, MemoStatus
from assessments.models import Framework, ScoreKind
from measures.models import Measure
from oit import selectors as oit_selectors
from oit import services as oit
from oit.models import LinkStatus, OitEvidence
from tests.assessments.test_scoring import add_scores, new_assessment
from tests.factories import UnitFactory
from tests.measures.helpers import PDF_BYTES
from tests.memo_helpers import YEAR, act, new_memo, setup_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org, staff, org_admin, approver):
    unit, rounds, measure, template, mayor = setup_chain(org, staff, org_admin, approver)
    framework = oit_selectors.oit_framework(org, YEAR)
    items = {i.code: i for i in oit_selectors.oit_items(framework)}
    return {
        "unit": unit,
        "rounds": rounds,
        "template": template,
        "mayor": mayor,
        "framework": framework,
        "items": items,
    }


def entry(org, world, code):
    return oit.entry_for(organisation=org, item=world["items"][code], year=YEAR)


def pdf_upload(name="hr-plan.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def row(org, code, **kwargs):
    return next(r for r in oit_selectors.oit_board(org, YEAR, **kwargs).rows if r.item.code == code)


def approve_all(memo, staff, org_admin, approver, mayor):
    for user in (org_admin, approver, mayor):
        act(memo, user, Decision.APPROVED)


# ---------------------------------------------------------------- catalogue


def test_sourced_criteria_are_loaded_with_the_framework(world):
    o1 = world["items"]["o1"]
    criteria = list(o1.criteria.order_by("order"))
    assert [c.order for c in criteria] == [1, 2]
    assert "ต้องไม่เป็นการแสดงกฎหมายทั้งฉบับ" in criteria[1].text
    assert all("itachon" in c.source for c in criteria)
    # No criteria are invented for items without a source.
    assert world["items"]["o14"].criteria.count() == 0


def test_the_board_lists_every_oit_item_of_the_year(org, world):
    board = oit_selectors.oit_board(org, YEAR)
    codes = [r.item.code for r in board.rows]
    assert codes[0] == "o1" and codes[-1] == "o28"
    assert len(codes) == len(world["items"]) == 26  # o5 and o6 are not in the sourced list
    assert {r.state for r in board.rows} == {oit_selectors.ItemState.MISSING}


# ---------------------------------------------------------------- states


def test_state_of_each_kind_of_evidence(org, world, staff, org_admin, approver):
    # URL: public at once.
    oit.evidence_add_url(entry=entry(org, world, "o1"), user=staff, url="https://example.go.th/a")
    # File: a draft until a memo carries it.
    draft = oit.evidence_add_file(entry=entry(org, world, "o15"), user=staff, upload=pdf_upload())
    # Portal document: a draft while unpublished.
    oit.evidence_add_document(
        entry=entry(org, world, "o28"), user=staff, document_kind="measure-results"
    )
    assert row(org, "o1").state == oit_selectors.ItemState.PUBLISHED
    assert row(org, "o15").state == oit_selectors.ItemState.DRAFT
    assert row(org, "o28").state == oit_selectors.ItemState.DRAFT
    assert row(org, "o2").state == oit_selectors.ItemState.MISSING

    memo = oit.oit_memo_create(
        organisation=org, user=staff, year=YEAR, evidence_ids=[draft.pk], unit=world["unit"]
    )
    assert row(org, "o15").state == oit_selectors.ItemState.DRAFT  # a memo not yet sent
    memos.memo_submit(memo=memo, user=staff, template=world["template"])
    assert row(org, "o15").state == oit_selectors.ItemState.AWAITING
    act(memo, org_admin, Decision.RETURNED, "แก้ชื่อไฟล์")
    assert row(org, "o15").state == oit_selectors.ItemState.DRAFT

    # The measure-results report goes up its own memo: awaiting, then published.
    report = new_memo(org, staff, world["unit"], world["rounds"])
    memos.memo_submit(memo=report, user=staff, template=world["template"])
    assert row(org, "o28").state == oit_selectors.ItemState.AWAITING
    approve_all(report, staff, org_admin, approver, world["mayor"])
    o28 = row(org, "o28")
    assert o28.state == oit_selectors.ItemState.PUBLISHED
    assert o28.public[0].public_path == f"/p/{org.code}/{YEAR}/measure-results/"


def test_item_state_is_the_furthest_its_evidence_has_gone(org, world, staff):
    o14 = entry(org, world, "o14")
    oit.evidence_add_file(entry=o14, user=staff, upload=pdf_upload())
    oit.evidence_add_url(entry=o14, user=staff, url="https://example.go.th/hr")
    r = row(org, "o14")
    assert r.state == oit_selectors.ItemState.PUBLISHED
    assert [e.state for e in r.evidence] == [
        oit_selectors.ItemState.DRAFT,
        oit_selectors.ItemState.PUBLISHED,
    ]
    assert len(r.pending) == 1


def test_criteria_ticks_are_counted(org, world, staff):
    o1 = entry(org, world, "o1")
    first, second = world["items"]["o1"].criteria.order_by("order")
    oit.criteria_save(
        entry=o1, user=staff, ticks={first.pk: (True, "หน้า 2"), second.pk: (False, "")}
    )
    r = row(org, "o1")
    assert (r.criteria_met, r.criteria_total) == (1, 2)
    assert r.checks[first.pk].note == "หน้า 2"
    oit.criteria_save(entry=o1, user=staff, ticks={second.pk: (True, "")})
    assert row(org, "o1").criteria_met == 2


def test_criteria_of_another_item_are_refused(org, world, staff):
    from django.core.exceptions import ValidationError

    o14 = entry(org, world, "o14")
    foreign = world["items"]["o1"].criteria.first()
    with pytest.raises(ValidationError, match="ไม่ใช่เกณฑ์ของข้อนี้"):
        oit.criteria_save(entry=o14, user=staff, ticks={foreign.pk: (True, "")})
    assert not o14.checks.exists()


def test_board_filters_by_responsible_unit(org, world, staff):
    finance = UnitFactory(organisation=org, name="กองคลัง")
    oit.entry_update(entry=entry(org, world, "o12"), user=staff, responsible_unit=finance, note="")
    oit.entry_update(
        entry=entry(org, world, "o1"), user=staff, responsible_unit=world["unit"], note=""
    )
    assert [r.item.code for r in oit_selectors.oit_board(org, YEAR, unit=finance).rows] == ["o12"]


def test_the_board_counts_drafts_and_offers_the_memo_only_when_there_are_any(
    org, world, staff, login
):
    """An item's state is its best evidence: a draft file beside a published link still counts
    as waiting, and the memo button shows only with something to tick."""
    client = login(staff)
    url = reverse("oit:board", args=[org.code, YEAR])
    button = "สร้างบันทึกข้อความขออนุมัติเผยแพร่หลักฐานที่เลือก"
    empty = client.get(url).content.decode()
    assert button not in empty and 'id="nothing-pending"' in empty
    o11 = entry(org, world, "o11")
    oit.evidence_add_url(entry=o11, user=staff, url="https://example.go.th/o11")
    oit.evidence_add_file(entry=o11, user=staff, upload=pdf_upload())
    page = client.get(url).content.decode()
    assert oit_selectors.oit_board(org, YEAR).pending == 1
    assert "หลักฐานรอเสนอขออนุมัติ 1 รายการ" in page and button in page


def test_board_runs_in_constant_queries(org, world, staff, login):
    client = login(staff)
    url = reverse("oit:board", args=[org.code, YEAR])
    oit.evidence_add_url(entry=entry(org, world, "o1"), user=staff, url="https://example.go.th/1")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for code in ("o2", "o3", "o4", "o7", "o8", "o14", "o15"):
        e = entry(org, world, code)
        oit.evidence_add_url(entry=e, user=staff, url=f"https://example.go.th/{code}")
        oit.evidence_add_file(entry=e, user=staff, upload=pdf_upload())
        oit.criteria_save(entry=e, user=staff, ticks={})
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


# ---------------------------------------------------------------- sign-off and publication


def test_file_is_published_through_the_chain_as_a_frozen_copy(
    org, world, staff, org_admin, approver, client
):
    evidence = oit.evidence_add_file(
        entry=entry(org, world, "o14"), user=staff, upload=pdf_upload(), title="แผนบุคลากร"
    )
    memo = oit.oit_memo_create(
        organisation=org, user=staff, year=YEAR, evidence_ids=[evidence.pk], unit=world["unit"]
    )
    assert [a.kind for a in memo.attachments.all()] == [oit.OIT_FILE_KIND]
    assert "o14" in memo.facts
    memos.memo_submit(memo=memo, user=staff, template=world["template"])
    public_file = reverse("public:oit_file", args=[org.code, YEAR, "o14", evidence.pk])
    assert client.get(public_file).status_code == 404  # awaiting approval: not public
    approve_all(memo, staff, org_admin, approver, world["mayor"])

    evidence.refresh_from_db()
    assert evidence.published_at and evidence.memo_id == memo.pk
    assert evidence.published_file.name.startswith(f"published/{org.code}/{YEAR}/oit/")
    assert (
        evidence.published_file.name.endswith(".pdf") and "o14" not in evidence.published_file.name
    )
    response = client.get(public_file)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["ETag"] == f'"{evidence.file_sha256}"'
    # The headers of every stored public file (public.views.stored_file_response).
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")  # a PDF
    assert client.get(public_file, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    # The memo that authorised it is published too (many agencies' evidence includes it).
    assert memo.publications.filter(kind="memo").exists()
    # Published evidence is frozen: it cannot be deleted, only withdrawn by an org admin.
    with pytest.raises(oit.OitError):
        oit.evidence_delete(evidence=evidence, user=staff)


def test_portal_document_and_file_in_one_memo(org, world, staff, org_admin, approver):
    plan = oit.evidence_add_document(
        entry=entry(org, world, "o27"), user=staff, document_kind="measure-plan"
    )
    hr = oit.evidence_add_file(entry=entry(org, world, "o14"), user=staff, upload=pdf_upload())
    memo = oit.oit_memo_create(
        organisation=org, user=staff, year=YEAR, evidence_ids=[plan.pk, hr.pk], unit=world["unit"]
    )
    memo = memos.memo_submit(memo=memo, user=staff, template=world["template"])
    approve_all(memo, staff, org_admin, approver, world["mayor"])
    memo.refresh_from_db()
    assert memo.status == MemoStatus.APPROVED
    assert row(org, "o27").state == oit_selectors.ItemState.PUBLISHED
    assert row(org, "o14").state == oit_selectors.ItemState.PUBLISHED
    assert set(memo.publications.values_list("kind", flat=True)) == {"measure-plan", "memo"}


def test_a_failed_publication_leaves_no_frozen_file(org, world, staff, org_admin, approver):
    evidence = oit.evidence_add_file(
        entry=entry(org, world, "o14"), user=staff, upload=pdf_upload()
    )
    memo = oit.oit_memo_create(
        organisation=org, user=staff, year=YEAR, evidence_ids=[evidence.pk], unit=world["unit"]
    )
    memo = memos.memo_submit(memo=memo, user=staff, template=world["template"])
    # The upload changes on disk after submission: the checksum refuses it, nothing is kept.
    with evidence.file.open("wb") as fh:
        fh.write(PDF_BYTES + b"%tampered")
    for user in (org_admin, approver):
        act(memo, user, Decision.APPROVED)
    act(memo, world["mayor"], Decision.APPROVED)
    evidence.refresh_from_db()
    assert evidence.published_at is None and not evidence.published_file
    memo.refresh_from_db()
    # The approval stands; the publication failed with the reason, once (it would fail again).
    assert (memo.status, memo.publication_state) == (MemoStatus.APPROVED, "failed")
    assert memo.publication_error.endswith("ไม่ตรงกับที่เสนอ (checksum ไม่ตรง)")
    assert memo.publication_attempts == 1
    assert not memo.publications.exists()


def test_only_pending_evidence_of_the_organisation_can_be_sent(org, world, staff, other_org):
    from django.core.exceptions import ValidationError

    url = oit.evidence_add_url(
        entry=entry(org, world, "o1"), user=staff, url="https://example.go.th/x"
    )
    with pytest.raises(ValidationError, match="เสนอไม่ได้"):
        oit.oit_memo_create(
            organisation=org, user=staff, year=YEAR, evidence_ids=[url.pk], unit=world["unit"]
        )
    with pytest.raises(ValidationError, match="อย่างน้อย 1"):
        oit.oit_memo_create(
            organisation=org, user=staff, year=YEAR, evidence_ids=[], unit=world["unit"]
        )
    assert not org.memos.exists()


def test_withdrawn_file_leaves_the_public_pages(org, world, staff, org_admin, approver, client):
    evidence = oit.evidence_add_file(
        entry=entry(org, world, "o14"), user=staff, upload=pdf_upload()
    )
    memo = oit.oit_memo_create(
        organisation=org, user=staff, year=YEAR, evidence_ids=[evidence.pk], unit=world["unit"]
    )
    memo = memos.memo_submit(memo=memo, user=staff, template=world["template"])
    approve_all(memo, staff, org_admin, approver, world["mayor"])
    item_page = reverse("public:oit_item", args=[org.code, YEAR, "o14"])
    assert f"/e{evidence.pk}/" in client.get(item_page).content.decode()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        oit.evidence_withdraw(evidence=evidence, user=staff, reason="ผิดฉบับ")
    oit.evidence_withdraw(evidence=evidence, user=org_admin, reason="ผิดฉบับ")
    assert f"/e{evidence.pk}/" not in client.get(item_page).content.decode()
    public_file = reverse("public:oit_file", args=[org.code, YEAR, "o14", evidence.pk])
    assert client.get(public_file).status_code == 404


# ---------------------------------------------------------------- public pages


def test_public_pages_show_only_what_is_published(org, world, staff, approver, client):
    oit.evidence_add_url(
        entry=entry(org, world, "o1"),
        user=staff,
        url="https://example.go.th/structure",
        title="โครงสร้างบนเว็บไซต์",
    )
    draft = oit.evidence_add_file(
        entry=entry(org, world, "o15"), user=staff, upload=pdf_upload(), title="รายงานร่างลับ"
    )
    waiting = oit.evidence_add_file(
        entry=entry(org, world, "o12"), user=staff, upload=pdf_upload(), title="จัดซื้อรออนุมัติ"
    )
    oit.evidence_add_document(
        entry=entry(org, world, "o27"), user=staff, document_kind="measure-plan"
    )
    memo = oit.oit_memo_create(
        organisation=org, user=staff, year=YEAR, evidence_ids=[waiting.pk], unit=world["unit"]
    )
    memos.memo_submit(memo=memo, user=staff, template=world["template"])

    index = client.get(reverse("public:oit_index", args=[org.code, YEAR]))
    assert index.status_code == 200
    html = index.content.decode()
    assert "โครงสร้างบนเว็บไซต์" in html and "https://example.go.th/structure" in html
    for hidden in ("รายงานร่างลับ", "จัดซื้อรออนุมัติ", "/measure-plan/"):
        assert hidden not in html
    for code, evidence in (("o15", draft), ("o12", waiting)):
        page = client.get(reverse("public:oit_item", args=[org.code, YEAR, code]))
        assert page.status_code == 200
        assert evidence.title not in page.content.decode()
        assert "ยังไม่มีข้อมูลที่เผยแพร่" in page.content.decode()
        file_url = reverse("public:oit_file", args=[org.code, YEAR, code, evidence.pk])
        assert client.get(file_url).status_code == 404


def test_public_pages_404_for_unknown_item_year_or_inactive_organisation(org, world, client):
    assert client.get(reverse("public:oit_item", args=[org.code, YEAR, "o99"])).status_code == 404
    assert client.get(reverse("public:oit_index", args=[org.code, 2501])).status_code == 404
    org.is_active = False
    org.save()
    assert client.get(reverse("public:oit_index", args=[org.code, YEAR])).status_code == 404


def test_public_item_page_is_the_permanent_itas_url(org, world):
    item = world["items"]["o27"]
    assert oit_selectors.public_item_path(org, YEAR, item) == f"/p/{org.code}/{YEAR}/oit/o27/"


# ---------------------------------------------------------------- ITAS export


def test_itas_xlsx_lists_item_urls_and_published_evidence(org, world, staff, login):
    oit.evidence_add_url(
        entry=entry(org, world, "o3"), user=staff, url="https://example.go.th/contact"
    )
    oit.evidence_add_file(entry=entry(org, world, "o15"), user=staff, upload=pdf_upload())
    response = login(staff).get(reverse("oit:itas_xlsx", args=[org.code, YEAR]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'itas-oit-{org.code}-{YEAR}.xlsx"')
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    rows = rows.to_python()
    assert rows[1][:4] == ["ข้อ", "ชื่อข้อ", "URL สำหรับกรอกในระบบ ITAS", "URL หลักฐานที่เผยแพร่"]
    by_code = {r[0]: r for r in rows[2:]}
    assert len(by_code) == 26
    assert by_code["o3"][2] == f"{settings.SITE_URL}/p/{org.code}/{YEAR}/oit/o3/"
    assert by_code["o3"][3] == "https://example.go.th/contact"
    assert by_code["o3"][4] == "เผยแพร่แล้ว"
    assert by_code["o15"][3] == "" and by_code["o15"][4] == "ร่าง (ยังไม่เสนอ)"
    assert by_code["o1"][1] == "โครงสร้างและอำนาจหน้าที่"


def test_itas_print_page_lists_the_urls(org, world, staff, login):
    oit.evidence_add_url(
        entry=entry(org, world, "o3"), user=staff, url="https://example.go.th/contact"
    )
    html = login(staff).get(reverse("oit:itas_print", args=[org.code, YEAR])).content.decode()
    assert f"{settings.SITE_URL}/p/{org.code}/{YEAR}/oit/o28/" in html
    assert "https://example.go.th/contact" in html
    assert html.count("ยังไม่มีหลักฐานที่เผยแพร่") == 25


# ---------------------------------------------------------------- feedback from the result


def seed_oit_scores(org, year, scores):
    assessment = new_assessment(org, year)
    add_scores(assessment, ScoreKind.ITEM, scores)
    return assessment


def test_board_marks_items_below_100_and_creates_a_measure(org, world, staff, login):
    seed_oit_scores(org, YEAR, {"o12": 50, "o14": 0, "o1": 100})
    board = oit_selectors.oit_board(org, YEAR)
    below = [r.item.code for r in board.rows if r.below_full_score]
    assert below == ["o12", "o14"] and board.has_scores
    client = login(staff)
    html = client.get(reverse("oit:board", args=[org.code, YEAR])).content.decode()
    table = html[html.index('id="oit-board"') :]
    assert table.count("ต่ำกว่า 100</span>") == 2
    response = client.post(reverse("oit:measure_from_item", args=[org.code, YEAR, "o14"]))
    measure = Measure.objects.get(organisation=org, title__contains="ข้อ o14")
    assert response.url == reverse("measures:measure_update", args=[org.code, measure.pk])
    assert list(measure.items.values_list("code", flat=True)) == ["o14"]
    assert "0 คะแนน" in measure.problem
    # An item at 100 gives no measure.
    client.post(reverse("oit:measure_from_item", args=[org.code, YEAR, "o1"]))
    assert not Measure.objects.filter(title__contains="ข้อ o1 ").exists()


def test_next_year_carries_last_years_score_through_lineage(org, world, staff, login):
    call_command("load_framework", stdout=io.StringIO())
    seed_oit_scores(org, YEAR, {"o14": 0, "o1": 100, "o12": 50, "o21": 100, "o22": 50})
    framework_2569 = oit_selectors.oit_framework(org, 2569)
    assert framework_2569 is not None
    board = oit_selectors.oit_board(org, 2569)
    assert board.last_year == YEAR
    notes = {r.item.code: (r.last_year_code, r.last_year_score) for r in board.rows}
    # 2569 renumbers items: the note follows lineage, never a code that changed meaning.
    assert notes["o13"] == ("o14", D("0"))  # 2568 o14 is 2569 o13
    assert notes["o11"] == ("o12", D("50"))  # 2568 o12 is 2569 o11
    assert notes["o1"] == ("o1", D("100"))
    assert notes["o12"] == ("", None)  # 2569 o12 continues 2568 o13, which has no score
    # 2568 o21 + o22 merged into 2569 o20: both named, the weaker score shown.
    assert notes["o20"] == ("o21, o22", D("50"))
    # The item page names the year and the earlier code, not "ปีก่อน (ปี o14)".
    page = login(staff).get(reverse("oit:item", args=[org.code, 2569, "o13"])).content.decode()
    assert "คะแนนปี 2568: 0.00 คะแนน (ข้อ o14 ของปี 2568 ซึ่งสืบต่อมาเป็นข้อนี้)" in page


# ---------------------------------------------------------------- views: input errors


def test_item_page_rejects_bad_input_in_thai(org, world, staff, login):
    client = login(staff)
    args = [org.code, YEAR, "o14"]
    bad_url = client.post(
        reverse("oit:item_add_url", args=args), {"url-url": "ftp://files.example/x"}
    )
    assert bad_url.status_code == 200
    assert "ไม่ถูกต้อง (ต้องขึ้นต้นด้วย http:// หรือ https://)" in bad_url.content.decode()
    not_pdf = client.post(
        reverse("oit:item_add_file", args=args),
        {
            "file-file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 10),
            "file-title": "",
        },
    )
    assert "ไม่ใช่ชนิดที่รับได้" in not_pdf.content.decode()
    assert "virus.exe" in not_pdf.content.decode()
    empty = client.post(reverse("oit:item_add_file", args=args), {})
    assert "กรุณาเลือกไฟล์" in empty.content.decode()
    unknown_doc = client.post(
        reverse("oit:item_add_document", args=args), {"document-document_kind": "memo"}
    )
    assert unknown_doc.status_code == 200
    assert not OitEvidence.objects.exists()


def test_item_page_adds_evidence_and_ticks(org, world, staff, login):
    client = login(staff)
    args = [org.code, YEAR, "o1"]
    url = reverse("oit:item", args=args)
    response = client.post(
        reverse("oit:item_add_url", args=args),
        {"url-url": "https://example.go.th/structure", "url-title": ""},
    )
    assert response.status_code == 302
    first, second = world["items"]["o1"].criteria.order_by("order")
    client.post(
        reverse("oit:item_criteria", args=args),
        {f"met_{first.pk}": "on", f"note_{first.pk}": "หน้าแรก"},
    )
    r = row(org, "o1")
    assert r.state == oit_selectors.ItemState.PUBLISHED and r.criteria_met == 1
    page = client.get(url).content.decode()
    assert "ผ่าน 1 จาก 2" in page


def test_duplicate_url_is_refused_with_a_message(org, world, staff, login):
    client = login(staff)
    url = reverse("oit:item_add_url", args=[org.code, YEAR, "o1"])
    data = {"url-url": "https://example.go.th/a"}
    client.post(url, data)
    again = client.post(url, data)
    assert "เพิ่มลิงก์นี้เป็นหลักฐานของข้อนี้แล้ว" in again.content.decode()
    assert OitEvidence.objects.count() == 1


def test_evidence_in_review_cannot_be_deleted(org, world, staff, login):
    evidence = oit.evidence_add_file(
        entry=entry(org, world, "o14"), user=staff, upload=pdf_upload()
    )
    memo = oit.oit_memo_create(
        organisation=org, user=staff, year=YEAR, evidence_ids=[evidence.pk], unit=world["unit"]
    )
    memos.memo_submit(memo=memo, user=staff, template=world["template"])
    client = login(staff)
    client.post(reverse("oit:evidence_delete", args=[org.code, YEAR, evidence.pk]))
    assert OitEvidence.objects.filter(pk=evidence.pk).exists()


def test_submit_view_creates_a_memo_of_the_chosen_evidence(org, world, staff, login):
    evidence = oit.evidence_add_file(
        entry=entry(org, world, "o14"), user=staff, upload=pdf_upload()
    )
    response = login(staff).post(
        reverse("oit:submit", args=[org.code, YEAR]), {"evidence": [str(evidence.pk)]}
    )
    memo = org.memos.get()
    assert response.url == reverse("approvals:memo_detail", args=[org.code, memo.pk])
    assert memo.subject == f"ขออนุมัติเผยแพร่ข้อมูลสาธารณะ (OIT) ประจำปีงบประมาณ พ.ศ. {YEAR}"
    detail = login(staff).get(response.url).content.decode()
    assert reverse("oit:evidence_download", args=[org.code, YEAR, evidence.pk]) in detail


# ---------------------------------------------------------------- deadline and dashboard


def test_deadline_days_left_and_dashboard_during_the_window(org, world, staff, login):
    framework: Framework = world["framework"]
    today = timezone.localdate()
    client = login(staff)
    assert 'id="oit-window"' not in client.get(reverse("dashboard")).content.decode()
    framework.oit_opens_on = today - timedelta(days=5)
    framework.oit_deadline = today + timedelta(days=12)
    framework.save()
    assert oit_selectors.oit_board(org, YEAR).days_left == 12
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'id="oit-window"' in dashboard
    assert dashboard.index('id="oit-window"') < dashboard.index('id="landing-staff"')
    assert "เหลืออีก 12 วัน" in dashboard
    board = client.get(reverse("oit:board", args=[org.code, YEAR])).content.decode()
    assert "เหลืออีก 12 วัน" in board
    framework.oit_opens_on = today - timedelta(days=30)
    framework.oit_deadline = today - timedelta(days=3)
    framework.save()
    assert 'id="oit-window"' not in client.get(reverse("dashboard")).content.decode()
    board = client.get(reverse("oit:board", args=[org.code, YEAR])).content.decode()
    assert "พ้นกำหนดมาแล้ว 3 วัน" in board


# ---------------------------------------------------------------- memo numbers


def test_memos_of_two_units_never_share_a_number(org, world, staff):
    finance = UnitFactory(organisation=org, name="กองคลัง")
    first = new_memo(org, staff, world["unit"], world["rounds"])
    second = new_memo(org, staff, finance, world["rounds"])
    first = memos.memo_submit(memo=first, user=staff, template=world["template"])
    second = memos.memo_submit(memo=second, user=staff, template=world["template"])
    assert first.number != second.number


# ---------------------------------------------------------------- demo


def test_demo_has_a_partly_complete_2568_board_and_this_years_window(db):
    call_command("load_framework", stdout=io.StringIO())
    call_command("load_demo", force=True, stdout=io.StringIO())
    from organisations.models import Organisation

    demo = Organisation.objects.get(code="6301401")
    board = oit_selectors.oit_board(demo, 2568)
    states = {r.item.code: r.state for r in board.rows}
    assert states["o27"] == states["o28"] == states["o14"] == oit_selectors.ItemState.PUBLISHED
    assert states["o12"] == oit_selectors.ItemState.AWAITING
    assert states["o15"] == oit_selectors.ItemState.DRAFT
    assert states["o2"] == oit_selectors.ItemState.MISSING
    broken = [(r.item.code, p.problem) for r in board.rows for p in r.problems]
    assert broken == [("o4", "ไม่พบหน้านี้ (HTTP 404)")]
    # The ITAS window the demo sets is this year's, not last cycle's (issue 14).
    from assessments.selectors import years_for

    assert board.deadline is None
    this_year = oit_selectors.oit_board(demo, years_for(demo).planning)
    assert this_year.deadline is not None and this_year.days_left > 0
    o27 = next(r for r in board.rows if r.item.code == "o27")
    assert o27.public[0].public_path == "/p/6301401/2568/measure-plan/"
    assert OitEvidence.objects.get(entry__item__code="o4").link_status == LinkStatus.BROKEN
    # Re-running the demo adds nothing.
    call_command("load_demo", force=True, stdout=io.StringIO())
    assert OitEvidence.objects.filter(entry__organisation=demo).count() == 8


def test_deleting_a_file_of_a_returned_memo_removes_it_from_the_memo(org, world, staff, org_admin):
    evidence = oit.evidence_add_file(
        entry=entry(org, world, "o14"), user=staff, upload=pdf_upload()
    )
    memo = oit.oit_memo_create(
        organisation=org, user=staff, year=YEAR, evidence_ids=[evidence.pk], unit=world["unit"]
    )
    memo = memos.memo_submit(memo=memo, user=staff, template=world["template"])
    act(memo, org_admin, Decision.RETURNED, "ใช้ไฟล์ฉบับลงนาม")
    oit.evidence_delete(evidence=evidence, user=staff)
    memo.refresh_from_db()
    assert not memo.attachments.exists()
    with pytest.raises(memos.MemoError, match="ไม่มีเอกสารแนบ"):
        memos.memo_submit(memo=memo, user=staff, template=world["template"])


def test_evidence_changes_are_in_the_audit_trail(org, world, staff):
    from auditlog.models import LogEntry

    evidence = oit.evidence_add_url(
        entry=entry(org, world, "o3"), user=staff, url="https://example.go.th/contact"
    )
    first = world["items"]["o1"].criteria.first()
    oit.criteria_save(entry=entry(org, world, "o1"), user=staff, ticks={first.pk: (True, "")})
    oit.evidence_delete(evidence=evidence, user=staff)
    logged = LogEntry.objects.filter(additional_data__organisation_id=org.pk)
    models = {e.content_type.model for e in logged}
    assert {"oitentry", "oitevidence", "oitcriterioncheck"} <= models
    deleted = logged.get(content_type__model="oitevidence", action=LogEntry.Action.DELETE)
    assert "https://example.go.th/contact" in str(deleted.changes)


def test_published_file_is_served_from_the_cache_without_queries(
    org, world, staff, org_admin, approver, client
):
    evidence = oit.evidence_add_file(
        entry=entry(org, world, "o14"), user=staff, upload=pdf_upload()
    )
    memo = oit.oit_memo_create(
        organisation=org, user=staff, year=YEAR, evidence_ids=[evidence.pk], unit=world["unit"]
    )
    memo = memos.memo_submit(memo=memo, user=staff, template=world["template"])
    approve_all(memo, staff, org_admin, approver, world["mayor"])
    url = reverse("public:oit_file", args=[org.code, YEAR, "o14", evidence.pk])
    first = client.get(url)
    assert b"".join(first.streaming_content) == PDF_BYTES
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
        assert b"".join(again.streaming_content) == PDF_BYTES
    assert len(queries) == 0
    assert again["ETag"] == first["ETag"]
    # Withdrawing it retires the cached copy at once.
    oit.evidence_withdraw(evidence=evidence, user=org_admin, reason="ผิดฉบับ")
    assert client.get(url).status_code == 404


def test_oit_files_are_served_like_every_stored_file(org, world, staff, login):
    """OIT evidence was served without the sandbox and under its uploaded name
    (oit/1/2568/upload.pdf): now the one function of every stored file serves it, and its
    storage name is random."""
    evidence = oit.evidence_add_file(
        entry=entry(org, world, "o14"), user=staff, upload=pdf_upload("แผนอัตรากำลัง.pdf")
    )
    assert "แผนอัตรากำลัง" not in evidence.file.name and "hr-plan" not in evidence.file.name
    assert evidence.file.name.endswith(".pdf") and len(evidence.file.name.rsplit("/", 1)[1]) > 30
    other = oit.evidence_add_file(
        entry=entry(org, world, "o15"), user=staff, upload=pdf_upload("แผนอัตรากำลัง.pdf")
    )
    assert other.file.name != evidence.file.name
    response = login(staff).get(
        reverse("oit:evidence_download", args=[org.code, YEAR, evidence.pk])
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment")  # private: downloads
