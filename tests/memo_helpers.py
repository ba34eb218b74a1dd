"""A measure-results report and a four-step chain, built through the services."""

import io
import threading
from datetime import date

from django.core.management import call_command
from django.db import connections
from django.test import TestCase

from approvals import selectors as approval_selectors
from approvals import services as memos
from measures.services import measure_create, progress_entry_record, rounds_ensure_defaults
from tests.factories import MembershipFactory, UnitFactory

YEAR = 2568


def setup_chain(org, staff, org_admin, approver):
    call_command("load_framework", stdout=io.StringIO())
    org.document_prefix = "นม 93501/"
    org.save()
    unit = UnitFactory(organisation=org, name="สำนักปลัด", phone="044-000-111")
    rounds = rounds_ensure_defaults(organisation=org, year=YEAR)
    measure = measure_create(
        organisation=org,
        year=YEAR,
        user=staff,
        title="จัดทำคู่มือการปฏิบัติงาน",
        responsible_units=[unit],
        steps=["จัดทำคู่มือ", "เผยแพร่"],
        timeframe_kind="quarters",
        quarters=[2],
    )
    progress_entry_record(
        measure=measure,
        round=rounds[0],
        user=staff,
        status="done",
        output="จัดทำคู่มือแล้ว 12 เรื่อง",
        reported_on=date(2025, 3, 20),
    )
    mayor = MembershipFactory(
        organisation=org, role="approver", user__username="mayor", position_title="นายก"
    ).user
    template = memos.chain_template_save(
        organisation=org,
        user=org_admin,
        name="เสนอรายงาน",
        steps=[("ผู้รายงาน", staff), ("หัวหน้าสำนักปลัด", org_admin), ("ปลัด", approver), ("นายก", mayor)],
    )
    return unit, rounds, measure, template, mayor


def new_memo(org, staff, unit, rounds, **overrides):
    texts = memos.memo_draft_texts(
        organisation=org, fiscal_year=YEAR, kind="measure-results", round_name="รอบ 6 เดือน"
    )
    values = {
        "organisation": org,
        "user": staff,
        "fiscal_year": YEAR,
        "unit": unit,
        "subject": texts["subject"],
        "to": texts["to"],
        "background": texts["background"],
        "facts": texts["facts"],
        "proposal": texts["proposal"],
        "attachments": [
            {
                "kind": "measure-results",
                "fiscal_year": YEAR,
                "options": {"round_id": rounds[0].pk},
                "title": texts["title"],
            }
        ],
    }
    values.update(overrides)
    return memos.memo_create(**values)


def act(memo, user, decision, comment=""):
    """Decide the memo's pending step as `user`, as the web request does: what the decision
    starts once committed (the notices; on the final approval, the publication, inline in the
    tests as in the embedded default) runs before this returns."""
    memo.refresh_from_db()
    step = approval_selectors.current_step(memo)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return memos.memo_step_act(
            memo=memo, step_id=step.pk, user=user, decision=decision, comment=comment
        )


def run_concurrently(target, count=2):
    """Run `target` in `count` threads released together; [("ok", value) | ("error", exc)]."""
    barrier = threading.Barrier(count)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(("ok", target()))
        except Exception as exc:  # collected and asserted by the caller
            results.append(("error", exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
