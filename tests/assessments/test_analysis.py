"""Analysis drafts from seed 004's scores; drafts never overwrite texts; redraft only on request;
Thai validation; the demo scores."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from assessments.analysis import (
    analysis_draft,
    analysis_ensure,
    analysis_redraft,
    analysis_update,
    area_measure_draft,
    join_codes,
)
from assessments.demo import load_scores_demo
from assessments.models import AnalysisArea, AreaAnalysis, Assessment, Score
from assessments.selectors import assessments_for_organisation, forget_structures
from tests.factories import UserFactory

from .test_scoring import catalogue, seed_assessment, sheet_of  # noqa: F401

pytestmark = pytest.mark.django_db

OWN_TEXT = {
    "facts": "ข้อเท็จจริงที่หน่วยงานเขียนเอง",
    "therefore": "ดังนั้นหน่วยงานจะจัดทำคู่มือการยืมทรัพย์สิน",
    "maintain_develop": "รักษาระดับข้อ i11 และ i12",
}


@pytest.fixture
def assessment(org, catalogue):  # noqa: F811
    seed_assessment(org)
    return prefetched(org)


def prefetched(org) -> Assessment:
    return next(
        a for a in assessments_for_organisation(org, until=2568) if a.fiscal_year.year == 2568
    )


def area(assessment, number: int) -> AnalysisArea:
    return next(a for a in assessment.framework.analysis_areas.all() if a.number == number)


def analysis_of(assessment, number: int) -> AreaAnalysis:
    return AreaAnalysis.objects.get(assessment=assessment, area__number=number)


# ---------------------------------------------------------------- drafts


def test_draft_names_weak_items_with_their_scores_and_the_100s_to_maintain(assessment):
    """In Arabic digits: a document prints them in its own digit setting (documents.digits)."""
    draft = analysis_draft(assessment=assessment, area=area(assessment, 4))
    assert assessment.organisation.name in draft["facts"]
    assert "ข้อ i10 ได้ 1.29 คะแนน" in draft["facts"]
    assert "ต่ำกว่าเกณฑ์ (IIT ต่ำกว่า 85 คะแนน) ได้แก่ ข้อ i10 ได้ 1.29 คะแนน" in draft["facts"]
    # i10 has its own advice in the library (seed 004's words), not the tool's general advice.
    assert (
        "ข้อ i10 ควรกำหนดมาตรการแนวทางการยืมทรัพย์สินของทางราชการ แจ้งเวียนให้บุคลากรในหน่วยงานทราบ"
        in draft["therefore"]
    )
    assert "ข้อ i10 ได้ 1.29 คะแนน ต่ำกว่าเกณฑ์" in draft["maintain_develop"]
    assert (
        "ข้อ i11 และ i12 ได้ 100 คะแนน มีการปฏิบัติงานที่ดีเยี่ยม ควรรักษาระดับมาตรฐานไว้"
        in draft["maintain_develop"]
    )
    assert not any(ch in "๐๑๒๓๔๕๖๗๘๙" for text in draft.values() for ch in text)


def test_oit_items_below_100_are_weak_and_survey_items_below_the_pass_mark(assessment):
    budget = analysis_draft(assessment=assessment, area=area(assessment, 5))
    weak_part = budget["facts"].split("ได้แก่")[1]
    assert "ข้อ o12 ได้ 50.00 คะแนน ข้อ o13 ได้ 50.00 คะแนน" in weak_part
    assert "i5" not in weak_part  # 97.52: above the pass mark, below 100
    assert "ข้อ i5 ได้ 97.52 คะแนน ผ่านเกณฑ์แล้ว" in budget["maintain_develop"]
    service = analysis_draft(assessment=assessment, area=area(assessment, 2))
    weak_part = service["facts"].split("ได้แก่")[1]
    assert "e1 ได้ 79.05" in weak_part and "e2 ได้ 82.86" in weak_part
    assert "e8 ได้ 82.86" in weak_part
    assert "e9" not in weak_part  # 85.71 passes 85
    people = analysis_draft(assessment=assessment, area=area(assessment, 6))
    assert "ข้อ i7 ถึง i9 และ o16 ถึง o20 ได้ 100 คะแนน" in people["maintain_develop"]


def test_an_area_without_weak_items_says_so(assessment):
    draft = analysis_draft(assessment=assessment, area=area(assessment, 1))
    assert "ทุกข้อที่มีคะแนนผ่านเกณฑ์การประเมิน" in draft["facts"]
    assert "ได้แก่" not in draft["facts"]
    assert "ควรรักษาระดับมาตรฐานไว้" in draft["maintain_develop"]


def test_the_pass_mark_is_the_frameworks(assessment):
    framework = assessment.framework
    framework.pass_mark = 90
    framework.save()
    draft = analysis_draft(assessment=prefetched(assessment.organisation), area=area(assessment, 2))
    assert "EIT ต่ำกว่า 90 คะแนน" in draft["facts"]
    assert "e9 ได้ 85.71" in draft["facts"].split("ได้แก่")[1]


def test_an_area_without_scores_waits_for_them(org, catalogue):  # noqa: F811
    seed_assessment(org)
    Score.objects.all().delete()
    assessment = prefetched(org)
    draft = analysis_draft(assessment=assessment, area=area(assessment, 4))
    assert all("ยังไม่มีคะแนนของข้อในประเด็นนี้" in text for text in draft.values())


def test_codes_are_joined_with_ranges():
    assert join_codes(["i1"]) == "i1"
    assert join_codes(["i11", "i12"]) == "i11 และ i12"
    assert join_codes(["i7", "i8", "i9", "o14"]) == "i7 ถึง i9 และ o14"
    assert join_codes(["o21", "o22", "o23", "o25", "o27", "o28"]) == "o21 ถึง o23, o25, o27 และ o28"


def test_measure_draft_links_the_weak_items(assessment):
    draft = area_measure_draft(assessment=assessment, area=area(assessment, 6))
    assert draft.title == "มาตรการพัฒนา: กระบวนการควบคุม ตรวจสอบการใช้อำนาจและการบริหารงานบุคคล"
    assert [i.code for i in draft.items] == ["o14", "o15"]
    assert "ข้อ o14 ได้ 0.00 คะแนน" in draft.problem
    # One step per item from the advice library (seed 004's words for o14 and o15).
    assert len(draft.steps) == 2
    assert draft.steps[0].startswith("จัดทำและเผยแพร่ข้อมูลแผนการบริหารและพัฒนาทรัพยากรบุคคล")
    assert draft.steps[0].endswith("(ข้อ o14)") and draft.steps[1].endswith("(ข้อ o15)")


# ---------------------------------------------------------------- ensure / redraft / update


def test_ensure_drafts_each_area_once(assessment):
    analyses = analysis_ensure(assessment=assessment)
    assert [a.area.number for a in analyses] == [1, 2, 3, 4, 5, 6, 7]
    fourth = analyses[3]
    assert fourth.facts == analysis_draft(assessment=assessment, area=fourth.area)["facts"]
    assert fourth.edited_by is None and fourth.edited_at is None
    again = analysis_ensure(assessment=prefetched(assessment.organisation))
    assert [a.pk for a in again] == [a.pk for a in analyses]
    assert AreaAnalysis.objects.count() == 7


def test_ensure_never_overwrites_edited_texts(assessment):
    analysis_ensure(assessment=assessment)
    user = UserFactory()
    analysis_update(analysis=analysis_of(assessment, 4), user=user, **OWN_TEXT)
    # Even after the scores change, ensuring again keeps the organisation's words.
    Score.objects.filter(assessment=assessment, code="i10").update(score=95)
    analysis_ensure(assessment=prefetched(assessment.organisation), user=user)
    saved = analysis_of(assessment, 4)
    assert {k: getattr(saved, k) for k in OWN_TEXT} == OWN_TEXT
    assert saved.edited_by == user and saved.edited_at is not None


def test_redraft_overwrites_only_when_asked(assessment):
    analysis_ensure(assessment=assessment)
    user = UserFactory()
    analysis_update(analysis=analysis_of(assessment, 4), user=user, **OWN_TEXT)
    assert analysis_of(assessment, 4).facts == OWN_TEXT["facts"]
    Score.objects.filter(assessment=assessment, code="i10").update(score=95)
    analysis_redraft(analysis=analysis_of(assessment, 4), user=user)
    redrafted = analysis_of(assessment, 4)
    assert "ข้อ i10 ได้ 95.00 คะแนน" in redrafted.facts
    assert redrafted.edited_at is None and redrafted.edited_by is None
    # The other areas were not touched.
    assert analysis_of(assessment, 1).drafted_at <= redrafted.drafted_at


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("facts", "กรุณากรอก “ข้อเท็จจริงพบว่า”"),
        ("therefore", "กรุณากรอก “ดังนั้น”"),
        ("maintain_develop", "กรุณากรอก “การรักษาระดับ / การพัฒนา”"),
    ],
)
def test_update_needs_every_text_and_saves_nothing_otherwise(assessment, field, message):
    analysis_ensure(assessment=assessment)
    before = analysis_of(assessment, 4)
    values = {**OWN_TEXT, field: "   \n "}
    with pytest.raises(ValidationError) as error:
        analysis_update(analysis=analysis_of(assessment, 4), user=UserFactory(), **values)
    assert error.value.message_dict == {field: [message]}
    after = analysis_of(assessment, 4)
    assert (after.facts, after.therefore, after.maintain_develop, after.edited_at) == (
        before.facts,
        before.therefore,
        before.maintain_develop,
        None,
    )


def test_update_strips_and_records_the_editor(assessment):
    analysis_ensure(assessment=assessment)
    user = UserFactory()
    analysis_update(
        analysis=analysis_of(assessment, 4),
        user=user,
        facts="  บรรทัดแรก\r\nบรรทัดสอง  ",
        therefore=OWN_TEXT["therefore"],
        maintain_develop=OWN_TEXT["maintain_develop"],
    )
    saved = analysis_of(assessment, 4)
    assert saved.facts == "บรรทัดแรก\nบรรทัดสอง"
    assert saved.edited_by == user


# ---------------------------------------------------------------- demo


def test_demo_scores_are_idempotent_and_keep_edited_texts(org, catalogue):  # noqa: F811
    summary = load_scores_demo()
    assert "2564–2568" in summary and "7 ประเด็น" in summary
    scores = Score.objects.count()
    assessments = list(
        Assessment.objects.filter(organisation=org).values_list("fiscal_year__year", flat=True)
    )
    assert sorted(assessments) == [2564, 2565, 2566, 2567, 2568]
    latest = prefetched(org)
    analysis_update(analysis=analysis_of(latest, 4), user=None, **OWN_TEXT)
    load_scores_demo()
    assert Score.objects.count() == scores
    assert AreaAnalysis.objects.count() == 7
    assert analysis_of(latest, 4).facts == OWN_TEXT["facts"]
    totals = {year: sheet_of(org, year).total.value for year in (2564, 2565, 2566, 2567, 2568)}
    assert [str(t) for t in totals.values()] == ["71.30", "78.24", "84.59", "89.27", "90.24"]
    # The invented earlier years agree with the framework's rule: nothing is flagged.
    assert all(sheet_of(org, year).differences == 0 for year in (2564, 2565, 2566, 2567))
    assert sheet_of(org, 2566).level.label == "B"
    assert sheet_of(org, 2567).level.label == "ผ่านดี"


def test_demo_without_the_demo_organisation_does_nothing(db):
    call_command("load_framework", stdout=io.StringIO())
    assert "ไม่พบหน่วยงานตัวอย่าง" in load_scores_demo()
    assert not Assessment.objects.exists()


def test_the_advice_library_is_used_only_for_low_items(assessment):
    """An item's advice drafts "ดังนั้น" only when it scores low; a low item without advice gets
    the tool's general advice; a changed advice is used by the next draft."""

    framework = assessment.framework
    i10 = framework.items.get(code="i10")  # 1.29: low, with shipped advice
    i11 = framework.items.get(code="i11")  # 100: not low
    i11.low_score_advice = "ไม่ควรปรากฏ"
    i11.save()  # through the model, so the catalogue's cached structure is told
    fresh = prefetched(assessment.organisation)
    draft = analysis_draft(assessment=fresh, area=area(fresh, 4))
    assert "ไม่ควรปรากฏ" not in draft["therefore"] and i10.low_score_advice in draft["therefore"]
    i10.low_score_advice = ""
    i10.save()
    forget_structures()  # the clock may not have moved: drop the memo the version would retire
    fresh = prefetched(assessment.organisation)
    draft = analysis_draft(assessment=fresh, area=area(fresh, 4))
    assert "ข้อ i10 “ในหน่วยงานของท่าน มีเจ้าหน้าที่ที่ขอยืมทรัพย์สินของราชการไปใช้" in draft["therefore"]
    i10.low_score_advice = "จัดทำทะเบียนคุมการยืมทรัพย์สิน"
    i10.save()
    forget_structures()
    fresh = prefetched(assessment.organisation)
    measure = area_measure_draft(assessment=fresh, area=area(fresh, 4))
    assert measure.steps == ["จัดทำทะเบียนคุมการยืมทรัพย์สิน (ข้อ i10)"]


def test_load_framework_ships_advice_and_keeps_an_admins_text(catalogue):  # noqa: F811
    from assessments.models import Item

    i10 = Item.objects.get(framework__fiscal_year__year=2568, framework__variant="อปท.", code="i10")
    assert i10.low_score_advice.startswith("กำหนดมาตรการแนวทางการยืมทรัพย์สินของทางราชการ")
    Item.objects.filter(pk=i10.pk).update(low_score_advice="ข้อความของผู้ดูแลส่วนกลาง")
    call_command("load_framework", stdout=io.StringIO())
    i10.refresh_from_db()
    assert i10.low_score_advice == "ข้อความของผู้ดูแลส่วนกลาง"
    Item.objects.filter(pk=i10.pk).update(low_score_advice="")
    call_command("load_framework", stdout=io.StringIO())  # an empty field is filled again
    i10.refresh_from_db()
    assert i10.low_score_advice.startswith("กำหนดมาตรการแนวทางการยืม")
