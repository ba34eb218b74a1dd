"""Forms for measures, steps, progress and rounds. Parsing lives here; rules live in services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from assessments.analysis import MAX_TEXT_LENGTH, TEXT_LABELS
from assessments.models import Item
from ita_portal import limits
from ita_portal.forms import ModelMultipleChoiceField
from ita_portal.limits import ThaiLengthMixin
from ita_portal.thai.forms import ThaiDateField
from ita_portal.uploads import file_input_attrs, size_label

from . import filetypes
from .models import ProgressStatus, TimeframeKind
from .services import check_evidence_file

QUARTER_CHOICES = [
    (1, "ไตรมาส 1 (ต.ค.–ธ.ค.)"),
    (2, "ไตรมาส 2 (ม.ค.–มี.ค.)"),
    (3, "ไตรมาส 3 (เม.ย.–มิ.ย.)"),
    (4, "ไตรมาส 4 (ก.ค.–ก.ย.)"),
]


class ItemChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        text = obj.text if len(obj.text) <= 90 else obj.text[:88] + "…"
        return f"{obj.code} {text}"


class UnitChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class MeasureForm(ThaiLengthMixin, forms.Form):
    title = forms.CharField(
        label="มาตรการ / โครงการ / กิจกรรม",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "กรุณาระบุชื่อมาตรการ"},
        max_length=limits.TITLE,
    )
    problem = forms.CharField(
        label="ประเด็นที่ต้องปรับปรุงแก้ไข / ประเด็นที่ต้องพัฒนา",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limits.PARAGRAPH,
    )
    items = ItemChoiceField(
        label="ข้อการประเมินที่เกี่ยวข้อง",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="ข้อของกรอบการประเมินปีนี้ที่มาตรการนี้มุ่งแก้ไข",
    )
    goal = forms.CharField(
        label="เป้าประสงค์",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.PARAGRAPH,
    )
    responsible_units = UnitChoiceField(
        label="หน่วยงานรับผิดชอบ",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "กรุณาเลือกหน่วยงานรับผิดชอบอย่างน้อย 1 หน่วยงาน"},
    )
    monitoring = forms.CharField(
        label="การรายงานผลและการกำกับติดตาม",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.PARAGRAPH,
    )
    timeframe_kind = forms.ChoiceField(
        label="ระยะเวลาดำเนินการ",
        choices=TimeframeKind.choices,
        initial=TimeframeKind.QUARTERS,
        widget=forms.RadioSelect,
    )
    start_date = ThaiDateField(label="ตั้งแต่วันที่", required=False)
    end_date = ThaiDateField(label="ถึงวันที่", required=False)
    deadline = ThaiDateField(label="กำหนดแล้วเสร็จ", required=False)
    quarters = forms.TypedMultipleChoiceField(
        label="ไตรมาส",
        choices=QUARTER_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expected_output = forms.CharField(
        label="ผลผลิตที่คาดหวัง (output)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.PARAGRAPH,
    )
    expected_outcome = forms.CharField(
        label="ผลลัพธ์ที่คาดหวัง (outcome)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.PARAGRAPH,
    )

    def __init__(self, *args, organisation, framework, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = (
            framework.items.filter(is_retired=False).order_by("tool", "order")
            if framework
            else Item.objects.none()
        )
        self.fields["responsible_units"].queryset = organisation.units.all()
        for name in ("start_date", "end_date", "deadline"):
            self.fields[name].fiscal_year = year


class StepForm(ThaiLengthMixin, forms.Form):
    text = forms.CharField(
        label="ขั้นตอน / วิธีการปฏิบัติ",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.SHORT,
    )


class BaseStepFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": (
            f"มาตรการหนึ่งมีขั้นตอนได้ไม่เกิน {limits.STEPS_PER_MEASURE} ขั้นตอน กรุณารวมขั้นตอนที่ใกล้เคียงกัน"
        ),
    }


StepFormSet = forms.formset_factory(
    StepForm,
    formset=BaseStepFormSet,
    extra=2,
    can_delete=True,
    max_num=limits.STEPS_PER_MEASURE,
    validate_max=True,
)


MAX_FILES_PER_SAVE = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ProgressForm(ThaiLengthMixin, forms.Form):
    status = forms.ChoiceField(
        label="สถานะ", choices=ProgressStatus.choices, widget=forms.RadioSelect
    )
    output = forms.CharField(
        label="ผลการดำเนินการ (output)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=limits.PARAGRAPH,
    )
    outcome = forms.CharField(
        label="ผลลัพธ์หรือผลสัมฤทธิ์ (outcome)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limits.PARAGRAPH,
    )
    recommendations = forms.CharField(
        label="ข้อเสนอแนะ",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.PARAGRAPH,
    )
    reported_on = ThaiDateField(label="วันที่รายงาน")
    files = MultipleFileField(
        label="แนบไฟล์หลักฐาน",
        required=False,
        widget=MultipleFileInput(
            attrs=file_input_attrs(
                max_bytes=settings.EVIDENCE_MAX_BYTES,
                total_bytes=settings.EVIDENCE_MAX_REQUEST_BYTES,
                accept=filetypes.ACCEPT,
            )
        ),
        help_text=(
            f"{filetypes.ALLOWED_LABEL} ไฟล์ละไม่เกิน {size_label(settings.EVIDENCE_MAX_BYTES)} "
            f"รวมไม่เกิน {size_label(settings.EVIDENCE_MAX_REQUEST_BYTES)} ต่อครั้ง "
            f"เลือกได้หลายไฟล์ (ไม่เกิน {MAX_FILES_PER_SAVE} ไฟล์)"
        ),
    )
    links = forms.CharField(
        label="ลิงก์หลักฐาน",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "https://… (บรรทัดละ 1 ลิงก์)"}),
        max_length=limits.SHORT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and "reported_on" not in self.initial:
            self.initial["reported_on"] = timezone.localdate()

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_FILES_PER_SAVE:
            raise ValidationError(
                f"เลือกไว้ {len(files)} ไฟล์ แนบได้ครั้งละไม่เกิน {MAX_FILES_PER_SAVE} ไฟล์"
            )
        errors = []
        for upload in files:
            try:
                check_evidence_file(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return files

    def clean_links(self):
        links = [
            line.strip() for line in self.cleaned_data.get("links", "").splitlines() if line.strip()
        ]
        validator = URLValidator(schemes=["http", "https"])
        errors = []
        for number, url in enumerate(links, start=1):
            try:
                validator(url)
            except ValidationError:
                errors.append(
                    f"บรรทัดที่ {number}: ลิงก์ “{url}” ไม่ถูกต้อง (ต้องขึ้นต้นด้วย http:// หรือ https://)"
                )
        if errors:
            raise ValidationError(errors)
        return links


class RoundForm(ThaiLengthMixin, forms.Form):
    name = forms.CharField(label="ชื่อรอบ", max_length=100, help_text="เช่น ไตรมาส 1")
    start_date = ThaiDateField(label="ตั้งแต่วันที่")
    end_date = ThaiDateField(label="ถึงวันที่")


# ---------------------------------------------------------------- the analysis of each area


def _text_field(key: str) -> forms.CharField:
    label = TEXT_LABELS[key]
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": f"กรุณากรอก “{label}”"},
    )


class AreaAnalysisForm(ThaiLengthMixin, forms.Form):
    facts = _text_field("facts")
    therefore = _text_field("therefore")
    maintain_develop = _text_field("maintain_develop")
