"""Each column of an agency's row, from a year built through the services, and how the row
follows changes (on commit, once per transaction; never after a rollback)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from approvals import services as memos
from approvals.models import Decision
from assessments.models import Framework, ScoreKind, SurveySettings
from assessments.services import survey_counts_record
from measures import services as measure_services
from oit import selectors as oit_selectors
from oit import services as oit
from oit.models import LinkStatus
from oversight import services
from oversight.models import AgencyStatus, FrameworkState
from publication.models import Publication
from tests.assessments.test_scoring import add_scores, new_assessment, seed_assessment
from tests.measures.helpers import PDF_BYTES
from tests.memo_helpers import YEAR, act, new_memo, setup_chain

from .helpers import drop_pending_refreshes

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    call_command("load_framework", stdout=io.StringIO())


@pytest.fixture
def year_world(org, staff, approver, org_admin):
    """2568 of `org`: one measure reported in the 6-month round, a report approved and
    published, a memo waiting, OIT evidence (one item published, one broken link), scores of
    2567 and 2568."""
    unit, rounds, measure, template, mayor = setup_chain(org, staff, org_admin, approver)
    measure_services.measure_create(
        organisation=org,
        year=YEAR,
        user=staff,
        title="มาตรการที่ยังไม่รายงาน",
        responsible_units=[unit],
        steps=["ขั้นตอน"],
        timeframe_kind="quarters",
        quarters=[3],
    )
    published = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=published, user=staff, template=template)
    for user in (org_admin, approver, mayor):
        act(published, user, Decision.APPROVED)
    waiting = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=waiting, user=staff, template=template)
    framework = Framework.objects.get(fiscal_year__year=YEAR, variant="อปท.")
    items = {i.code: i for i in oit_selectors.oit_items(framework)}
    evidence = oit.evidence_add_file(
        entry=oit.entry_for(organisation=org, item=items["o14"], year=YEAR),
        user=staff,
        upload=SimpleUploadedFile("แผนบุคลากร.pdf", PDF_BYTES),
    )
    oit.publish_file(memo=published, options={"evidence_id": evidence.pk}, written=[])
    link = oit.evidence_add_url(
        entry=oit.entry_for(organisation=org, item=items["o1"], year=YEAR),
        user=staff,
        title="โครงสร้างหน่วยงาน",
        url="https://example.invalid/structure",
    )
    type(link).objects.filter(pk=link.pk).update(link_status=LinkStatus.BROKEN)
    seed_assessment(org, 2568)
    add_scores(new_assessment(org, 2567), ScoreKind.TOTAL, {"TOTAL": "89.27"})
    # Survey counts recorded by staff; a minimum known for IIT only (set by a central admin).
    SurveySettings.objects.filter(framework=framework).update(iit_min_respondents=30)
    survey_counts_record(
        user=staff, organisation=org, year=YEAR, iit_responses=18, eit_responses=42
    )
    return {"framework": framework, "items": items, "waiting": waiting, "rounds": rounds}


def test_every_column_of_a_year(org, year_world):
    values = services.status_values(org, YEAR)
    today = timezone.localdate()
    waiting = year_world["waiting"]
    waiting.refresh_from_db()
    live = dict(
        Publication.objects.live()
        .filter(organisation=org, fiscal_year=YEAR)
        .values_list("kind", "published_at")
    )
    assert "measure-results" in live
    expected_oit_items = len(oit_selectors.oit_items(year_world["framework"]))
    assert values == {
        "framework_state": FrameworkState.OFFICIAL,
        "measures_planned": 2,
        "round6_reported": 1,
        "round6_share": 50,
        "round12_reported": 0,
        "round12_share": 0,
        "published": {k: timezone.localtime(v).date().isoformat() for k, v in live.items()},
        "published_count": len(live),
        "oit_items": expected_oit_items,
        # o14's approved file and o1's own URL (an agency's URL is public as soon as added).
        "oit_published": 2,
        "oit_share": round(200 / expected_oit_items),
        "oit_broken": 1,
        # Waiting at its first step since it was submitted today.
        "memos_waiting": [(waiting.date or today).isoformat()],
        "oldest_waiting_since": waiting.date or today,
        "score_year": 2568,
        "total": Decimal("90.24"),
        "level": "ผ่านดี",
        "total_change": Decimal("0.97"),
        "iit_responses": 18,
        "iit_minimum": 30,
        "eit_responses": 42,
        "eit_minimum": None,
    }


def test_a_year_with_nothing_yet(org, year_world):
    values = services.status_values(org, 2599)
    assert values["framework_state"] == FrameworkState.NONE
    assert (values["measures_planned"], values["round6_share"], values["oit_items"]) == (0, 0, 0)
    assert values["published"] == {} and values["published_count"] == 0
    # The latest result is the latest one, whatever the year shown.
    assert values["score_year"] == 2568


def test_a_provisional_framework_says_so(org, year_world):
    Framework.objects.filter(pk=year_world["framework"].pk).update(is_provisional=True)
    assert services.status_values(org, YEAR)["framework_state"] == FrameworkState.PROVISIONAL


def test_no_change_without_last_years_total(org, year_world):
    from assessments.models import Assessment

    Assessment.objects.filter(organisation=org, fiscal_year__year=2567).delete()
    assert services.status_values(org, YEAR)["total_change"] is None


def test_the_waiting_day_is_the_day_the_step_before_was_decided(org, year_world, org_admin):
    """After the second step approves, the memo waits at the third since that decision."""
    waiting = year_world["waiting"]
    waiting.refresh_from_db()
    act(waiting, org_admin, Decision.APPROVED)
    decided = timezone.localtime(
        waiting.steps.filter(decision=Decision.APPROVED).latest("acted_at").acted_at
    ).date()
    assert services.memos_waiting_since(org) == [decided]


def test_a_change_refreshes_the_row_once_committed(org, staff, catalogue):
    unit = org.units.create(name="สำนักปลัด")
    drop_pending_refreshes()
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        measure_services.rounds_ensure_defaults(organisation=org, year=YEAR)
        measure_services.measure_create(
            organisation=org,
            year=YEAR,
            user=staff,
            title="มาตรการใหม่",
            responsible_units=[unit],
            steps=["ขั้นตอน"],
            timeframe_kind="quarters",
            quarters=[1],
        )
    # One refresh for the whole transaction, however many rows it wrote.
    assert len([c for c in callbacks if getattr(c, "batch", None) is not None]) == 1
    row = AgencyStatus.objects.get(organisation=org, year=YEAR)
    assert row.measures_planned == 1 and row.refreshed_at is not None


def test_a_rolled_back_change_refreshes_nothing(org, staff, catalogue):
    unit = org.units.create(name="สำนักปลัด")
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        measure_services.measure_create(
            organisation=org,
            year=YEAR,
            user=staff,
            title="มาตรการที่ยกเลิก",
            responsible_units=[unit],
            steps=["ขั้นตอน"],
            timeframe_kind="quarters",
            quarters=[1],
        )
        transaction.set_rollback(True)
    assert not AgencyStatus.objects.exists()


def test_the_nightly_run_refreshes_every_active_agency_for_this_year_and_last(
    org, other_org, catalogue
):
    from oversight.tasks import refresh_all_agency_statuses

    other_org.is_active = False
    other_org.save()
    assert refresh_all_agency_statuses() == 1
    years = services.status_years()
    assert sorted(AgencyStatus.objects.values_list("organisation__code", "year")) == sorted(
        (org.code, y) for y in years
    )
    # Across 30 Sep / 1 Oct the fiscal year turns.
    assert services.status_years(datetime.date(2026, 9, 30)) == [2569, 2568]
    assert services.status_years(datetime.date(2026, 10, 1)) == [2570, 2569]


def test_a_score_import_refreshes_the_agencies_with_scores(org, central_admin, catalogue):
    from assessments.imports import scores_import
    from assessments.models import ImportStatus, ScoreImport
    from tests.assessments.test_imports import seed_rows, workbook

    scores_import(content=workbook(seed_rows(org.code)), file_name="x.xlsx", actor=central_admin)
    record = ScoreImport.objects.create(
        created_by=central_admin,
        file_name="x.xlsx",
        sha256="0" * 64,
        status=ImportStatus.DONE,
        dry_run=False,
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        record.save()
    row = AgencyStatus.objects.get(organisation=org, year=services.status_years()[0])
    assert (row.score_year, row.level) == (2568, "ผ่านดี")
