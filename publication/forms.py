"""The withdrawal form (a publication, or an OIT evidence file)."""

from django import forms

from ita_portal import limits
from ita_portal.limits import ThaiLengthMixin


class WithdrawForm(ThaiLengthMixin, forms.Form):
    reason = forms.CharField(
        label="เหตุผลที่ถอนการเผยแพร่",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "กรุณาระบุเหตุผลที่ถอนการเผยแพร่"},
        max_length=limits.SHORT,
    )
