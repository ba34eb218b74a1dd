"""Benchmark: how long the largest documents take, with every text at the maximum of its limit.

Issue 18 asks that a document at the maximum of every limit (ita_portal.limits), for the largest
realistic organisation (200 measures of 5 steps, two rounds of progress each), renders as a PDF in
at most 10 s. This builds such organisations in a fresh SQLite database, at the sizes given, with
every text field full (title 500 characters, problem, goal, monitoring, expected results and each
round's output, outcome and recommendations 5,000, each step 2,000), and times the measure-results
report (layout b, the whole year) and the measure plan, as PDF and as .docx, once each.

    .venv/bin/python bench/render_limits.py                 # 5, 10 and 20 measures
    .venv/bin/python bench/render_limits.py --measures 200  # the issue's size (long: see below)

Each row says the characters of text the document holds, its pages and the seconds. The goal
line says whether the largest size given met 10 s.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(tmp: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "ita_portal.settings.test"
    os.environ["ITA_TEST_MEDIA_ROOT"] = str(tmp / "media")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_framework", verbosity=0, stdout=io.StringIO())
    from django.conf import settings

    settings.DOCUMENT_RENDER_SECONDS = 0  # measured here, not stopped at the limit


def text(length: int, seed: str) -> str:
    sentence = f"{seed} หน่วยงานดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน "
    return (sentence * (length // len(sentence) + 1))[:length]


def organisation_with(measures: int, code: str):
    from django.contrib.auth import get_user_model

    from ita_portal import limits
    from measures.models import Measure, ProgressEntry, TimeframeKind
    from measures.services import measure_create, rounds_ensure_defaults
    from organisations.models import Membership, Organisation, Role, Unit

    org = Organisation.objects.create(code=code, name=f"องค์การบริหารส่วนตำบลทดสอบ {code}")
    unit = Unit.objects.create(organisation=org, name="สำนักปลัด")
    user = get_user_model().objects.create(username=f"u{code}")
    Membership.objects.create(user=user, organisation=org, role=Role.STAFF, unit=unit)
    rounds_ensure_defaults(organisation=org, year=2568)
    for number in range(measures):
        measure_create(
            organisation=org,
            year=2568,
            user=user,
            title=text(limits.TITLE, f"มาตรการที่ {number + 1}"),
            responsible_units=[unit],
            steps=[text(limits.SHORT, f"ขั้นตอนที่ {s + 1}") for s in range(5)],
            problem=text(limits.PARAGRAPH, "ประเด็น"),
            goal=text(limits.PARAGRAPH, "เป้าประสงค์"),
            monitoring=text(limits.PARAGRAPH, "การติดตาม"),
            timeframe_kind=TimeframeKind.QUARTERS,
            quarters=[1, 2, 3, 4],
        )
    Measure.objects.filter(organisation=org).update(
        expected_output=text(limits.PARAGRAPH, "ผลผลิต"),
        expected_outcome=text(limits.PARAGRAPH, "ผลลัพธ์"),
    )
    ProgressEntry.objects.filter(measure__organisation=org).update(
        status="done",
        output=text(limits.PARAGRAPH, "ผลการดำเนินการ"),
        outcome=text(limits.PARAGRAPH, "ผลสัมฤทธิ์"),
        recommendations=text(limits.PARAGRAPH, "ข้อเสนอแนะ"),
    )
    return org


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--measures", type=int, nargs="+", default=[5, 10, 20])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ita-bench-limits-") as tmp:
        setup(Path(tmp))
        from pypdf import PdfReader

        from documents.registry import document_htmls, document_render
        from documents.rendering import DocumentOptions

        print("| measures | document | characters | PDF pages | PDF s | .docx s |")
        print("|---:|---|---:|---:|---:|---:|")
        worst = 0.0
        for count in args.measures:
            org = organisation_with(count, f"99{count:05d}")
            for kind in ("measure-results", "measure-plan"):
                options = DocumentOptions(layout="b")
                _, _, htmls = document_htmls(
                    kind=kind,
                    organisation=org,
                    fiscal_year=2568,
                    options=options,
                    outputs=("html",),
                )
                characters = len(htmls["html"])
                times = {}
                pages = 0
                for output in ("pdf", "docx"):
                    started = time.perf_counter()
                    rendered = document_render(
                        kind=kind,
                        organisation=org,
                        fiscal_year=2568,
                        output=output,
                        options=options,
                    )
                    times[output] = time.perf_counter() - started
                    if output == "pdf":
                        pages = len(PdfReader(io.BytesIO(rendered.content)).pages)
                if count == max(args.measures):
                    worst = max(worst, times["pdf"])
                print(
                    f"| {count} | {kind} | {characters:,} | {pages} | {times['pdf']:.1f} | "
                    f"{times['docx']:.1f} |"
                )
        verdict = "met" if worst <= 10 else "NOT met"
        print(f"\nGoal: the largest size given renders as PDF in ≤ 10 s: {worst:.1f} s, {verdict}")


if __name__ == "__main__":
    main()
