"""Give every framework already in the database its survey links (the same sourced values
fixtures/ita/ ships, so a database made before the survey drive, including a provisional
year rolled forward by hand, has them without a reload). Minimums stay empty: unknown."""

from django.db import migrations

SOURCE = (
    "เว็บไซต์ขององค์กรปกครองส่วนท้องถิ่นหลายแห่งฝังลิงก์แบบวัดรายหน่วยงาน "
    "https://itas.nacc.go.th/go/iit/<รหัสหน่วยงาน> และ https://itas.nacc.go.th/go/eit/<รหัสหน่วยงาน> "
    "(แม่แบบเว็บไซต์ อปท. บน GitHub, file ids 38614911984, 12013197046; "
    "../shared/ita/CORRECTIONS.md §5) จำนวนผู้ตอบขั้นต่ำต่อหน่วยงาน: ไม่พบแหล่งข้อมูล จึงเว้นว่าง"
)
CONFIDENCE = (
    "รูปแบบลิงก์: ข้อมูลทุติยภูมิ (secondary) แหล่งไม่ระบุปี จึงใช้กับทุกปีโดยอนุมาน (inferred); "
    "จำนวนผู้ตอบขั้นต่ำ: ไม่ทราบ (unknown)"
)


def forwards(apps, schema_editor):
    Framework = apps.get_model("assessments", "Framework")
    SurveySettings = apps.get_model("assessments", "SurveySettings")
    SurveySettings.objects.bulk_create(
        SurveySettings(
            framework=framework,
            iit_link_pattern="https://itas.nacc.go.th/go/iit/{code}",
            eit_link_pattern="https://itas.nacc.go.th/go/eit/{code}",
            source=SOURCE,
            confidence=CONFIDENCE,
        )
        for framework in Framework.objects.filter(survey_settings__isnull=True)
    )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0011_survey_drive")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
