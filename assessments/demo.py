"""Demo scores for the demo organisation: five years of ITA results (2564–2568).

- 2568: the official indicator and item scores printed in seed 004
  (fixtures/demo-scores-2568.json), under the 2568 อปท. framework.
- 2564–2567: official indicator scores and totals, invented but plausible, rising towards 2568
  (totals 71.30, 78.24, 84.59, 89.27). Each total is what the framework's rule gives from the
  indicators, so the score page shows no false difference.
- The 2568 analysis drafts (one per ประเด็น) through `analysis_ensure`, which never overwrites
  texts someone has edited.

Idempotent: scores are written with `update_or_create`; running it again changes nothing.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from ita_portal.public_cache import bump_organisations
from organisations.demo import DEMO_NEIGHBOURS, DEMO_ORG_CODE
from organisations.models import Organisation

from .analysis import analysis_ensure
from .lineage import framework_roll_forward
from .models import Assessment, FiscalYear, Framework, Score, ScoreKind
from .selectors import assessments_for_organisation, framework_for_organisation, years_for

SCORES_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo-scores-2568.json"
LATEST_YEAR = 2568

# Indicators 1–10 and the total of each earlier year.
EARLIER_YEARS: dict[int, tuple[list[str], str]] = {
    2564: (
        ["80.40", "74.15", "80.62", "58.33", "72.90", "75.48", "70.12", "68.75", "65.40", "74.00"],
        "71.30",
    ),
    2565: (
        ["85.12", "80.36", "86.90", "60.25", "80.44", "81.37", "77.95", "76.10", "74.60", "81.00"],
        "78.24",
    ),
    2566: (
        ["91.06", "88.73", "93.40", "62.18", "88.20", "86.95", "84.60", "83.72", "80.25", "88.00"],
        "84.59",
    ),
    2567: (
        ["95.41", "94.87", "98.22", "64.56", "96.75", "90.88", "89.34", "89.95", "84.30", "92.00"],
        "89.27",
    ),
}


def _decimal(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _assessment(organisation: Organisation, year: int) -> Assessment:
    framework = framework_for_organisation(organisation, year)
    if framework is None:
        call_command("load_framework", stdout=io.StringIO())
        framework = framework_for_organisation(organisation, year)
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    assessment, _ = Assessment.objects.update_or_create(
        organisation=organisation, fiscal_year=fiscal_year, defaults={"framework": framework}
    )
    return assessment


def _write(assessment: Assessment, kind: str, scores: dict[str, Decimal]) -> int:
    for code, score in scores.items():
        Score.objects.update_or_create(
            assessment=assessment, code=code, defaults={"kind": kind, "score": score}
        )
    return len(scores)


@transaction.atomic
def load_scores_demo() -> str:
    organisation = Organisation.objects.filter(code=DEMO_ORG_CODE).first()
    if organisation is None:
        return "ไม่พบหน่วยงานตัวอย่าง จึงไม่ได้โหลดคะแนนตัวอย่าง"
    written = 0
    for year, (indicators, total) in EARLIER_YEARS.items():
        assessment = _assessment(organisation, year)
        written += _write(
            assessment,
            ScoreKind.INDICATOR,
            {f"ind{n}": _decimal(v) for n, v in enumerate(indicators, start=1)},
        )
        written += _write(assessment, ScoreKind.TOTAL, {"TOTAL": _decimal(total)})

    data = json.loads(SCORES_FILE.read_text(encoding="utf-8"))
    latest = _assessment(organisation, LATEST_YEAR)
    written += _write(
        latest,
        ScoreKind.INDICATOR,
        {f"ind{n}": _decimal(v) for n, v in data["indicators"].items()},
    )
    written += _write(
        latest, ScoreKind.ITEM, {code: _decimal(v) for code, v in data["items"].items()}
    )

    # Its public page shows the scores (and may have been cached, or warmed, before them).
    bump_organisations([organisation.code])

    # Read back prefetched, as the pages do, then draft the analysis where none exists yet.
    latest = next(
        a
        for a in assessments_for_organisation(organisation, years=1, until=LATEST_YEAR)
        if a.fiscal_year.year == LATEST_YEAR
    )
    analyses = analysis_ensure(assessment=latest)
    first = min(EARLIER_YEARS)
    return (
        f"คะแนนตัวอย่าง: ผลการประเมิน ITA ปี {first}–{LATEST_YEAR} ของ{organisation.name} "
        f"({written} คะแนน) และการวิเคราะห์ {len(analyses)} ประเด็นของปี {LATEST_YEAR}"
    )


# The neighbours' made-up results (tools and total), so the province shows a spread of levels:
# one rising into ผ่าน, one falling below it; the second has no 2568 result yet.
NEIGHBOUR_SCORES: dict[str, dict[int, dict[str, str]]] = {
    "6301902": {
        2567: {"IIT": "88.10", "EIT": "84.20", "OIT": "79.50", "TOTAL": "82.91"},
        2568: {"IIT": "90.40", "EIT": "86.75", "OIT": "88.00", "TOTAL": "88.12"},
    },
    "6301903": {
        2567: {"IIT": "80.35", "EIT": "78.90", "OIT": "52.00", "TOTAL": "65.96"},
    },
}


def load_neighbour_scores_demo() -> str:
    written = 0
    codes = [code for code, *_ in DEMO_NEIGHBOURS]
    for organisation in Organisation.objects.filter(code__in=codes):
        for year, scores in NEIGHBOUR_SCORES.get(organisation.code, {}).items():
            assessment = _assessment(organisation, year)
            tools = {k: _decimal(v) for k, v in scores.items() if k != "TOTAL"}
            written += _write(assessment, ScoreKind.TOOL, tools)
            written += _write(assessment, ScoreKind.TOTAL, {"TOTAL": _decimal(scores["TOTAL"])})
    bump_organisations(codes)
    return f"คะแนนตัวอย่างของหน่วยงานข้างเคียง {len(codes)} แห่ง ({written} คะแนน)" if written else ""


def ensure_planning_framework(today=None) -> str:
    """The demo agency's planning year has a framework: rolled forward as provisional from the
    latest one, year by year, as a central admin would while the NACC has not published."""
    organisation = Organisation.objects.filter(code=DEMO_ORG_CODE).first()
    central = get_user_model().objects.filter(username="central").first()
    if organisation is None or central is None:
        return ""
    planning = years_for(organisation, today).planning
    rolled = []
    while framework_for_organisation(organisation, planning) is None:
        latest = (
            Framework.objects.filter(fiscal_year__year__lt=planning)
            .select_related("fiscal_year")
            .order_by("-fiscal_year__year", "variant")
            .first()
        )
        if latest is None:
            return ""
        rolled.append(framework_roll_forward(source=latest, user=central))
    if not rolled:
        return ""
    return (
        f"กรอบการประเมินปี {planning} ยังไม่ประกาศ: สร้างกรอบชั่วคราวจากปี "
        f"{rolled[0].fiscal_year.year - 1} แล้ว (/frameworks/{planning}/)"
    )


def load_survey_demo(today=None) -> str:
    """The demo agency's IIT/EIT drive this year: the links from the year's pattern and the
    counts its staff recorded (once; a re-run keeps what is there)."""
    from .selectors import survey_progress
    from .services import survey_counts_record

    organisation = Organisation.objects.filter(code=DEMO_ORG_CODE).first()
    staff = get_user_model().objects.filter(username="staff").first()
    if organisation is None or staff is None:
        return ""
    year = years_for(organisation, today).planning
    progress = survey_progress(organisation, year)
    if not progress.has_counts:
        survey_counts_record(
            user=staff, organisation=organisation, year=year, iit_responses=18, eit_responses=42
        )
        progress = survey_progress(organisation, year)
    return (
        f"แบบวัด IIT/EIT ปี {year}: {progress.iit.url or '(ยังไม่มีลิงก์)'} ผู้ตอบ IIT "
        f"{progress.iit.responses} คน, EIT {progress.eit.responses} คน "
        f"(/o/{organisation.code}/{year}/survey/)"
    )
