"""Benchmark: the fullest documents the limits allow, as PDF, against the 10 s goal.

Issue 18 asks that a document at the maximum of every limit, for the largest realistic
organisation (200 measures of 5 steps, two rounds of progress each), renders as a PDF in at
most 10 s. Each field has its own limit (ita_portal.limits), and the year as a whole has one,
`YEAR_TEXT`: all the texts of an organisation's measures of a year, their steps and every round's
progress, together, since the plan and the year's results carry all of them. Two organisations
are built at that ceiling in a fresh SQLite database, through the services (which enforce it):

* **fields at maximum**: measures with every field at its own limit (title 500 characters;
  problem, goal, monitoring, expected output and outcome 5,000; five steps of 2,000; two rounds
  of output, outcome and recommendations of 5,000), as many as the year's limit holds, the last
  one filled up to it;
* **200 measures**: 200 measures of five steps and two rounds of progress, the year's limit
  spread evenly (1,000 characters each).

For each, the measure plan, the year's results in each layout (a, b, c) and each round's progress
report are rendered once as PDF and as .docx, timed, and their pages counted.

    .venv/bin/python bench/render_limits.py            # both organisations (about 3 minutes)
    .venv/bin/python bench/render_limits.py --only 200

The goal line says whether every PDF took at most 10 s.
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
YEAR = 2568
GOAL_SECONDS = 10.0


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


def split(total: int, shares: dict[str, int]) -> dict[str, int]:
    """`total` characters shared out in proportion to `shares` (at least 1 each)."""
    whole = sum(shares.values())
    sizes = {k: max(1, total * v // whole) for k, v in shares.items()}
    first = next(iter(sizes))
    sizes[first] += total - sum(sizes.values())
    return sizes


MEASURE_SHARES = {
    "title": 150,
    "problem": 200,
    "goal": 100,
    "monitoring": 100,
    "expected_output": 50,
    "expected_outcome": 50,
    "steps": 300,  # five steps
    "progress": 300,  # two rounds of output, outcome and recommendations
}


def _org(code: str):
    from django.contrib.auth import get_user_model

    from measures.services import rounds_ensure_defaults
    from organisations.models import Membership, Organisation, Role, Unit

    org = Organisation.objects.create(code=code, name=f"องค์การบริหารส่วนตำบลทดสอบ {code}")
    unit = Unit.objects.create(organisation=org, name="สำนักปลัด")
    user = get_user_model().objects.create(username=f"u{code}")
    Membership.objects.create(user=user, organisation=org, role=Role.STAFF, unit=unit)
    rounds = rounds_ensure_defaults(organisation=org, year=YEAR)
    return org, unit, user, rounds


def _measure(org, unit, user, rounds, number: int, sizes: dict[str, int]) -> None:
    """One measure through the services (which enforce every limit), with `sizes` characters
    per field; steps and progress are shared out over five steps and two rounds × three."""
    from datetime import date

    from measures.models import ProgressStatus, TimeframeKind
    from measures.services import measure_create, progress_entry_record

    step = max(1, sizes["steps"] // 5)
    measure = measure_create(
        organisation=org,
        year=YEAR,
        user=user,
        title=text(sizes["title"], f"มาตรการที่ {number}"),
        responsible_units=[unit],
        steps=[text(step, f"ขั้นตอนที่ {s + 1}") for s in range(5)],
        problem=text(sizes["problem"], "ประเด็น"),
        goal=text(sizes["goal"], "เป้าประสงค์"),
        monitoring=text(sizes["monitoring"], "การติดตาม"),
        expected_output=text(sizes["expected_output"], "ผลผลิต"),
        expected_outcome=text(sizes["expected_outcome"], "ผลลัพธ์"),
        timeframe_kind=TimeframeKind.QUARTERS,
        quarters=[1, 2, 3, 4],
    )
    part = max(1, sizes["progress"] // 6)
    for round_ in rounds[:2]:
        progress_entry_record(
            measure=measure,
            round=round_,
            user=user,
            status=ProgressStatus.DONE,
            output=text(part, "ผลการดำเนินการ"),
            outcome=text(part, "ผลสัมฤทธิ์"),
            recommendations=text(part, "ข้อเสนอแนะ"),
            reported_on=date(2025, 9, 1) if round_ is rounds[1] else date(2025, 3, 31),
        )


def fields_at_maximum(code: str):
    from ita_portal import limits

    org, unit, user, rounds = _org(code)
    full = {
        "title": limits.TITLE,
        "problem": limits.PARAGRAPH,
        "goal": limits.PARAGRAPH,
        "monitoring": limits.PARAGRAPH,
        "expected_output": limits.PARAGRAPH,
        "expected_outcome": limits.PARAGRAPH,
        "steps": 5 * limits.SHORT,
        "progress": 6 * limits.PARAGRAPH,
    }
    per_measure = sum(full.values())
    left, number = limits.YEAR_TEXT, 0
    while left > 0:
        number += 1
        # the last one fills the year up to its limit, in the same proportions
        sizes = full if left >= per_measure else split(left - 60, full)
        _measure(org, unit, user, rounds, number, sizes)
        left -= sum(sizes.values())
        if left < 200:
            break
    return org, number


def two_hundred_measures(code: str):
    from ita_portal import limits

    org, unit, user, rounds = _org(code)
    count = limits.MEASURES_PER_YEAR
    each = limits.YEAR_TEXT // count
    for number in range(1, count + 1):
        _measure(org, unit, user, rounds, number, split(each - 12, MEASURE_SHARES))
    return org, count


def documents(org):
    from measures.models import ReportingRound

    rounds = list(ReportingRound.objects.filter(organisation=org).order_by("start_date")[:2])
    yield "measure-plan", {}
    for layout in ("a", "b", "c"):
        yield f"measure-results {layout} (ทั้งปี)", {"layout": layout}
    for round_ in rounds:
        yield f"progress {round_.name}", {"round_id": round_.pk, "kind": "progress"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["fields", "200"], default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ita-bench-limits-") as tmp:
        setup(Path(tmp))
        from pypdf import PdfReader

        from documents.linebreaks import warm_up
        from documents.registry import document_render
        from documents.rendering import DocumentOptions
        from measures.services import year_text_length

        started = time.perf_counter()
        warm_up()  # as a worker does when it starts (documents.apps)
        print(f"Thai word list loaded in {time.perf_counter() - started:.1f} s (once per worker)\n")
        builders = {"fields": fields_at_maximum, "200": two_hundred_measures}
        print("| organisation | document | PDF pages | PDF s | .docx s |")
        print("|---|---|---:|---:|---:|")
        worst, worst_name = 0.0, ""
        for key, build in builders.items():
            if args.only and key != args.only:
                continue
            started = time.perf_counter()
            org, count = build(f"99{len(key):05d}")
            built = time.perf_counter() - started
            year_id = org.measures.first().fiscal_year_id
            label = (
                f"{count} measures, {year_text_length(org, year_id):,} characters"
                f" ({'fields at maximum' if key == 'fields' else 'the year spread evenly'})"
            )
            print(f"| {label} | (built in {built:.0f} s) | | | |")
            for name, option in documents(org):
                kind = option.pop("kind", name.split()[0])
                options = DocumentOptions(**option)
                times, pages = {}, 0
                for output in ("pdf", "docx"):
                    started = time.perf_counter()
                    rendered = document_render(
                        kind=kind,
                        organisation=org,
                        fiscal_year=YEAR,
                        output=output,
                        options=options,
                    )
                    times[output] = time.perf_counter() - started
                    if output == "pdf":
                        pages = len(PdfReader(io.BytesIO(rendered.content)).pages)
                if times["pdf"] > worst:
                    worst, worst_name = times["pdf"], f"{name}, {count} measures"
                print(f"| | {name} | {pages} | {times['pdf']:.1f} | {times['docx']:.1f} |")
        verdict = "met" if worst <= GOAL_SECONDS else "NOT met"
        print(
            f"\nGoal: every PDF at the limits in ≤ {GOAL_SECONDS:g} s: slowest {worst:.1f} s "
            f"({worst_name}): {verdict}"
        )
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
