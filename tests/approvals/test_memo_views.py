"""Memo screens: access for every view, the chain on the web, drafting from a report."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from approvals import selectors as approval_selectors
from approvals import services as memos
from approvals.models import (
    ChainTemplate,
    ChainTemplateStep,
    Decision,
    Delegation,
    Memo,
    MemoStatus,
)
from publication.models import Publication
from tests.factories import MembershipFactory
from tests.memo_helpers import YEAR, act, new_memo, setup_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(org, staff, org_admin, approver):
    return setup_chain(org, staff, org_admin, approver)


@pytest.fixture
def memo(org, staff, chain):
    return new_memo(org, staff, chain[0], chain[1])


@pytest.fixture
def publication(memo, staff, org_admin, approver, chain):
    memos.memo_submit(memo=memo, user=staff, template=chain[3])
    for user in (org_admin, approver, chain[4]):
        act(memo, user, Decision.APPROVED)
    return Publication.objects.get(kind="measure-results")


def _urls(org, memo, publication, rounds):
    code = org.code
    create = (
        reverse("approvals:memo_create", args=[code])
        + f"?kind=measure-results&year={YEAR}&round={rounds[0].pk}"
    )
    return {
        "list": ("get", reverse("approvals:memo_list", args=[code]), "view"),
        "detail": ("get", reverse("approvals:memo_detail", args=[code, memo.pk]), "view"),
        "pdf": ("get", reverse("approvals:memo_pdf", args=[code, memo.pk]), "view"),
        "act": ("post", reverse("approvals:memo_act", args=[code, memo.pk]), "view"),
        "create": ("get", create, "edit"),
        "update": ("get", reverse("approvals:memo_update", args=[code, memo.pk]), "edit"),
        "submit": ("post", reverse("approvals:memo_submit", args=[code, memo.pk]), "edit"),
        "chains": ("get", reverse("approvals:chain_templates", args=[code]), "manage"),
        "withdraw": (
            "post",
            reverse("publication:publication_withdraw", args=[code, publication.pk]),
            "manage",
        ),
    }


ALLOWED = {
    "staff": {"view", "edit"},
    "approver": {"view"},
    "org_admin": {"view", "edit", "manage"},
    "central_admin": {"view", "manage"},
}


@pytest.mark.parametrize(
    "persona", ["anonymous", "outsider", "staff", "approver", "org_admin", "central_admin"]
)
def test_access_to_every_memo_view(request, client, org, chain, publication, persona):
    memo = new_memo(org, chain[0] and request.getfixturevalue("staff"), chain[0], chain[1])
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    for name, (method, url, needs) in _urls(org, memo, publication, chain[1]).items():
        response = getattr(client, method)(url)
        if persona == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(
                "/accounts/login/"
            ), name
        elif persona == "outsider":
            assert response.status_code == 404, name
        elif needs in ALLOWED[persona]:
            assert response.status_code in (200, 302), (name, response.status_code)
        else:
            assert response.status_code == 403, (name, response.status_code)
    assert client.get(reverse("waiting")).status_code == (302 if persona == "anonymous" else 200)


def test_draft_from_report_prefills_texts(login, org, staff, chain):
    client = login(staff)
    url = (
        reverse("approvals:memo_create", args=[org.code])
        + f"?kind=measure-results&year={YEAR}&round={chain[1][0].pk}&layout=a"
    )
    page = client.get(url).content.decode()
    assert (
        "ขออนุมัติเผยแพร่รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน รอบ 6 เดือน"
        in page
    )
    assert "สำนักงาน ป.ป.ช." in page
    empty = client.post(
        url,
        {
            "unit": chain[0].pk,
            "subject": "",
            "to": "",
            "background": "x",
            "facts": "y",
            "proposal": "z",
        },
    )
    assert "กรุณาระบุเรื่อง" in empty.content.decode() and Memo.objects.count() == 0
    response = client.post(
        url,
        {
            "unit": chain[0].pk,
            "subject": "เรื่องทดสอบ",
            "to": "นายก",
            "background": "เดิม",
            "facts": "จริง",
            "proposal": "เสนอ",
            "publish_memo": "on",
        },
    )
    memo = Memo.objects.get()
    assert response["Location"] == reverse("approvals:memo_detail", args=[org.code, memo.pk])
    attachment = memo.attachments.get()
    assert attachment.kind == "measure-results" and attachment.options == {
        "round_id": chain[1][0].pk,
        "layout": "a",
    }
    bad = client.get(
        reverse("approvals:memo_create", args=[org.code]) + "?kind=sample&year=2568", follow=True
    )
    assert "กรุณาเลือกเอกสาร" in bad.content.decode()


def test_chain_on_the_web_with_return(client, org, staff, org_admin, approver, chain, memo):
    client.force_login(staff)
    client.post(
        reverse("approvals:memo_submit", args=[org.code, memo.pk]), {"template": chain[3].pk}
    )
    memo.refresh_from_db()
    assert memo.status == MemoStatus.IN_REVIEW
    page = client.get(reverse("approvals:memo_detail", args=[org.code, memo.pk])).content.decode()
    assert 'id="act"' not in page  # the author is not a step: nothing to decide is offered
    # The step list says whose turn it is: one step waits, the later ones are not reached yet.
    assert page.count('aria-current="step"') == 1 and page.count("รอพิจารณาอยู่ที่ขั้นนี้") == 1
    assert "ยังไม่ถึงขั้นนี้" in page
    step = approval_selectors.current_step(memo)
    assert step.assignee == org_admin
    assert (
        client.post(
            reverse("approvals:memo_act", args=[org.code, memo.pk]),
            {"step": step.pk, "decision": "approved"},
        ).status_code
        == 403
    )  # nor accepted
    client.force_login(approver)  # their own step, but not the current one
    early = client.post(
        reverse("approvals:memo_act", args=[org.code, memo.pk]),
        {"step": step.pk + 1, "decision": "approved"},
        follow=True,
    )
    assert "ไม่ใช่ขั้นที่รอพิจารณา" in early.content.decode()
    client.force_login(org_admin)
    page = client.get(reverse("approvals:memo_detail", args=[org.code, memo.pk])).content.decode()
    assert 'id="act"' in page and "เห็นชอบ" in page and 'id="waiting-count">1<' in page
    no_comment = client.post(
        reverse("approvals:memo_act", args=[org.code, memo.pk]),
        {"step": step.pk, "decision": "returned"},
        follow=True,
    )
    assert "กรุณาระบุเหตุผลที่ส่งกลับแก้ไข" in no_comment.content.decode()
    client.post(
        reverse("approvals:memo_act", args=[org.code, memo.pk]),
        {"step": step.pk, "decision": "returned", "comment": "แก้ไขวันที่"},
    )
    memo.refresh_from_db()
    assert memo.status == MemoStatus.RETURNED
    stale = client.post(
        reverse("approvals:memo_act", args=[org.code, memo.pk]),
        {"step": step.pk, "decision": "approved"},
        follow=True,
    )
    assert "ไม่ได้อยู่ระหว่างเสนอ" in stale.content.decode()  # a stale page
    client.force_login(staff)
    page = client.get(reverse("approvals:memo_detail", args=[org.code, memo.pk])).content.decode()
    assert "ส่งกลับแก้ไข" in page and "แก้ไขวันที่" in page


def test_memo_pdf_with_attachments(login, org, staff, memo):
    response = login(staff).get(reverse("approvals:memo_pdf", args=[org.code, memo.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_chain_template_form(login, org, org_admin, staff):
    client = login(org_admin)
    url = reverse("approvals:chain_templates", args=[org.code])
    bad = client.post(url, {"name": "ลำดับใหม่", "is_default": "on"})
    assert "ลำดับการเสนอต้องมีอย่างน้อย 1 ขั้น" in bad.content.decode()
    ok = client.post(
        url,
        {"name": "ลำดับใหม่", "is_default": "on", "position_1": "ผู้รายงาน", "user_1": staff.pk},
        follow=True,
    )
    assert "บันทึกลำดับการเสนอแล้ว" in ok.content.decode()


def test_withdraw_view(login, org, org_admin, publication):
    client = login(org_admin)
    url = reverse("publication:publication_withdraw", args=[org.code, publication.pk])
    assert "กรุณาระบุเหตุผล" in client.post(url, {"reason": ""}, follow=True).content.decode()
    client.post(url, {"reason": "ข้อมูลผิด"})
    publication.refresh_from_db()
    assert publication.withdraw_reason == "ข้อมูลผิด"


def test_a_new_chain_is_the_default_only_when_there_is_none(login, org, org_admin, chain):
    """The first chain is the default; adding another leaves the default alone unless asked."""
    page = login(org_admin).get(reverse("approvals:chain_templates", args=[org.code]))
    field = page.content.decode()
    field = field[field.index('name="is_default"') - 200 : field.index('name="is_default"') + 200]
    assert "checked" not in field  # the organisation has a chain already (setup_chain)
    ChainTemplate.objects.all().delete()
    page = login(org_admin).get(reverse("approvals:chain_templates", args=[org.code]))
    field = page.content.decode()
    field = field[field.index('name="is_default"') - 200 : field.index('name="is_default"') + 200]
    assert "checked" in field


def test_delegation_page_records_lists_and_cancels_in_thai(login, org, org_admin, approver, staff):
    client = login(org_admin)
    url = reverse("approvals:delegations", args=[org.code])
    page = client.get(url).content.decode()
    assert "ยังไม่มีการมอบหมายให้ปฏิบัติหน้าที่แทน" in page
    bad = client.post(
        url,
        {
            "delegator": approver.pk,
            "delegate": approver.pk,
            "kind": "acting",
            "starts_on": "10/12/2569",
            "ends_on": "1/12/69",
            "order_number": "",
            "order_date": "1/12/2569",
        },
    ).content.decode()
    assert "กรุณาระบุคำสั่งเลขที่" in bad
    bad = client.post(
        url,
        {
            "delegator": approver.pk,
            "delegate": approver.pk,
            "kind": "acting",
            "starts_on": "10/12/2569",
            "ends_on": "1/12/69",
            "order_number": "12/2569",
            "order_date": "1/12/2569",
        },
    ).content.decode()
    assert "ผู้ปฏิบัติหน้าที่แทนต้องเป็นคนละคนกับผู้ดำรงตำแหน่ง" in bad
    assert "วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น" in bad
    assert not Delegation.objects.exists()
    ok = client.post(
        url,
        {
            "delegator": approver.pk,
            "delegate": staff.pk,
            "kind": "on_behalf",
            "starts_on": "1/12/69",
            "ends_on": "31/12/2569",
            "order_number": "12/2569",
            "order_date": "30/11/2569",
        },
        follow=True,
    ).content.decode()
    assert "บันทึกการมอบหมายให้ปฏิบัติหน้าที่แทนแล้ว" in ok
    delegation = Delegation.objects.get()
    assert (delegation.starts_on.isoformat(), delegation.ends_on.isoformat()) == (
        "2026-12-01",
        "2026-12-31",
    )
    assert "ปฏิบัติราชการแทน" in ok and "ที่ 12/2569" in ok
    cancel = reverse("approvals:delegation_cancel", args=[org.code, delegation.pk])
    assert "ยกเลิกการมอบหมายแล้ว" in client.post(cancel, follow=True).content.decode()
    delegation.refresh_from_db()
    assert delegation.cancelled_by == org_admin
    assert "การมอบหมายนี้ถูกยกเลิกไปแล้ว" in client.post(cancel, follow=True).content.decode()


def test_chain_template_delete_view(login, org, org_admin, chain):
    template = chain[3]
    client = login(org_admin)
    response = client.post(
        reverse("approvals:chain_template_delete", args=[org.code, template.pk]), follow=True
    )
    assert f"ลบลำดับการเสนอ “{template.name}” แล้ว" in response.content.decode()
    assert not org.chain_templates.exists()


def test_a_chain_is_edited_from_its_own_button(login, org, org_admin, approver, chain):
    template = chain[3]
    client = login(org_admin)
    url = reverse("approvals:chain_templates", args=[org.code])
    page = client.get(f"{url}?edit={template.pk}").content.decode()
    assert f'value="{template.name}"' in page and 'value="หัวหน้าสำนักปลัด"' in page
    # People are named with their position, so two of one name are told apart.
    assert f"{approver.get_full_name()} (ปลัด)" in page
    client.post(
        f"{url}?edit={template.pk}",
        {
            "name": "ลำดับเสนอนายก",
            "is_default": "on",
            "resubmit": "restart",
            "position_1": "ปลัด",
            "user_1": approver.pk,
        },
    )
    template.refresh_from_db()
    assert (template.name, template.resubmit) == ("ลำดับเสนอนายก", "restart")
    assert [s.position_title for s in template.steps.all()] == ["ปลัด"]
    assert ChainTemplate.objects.filter(organisation=org).count() == 1  # changed, not added


def test_editing_a_chain_records_only_what_changed(org, org_admin, approver, chain):
    """Adding a step is one created step in the audit trail, not every step deleted and made
    again; the default flag is not logged as changed when it stays on."""
    template = chain[3]
    steps = [(s.position_title, s.user) for s in template.steps.order_by("order")]
    extra = MembershipFactory(organisation=org, role="approver").user
    before = LogEntry.objects.count()
    memos.chain_template_save(
        organisation=org,
        user=org_admin,
        name=template.name,
        steps=[*steps, ("รองนายก", extra)],
        template=template,
    )
    entries = LogEntry.objects.order_by("pk")[before:]
    assert [(e.content_type.model, e.action) for e in entries] == [
        ("chaintemplatestep", LogEntry.Action.CREATE)
    ]
    assert ChainTemplateStep.objects.filter(template=template).count() == len(steps) + 1


def test_a_report_of_a_round_not_yet_over_is_flagged_before_it_is_sent(
    login, org, staff, chain, time_machine
):
    round_6 = chain[1][0]
    url = (
        reverse("approvals:memo_create", args=[org.code])
        + f"?kind=measure-results&year={YEAR}&round={round_6.pk}"
    )
    client = login(staff)
    time_machine.move_to(round_6.end_date - timedelta(days=30))
    page = client.get(url).content.decode()
    assert 'id="round-not-over"' in page and f"{round_6.name} ยังไม่สิ้นสุด" in page
    # The drafted facts say how far the report goes, not that the round is complete.
    assert "แสดงผลการดำเนินการถึงวันที่" in page and "เป็นที่เรียบร้อยแล้ว" not in page
    time_machine.move_to(round_6.end_date + timedelta(days=1))
    page = client.get(url).content.decode()
    assert 'id="round-not-over"' not in page and "เป็นที่เรียบร้อยแล้ว" in page


def test_long_texts_from_the_documents_page_travel_in_the_body(login, org, staff, chain):
    """The documents page posts its options: a 4,000-character คำนำ (36,000 characters once in
    an address, past any server's limit) renders the document and goes with the memo."""
    client = login(staff)
    preface = ("คำนำของรายงานที่เจ้าหน้าที่แก้ไขเพิ่มเติม " * 120)[:4000]
    options = {
        "kind": "measure-results",
        "year": str(YEAR),
        "round": str(chain[1][0].pk),
        "layout": "b",
        "preface": preface,
        "introduction": "ย่อหน้านำ",
    }
    document = client.post(
        reverse("documents:document", args=[org.code, YEAR, "measure-results"]),
        {**options, "format": "html"},
    )
    assert document.status_code == 200
    assert preface[:200] in document.content.decode()
    # "เสนอเพื่อเผยแพร่" posts the same fields to the memo form, which carries them on.
    page = client.post(reverse("approvals:memo_create", args=[org.code]), options)
    assert page.status_code == 200 and Memo.objects.count() == 0
    text = page.content.decode()
    assert 'name="preface"' in text and preface[:200] in text
    assert "กรุณาระบุเรื่อง" not in text  # opened, not yet submitted
    response = client.post(
        reverse("approvals:memo_create", args=[org.code]),
        {
            **options,
            "unit": chain[0].pk,
            "subject": "ขออนุมัติเผยแพร่รายงาน",
            "to": "นายก",
            "background": "เดิม",
            "facts": "จริง",
            "proposal": "เสนอ",
            "publish_memo": "on",
        },
    )
    memo = Memo.objects.get()
    assert response.status_code == 302
    assert memo.attachments.get().options == {
        "round_id": chain[1][0].pk,
        "layout": "b",
        "preface": preface.strip(),
        "introduction": "ย่อหน้านำ",
    }
