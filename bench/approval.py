"""Benchmark: the final approval's request, whatever the size of the documents it publishes.

Issue 18: the final approval records the decision and returns at once (the publication runs on
the queue), so its request p95 stays under 300 ms for the largest realistic document. This
builds, in a fresh PostgreSQL database, the largest organisation the limits allow (200 measures
of five steps with two rounds of progress, the year's text limit spread evenly: see
bench/render_limits.py) and a small one (one measure), each with MEMOS memos attaching the
year's results report (and publishing the memo itself) and agreed up to the นายก's final step.
Then each final approval is posted as the นายก's browser would (Django's test client through the
whole middleware stack, logged in, CSRF checks off as in any test client) and timed; the
publication task goes to the broker (kombu's in-memory transport here: the request only sends
it). For contrast, one publication of the large organisation's documents is timed as it used
to run, inside the request.

    .venv/bin/python bench/approval.py              # 30 memos per organisation
    .venv/bin/python bench/approval.py --memos 10

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust); creates and drops
ita_bench_approval_<pid>.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
GOAL_MS = 300


def admin_sql(sql: str) -> None:
    subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", sql], check=True)


def setup(db: str, media: Path) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ["DATABASE_URL"] = f"{SERVER}/{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "ita_portal.settings.test"
    os.environ["ITA_TEST_MEDIA_ROOT"] = str(media)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_framework", verbosity=0, stdout=io.StringIO())


def build(code: str, measures: int, memos_count: int):
    """An organisation of `measures` measures, a four-step chain and `memos_count` memos at the
    final step; returns (organisation, mayor, [(memo, step)])."""
    from render_limits import MEASURE_SHARES, _measure, _org, split

    from approvals import services as memos
    from approvals.models import Decision
    from approvals.selectors import current_step
    from ita_portal import limits
    from organisations.models import Membership, Role

    org, unit, staff, rounds = _org(code)
    Membership.objects.filter(user=staff, organisation=org).update(role=Role.ORG_ADMIN)
    each = limits.YEAR_TEXT // limits.MEASURES_PER_YEAR
    for number in range(1, measures + 1):
        _measure(org, unit, staff, rounds, number, split(each - 12, MEASURE_SHARES))
    users = {}
    for name, role in (
        ("head", Role.ORG_ADMIN),
        ("clerk", Role.APPROVER),
        ("mayor", Role.APPROVER),
    ):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create(username=f"{name}{code}")
        Membership.objects.create(user=user, organisation=org, role=role, unit=unit)
        users[name] = user
    template = memos.chain_template_save(
        organisation=org,
        user=staff,
        name="เสนอรายงาน",
        steps=[
            ("ผู้รายงาน", staff),
            ("หัวหน้าสำนักปลัด", users["head"]),
            ("ปลัด", users["clerk"]),
            ("นายก", users["mayor"]),
        ],
    )
    texts = memos.memo_draft_texts(organisation=org, fiscal_year=2568, kind="measure-results")
    waiting = []
    for _ in range(memos_count):
        memo = memos.memo_create(
            organisation=org,
            user=staff,
            fiscal_year=2568,
            unit=unit,
            subject=texts["subject"],
            to=texts["to"],
            background=texts["background"],
            facts=texts["facts"],
            proposal=texts["proposal"],
            attachments=[
                {
                    "kind": "measure-results",
                    "fiscal_year": 2568,
                    "options": {},
                    "title": texts["title"],
                }
            ],
        )
        memos.memo_submit(memo=memo, user=staff, template=template)
        for name in ("head", "clerk"):
            memo.refresh_from_db()
            step = current_step(memo)
            memos.memo_step_act(
                memo=memo, step_id=step.pk, user=users[name], decision=Decision.APPROVED
            )
        memo.refresh_from_db()
        waiting.append((memo, current_step(memo)))
    return org, users["mayor"], waiting


def approve_all(org, mayor, waiting) -> list[float]:
    from django.test import Client
    from django.urls import reverse

    from approvals.models import Memo, MemoStatus, PublicationState

    client = Client()
    client.force_login(mayor)
    client.get(reverse("approvals:memo_detail", args=[org.code, waiting[0][0].pk]))  # warm
    times = []
    for memo, step in waiting:
        url = reverse("approvals:memo_act", args=[org.code, memo.pk])
        started = time.perf_counter()
        response = client.post(url, {"step": step.pk, "decision": "approved"})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, response.status_code
        state = Memo.objects.values_list("status", "publication_state").get(pk=memo.pk)
        assert state == (MemoStatus.APPROVED, PublicationState.PENDING), state
    return times


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--memos", type=int, default=30)
    args = parser.parse_args()
    db = f"ita_bench_approval_{os.getpid()}"
    admin_sql(f'CREATE DATABASE "{db}"')
    try:
        with tempfile.TemporaryDirectory(prefix="ita-bench-approval-") as tmp:
            setup(db, Path(tmp) / "media")
            from ita_portal.celery import app

            app.conf.update(task_always_eager=False, broker_url="memory://")
            from approvals import services as memos
            from ita_portal import limits

            results = {}
            for label, code, count in (
                ("1 measure", "9910001", 1),
                (f"{limits.MEASURES_PER_YEAR} measures", "9910002", limits.MEASURES_PER_YEAR),
            ):
                started = time.perf_counter()
                org, mayor, waiting = build(code, count, args.memos)
                built = time.perf_counter() - started
                results[label] = approve_all(org, mayor, waiting)
                print(f"built {label} with {args.memos} memos in {built:.0f} s", file=sys.stderr)
            # For contrast: one publication of the large organisation, as it ran in the request.
            started = time.perf_counter()
            memos.memo_publication_run(memo_pk=waiting[0][0].pk)
            inline = time.perf_counter() - started
            print("| organisation | approvals | p50 ms | p95 ms | max ms |")
            print("|---|---:|---:|---:|---:|")
            for label, times in results.items():
                print(
                    f"| {label} | {len(times)} | {statistics.median(times):.0f} | "
                    f"{pct(times, 0.95):.0f} | {max(times):.0f} |"
                )
            worst = max(pct(t, 0.95) for t in results.values())
            print(
                f"\nThe same publication inside the request (as before issue 18): {inline:.1f} s "
                f"for the {limits.MEASURES_PER_YEAR}-measure organisation's results and memo."
            )
            verdict = "met" if worst < GOAL_MS else "NOT met"
            print(f"Goal: final approval p95 < {GOAL_MS} ms at any size: {worst:.0f} ms, {verdict}")
            print(f"load average: {os.getloadavg()[0]:.2f}")
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(f'DROP DATABASE IF EXISTS "{db}"')


if __name__ == "__main__":
    main()
