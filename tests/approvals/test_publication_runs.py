"""The final approval records the decision and returns; the publication runs after it (on the
queue; inline here, as in the embedded default), is retried, and can be asked for again."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

import documents.registry
from approvals import selectors as approval_selectors
from approvals import services as memos
from approvals.models import Decision, Memo, MemoStatus, PublicationState
from approvals.tasks import publish_memo
from documents.errors import DocumentError
from publication.models import Publication
from tests.memo_helpers import YEAR, act, new_memo, setup_chain


@pytest.fixture
def chain(org, staff, org_admin, approver):
    return setup_chain(org, staff, org_admin, approver)


@pytest.fixture
def at_final_step(org, staff, org_admin, approver, chain):
    """A memo with one attachment, agreed up to the นายก's final step."""
    memo = new_memo(org, staff, chain[0], chain[1])
    memos.memo_submit(memo=memo, user=staff, template=chain[3])
    for user in (org_admin, approver):
        act(memo, user, Decision.APPROVED)
    memo.refresh_from_db()
    return memo


def _files(settings) -> set:
    published = Path(settings.MEDIA_ROOT) / "published"
    return set(published.rglob("*.*")) if published.exists() else set()


def _approve_in_browser(client, memo, mayor):
    """The นายก's final approval as posted from the memo page (the tests that call this run
    in real transactions, so the publication runs as the decision commits, as it does inline)."""
    client.force_login(mayor)
    step = approval_selectors.current_step(memo)
    return client.post(
        reverse("approvals:memo_act", args=[memo.organisation.code, memo.pk]),
        {"step": step.pk, "decision": "approved"},
        follow=True,
    )


def _failing_pdf(monkeypatch, fail_calls):
    """html_to_pdf raising on the given call numbers (1-based); returns the call counter."""
    real = documents.registry.html_to_pdf
    calls = {"n": 0}

    def flaky(html):
        calls["n"] += 1
        if calls["n"] in fail_calls:
            raise RuntimeError("renderer crashed")
        return real(html)

    monkeypatch.setattr(documents.registry, "html_to_pdf", flaky)
    return calls


def test_the_approval_is_recorded_before_anything_is_rendered(at_final_step, chain, monkeypatch):
    """The decision commits with the memo "กำลังเผยแพร่"; the run is only queued after commit."""
    queued = []
    monkeypatch.setattr(memos, "memo_publication_enqueue", queued.append)
    rendered = _failing_pdf(monkeypatch, fail_calls=set())
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        act_step = approval_selectors.current_step(at_final_step)
        memos.memo_step_act(
            memo=at_final_step, step_id=act_step.pk, user=chain[4], decision=Decision.APPROVED
        )
    memo = Memo.objects.get(pk=at_final_step.pk)
    assert memo.status == MemoStatus.APPROVED
    assert memo.publication_state == PublicationState.PENDING
    assert memo.publication_requested_at is not None
    assert rendered["n"] == 0 and not Publication.objects.exists() and queued == []
    for callback in callbacks:
        callback()
    assert queued == [memo.pk]


@pytest.mark.django_db(transaction=True)
def test_a_crashed_render_is_retried_and_publishes_with_no_stray_file(
    client, at_final_step, chain, monkeypatch, settings
):
    before = _files(settings)
    calls = _failing_pdf(monkeypatch, fail_calls={2})  # the memo's own PDF, first run
    response = _approve_in_browser(client, at_final_step, chain[4])
    page = response.content.decode()
    assert "อนุมัติ" in page and "และเผยแพร่เอกสารแล้ว" in page
    memo = Memo.objects.get(pk=at_final_step.pk)
    assert (memo.status, memo.publication_state) == (MemoStatus.APPROVED, "published")
    assert memo.publication_attempts == 2 and calls["n"] == 4
    publications = Publication.objects.filter(memo=memo)
    assert sorted(publications.values_list("kind", flat=True)) == ["measure-results", "memo"]
    # Exactly the stored revisions' files remain: the failed run's first PDF was removed.
    stored = {
        Path(settings.MEDIA_ROOT) / f.name for p in publications for f in (p.html, p.pdf, p.docx)
    }
    assert _files(settings) - before == stored


@pytest.mark.django_db(transaction=True)
def test_a_publication_that_keeps_failing_keeps_the_decision_and_offers_a_retry(
    client, org, org_admin, staff, at_final_step, chain, monkeypatch, settings
):
    staff.email, org_admin.email = "staff@example.invalid", "admin@example.invalid"
    staff.save(), org_admin.save()
    before = _files(settings)
    _failing_pdf(monkeypatch, fail_calls=set(range(1, 100)))
    mail.outbox.clear()
    response = _approve_in_browser(client, at_final_step, chain[4])
    memo = Memo.objects.get(pk=at_final_step.pk)
    # The decision stands; nothing is public; every run was tried and the error is kept.
    assert memo.status == MemoStatus.APPROVED
    assert memo.steps.get(order=4, cycle=1).decision == Decision.APPROVED
    assert memo.publication_state == PublicationState.FAILED
    assert memo.publication_attempts == memos.PUBLISH_ATTEMPTS
    assert memo.publication_error.startswith("สร้างไฟล์เอกสารเพื่อเผยแพร่ไม่สำเร็จ")
    assert not Publication.objects.exists() and _files(settings) == before
    page = response.content.decode()
    assert "เผยแพร่ไม่สำเร็จ" in page and "การอนุมัติบันทึกไว้แล้ว" in page
    assert "เผยแพร่อีกครั้ง</button>" not in page  # the นายก is not the org admin
    # The author and the org admins are told, once each.
    told = sorted(m.to[0] for m in mail.outbox if "เผยแพร่เอกสารไม่สำเร็จ" in m.subject)
    assert told == ["admin@example.invalid", "staff@example.invalid"]
    # Staff may not ask again; the org admin sees the button and, once the renderer works, the
    # retry publishes.
    detail = reverse("approvals:memo_detail", args=[org.code, memo.pk])
    retry = reverse("approvals:memo_publish_retry", args=[org.code, memo.pk])
    client.force_login(staff)
    assert client.post(retry).status_code == 403
    client.force_login(org_admin)
    assert "เผยแพร่อีกครั้ง</button>" in client.get(detail).content.decode()
    monkeypatch.undo()
    page = client.post(retry, follow=True).content.decode()
    assert "เผยแพร่เอกสารแล้ว" in page
    memo.refresh_from_db()
    assert memo.publication_state == PublicationState.PUBLISHED and memo.publication_error == ""
    assert Publication.objects.filter(memo=memo).count() == 2
    # ... and a published memo is not published twice.
    with pytest.raises(memos.MemoError, match="ไม่ได้รอเผยแพร่ใหม่"):
        memos.memo_publication_retry(memo=memo, user=org_admin)


def test_a_document_the_data_cannot_make_is_not_run_again(at_final_step, chain, monkeypatch):
    calls = {"n": 0}

    def refuse(html):
        calls["n"] += 1
        raise DocumentError("ยังไม่มีคะแนนของปีนี้")

    monkeypatch.setattr(documents.registry, "html_to_pdf", refuse)
    act(at_final_step, chain[4], Decision.APPROVED)
    memo = Memo.objects.get(pk=at_final_step.pk)
    assert memo.publication_state == PublicationState.FAILED
    assert memo.publication_error == "สร้างไฟล์เอกสารเพื่อเผยแพร่ไม่สำเร็จ: ยังไม่มีคะแนนของปีนี้"
    assert calls["n"] == 1 and memo.publication_attempts == 1


def test_a_second_delivery_of_the_task_changes_nothing(at_final_step, chain):
    act(at_final_step, chain[4], Decision.APPROVED)
    revisions = sorted(Publication.objects.values_list("pk", flat=True))
    assert len(revisions) == 2
    assert publish_memo.delay(at_final_step.pk).get() == PublicationState.PUBLISHED
    assert sorted(Publication.objects.values_list("pk", flat=True)) == revisions


def test_a_stalled_publication_may_be_asked_for_again_after_a_while(
    at_final_step, chain, org_admin, monkeypatch, time_machine
):
    monkeypatch.setattr(memos, "memo_publication_enqueue", lambda pk: None)  # the worker is gone
    act(at_final_step, chain[4], Decision.APPROVED)
    memo = Memo.objects.get(pk=at_final_step.pk)
    assert memo.publication_state == PublicationState.PENDING
    with pytest.raises(memos.MemoError, match="ไม่ได้รอเผยแพร่ใหม่"):
        memos.memo_publication_retry(memo=memo, user=org_admin)
    time_machine.move_to(timezone.now() + timedelta(seconds=memos.PUBLISH_STALL_SECONDS + 1))
    assert memos.publication_stalled(memo)
    monkeypatch.undo()
    with TestCase.captureOnCommitCallbacks(execute=True):
        memos.memo_publication_retry(memo=memo, user=org_admin)
    memo.refresh_from_db()
    assert memo.publication_state == PublicationState.PUBLISHED
    assert Publication.objects.filter(memo=memo, fiscal_year=YEAR).count() == 2


def test_the_pending_page_says_so_and_reloads_itself(
    client, org, staff, at_final_step, chain, monkeypatch
):
    monkeypatch.setattr(memos, "memo_publication_enqueue", lambda pk: None)
    act(at_final_step, chain[4], Decision.APPROVED)
    client.force_login(staff)
    page = client.get(reverse("approvals:memo_detail", args=[org.code, at_final_step.pk]))
    html = page.content.decode()
    assert 'id="memo-publication">กำลังเผยแพร่<' in html
    assert '<meta http-equiv="refresh" content="5">' in html
    assert f"/p/{org.code}/" not in html  # no public link before the files are stored
    listing = client.get(reverse("approvals:memo_list", args=[org.code])).content.decode()
    assert "กำลังเผยแพร่" in listing


def test_the_org_admins_dashboard_lists_what_to_publish_again(
    client, org, org_admin, staff, at_final_step, chain, monkeypatch
):
    client.force_login(org_admin)
    assert 'id="publications-to-retry"' not in client.get("/dashboard/").content.decode()
    _failing_pdf(monkeypatch, fail_calls=set(range(1, 100)))
    act(at_final_step, chain[4], Decision.APPROVED)
    page = client.get("/dashboard/").content.decode()
    assert 'id="publications-to-retry"' in page and "สร้างไฟล์เอกสารเพื่อเผยแพร่ไม่สำเร็จ" in page
    assert f"/memos/{at_final_step.pk}/" in page
    client.force_login(staff)  # only the org admin may ask again, so only they see the list
    assert 'id="publications-to-retry"' not in client.get("/dashboard/").content.decode()
