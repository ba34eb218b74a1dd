"""Django form pieces for dates typed in พ.ศ. (วว/ดด/ปปปป), with Thai error messages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .dates import (
    ThaiDateError,
    be_year,
    fiscal_year_range,
    format_date,
    parse_date,
    to_arabic_digits,
    to_local_date,
)

__all__ = ["ThaiDateField", "ThaiDateInput"]


class ThaiDateInput(forms.DateInput):
    """Plain text input showing dates as dd/mm/yyyy in พ.ศ. with Arabic digits.

    A text input rather than ``type="date"`` because browser date pickers show ค.ศ.
    and the locale's order, which is exactly what users must not type.
    """

    input_type = "text"
    default_attrs = {
        "placeholder": "วว/ดด/ปปปป",
        # A numeric keypad on phones; "/" is still typeable on most of them.
        "inputmode": "numeric",
        # Browser autofill suggestions are usually ค.ศ. dates from other sites.
        "autocomplete": "off",
    }

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({**self.default_attrs, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, date):
            d = to_local_date(value)
            return f"{d.day:02d}/{d.month:02d}/{be_year(d.year)}"
        # Bound data is echoed back as typed, but with Arabic digits to match the field.
        return to_arabic_digits(str(value))


class ThaiDateField(forms.DateField):
    """Date field for พ.ศ. input; optionally restricted to one fiscal year (``fiscal_year``)."""

    widget = ThaiDateInput
    default_error_messages = {
        "required": "กรุณากรอกวันที่",
        "invalid": "กรุณากรอกวันที่ในรูปแบบ วว/ดด/ปปปป เช่น 16/04/2564",
        "fiscal_year": "วันที่ต้องอยู่ในปีงบประมาณ %(fiscal_year)s (%(start)s – %(end)s)",
    }

    def __init__(self, *, fiscal_year: int | None = None, **kwargs: Any) -> None:
        self.fiscal_year = fiscal_year
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return to_local_date(value)
        if not isinstance(value, str):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return parse_date(value)
        except ThaiDateError as err:
            raise ValidationError(str(err), code="invalid") from err

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is None or self.fiscal_year is None:
            return
        start, end = fiscal_year_range(self.fiscal_year)
        if not start <= value <= end:
            raise ValidationError(
                self.error_messages["fiscal_year"],
                code="fiscal_year",
                params={
                    "fiscal_year": self.fiscal_year,
                    "start": format_date(start),
                    "end": format_date(end),
                },
            )
