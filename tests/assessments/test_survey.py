"""The survey drive (issue 19): settings per framework as data, links and counts per agency and
year, the page with its access cases, bulk import, roll-forward, and the oversight selector."""

from __future__ import annotations

import io
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.lineage import framework_roll_forward
from assessments.models import Framework, SurveyDrive, SurveySettings
from assessments.selectors import survey_progress, survey_progress_for
from assessments.services import (
    survey_counts_import,
    survey_counts_record,
    survey_links_update,
)
from organisations.roles import CENTRAL_ADMIN_MODELS
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

YEAR = 2568
IIT = "https://itas.nacc.go.th/go/iit/6301401"
EIT = "https://itas.nacc.go.th/go/eit/6301401"


@pytest.fixture
def frameworks(db):
    call_command("load_framework", stdout=io.StringIO())


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2025-05-20 10:00+07:00", tick=False)  # inside fiscal year 2568
    return date(2025, 5, 20)


def url(name, org, year=YEAR):
    return reverse(name, kwargs={"code": org.code, "year": year})


# ---------------------------------------------------------------- settings as data


def test_every_shipped_framework_has_the_sourced_links_and_no_invented_minimum(frameworks):
    settings = list(SurveySettings.objects.select_related("framework"))
    assert len(settings) == Framework.objects.count() >= 7
    for s in settings:
        assert s.iit_link_pattern == "https://itas.nacc.go.th/go/iit/{code}"
        assert s.eit_link_pattern == "https://itas.nacc.go.th/go/eit/{code}"
        assert s.iit_min_respondents is None and s.eit_min_respondents is None
        assert "CORRECTIONS.md §5" in s.source and "secondary" in s.confidence
        assert "unknown" in s.confidence


def test_a_reload_keeps_an_admins_minimum(frameworks):
    s = SurveySettings.objects.get(framework__fiscal_year__year=YEAR, framework__variant="อปท.")
    s.iit_min_respondents = 30
    s.save()
    call_command("load_framework", stdout=io.StringIO())
    s.refresh_from_db()
    assert s.iit_min_respondents == 30


def test_a_bad_pattern_is_refused_by_the_model(frameworks):
    s = SurveySettings.objects.first()
    s.iit_link_pattern = "https://itas.nacc.go.th/go/iit/"
    with pytest.raises(ValidationError) as exc:
        s.full_clean()
    assert "{code}" in exc.value.message_dict["iit_link_pattern"][0]


def test_the_central_admin_edits_the_settings_in_the_admin(frameworks, central_admin, client):
    from organisations.roles import central_admin_grant

    assert ("assessments", "surveysettings", ("view", "add", "change")) in CENTRAL_ADMIN_MODELS
    central_admin_grant(central_admin)
    client.force_login(central_admin)
    listing = client.get("/admin/assessments/surveysettings/")
    assert listing.status_code == 200
    assert "ยังไม่ทราบเกณฑ์ขั้นต่ำ" in listing.content.decode()
    settings = SurveySettings.objects.get(framework__fiscal_year__year=YEAR, framework__variant="")
    change = f"/admin/assessments/surveysettings/{settings.pk}/change/"
    assert client.get(change).status_code == 200
    framework = settings.framework
    assert client.get(f"/admin/assessments/framework/{framework.pk}/change/").status_code == 200


def test_the_roll_forward_carries_the_settings(frameworks, central_admin):
    source = Framework.objects.get(fiscal_year__year=2569, variant="")
    settings = source.survey_settings
    settings.eit_min_respondents = 50
    settings.opens_on, settings.closes_on = date(2026, 4, 1), date(2026, 5, 31)
    settings.save()
    rolled = framework_roll_forward(source=source, user=central_admin)
    carried = rolled.survey_settings
    assert carried.iit_link_pattern == settings.iit_link_pattern
    assert carried.eit_link_pattern == settings.eit_link_pattern
    assert carried.eit_min_respondents == 50 and carried.iit_min_respondents is None
    assert carried.opens_on is None and carried.closes_on is None  # each year's own window
    assert "คัดลอกจากกรอบการประเมินปี 2569" in carried.source
    org = OrganisationFactory(type="other", code="9990001")
    progress = survey_progress(org, 2570)
    assert progress.iit.url == "https://itas.nacc.go.th/go/iit/9990001"
    assert progress.eit.minimum == 50


# ---------------------------------------------------------------- links and counts


def test_the_links_default_to_the_pattern_with_the_code(frameworks, org):
    progress = survey_progress(org, YEAR)
    assert (progress.iit.url, progress.eit.url) == (IIT, EIT)
    assert progress.iit.is_default and progress.eit.is_default
    assert progress.iit.minimum is None and progress.iit.percent is None
    assert not progress.has_counts
    assert not SurveyDrive.objects.exists()  # reading writes nothing


def test_a_year_without_a_framework_has_no_links(org):
    progress = survey_progress(org, 2580)
    assert progress.framework is None and progress.iit.url == "" and progress.eit.url == ""


def test_an_override_is_kept_and_the_pattern_value_is_not(frameworks, org, staff):
    own = "https://example.go.th/ita/iit"
    survey_links_update(user=staff, organisation=org, year=YEAR, iit_url=own, eit_url=EIT)
    drive = SurveyDrive.objects.get()
    assert (drive.iit_url, drive.eit_url) == (own, "")
    progress = survey_progress(org, YEAR)
    assert progress.iit.url == own and not progress.iit.is_default
    assert progress.eit.url == EIT and progress.eit.is_default


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("iit_url", "javascript:alert(1)"),
        ("eit_url", "not a link"),
        ("iit_url", "https://" + "a" * 600 + ".go.th/"),
    ],
)
def test_a_bad_link_is_refused_in_thai_naming_the_field(frameworks, org, staff, field, value):
    values = {"iit_url": "", "eit_url": "", field: value}
    with pytest.raises(ValidationError) as exc:
        survey_links_update(user=staff, organisation=org, year=YEAR, **values)
    label = "ลิงก์แบบวัด IIT" if field == "iit_url" else "ลิงก์แบบวัด EIT"
    assert label in exc.value.message_dict[field][0]
    assert not SurveyDrive.objects.exists()


def test_counts_are_recorded_with_their_date_and_history(frameworks, org, staff, today):
    survey_counts_record(
        user=staff, organisation=org, year=YEAR, iit_responses="๒๕", eit_responses=40
    )
    survey_counts_record(
        user=staff, organisation=org, year=YEAR, iit_responses=31, eit_responses=""
    )
    drive = SurveyDrive.objects.get()
    assert (drive.iit_responses, drive.eit_responses) == (31, 40)  # empty keeps the count
    assert drive.counts_as_of == today and drive.counts_recorded_by == staff
    entries = LogEntry.objects.get_for_object(drive)
    assert entries.count() >= 2
    assert any("iit_responses" in e.changes_dict for e in entries)
    assert all(e.additional_data == {"organisation_id": org.pk} for e in entries)


@pytest.mark.parametrize(
    ("iit", "eit", "field", "words"),
    [
        (-1, None, "iit_responses", "จำนวนผู้ตอบ IIT"),
        (None, 100_001, "eit_responses", "100,000"),
        ("12a", None, "iit_responses", "จำนวนเต็ม"),
        ("9" * 30, None, "iit_responses", "จำนวนผู้ตอบ IIT"),
        (None, None, "iit_responses", "อย่างน้อยหนึ่งช่อง"),
    ],
)
def test_counts_out_of_bounds_are_refused(frameworks, org, staff, today, iit, eit, field, words):
    with pytest.raises(ValidationError) as exc:
        survey_counts_record(
            user=staff, organisation=org, year=YEAR, iit_responses=iit, eit_responses=eit
        )
    assert words in " ".join(exc.value.message_dict[field])
    assert not SurveyDrive.objects.exists()


def test_the_bounds_themselves_are_accepted(frameworks, org, staff, today):
    survey_counts_record(
        user=staff, organisation=org, year=YEAR, iit_responses=0, eit_responses=100_000
    )
    drive = SurveyDrive.objects.get()
    assert (drive.iit_responses, drive.eit_responses) == (0, 100_000)


def test_a_count_date_in_the_future_is_refused(frameworks, org, staff, today):
    with pytest.raises(ValidationError) as exc:
        survey_counts_record(
            user=staff,
            organisation=org,
            year=YEAR,
            iit_responses=1,
            eit_responses=1,
            as_of=date(2025, 5, 21),
        )
    assert "ต้องไม่เลยวันนี้" in exc.value.message_dict["counts_as_of"][0]


def test_an_approver_may_not_record(frameworks, org, approver, today):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        survey_counts_record(
            user=approver, organisation=org, year=YEAR, iit_responses=1, eit_responses=1
        )


def test_progress_against_a_known_minimum(frameworks, org, staff, today):
    settings = SurveySettings.objects.get(
        framework__fiscal_year__year=YEAR, framework__variant="อปท."
    )
    settings.iit_min_respondents, settings.eit_min_respondents = 40, 100
    settings.save()
    survey_counts_record(
        user=staff, organisation=org, year=YEAR, iit_responses=50, eit_responses=25
    )
    progress = survey_progress(org, YEAR)
    assert (progress.iit.percent, progress.iit.met, progress.iit.shortfall) == (100, True, 0)
    assert (progress.eit.percent, progress.eit.met, progress.eit.shortfall) == (25, False, 75)


# ---------------------------------------------------------------- bulk import


def test_the_import_writes_every_row(frameworks, org, other_org, central_admin, today):
    written = survey_counts_import(
        user=central_admin,
        year=YEAR,
        rows=[(org.code, 10, 20), (other_org.code, "๕", "")],
        first_row=2,
    )
    assert written == 2
    counts = dict(
        SurveyDrive.objects.values_list("organisation__code")
        .annotate()
        .values_list("organisation__code", "iit_responses")
    )
    assert counts == {org.code: 10, other_org.code: 5}
    assert SurveyDrive.objects.get(organisation=other_org).eit_responses is None


def test_the_import_is_all_or_nothing_and_names_the_rows(
    frameworks, org, other_org, central_admin, today
):
    with pytest.raises(ValidationError) as exc:
        survey_counts_import(
            user=central_admin,
            year=YEAR,
            rows=[
                (org.code, 10, 20),
                ("nope", 1, 1),
                (other_org.code, 1, -5),
                (org.code, 2, 2),
                "not a row",
            ],
            first_row=2,
        )
    messages = exc.value.messages
    assert any(m.startswith("แถวที่ 3:") and "ไม่พบหน่วยงานรหัส “nope”" in m for m in messages)
    assert any(m.startswith("แถวที่ 4:") and "จำนวนผู้ตอบ EIT" in m for m in messages)
    assert any(m.startswith("แถวที่ 5:") and "ซ้ำกับแถวที่ 2" in m for m in messages)
    assert any(m.startswith("แถวที่ 6:") and "ต้องมี 3 ช่อง" in m for m in messages)
    assert not SurveyDrive.objects.exists()


def test_the_import_needs_the_right_for_every_agency(frameworks, org, other_org, staff, today):
    with pytest.raises(ValidationError) as exc:
        survey_counts_import(user=staff, year=YEAR, rows=[(org.code, 1, 1)])
    assert "แถวที่ 1" in exc.value.messages[0] and "ไม่มีสิทธิ์" in exc.value.messages[0]
    assert not SurveyDrive.objects.exists()


# ---------------------------------------------------------------- the oversight selector


def _orgs_with_counts(n, staff_user=None):
    orgs = [OrganisationFactory() for _ in range(n)]
    for i, organisation in enumerate(orgs[::2]):
        SurveyDrive.objects.create(
            organisation=organisation,
            fiscal_year_id=Framework.objects.filter(fiscal_year__year=YEAR)
            .values_list("fiscal_year_id", flat=True)
            .first(),
            iit_responses=i,
            eit_responses=i + 1,
        )
    return orgs


def test_the_selector_takes_the_same_queries_for_3_and_30_agencies(frameworks):
    counts = []
    for n in (3, 30):
        orgs = _orgs_with_counts(n)
        with CaptureQueriesContext(connection) as queries:
            found = survey_progress_for(orgs, YEAR)
            shown = [(p.iit.url, p.eit.minimum, p.iit.responses) for p in found.values()]
        counts.append(len(queries))
        assert len(found) == len(shown) == n
        assert found[orgs[0].pk].iit.url.endswith(f"/go/iit/{orgs[0].code}")
        assert found[orgs[1].pk].iit.responses is None
    assert counts[0] == counts[1] <= 2


# ---------------------------------------------------------------- the page


def test_anonymous_is_sent_to_log_in(client, org):
    response = client.get(url("survey:drive", org))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    response = client.post(url("survey:counts", org), {"iit_responses": "3"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_outsider_gets_404(login, org, outsider, frameworks):
    client = login(outsider)
    assert client.get(url("survey:drive", org)).status_code == 404
    assert client.post(url("survey:counts", org), {"iit_responses": "3"}).status_code == 404
    assert client.post(url("survey:links", org), {"iit_url": ""}).status_code == 404


def test_an_approver_sees_the_page_without_forms_and_may_not_post(login, org, approver, frameworks):
    client = login(approver)
    page = client.get(url("survey:drive", org)).content.decode()
    assert IIT in page and EIT in page and "<svg" in page
    assert 'id="survey-counts-form"' not in page
    assert client.post(url("survey:counts", org), {"iit_responses": "3"}).status_code == 403
    assert client.post(url("survey:links", org), {"iit_url": ""}).status_code == 403
    assert not SurveyDrive.objects.exists()


def test_the_page_says_the_minimum_is_unknown(login, org, staff, frameworks, today):
    client = login(staff)
    page = client.get(url("survey:drive", org)).content.decode()
    assert page.count('survey-minimum-unknown">ยังไม่ทราบเกณฑ์ขั้นต่ำ') == 2
    assert "ยังไม่ได้บันทึกจำนวนผู้ตอบของปีนี้" in page
    assert reverse("documents:survey_poster", kwargs={"code": org.code, "year": YEAR}) in page
    response = client.post(url("survey:counts", org), {"iit_responses": "12", "eit_responses": ""})
    assert response.status_code == 302
    page = client.get(url("survey:drive", org)).content.decode()
    assert "ตอบแล้ว <strong>12</strong> คน" in page and "20 พฤษภาคม 2568" in page
    # No bar: there is no minimum to measure the count against (a full bar would read as
    # "target reached").
    card = page.split('id="survey-iit"')[1] if 'id="survey-iit"' in page else page
    assert 'role="progressbar" aria-label="จำนวนผู้ตอบ IIT' not in card
    assert page.count('survey-minimum-unknown">ยังไม่ทราบเกณฑ์ขั้นต่ำ') == 2


def test_the_page_shows_a_bar_against_a_known_minimum(login, org, org_admin, frameworks, today):
    SurveySettings.objects.filter(framework__fiscal_year__year=YEAR).update(eit_min_respondents=80)
    client = login(org_admin)
    client.post(url("survey:counts", org), {"iit_responses": "", "eit_responses": "20"})
    page = client.get(url("survey:drive", org)).content.decode()
    assert 'style="width: 25%"' in page and "จากขั้นต่ำ 80 คน" in page and "ยังขาดอีก 60 คน" in page


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"iit_responses": "100001"}, "“จำนวนผู้ตอบ IIT” ต้องอยู่ระหว่าง 0–100,000"),
        ({"eit_responses": "-3"}, "“จำนวนผู้ตอบ EIT” ต้องเป็นจำนวนเต็ม"),
        ({"iit_responses": "1" * 13}, "“จำนวนผู้ตอบ IIT” ยาวได้ไม่เกิน 12 ตัวอักษร"),
        ({"iit_responses": "5", "counts_as_of": "31/02/2568"}, "วันที่"),
    ],
)
def test_bad_counts_show_a_thai_error_and_write_nothing(
    login, org, staff, frameworks, today, data, words
):
    response = login(staff).post(url("survey:counts", org), data)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not SurveyDrive.objects.exists()


def test_a_bad_link_shows_a_thai_error_and_writes_nothing(login, org, staff, frameworks):
    response = login(staff).post(
        url("survey:links", org), {"iit_url": "ftp://example.go.th/x", "eit_url": ""}
    )
    assert response.status_code == 200
    assert "“ลิงก์แบบวัด IIT” ไม่ใช่ลิงก์ที่ถูกต้อง" in response.content.decode()
    assert not SurveyDrive.objects.exists()


def test_staff_override_a_link(login, org, staff, frameworks):
    own = "https://itas.nacc.go.th/go/iit/6301401?x=1"
    response = login(staff).post(url("survey:links", org), {"iit_url": own, "eit_url": EIT})
    assert response.status_code == 302
    assert SurveyDrive.objects.get().iit_url == own
    page = login(staff).get(response.url).content.decode()
    assert "บันทึกลิงก์แบบวัดแล้ว" in page and "ไม่ใช่ itas.nacc.go.th" not in page


def test_a_link_off_the_nacc_host_is_saved_with_a_thai_warning(login, org, staff, frameworks):
    own = "https://forms.example.com/iit-6301401"
    client = login(staff)
    response = client.post(url("survey:links", org), {"iit_url": own, "eit_url": ""})
    assert response.status_code == 302
    assert SurveyDrive.objects.get().iit_url == own
    for _visit in range(2):  # on the page as long as the link stays, not once
        page = client.get(response.url).content.decode()
        warning = "“ลิงก์แบบวัด IIT” ชี้ไปที่ forms.example.com ไม่ใช่ itas.nacc.go.th ตามรูปแบบของปี"
        assert warning in page and "จะพิมพ์บนโปสเตอร์ด้วย" in page
        assert "“ลิงก์แบบวัด EIT” ชี้ไปที่" not in page
    client.post(url("survey:links", org), {"iit_url": "", "eit_url": ""})
    assert "ชี้ไปที่" not in client.get(response.url).content.decode()


# ---------------------------------------------------------------- dashboard and demo


def test_the_dashboard_card_says_when_nothing_is_recorded(login, org, staff, frameworks, today):
    page = login(staff).get(reverse("dashboard")).content.decode()
    assert 'id="survey-card"' in page and 'id="survey-none-recorded"' in page
    assert reverse("survey:drive", kwargs={"code": org.code, "year": YEAR}) in page
    survey_counts_record(user=staff, organisation=org, year=YEAR, iit_responses=7, eit_responses=9)
    page = login(staff).get(reverse("dashboard")).content.decode()
    assert 'id="survey-none-recorded"' not in page
    assert "ตอบแล้ว <strong>7</strong> คน" in page and "ตอบแล้ว <strong>9</strong> คน" in page


def test_the_demo_agency_has_links_and_counts_this_year(settings, client, time_machine):
    time_machine.move_to("2026-12-06 09:00+07:00", tick=False)
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # idempotent
    from organisations.models import Organisation

    org = Organisation.objects.get(code="6301401")
    progress = survey_progress(org, 2570)
    assert progress.framework.is_provisional  # 2570 runs on the rolled-forward framework
    assert progress.iit.url == IIT and progress.eit.url == EIT
    assert (progress.iit.responses, progress.eit.responses) == (18, 42)
    assert progress.iit.minimum is None
    assert SurveyDrive.objects.count() == 1
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="staff"))
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="survey-card"' in page and "ตอบแล้ว <strong>42</strong> คน" in page
