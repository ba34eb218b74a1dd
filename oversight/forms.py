"""The oversight pages' forms."""

from django import forms
from django.utils import timezone

from ita_portal.thai import dates as thai
from ita_portal.thai.forms import ThaiDateField
from ita_portal.uploads import file_input_attrs, size_label

#: A survey-counts file: one row per agency, far smaller than a score file.
SURVEY_FILE_MAX_BYTES = 5 * 1024 * 1024


def _this_year() -> int:
    return thai.fiscal_year_of(timezone.localdate())


class SurveyCountsForm(forms.Form):
    year = forms.IntegerField(
        label="ปีงบประมาณ (พ.ศ.)",
        min_value=2560,
        max_value=2700,
        initial=_this_year,
        error_messages={
            "required": "กรุณาระบุปีงบประมาณ",
            "invalid": "ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2570",
            "min_value": "ปีงบประมาณต้องไม่ก่อน 2560",
            "max_value": "ปีงบประมาณต้องไม่เกิน 2700",
        },
    )
    as_of = ThaiDateField(
        label="ข้อมูล ณ วันที่",
        required=False,
        help_text="วันที่ดูจำนวนผู้ตอบในระบบ ITAS เช่น 16/04/2570 (เว้นว่าง = วันนี้)",
    )
    file = forms.FileField(
        label="ไฟล์จำนวนผู้ตอบ (.xlsx, .xls, .ods)",
        error_messages={"required": "กรุณาเลือกไฟล์"},
        widget=forms.ClearableFileInput(
            attrs=file_input_attrs(max_bytes=SURVEY_FILE_MAX_BYTES, accept=".xlsx,.xls,.ods")
        ),
        help_text=(
            f"ไม่เกิน {size_label(SURVEY_FILE_MAX_BYTES)} แถวแรกเป็นหัวตาราง แล้วหนึ่งแถวต่อหน่วยงาน: "
            "รหัสหน่วยงาน จำนวนผู้ตอบ IIT จำนวนผู้ตอบ EIT (ช่องที่เว้นว่างคงค่าเดิม)"
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > SURVEY_FILE_MAX_BYTES:
            raise forms.ValidationError(
                f"ไฟล์ “{upload.name}” มีขนาด {upload.size / 1024 / 1024:.1f} MB "
                f"เกินขนาดที่รับได้ {size_label(SURVEY_FILE_MAX_BYTES)}"
            )
        return upload
