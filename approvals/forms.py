"""Forms for memos, their submission, decisions and chain templates."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F

from ita_portal import limits
from ita_portal.forms import ModelChoiceField
from ita_portal.limits import ThaiLengthMixin
from ita_portal.thai.forms import ThaiDateField

from .models import ChainTemplate, Decision, DelegationKind, ResubmitMode


def _members(organisation):
    """Active members, each with their position in the organisation (`position`)."""
    return (
        get_user_model()
        .objects.filter(memberships__organisation=organisation, memberships__is_active=True)
        .annotate(position=F("memberships__position_title"))
        .order_by("first_name", "username")
    )


def _full_name(user) -> str:
    """ "สมชาย ประเสริฐผล (นายกองค์การบริหารส่วนตำบล)": two people of one name are told apart."""
    name = user.get_full_name() or user.username
    position = getattr(user, "position", "")
    return f"{name} ({position})" if position else name


class MemoForm(ThaiLengthMixin, forms.Form):
    unit = ModelChoiceField(label="ส่วนราชการ", queryset=None, empty_label=None)
    subject = forms.CharField(
        label="เรื่อง", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    to = forms.CharField(label="เรียน", max_length=255)
    background = forms.CharField(
        label="๑. เรื่องเดิม", widget=forms.Textarea(attrs={"rows": 4}), max_length=limits.PARAGRAPH
    )
    facts = forms.CharField(
        label="๒. ข้อเท็จจริง", widget=forms.Textarea(attrs={"rows": 4}), max_length=limits.PARAGRAPH
    )
    proposal = forms.CharField(
        label="๓. ข้อพิจารณา/ข้อเสนอ",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limits.PARAGRAPH,
    )
    publish_memo = forms.BooleanField(
        label="เผยแพร่บันทึกข้อความนี้คู่กับเอกสาร (หลักฐาน ITA มักขอบันทึกที่อนุมัติให้เผยแพร่)",
        required=False,
        initial=True,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = organisation.units.all()
        for name in ("subject", "to", "background", "facts", "proposal"):
            self.fields[name].error_messages["required"] = (
                f"กรุณาระบุ{self.fields[name].label.split('. ')[-1]}"
            )


class SubmitForm(forms.Form):
    template = ModelChoiceField(label="ลำดับการเสนอ", queryset=None, empty_label=None)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ChainTemplate.objects.filter(organisation=organisation)


class ActForm(ThaiLengthMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (Decision.APPROVED, "เห็นชอบ/อนุมัติ"),
            (Decision.ACKNOWLEDGED, "ทราบ"),
            (Decision.RETURNED, "ส่งกลับแก้ไข"),
        ]
    )
    comment = forms.CharField(
        label="ความเห็น",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.SHORT,
    )
    step = forms.IntegerField(widget=forms.HiddenInput)


class ChainTemplateForm(ThaiLengthMixin, forms.Form):
    name = forms.CharField(label="ชื่อลำดับการเสนอ", max_length=200, initial="ลำดับการเสนอหลัก")
    is_default = forms.BooleanField(label="ใช้เป็นค่าเริ่มต้น", required=False, initial=True)
    resubmit = forms.TypedChoiceField(
        label="เมื่อบันทึกถูกส่งกลับแก้ไขแล้วเสนอใหม่",
        choices=ResubmitMode.choices,
        required=False,
        empty_value=ResubmitMode.RESUME,
        initial=ResubmitMode.RESUME,
        widget=forms.RadioSelect,
    )

    STEPS = 6

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        users = _members(organisation)
        for i in range(1, self.STEPS + 1):
            self.fields[f"position_{i}"] = forms.CharField(
                label=f"ขั้นที่ {i}: ตำแหน่ง", required=False, max_length=200
            )
            self.fields[f"user_{i}"] = ModelChoiceField(
                label=f"ขั้นที่ {i}: ผู้ดำรงตำแหน่ง", queryset=users, required=False
            )
            self.fields[f"user_{i}"].label_from_instance = _full_name

    def steps(self):
        rows = []
        for i in range(1, self.STEPS + 1):
            title, user = (
                self.cleaned_data.get(f"position_{i}", ""),
                self.cleaned_data.get(f"user_{i}"),
            )
            if title or user:
                rows.append((title, user))
        return rows


class DelegationForm(ThaiLengthMixin, forms.Form):
    delegator = ModelChoiceField(label="ผู้ดำรงตำแหน่ง (ผู้ที่ถูกแทน)", queryset=None)
    kind = forms.ChoiceField(
        label="ลักษณะการแทน", choices=DelegationKind.choices, initial=DelegationKind.ACTING
    )
    delegate = ModelChoiceField(label="ผู้ปฏิบัติหน้าที่แทน", queryset=None)
    starts_on = ThaiDateField(label="ตั้งแต่วันที่")
    ends_on = ThaiDateField(label="ถึงวันที่")
    order_number = forms.CharField(label="คำสั่งเลขที่", max_length=100, help_text="เช่น 123/2569")
    order_date = ThaiDateField(label="คำสั่งลงวันที่")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("delegator", "delegate"):
            self.fields[name].queryset = _members(organisation)
            self.fields[name].label_from_instance = _full_name
        for field in self.fields.values():
            field.error_messages["required"] = f"กรุณาระบุ{field.label}"
