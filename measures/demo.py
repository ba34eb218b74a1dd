"""Demo measures and progress for the demo organisation (fiscal year 2568).

The measures are the ones องค์การบริหารส่วนตำบลขามสมบูรณ์ set itself in its own analysis report
for 2568 (fixtures/seeds/004_*.txt, closing tables): titles, steps, responsible units, timeframes
and the analysis text, cleaned of HTML and page breaks. The progress texts are adapted from other
agencies' progress reports (seeds 000–003). Everything is written through `measures.services`.

Idempotent: a measure is created only when the demo organisation has no 2568 measure of the same
title, and a progress entry only when that measure has none in that round, so running it again
adds nothing and never overwrites what someone changed while trying the demo.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from assessments.analysis import area_measure_draft
from assessments.lineage import descendants_in
from assessments.models import Assessment
from assessments.selectors import LOCAL_GOVERNMENT_VARIANT, framework_for_organisation, years_for
from ita_portal.thai import dates as thai
from organisations.demo import DEMO_ORG_CODE
from organisations.models import Organisation, Unit

from .models import Measure, ProgressEntry, ProgressStatus, ReportingRound, TimeframeKind
from .services import (
    evidence_add_link,
    measure_create,
    progress_entry_record,
    rounds_ensure_defaults,
)

YEAR = 2568
ROUND_6, ROUND_12 = "รอบ 6 เดือน", "รอบ 12 เดือน"
# Inside each round (รอบ 6 เดือน ends 31 Mar 2025, รอบ 12 เดือน ends 30 Sep 2025).
REPORTED_ON = {ROUND_6: date(2025, 3, 28), ROUND_12: date(2025, 9, 26)}
REPORTER_USERNAME = "staff"
SITE = "https://www.khamsomboon.go.th"

# The seed names the sections (งาน) inside a unit; the demo has the four units only.
# กองสาธารณสุขฯ, named once in the seed, is not a demo unit and is left out.
SEED_UNITS = {
    "งานการเจ้าหน้าที่": "สำนักปลัด",
    "งานบริหารงานทั่วไป": "สำนักปลัด",
    "สำนักปลัด/หน่วยตรวจสอบภายใน": "สำนักปลัด",
    "เจ้าหน้าที่พัสดุ/สำนักปลัด": "สำนักปลัด",
    "งานพัสดุ/กองคลัง": "กองคลัง",
    "กองคลัง": "กองคลัง",
    "กองช่าง": "กองช่าง",
    "กองการศึกษาฯ": "กองการศึกษา ศาสนาและวัฒนธรรม",
}

MONITORING = (
    "เจ้าหน้าที่ผู้รับผิดชอบดำเนินการแล้วรายงานผู้บริหาร เพื่อเผยแพร่บนเว็บไซต์ให้เป็นปัจจุบัน "
    "ผู้บริหารติดตามการดำเนินการในการประชุมประจำเดือน และรายงานผลรอบ 6 เดือนและรอบ 12 เดือน"
)

_THAI_STEP_NUMBER = re.compile(r"(?<!\S)[๑-๙][๐-๙]?\.\s*")


def split_steps(text: str) -> list[str]:
    """Split "๑. ก ๒.ข" into ["ก", "ข"]: the seed prints a measure's steps in one cell."""
    return [part.strip() for part in _THAI_STEP_NUMBER.split(text) if part.strip()]


@dataclass(frozen=True)
class Progress:
    status: str
    output: str = ""
    outcome: str = ""
    recommendations: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (title, url)


@dataclass(frozen=True)
class DemoMeasure:
    title: str
    steps: str  # as printed in the seed, numbered ๑. ๒. …
    units: tuple[str, ...]  # keys of SEED_UNITS
    items: tuple[str, ...]
    problem: str = ""
    quarters: tuple[int, ...] = ()
    period: tuple[date, date] | None = None
    deadline: date | None = None
    goal: str = ""
    expected_output: str = ""
    expected_outcome: str = ""
    progress: dict[str, Progress] = field(default_factory=dict)

    @property
    def timeframe_kind(self) -> str:
        if self.deadline:
            return TimeframeKind.DEADLINE
        if self.period:
            return TimeframeKind.PERIOD
        return TimeframeKind.QUARTERS


DONE, IN_PROGRESS, NOT_STARTED = (
    ProgressStatus.DONE,
    ProgressStatus.IN_PROGRESS,
    ProgressStatus.NOT_STARTED,
)
WHOLE_YEAR = (date(2024, 10, 1), date(2025, 9, 30))

DEMO_MEASURES = [
    DemoMeasure(
        title=(
            "จัดทำคู่มือ/แนวทางการปฏิบัติงานหรือการให้บริการที่กำหนดผู้รับผิดชอบ ขั้นตอนและระยะเวลาให้ชัดเจน "
            "และเผยแพร่คู่มือ/แนวทางดังกล่าวให้ข้าราชการและเจ้าหน้าที่ทราบและยึดถือปฏิบัติ"
        ),
        steps=(
            "๑. จัดทำคู่มือ/แนวทางการปฏิบัติงานหรือการให้บริการที่กำหนดผู้รับผิดชอบ ขั้นตอนและระยะเวลาให้ชัดเจน "
            "๒. แจ้งเวียนให้บุคลากรภายในรับทราบ "
            "๓. เผยแพร่คู่มือ/แนวทางการปฏิบัติงานในช่องทางการติดต่อของหน่วยงานทุกช่องทาง เช่น เว็บไซต์ "
            "บอร์ดประชาสัมพันธ์ เป็นต้น"
        ),
        units=("งานการเจ้าหน้าที่",),
        items=("i1", "o10"),
        problem=(
            "ข้อ i1 ได้ 99.35 คะแนน ประเด็น เจ้าหน้าที่ของหน่วยงานปฏิบัติหรือให้บริการแก่บุคคลภายนอก"
            "ไม่เป็นไปตามขั้นตอนและระยะเวลา ดังนั้น หน่วยงานควรระบุทั้งขั้นตอนและระยะเวลาที่ใช้ในการปฏิบัติงาน"
            "หรือการให้บริการแต่ละขั้นตอนไว้ในคู่มือหรือแนวทางการปฏิบัติงานของเจ้าหน้าที่ หรือคู่มือการขอรับบริการ"
            "สำหรับผู้มารับบริการหรือมาติดต่อ และประชาสัมพันธ์หรือเผยแพร่คู่มือดังกล่าวให้แก่บุคลากรภายในหน่วยงาน"
            "ถือปฏิบัติโดยเคร่งครัด"
        ),
        quarters=(2,),
        progress={
            ROUND_6: Progress(
                DONE,
                output=(
                    "งานการเจ้าหน้าที่รวบรวมขั้นตอนจากทุกกองและจัดทำคู่มือการปฏิบัติงานและคู่มือสำหรับประชาชน "
                    "(งานรับชำระภาษี งานขออนุญาตก่อสร้างอาคาร งานรับลงทะเบียนเบี้ยยังชีพผู้สูงอายุและคนพิการ) "
                    "ระบุผู้รับผิดชอบ ขั้นตอน และระยะเวลาของแต่ละขั้นตอน แจ้งเวียนให้บุคลากรทุกกองรับทราบ"
                    "เมื่อวันที่ 17 กุมภาพันธ์ 2568 และเผยแพร่บนเว็บไซต์และบอร์ดประชาสัมพันธ์ของ อบต."
                ),
                outcome=(
                    "บุคลากรถือปฏิบัติตามขั้นตอนและระยะเวลาเดียวกัน ผู้มารับบริการทราบขั้นตอน เอกสารที่ต้องใช้ "
                    "และระยะเวลาการให้บริการล่วงหน้า"
                ),
                recommendations="ให้ทุกกองทบทวนคู่มือเมื่อมีการเปลี่ยนแปลงขั้นตอนหรือระเบียบที่เกี่ยวข้อง",
                links=(("คู่มือการปฏิบัติงานและคู่มือสำหรับประชาชน", f"{SITE}/manual/2568"),),
            ),
            ROUND_12: Progress(
                DONE,
                output=(
                    "ทบทวนคู่มือการปฏิบัติงานรอบปี ปรับระยะเวลาการให้บริการงานรับชำระภาษีให้สอดคล้องกับ"
                    "การให้บริการผ่านระบบ E-Service และจัดทำอินโฟกราฟิกขั้นตอนการให้บริการติดไว้ ณ จุดบริการ"
                ),
                outcome=(
                    "ผลสำรวจความพึงพอใจด้านขั้นตอนและระยะเวลาการให้บริการอยู่ในระดับมาก (ร้อยละ 88.40) "
                    "ไม่มีเรื่องร้องเรียนเรื่องการให้บริการล่าช้า"
                ),
                recommendations="เผยแพร่คู่มือในรูปแบบวิดีโอสั้นทางเพจ Facebook ของ อบต. ในปีงบประมาณถัดไป",
            ),
        },
    ),
    DemoMeasure(
        title=(
            "จัดประชุมประจำเดือน เพื่อสร้างกระบวนการปรึกษาหารือระหว่างผู้บริหารและบุคลากรเพื่อร่วมกันทบทวน"
            "ปัญหาและอุปสรรคในการปฏิบัติงานอย่างเป็นระบบ"
        ),
        steps=(
            "๑. จัดประชุมเพื่อสร้างกระบวนการปฏิบัติงานอย่างเป็นระบบในหน่วยงาน "
            "๒. นำปัญหา ข้อเสนอแนะที่ได้แจ้งเวียนให้บุคลากรภายในได้รับทราบ"
        ),
        units=("งานการเจ้าหน้าที่",),
        items=("o8", "o9"),
        problem=(
            "บุคลากรและประชาชนผู้มารับบริการมีความเห็นว่าการปฏิบัติงานหรือการให้บริการแก่ประชาชนยังไม่เป็นไปตาม"
            "ขั้นตอนและระยะเวลาที่กำหนด ผู้บริหารควรให้แต่ละส่วนงานรายงานผลการดำเนินงานและผลการใช้จ่ายงบประมาณ"
            "ในการประชุมหน่วยงาน ว่าเป็นไปตามแผนหรือไม่ เพื่อนำมาปรับปรุงหาวิธีการพัฒนาร่วมกัน"
        ),
        period=WHOLE_YEAR,
        progress={
            ROUND_6: Progress(
                IN_PROGRESS,
                output=(
                    "จัดประชุมประจำเดือนผู้บริหาร พนักงานส่วนตำบล และพนักงานจ้าง แล้ว 6 ครั้ง (ตุลาคม 2567 – "
                    "มีนาคม 2568) ทุกกองรายงานผลการดำเนินงานและผลการใช้จ่ายงบประมาณ รับฟังปัญหา อุปสรรค "
                    "และข้อเสนอแนะการปฏิบัติงาน แล้วแจ้งเวียนรายงานการประชุมให้บุคลากรรับทราบ"
                ),
                outcome="ผู้บริหารติดตามความก้าวหน้าของแผนการดำเนินงานได้ทุกเดือน",
                recommendations="ให้ทุกกองส่งรายงานผลการใช้จ่ายงบประมาณก่อนการประชุมอย่างน้อย 3 วันทำการ",
            ),
            ROUND_12: Progress(
                DONE,
                output=(
                    "จัดประชุมประจำเดือนครบ 12 ครั้งตามแผน มีการติดตามข้อสั่งการของผู้บริหารจากการประชุมครั้งก่อน"
                    "ทุกครั้ง และเผยแพร่รายงานผลการดำเนินงานรอบ 6 เดือนบนเว็บไซต์ของ อบต."
                ),
                outcome=(
                    "ปัญหาที่บุคลากรเสนอในที่ประชุมได้รับการแก้ไขภายในเดือนถัดไป 21 จาก 24 เรื่อง "
                    "การเบิกจ่ายงบประมาณเป็นไปตามแผน"
                ),
                recommendations="บันทึกข้อสั่งการและผู้รับผิดชอบไว้ท้ายรายงานการประชุมทุกครั้ง",
            ),
        },
    ),
    DemoMeasure(
        title=(
            "ส่งเสริมให้ผู้รับบริการและประชาชนทั่วไปมีส่วนร่วมในการแสดงความคิดเห็นหรือให้คำแนะนำในการพัฒนา "
            "และปรับปรุงคุณภาพและมาตรฐานการให้บริการ"
        ),
        steps=(
            "๑. จัดทำแบบประเมินความพึงพอใจในการบริการของหน่วยงาน "
            "๒.เพิ่มช่องทางการแสดงความคิดเห็น/ข้อเสนอแนะ ในช่องทางการติดต่อทุกชนิด"
        ),
        units=("งานบริหารงานทั่วไป",),
        items=("e7", "e8", "o20"),
        problem=(
            "ข้อ e1 ได้ 79.05 คะแนน e2 ได้ 82.86 คะแนน e7 ได้ 87.62 คะแนน e8 ได้ 82.86 คะแนน และ e9 "
            "ได้ 85.71 คะแนน ยังมีประชาชนบางส่วนที่ไม่ทราบว่าสามารถแสดงความคิดเห็นและใช้บริการทางช่องทาง"
            "ออนไลน์ได้"
        ),
        quarters=(2,),
        progress={
            ROUND_6: Progress(
                DONE,
                output=(
                    "จัดทำแบบประเมินความพึงพอใจในการให้บริการทั้งแบบกระดาษ ณ จุดบริการ และแบบออนไลน์ผ่าน "
                    "QR Code และเพิ่มช่องทางการแสดงความคิดเห็น/ข้อเสนอแนะทาง Line Official และกล่องรับ"
                    "ความคิดเห็นหน้าสำนักงาน"
                ),
                outcome="มีผู้ตอบแบบประเมิน 214 ราย ความพึงพอใจโดยรวมร้อยละ 89.15",
                recommendations="นำข้อเสนอแนะที่ได้รับเข้าที่ประชุมประจำเดือนเพื่อปรับปรุงการให้บริการ",
            ),
            ROUND_12: Progress(
                DONE,
                output=(
                    "สรุปผลการประเมินความพึงพอใจทั้งปี และนำข้อเสนอแนะ 12 เรื่องไปปรับปรุง เช่น จัดที่นั่งรอรับ"
                    "บริการ ขยายเวลาให้บริการรับชำระภาษีในช่วงพักกลางวัน และแจ้งผลการดำเนินการกลับให้ผู้เสนอทราบ"
                ),
                outcome=(
                    "ความพึงพอใจโดยรวมเพิ่มขึ้นเป็นร้อยละ 91.30 ประชาชนเห็นว่าหน่วยงานรับฟังและปรับปรุง"
                    "การให้บริการตามข้อเสนอแนะ"
                ),
                recommendations="เผยแพร่สรุปข้อเสนอแนะและการปรับปรุงบนเว็บไซต์ทุกไตรมาส",
            ),
        },
    ),
    DemoMeasure(
        title=(
            "จัดให้มีการเปิดเผยข้อมูลสร้างการรับรู้แผนการจัดซื้อจัดจ้างหรือแผนการจัดหาวัสดุ แผนการใช้จ่ายงบประมาณ "
            "รวมถึงการเบิกจ่ายงบประมาณอย่างเปิดเผยและพร้อมรับการตรวจสอบทุกภาคส่วน ตลอดจนการจัดทำรายงานผล"
            "อย่างสม่ำเสมอ"
        ),
        steps=(
            "๑.จัดทำคำสั่งมอบหมายหน่วยงาน/เจ้าหน้าที่ที่เกี่ยวข้องดำเนินการจัดทำแผนการดังกล่าว "
            "๒.ประชาสัมพันธ์เผยแพร่ข้อมูลเกี่ยวกับแผนการใช้จ่ายงบประมาณการจัดซื้อจัดจ้างประจำปีผ่านทางช่องทาง"
            "การติดต่อของสำนักงานและปรับปรุงข้อมูลอยู่เสมอเพื่อให้ประชาชนได้ทราบ"
        ),
        units=("งานพัสดุ/กองคลัง",),
        items=("i4", "i6", "o12"),
        problem=("ประชาชนยังไม่ทราบกระบวนการจัดซื้อจัดจ้างและไม่สามารถตรวจสอบการใช้จ่ายงบประมาณของหน่วยงานได้"),
        quarters=(2,),
        progress={
            ROUND_6: Progress(
                DONE,
                output=(
                    "ผู้รับผิดชอบได้ดำเนินการจัดทำแผนการจัดหาพัสดุ ประจำปีงบประมาณ พ.ศ. 2568 ตามคำสั่งมอบหมาย "
                    "แล้วจัดทำรายงานผลการจัดหาพัสดุรายเดือนเสนอผู้บริหารเพื่อทราบ และเผยแพร่แผนการจัดซื้อจัดจ้าง"
                    "และแผนการใช้จ่ายงบประมาณบนเว็บไซต์และบอร์ดประชาสัมพันธ์ของ อบต."
                ),
                outcome=(
                    "ประชาชนและบุคลากรตรวจสอบแผนและความก้าวหน้าการจัดซื้อจัดจ้างได้ ซึ่งแสดงถึงกระบวนการ"
                    "สร้างความโปร่งใสในการใช้งบประมาณและการจัดซื้อจัดจ้างของหน่วยงาน"
                ),
                links=(
                    (
                        "แผนการจัดซื้อจัดจ้าง ประจำปีงบประมาณ พ.ศ. 2568",
                        f"{SITE}/procurement/plan-2568",
                    ),
                ),
            ),
            ROUND_12: Progress(
                DONE,
                output=(
                    "ปรับปรุงข้อมูลความก้าวหน้าการจัดซื้อจัดจ้างและผลการเบิกจ่ายงบประมาณบนเว็บไซต์ทุกเดือน"
                    "ครบ 12 เดือน และประกาศแผนการจัดซื้อจัดจ้างฉบับปรับปรุงครั้งที่ 1"
                ),
                outcome="ข้อมูลการจัดซื้อจัดจ้างบนเว็บไซต์เป็นปัจจุบันตลอดปี ไม่มีข้อทักท้วงจากประชาชน",
                recommendations="แสดงสถานะของแต่ละโครงการ (ยังไม่ดำเนินการ/อยู่ระหว่าง/แล้วเสร็จ) ในตารางเดียว",
            ),
        },
    ),
    DemoMeasure(
        title=(
            "ประชาสัมพันธ์สร้างความรู้ความเข้าใจให้บุคลากรภายในหน่วยงานทราบโดยทั่วกัน เปิดโอกาสให้บุคลากร"
            "มีส่วนร่วมในกระบวนการจัดทำงบประมาณ และจัดทำรายงานผลการจัดซื้อจัดจ้างให้เป็นปัจจุบัน"
        ),
        steps=(
            "๑. จัดประชุมชี้แจงข้อมูลการใช้จ่ายงบประมาณ แผนการจัดซื้อจัดจ้าง "
            "๒. รายงานผลการจัดซื้อจัดจ้าง หรือจัดหาพัสดุให้ผู้บริหารทราบทุกเดือนสม่ำเสมอ "
            "๓. ประกาศเผยแพร่แผนและผลการจัดซื้อจัดจ้าง หรือแผนจัดหาพัสดุ ทางเว็บไซต์หน่วยงานหรือสื่อออนไลน์"
        ),
        units=("งานพัสดุ/กองคลัง",),
        items=("o12", "o13"),
        problem=(
            "ข้อ o12 ได้ 50.00 คะแนน และ o13 ได้ 50.00 คะแนน ควรปรับปรุงการรายงานผลการจัดซื้อจัดจ้าง"
            "หรือการจัดหาพัสดุประจำปี ให้ประชาชนได้รับทราบอย่างทั่วถึงต่อไป"
        ),
        # The seed says ไตรมาส ๒ (ม.ค.–มี.ค. ๖๘); the report is due by the end of it.
        deadline=date(2025, 3, 31),
        progress={
            ROUND_6: Progress(
                DONE,
                output=(
                    "จัดประชุมชี้แจงข้อมูลการใช้จ่ายงบประมาณและแผนการจัดซื้อจัดจ้างแก่บุคลากรเมื่อวันที่ 14 มกราคม "
                    "2568 จัดทำรายงานผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ ประจำปี พ.ศ. 2567 เสนอนายกองค์การ"
                    "บริหารส่วนตำบล และประกาศเผยแพร่บนเว็บไซต์หน่วยงานเมื่อวันที่ 20 มีนาคม 2568"
                ),
                outcome=(
                    "รายงานผลการจัดซื้อจัดจ้างมีข้อมูลงบประมาณที่ใช้ ผลการจัดซื้อจัดจ้าง ปัญหาอุปสรรค "
                    "และข้อเสนอแนะ ครบตามองค์ประกอบที่กำหนด"
                ),
                links=(
                    (
                        "รายงานผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ ประจำปี พ.ศ. 2567",
                        f"{SITE}/procurement/report-2567",
                    ),
                ),
            ),
            ROUND_12: Progress(
                DONE,
                output=(
                    "รายงานผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุให้ผู้บริหารทราบทุกเดือนต่อเนื่อง และเผยแพร่สรุปผล"
                    "การจัดซื้อจัดจ้างรายเดือน (แบบ สขร.1) บนเว็บไซต์ครบ 12 เดือน"
                ),
                outcome="บุคลากรและประชาชนติดตามผลการจัดซื้อจัดจ้างได้เป็นปัจจุบัน",
                recommendations=("เริ่มจัดทำรายงานผลการจัดซื้อจัดจ้างประจำปี พ.ศ. 2568 ทันทีหลังสิ้นปีงบประมาณ"),
            ),
        },
    ),
    DemoMeasure(
        title=(
            "ประชาสัมพันธ์บุคลากรให้ทราบข้อมูลรายละเอียดของตำแหน่งงาน (job description) และเกณฑ์การประเมินผล"
            "การปฏิบัติงาน รวมทั้งเปิดรับฟังความคิดเห็นของผู้ที่เกี่ยวข้องเพื่อปรับปรุงประสิทธิภาพการปฏิบัติงาน"
        ),
        steps=(
            "๑. จัดทำและดำเนินการตามนโยบายหรือแผนการบริหารทรัพยากรบุคคล เช่น การสรรหาและบรรจุแต่งตั้ง"
            "ข้าราชการแทนตำแหน่งว่าง การปรับปรุงการกำหนดตำแหน่ง การทบทวนภารกิจ รวมถึงดำเนินการตามแผนพัฒนา"
            "บุคลากร และหลักเกณฑ์การส่งบุคลากรเข้ารับการอบรม/ทุนการศึกษา "
            "๒. กำหนดหลักเกณฑ์การประเมินผลการปฏิบัติงานรายบุคคลที่เชื่อมโยงกับผลการปฏิบัติงานขององค์กร "
            "๓. แจ้งเวียนให้บุคลากรทราบข้อมูลรายละเอียดของตำแหน่งงานและเกณฑ์การประเมินผลการปฏิบัติงาน"
        ),
        units=("งานการเจ้าหน้าที่",),
        items=("i9", "o14", "o15"),
        problem=(
            "ข้อ o14 และ o15 ได้ 0.00 คะแนน ประเด็นการบริหารและพัฒนาทรัพยากรบุคคล เห็นควรจัดทำและเผยแพร่"
            "แผนการบริหารและพัฒนาทรัพยากรบุคคลที่มีเนื้อหาและองค์ประกอบถูกต้องครบถ้วนตามหลักเกณฑ์การประเมิน "
            "อีกทั้งควรจัดทำรายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปีให้ครบถ้วนตามองค์ประกอบ และเผยแพร่"
            "ให้สาธารณชนรวมทั้งเจ้าหน้าที่ในหน่วยงานได้รับทราบ"
        ),
        quarters=(2,),
        progress={
            ROUND_6: Progress(
                NOT_STARTED,
                recommendations=(
                    "รอแผนอัตรากำลัง 3 ปี (พ.ศ. 2567 – 2569) ฉบับปรับปรุงที่เสนอคณะกรรมการพนักงานส่วนตำบล"
                    "จังหวัดนครราชสีมาพิจารณา จึงเลื่อนการจัดทำแผนการบริหารและพัฒนาทรัพยากรบุคคลไปไตรมาส 3"
                ),
            ),
            ROUND_12: Progress(
                IN_PROGRESS,
                output=(
                    "จัดทำร่างแผนการบริหารและพัฒนาทรัพยากรบุคคล ประจำปีงบประมาณ พ.ศ. 2568 แล้ว และแจ้งเวียน"
                    "รายละเอียดของตำแหน่งงาน (job description) และหลักเกณฑ์การประเมินผลการปฏิบัติงานให้บุคลากร"
                    "ทุกคนรับทราบ อยู่ระหว่างเสนอผู้บริหารพิจารณาอนุมัติแผน"
                ),
                outcome="บุคลากรทราบหลักเกณฑ์การประเมินผลการปฏิบัติงานก่อนรอบการประเมิน",
                recommendations=(
                    "เร่งเสนอแผนให้ผู้บริหารอนุมัติ แล้วเผยแพร่แผนและรายงานผลการบริหารและพัฒนาทรัพยากรบุคคล"
                    "บนเว็บไซต์ เพื่อให้มีข้อมูลตามข้อ o14 และ o15"
                ),
            ),
        },
    ),
    DemoMeasure(
        title=(
            "จัดทำมาตรการป้องกันและมีระบบการติดตามตรวจสอบพฤติกรรมการทุจริตอย่างชัดเจนและเปิดเผย รวมทั้ง"
            "นำผลการประเมิน ITA ไปปรับปรุงการทำงาน"
        ),
        steps=(
            "๑. ทำการวิเคราะห์และประเมินความเสี่ยงการทุจริตพร้อมกำหนดมาตรการป้องกันการทุจริตภายในหน่วยงาน"
            "พร้อมเผยแพร่ให้บุคลากรภายในรับทราบและถือเป็นแนวปฏิบัติ "
            "๒. นำผลการวิเคราะห์ ITA ปรับปรุงการปฏิบัติงานให้มีประสิทธิภาพยิ่งขึ้น "
            "๓. แต่งตั้งคณะกรรมการขับเคลื่อนเรื่องจริยธรรม และจัดทำมาตรฐานทางจริยธรรม และ Do's & Don'ts "
            "เพื่อเผยแพร่ให้บุคลากรภายในรับทราบและถือเป็นแนวปฏิบัติ "
            "๔. จัดกิจกรรม/โครงการฝึกอบรมสอดแทรกสาระด้านจริยธรรมของเจ้าหน้าที่ของรัฐ"
        ),
        units=("สำนักปลัด/หน่วยตรวจสอบภายใน",),
        items=("o16", "o23", "o24", "o26"),
        problem=(
            "ข้อ o26 ได้ 50.00 คะแนน ควรปรับปรุงข้อมูลรายงานผลการดำเนินการป้องกันการทุจริตให้ถูกต้องครบถ้วน "
            "และสอดคล้องกับบริบทตามภารกิจของหน่วยงานต่อไป"
        ),
        quarters=(1,),
        progress={
            ROUND_6: Progress(
                DONE,
                output=(
                    "วิเคราะห์และประเมินความเสี่ยงการทุจริต ประจำปีงบประมาณ พ.ศ. 2568 พร้อมกำหนดมาตรการป้องกัน "
                    "ประกาศเผยแพร่เมื่อวันที่ 18 ธันวาคม 2567 แต่งตั้งคณะกรรมการขับเคลื่อนจริยธรรม จัดทำ "
                    "Do's & Don'ts และจัดอบรมสอดแทรกสาระด้านจริยธรรมแก่บุคลากรเมื่อวันที่ 25 ธันวาคม 2567 "
                    "มีผู้เข้าร่วม 42 คน"
                ),
                outcome=(
                    "บุคลากรทุกคนลงนามรับทราบมาตรการป้องกันการทุจริต ไม่มีเรื่องร้องเรียนการทุจริตและ"
                    "ประพฤติมิชอบในรอบ 6 เดือน"
                ),
                recommendations="นำผลการประเมิน ITA ปี 2568 มาทบทวนมาตรการในไตรมาสแรกของปีงบประมาณถัดไป",
                links=(
                    (
                        "ประกาศมาตรการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. 2568",
                        f"{SITE}/ita/anti-corruption-2568",
                    ),
                ),
            ),
        },
    ),
    DemoMeasure(
        title="ระบบตรวจสอบควบคุมการใช้ทรัพย์สินของราชการ",
        steps=(
            "๑. หน่วยงานจัดทำคู่มือฉบับย่อ/สื่อหลากหลายรูปแบบ เพื่อประชาสัมพันธ์/ให้ความรู้เบื้องต้นเกี่ยวกับ"
            "การใช้ทรัพย์สินของราชการให้แก่ข้าราชการ เจ้าหน้าที่ทั่วทั้งองค์กรและประชาชนให้เข้าใจแบบง่าย "
            "และทำแนวปฏิบัติ Do & Don't ให้เจ้าหน้าที่ในหน่วยงานปฏิบัติตามระเบียบการใช้ทรัพย์สินราชการ "
            "๒. หน่วยงานจัดประชุมชี้แจง/ฝึกอบรมให้ความรู้เกี่ยวกับการยืมหรือใช้ทรัพย์สินของทางราชการ "
            "เพื่อสร้างการรับรู้ถึงข้อระเบียบและวิธีปฏิบัติเกี่ยวกับการใช้และการบำรุงรักษาทรัพย์สินของทางราชการ "
            "และประชาสัมพันธ์ขั้นตอนการขออนุญาตยืมเพื่อใช้เป็นแนวทางการปฏิบัติอย่างถูกต้อง "
            "๓. นำระบบการควบคุม/ทะเบียนคุมการใช้ทรัพย์สินของทางราชการมาใช้ เพื่อตรวจสอบวัสดุคงค้างและสถานะ"
            "การยืม/คืน โดยจัดทำรายงานครุภัณฑ์ทรัพย์สินของราชการทุกปลายเดือน ตรวจสอบจำนวนในระบบเทียบกับ"
            "การนับจริง และรายงานผลในการประชุมประจำเดือนให้พนักงานและลูกจ้างรับทราบ "
            "๔. จัดทำมาตรการจัดการความเสี่ยงในการใช้ทรัพย์สินราชการ ว่ามีโอกาสใดบ้างที่อาจทำให้เกิด"
            "การใช้ทรัพย์สินโดยไม่ถูกต้อง"
        ),
        units=("เจ้าหน้าที่พัสดุ/สำนักปลัด", "กองคลัง", "กองช่าง", "กองการศึกษาฯ"),
        items=("i10", "i11", "i12"),
        problem=(
            "ข้อ i10 ได้ 1.29 คะแนน ประเด็น เจ้าหน้าที่ในหน่วยงานบางรายมีการขอยืมทรัพย์สินของทางราชการไปใช้"
            "ปฏิบัติงานอย่างไม่ถูกต้อง ดังนั้น หน่วยงานควรระบุขั้นตอนและแนวทางในการขอยืมทรัพย์สินของทางราชการ"
            "ตามประเภทงานด้านต่าง ๆ ไว้ในคู่มือหรือแนวทางการปฏิบัติงานอย่างชัดเจน พร้อมทั้งประชาสัมพันธ์คู่มือ"
            "หรือแนวทางการขอยืมทรัพย์สินของราชการให้แก่บุคลากรในหน่วยงานได้รับทราบ"
        ),
        period=WHOLE_YEAR,
        goal=(
            "บุคลากรทุกคนรู้และปฏิบัติตามแนวปฏิบัติการยืมและใช้ทรัพย์สินของราชการอย่างถูกต้อง "
            "และหน่วยงานตรวจสอบการใช้ทรัพย์สินของราชการได้เป็นประจำ"
        ),
        expected_output=(
            "คู่มือฉบับย่อและแนวปฏิบัติ Do & Don't การใช้ทรัพย์สินของราชการ 1 ฉบับ ทะเบียนคุมการยืม–คืน"
            "ทรัพย์สินที่เป็นปัจจุบัน และรายงานการตรวจนับครุภัณฑ์ทุกสิ้นเดือน"
        ),
        expected_outcome=(
            "การยืม–คืนทรัพย์สินของราชการทุกครั้งมีหลักฐานตรวจสอบได้ ไม่มีการนำทรัพย์สินของราชการไปใช้"
            "เพื่อประโยชน์ส่วนตัว และคะแนนข้อ i10 ในการประเมินปีถัดไปสูงขึ้น"
        ),
        progress={
            ROUND_6: Progress(
                IN_PROGRESS,
                output=(
                    "จัดทำคู่มือฉบับย่อและแนวปฏิบัติ Do & Don't การใช้ทรัพย์สินของราชการ แจ้งเวียนทุกกองแล้ว "
                    "และเริ่มใช้ทะเบียนคุมการยืม–คืนทรัพย์สินตั้งแต่เดือนกุมภาพันธ์ 2568 อยู่ระหว่างเตรียมการ"
                    "ประชุมชี้แจงขั้นตอนการขออนุญาตยืม"
                ),
                outcome="มีการยืมทรัพย์สินผ่านทะเบียนคุม 17 ครั้ง คืนครบทุกรายการ",
                recommendations=(
                    "ให้หัวหน้าส่วนราชการกำกับให้ผู้ยืมบันทึกทะเบียนทุกครั้งก่อนนำทรัพย์สินออกจากสำนักงาน"
                ),
            ),
            ROUND_12: Progress(
                DONE,
                output=(
                    "จัดประชุมชี้แจงการยืมและใช้ทรัพย์สินของทางราชการแก่บุคลากรทุกกองเมื่อวันที่ 22 พฤษภาคม 2568 "
                    "รายงานผลการตรวจนับครุภัณฑ์ทุกสิ้นเดือนในที่ประชุมประจำเดือน และประกาศมาตรการจัดการ"
                    "ความเสี่ยงในการใช้ทรัพย์สินของราชการ"
                ),
                outcome=(
                    "ผลการตรวจนับครุภัณฑ์ตรงกับทะเบียนทุกเดือน การยืม–คืนทรัพย์สินทั้งปี 41 ครั้งมีหลักฐาน"
                    "ครบถ้วน ไม่พบการนำทรัพย์สินของราชการไปใช้เพื่อประโยชน์ส่วนตัว"
                ),
                recommendations="พัฒนาทะเบียนคุมเป็นแบบฟอร์มออนไลน์เพื่อให้ตรวจสอบสถานะการยืมได้ทันที",
                links=(
                    (
                        "คู่มือการยืมและใช้ทรัพย์สินของราชการ และแนวปฏิบัติ Do & Don't",
                        f"{SITE}/ita/asset-guide-2568",
                    ),
                ),
            ),
        },
    ),
]


def _ensure_framework(organisation: Organisation):
    framework = framework_for_organisation(organisation, YEAR)
    if framework is None or framework.variant != LOCAL_GOVERNMENT_VARIANT:
        call_command("load_framework", stdout=io.StringIO())
        framework = framework_for_organisation(organisation, YEAR)
    return framework


@transaction.atomic
def load_measures_demo() -> str:
    """Give the demo organisation its 2568 rounds, measures, progress and evidence links.

    Call after `organisations.demo.load_demo`. Returns a one-line Thai summary.
    """
    organisation = Organisation.objects.get(code=DEMO_ORG_CODE)
    reporter = get_user_model().objects.get(username=REPORTER_USERNAME)
    framework = _ensure_framework(organisation)
    items = {i.code: i for i in framework.items.all()}
    units = {u.name: u for u in Unit.objects.filter(organisation=organisation)}
    rounds = {r.name: r for r in rounds_ensure_defaults(organisation=organisation, year=YEAR)}

    existing = {
        m.title: m
        for m in Measure.objects.filter(organisation=organisation, fiscal_year__year=YEAR)
    }
    for order, spec in enumerate(DEMO_MEASURES, start=1):
        measure = existing.get(spec.title)
        if measure is None:
            measure = measure_create(
                organisation=organisation,
                year=YEAR,
                user=reporter,
                title=spec.title,
                responsible_units=[units[SEED_UNITS[name]] for name in spec.units],
                steps=split_steps(spec.steps),
                items=[items[code] for code in spec.items],
                problem=spec.problem,
                goal=spec.goal,
                monitoring=MONITORING,
                timeframe_kind=spec.timeframe_kind,
                start_date=spec.period[0] if spec.period else None,
                end_date=spec.period[1] if spec.period else None,
                deadline=spec.deadline,
                quarters=spec.quarters,
                expected_output=spec.expected_output,
                expected_outcome=spec.expected_outcome,
                order=order,
            )
        reported = set(measure.progress.values_list("round__name", flat=True))
        for round_name, progress in spec.progress.items():
            if round_name in reported:
                continue
            entry = progress_entry_record(
                measure=measure,
                round=rounds[round_name],
                user=reporter,
                status=progress.status,
                reported_on=REPORTED_ON[round_name],
                output=progress.output,
                outcome=progress.outcome,
                recommendations=progress.recommendations,
            )
            for title, url in progress.links:
                evidence_add_link(entry=entry, url=url, user=reporter, title=title)

    measure_count = Measure.objects.filter(
        organisation=organisation, fiscal_year__year=YEAR
    ).count()
    entry_count = ProgressEntry.objects.filter(
        measure__organisation=organisation, measure__fiscal_year__year=YEAR
    ).count()
    round_names = ", ".join(
        ReportingRound.objects.filter(organisation=organisation, fiscal_year__year=YEAR)
        .order_by("end_date", "start_date")
        .values_list("name", flat=True)
    )
    return (
        f"มาตรการปี {YEAR}: {measure_count} รายการ, "
        f"ผลการดำเนินการ {entry_count} รายการ ({round_names})"
    )


# ---------------------------------------------------------------- the planning year, in progress

#: how many of the latest analysis's areas become this year's measures in the demo
PLANNED_FROM_AREAS = 3


@transaction.atomic
def load_planning_year_demo(today: date | None = None) -> str:
    """The demo agency's current fiscal year, relative to the date it runs: measures planned
    from the latest analysis (its weak items carried to this year's framework through lineage),
    the rounds, and the 6-month round reported once it has ended. Idempotent.

    Call after the scores demo and `assessments.demo.ensure_planning_framework`.
    """
    today = today or timezone.localdate()
    organisation = Organisation.objects.get(code=DEMO_ORG_CODE)
    reporter = get_user_model().objects.get(username=REPORTER_USERNAME)
    years = years_for(organisation, today)
    year = years.planning
    rounds = rounds_ensure_defaults(organisation=organisation, year=year)
    if Measure.objects.filter(organisation=organisation, fiscal_year__year=year).exists():
        return f"มาตรการปี {year} (ปีปัจจุบัน): มีอยู่แล้ว"
    framework = years.planning_framework
    latest = (
        Assessment.objects.filter(organisation=organisation, fiscal_year__year=years.latest_results)
        .select_related("framework__fiscal_year")
        .first()
        if years.latest_results
        else None
    )
    if latest is None:
        return ""
    current_quarter = thai.fiscal_quarter_of(today)
    quarters = list(range(max(2, current_quarter), 5))[:2]  # never a quarter already over
    unit = Unit.objects.filter(organisation=organisation).order_by("order", "pk").first()
    drafts = []
    for area in latest.framework.analysis_areas.order_by("number"):
        draft = area_measure_draft(assessment=latest, area=area)
        if draft.items:
            successors = descendants_in(draft.items, framework) if framework else {}
            carried = list({s.pk: s for found in successors.values() for s in found}.values())
            dropped = [item for item in draft.items if not successors.get(item.pk)]
            drafts.append((draft, carried, dropped))
    # Areas whose items this year's framework continues first (IIT/EIT items of 2569 have no
    # published text, so nothing continues them yet: such a measure lists them to resolve).
    drafts.sort(key=lambda row: not row[1])
    planned = 0
    for draft, carried, dropped in drafts[:PLANNED_FROM_AREAS]:
        measure = measure_create(
            organisation=organisation,
            year=year,
            user=reporter,
            title=draft.title,
            problem=f"ผลการประเมินปี {latest.fiscal_year.year}: {draft.problem}",
            items=carried,
            responsible_units=[unit],
            # The draft cites the result year's codes, which this year's framework renumbers.
            steps=[
                f"{step} (รหัสข้อตามกรอบการประเมินปี {latest.fiscal_year.year})" for step in draft.steps
            ],
            timeframe_kind=TimeframeKind.QUARTERS,
            quarters=quarters,
            order=planned + 1,
        )
        if dropped:
            measure.unlinked_items = [
                f"{i.code} {i.text} (ปี {latest.fiscal_year.year})" for i in dropped
            ]
            measure.save(update_fields=["unlinked_items"])
        planned += 1
    six_months = next(r for r in rounds if r.name == ROUND_6)
    reported = 0
    if six_months.end_date < today:
        for measure in Measure.objects.filter(organisation=organisation, fiscal_year__year=year)[
            :2
        ]:
            progress_entry_record(
                measure=measure,
                round=six_months,
                user=reporter,
                status=ProgressStatus.IN_PROGRESS,
                reported_on=six_months.end_date,
                output="ดำเนินการตามขั้นตอนแรกแล้ว อยู่ระหว่างดำเนินการขั้นตอนถัดไป",
            )
            reported += 1
    text = f"มาตรการปี {year} (ปีปัจจุบัน): วางแผนจากผลการวิเคราะห์ปี {latest.fiscal_year.year} {planned} รายการ"
    if reported:
        text += f", รายงานผลรอบ 6 เดือนแล้ว {reported} รายการ"
    return text
