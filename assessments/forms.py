"""Forms of the assessments app."""

from django import forms
from django.conf import settings

from ita_portal.forms import ModelChoiceField
from ita_portal.limits import ThaiLengthMixin
from ita_portal.thai import dates as thai
from ita_portal.thai import forms as thai_forms
from ita_portal.uploads import file_input_attrs, size_label

from .models import Framework


class ScoreImportForm(forms.Form):
    file = forms.FileField(
        label="ไฟล์คะแนน (.xlsx, .xls, .ods)",
        error_messages={"required": "กรุณาเลือกไฟล์คะแนน"},
        widget=forms.ClearableFileInput(
            attrs=file_input_attrs(
                max_bytes=settings.SCORE_IMPORT_MAX_BYTES, accept=".xlsx,.xls,.ods"
            )
        ),
        help_text=(
            f"ไม่เกิน {size_label(settings.SCORE_IMPORT_MAX_BYTES)} "
            "แบบแถวยาว: รหัสหน่วยงาน ปีงบประมาณ ข้อ คะแนน หรือแบบตาราง: หนึ่งแถวต่อหน่วยงาน หนึ่งคอลัมน์ต่อรหัสข้อ"
        ),
    )
    create_organisations = forms.BooleanField(
        label="สร้างหน่วยงานที่ยังไม่มีในระบบ (ไฟล์ต้องมีคอลัมน์ org_name)", required=False
    )


class ScoreTemplateForm(ThaiLengthMixin, forms.Form):
    framework = ModelChoiceField(
        label="กรอบการประเมิน",
        queryset=Framework.objects.select_related("fiscal_year").order_by(
            "-fiscal_year__year", "variant"
        ),
        empty_label=None,
    )
    province = forms.CharField(
        label="ใส่รายชื่อหน่วยงานของจังหวัด (ไม่บังคับ)", required=False, max_length=100
    )


class ScoreExportForm(ThaiLengthMixin, forms.Form):
    year = forms.IntegerField(
        label="ปีงบประมาณ (พ.ศ.)", min_value=thai.FISCAL_YEAR_MIN, max_value=thai.FISCAL_YEAR_MAX
    )
    province = forms.CharField(label="จังหวัด (ไม่บังคับ)", required=False, max_length=100)


class SurveyLinksForm(ThaiLengthMixin, forms.Form):
    """The agency's own IIT/EIT links; empty follows the year's pattern (the service checks)."""

    iit_url = forms.CharField(
        label="ลิงก์แบบวัด IIT",
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="เว้นว่างเพื่อใช้ลิงก์ตามรูปแบบของปี",
    )
    eit_url = forms.CharField(
        label="ลิงก์แบบวัด EIT",
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="เว้นว่างเพื่อใช้ลิงก์ตามรูปแบบของปี",
    )


def _count_input() -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 8})


class SurveyCountsForm(ThaiLengthMixin, forms.Form):
    """Counts as typed (Thai digits too); the service checks them and names the field."""

    iit_responses = forms.CharField(
        label="จำนวนผู้ตอบ IIT", required=False, max_length=12, widget=_count_input()
    )
    eit_responses = forms.CharField(
        label="จำนวนผู้ตอบ EIT", required=False, max_length=12, widget=_count_input()
    )
    counts_as_of = thai_forms.ThaiDateField(
        label="ข้อมูล ณ วันที่", required=False, help_text="เว้นว่าง = วันนี้"
    )
