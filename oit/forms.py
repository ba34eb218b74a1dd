"""Forms of the OIT board: responsibility, evidence (document, file, URL), submission."""

from django import forms
from django.conf import settings

from documents.registry import attachable_kinds
from ita_portal import limits
from ita_portal.forms import ModelChoiceField
from ita_portal.limits import ThaiLengthMixin
from ita_portal.uploads import file_input_attrs, size_label
from measures import filetypes

from .services import MAX_URL_LENGTH


class EntryForm(ThaiLengthMixin, forms.Form):
    responsible_unit = ModelChoiceField(
        label="หน่วยงานย่อยที่รับผิดชอบ", queryset=None, required=False, empty_label="(ยังไม่กำหนด)"
    )
    note = forms.CharField(
        label="หมายเหตุ",
        required=False,
        max_length=limits.SHORT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = organisation.units.all()


class DocumentEvidenceForm(forms.Form):
    document_kind = forms.ChoiceField(
        label="เอกสารของระบบ", choices=lambda: [(k.name, k.label) for k in attachable_kinds()]
    )
    document_year = forms.TypedChoiceField(label="ปีงบประมาณของเอกสาร", coerce=int)

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_year"].choices = [
            (year, f"พ.ศ. {year}"),
            (year - 1, f"พ.ศ. {year - 1}"),
        ]
        self.fields["document_year"].initial = year


class FileEvidenceForm(ThaiLengthMixin, forms.Form):
    file = forms.FileField(
        label="ไฟล์หลักฐาน",
        widget=forms.ClearableFileInput(
            attrs=file_input_attrs(max_bytes=settings.EVIDENCE_MAX_BYTES, accept=filetypes.ACCEPT)
        ),
        help_text=f"{filetypes.ALLOWED_LABEL} ไม่เกิน {size_label(settings.EVIDENCE_MAX_BYTES)}",
        error_messages={"required": "กรุณาเลือกไฟล์", "empty": "ไฟล์ที่เลือกว่างเปล่า"},
    )
    title = forms.CharField(label="ชื่อหลักฐาน", max_length=500, required=False)


class UrlEvidenceForm(ThaiLengthMixin, forms.Form):
    url = forms.CharField(
        label="URL บนเว็บไซต์ของหน่วยงาน",
        max_length=MAX_URL_LENGTH,
        error_messages={"required": "กรุณาระบุ URL"},
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    title = forms.CharField(label="ชื่อหลักฐาน", max_length=500, required=False)
