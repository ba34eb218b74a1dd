"""The org admin's forms: members (add, change, suspend) and ส่วนราชการ."""

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator

from ita_portal.forms import ModelChoiceField
from ita_portal.limits import ThaiLengthMixin

from .models import Role, Unit


class _UnitChoice(forms.Form):
    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation)


class MemberAddForm(ThaiLengthMixin, _UnitChoice):
    username = forms.CharField(
        label="ชื่อผู้ใช้",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="ผู้ใช้ที่มีบัญชีอยู่แล้ว กรอกชื่อผู้ใช้และอีเมลของบัญชีนั้น ผู้ใช้ใหม่ กรอกชื่อ นามสกุล และอีเมลด้วย",
    )
    first_name = forms.CharField(label="ชื่อ", max_length=150, required=False)
    last_name = forms.CharField(label="นามสกุล", max_length=150, required=False)
    email = forms.EmailField(
        label="อีเมล",
        max_length=254,
        required=False,
        help_text="ผู้ใช้ใหม่จะได้รับอีเมลให้ตั้งรหัสผ่านเอง บัญชีที่มีอยู่แล้วต้องกรอกอีเมลของบัญชีนั้น",
    )
    role = forms.ChoiceField(label="บทบาท", choices=Role.choices, initial=Role.STAFF)
    name_prefix = forms.CharField(label="คำนำหน้านาม", max_length=50, required=False)
    position_title = forms.CharField(label="ตำแหน่ง", max_length=255, required=False)
    unit = ModelChoiceField(
        label="สังกัด", queryset=Unit.objects.none(), required=False, empty_label="(ไม่ระบุ)"
    )


class MemberChangeForm(ThaiLengthMixin, _UnitChoice):
    role = forms.ChoiceField(label="บทบาท", choices=Role.choices)
    name_prefix = forms.CharField(
        label="คำนำหน้านาม",
        max_length=50,
        required=False,
        help_text="เช่น นาย นาง นางสาว ว่าที่ร้อยตรี (พิมพ์ในช่องลงนามของบันทึกข้อความ)",
    )
    position_title = forms.CharField(
        label="ตำแหน่ง",
        max_length=255,
        required=False,
        help_text="ตามที่ลงนามในหนังสือราชการ เช่น ปลัดองค์การบริหารส่วนตำบลขามสมบูรณ์",
    )
    unit = ModelChoiceField(
        label="สังกัด", queryset=Unit.objects.none(), required=False, empty_label="(ไม่ระบุ)"
    )
    is_active = forms.BooleanField(
        label="ใช้งาน", required=False, help_text="เอาเครื่องหมายออกเพื่อระงับสิทธิ์ของผู้ใช้ในหน่วยงานนี้"
    )


class UnitForm(ThaiLengthMixin, forms.Form):
    name = forms.CharField(label="ชื่อส่วนราชการ", max_length=255)
    phone = forms.CharField(label="โทรศัพท์", max_length=50, required=False)


class InviteForm(ThaiLengthMixin, forms.Form):
    email = forms.EmailField(label="อีเมล", max_length=254)
