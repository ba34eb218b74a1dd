"""ThaiDateField / ThaiDateInput: พ.ศ. input, Thai error messages, fiscal-year limits."""

from datetime import UTC, date, datetime

import pytest
from django import forms

from ita_portal.thai.forms import ThaiDateField, ThaiDateInput


class ReportForm(forms.Form):
    reported_on = ThaiDateField(label="วันที่รายงาน")


class OptionalForm(forms.Form):
    reported_on = ThaiDateField(required=False)


class FiscalForm(forms.Form):
    reported_on = ThaiDateField(fiscal_year=2568)


def errors_of(form: forms.Form) -> list[str]:
    return form.errors.get("reported_on", [])


# --- Cleaning bound data ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16/04/2564", date(2021, 4, 16)),
        ("๑๖/๐๔/๒๕๖๔", date(2021, 4, 16)),
        (" 16-4-2564 ", date(2021, 4, 16)),
        ("16.04.2564", date(2021, 4, 16)),
        ("29/02/2567", date(2024, 2, 29)),
    ],
)
def test_bound_be_text_cleans_to_ce_date(text, expected):
    form = ReportForm(data={"reported_on": text})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reported_on"] == expected


def test_iso_date_is_rejected_with_thai_format_message():
    form = ReportForm(data={"reported_on": "2024-04-16"})
    assert not form.is_valid()
    assert errors_of(form) == [
        'รูปแบบวันที่ไม่ถูกต้อง: "2024-04-16" กรุณากรอกเป็น วว/ดด/ปปปป เช่น 16/04/2564'
    ]


def test_ce_year_is_rejected_with_be_suggestion():
    form = ReportForm(data={"reported_on": "16/04/2024"})
    assert not form.is_valid()
    [message] = errors_of(form)
    assert "ค.ศ." in message
    assert "พ.ศ." in message
    assert message == "ปี 2024 เป็นปี ค.ศ. กรุณากรอกปี พ.ศ. (2567) เช่น 16/04/2567"
    assert form.errors.as_data()["reported_on"][0].code == "invalid"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("29/02/2566", "ไม่มีวันที่ 29 กุมภาพันธ์ 2566"),
        ("30/02/2567", "ไม่มีวันที่ 30 กุมภาพันธ์ 2567"),
        ("01/01/2800", 'ปี พ.ศ. 2800 ไม่ถูกต้อง: "01/01/2800" กรุณาตรวจสอบปีอีกครั้ง'),
        ("วันนี้", 'รูปแบบวันที่ไม่ถูกต้อง: "วันนี้" กรุณากรอกเป็น วว/ดด/ปปปป เช่น 16/04/2564'),
    ],
)
def test_invalid_dates_show_thai_message(text, message):
    form = ReportForm(data={"reported_on": text})
    assert not form.is_valid()
    assert errors_of(form) == [message]
    assert form.errors.as_data()["reported_on"][0].code == "invalid"


@pytest.mark.parametrize("text", ["", "   "])
def test_required_message_is_thai(text):
    form = ReportForm(data={"reported_on": text})
    assert not form.is_valid()
    assert errors_of(form) == ["กรุณากรอกวันที่"]


@pytest.mark.parametrize("data", [{}, {"reported_on": ""}])
def test_optional_field_accepts_blank(data):
    form = OptionalForm(data=data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reported_on"] is None


def test_custom_error_messages_override_defaults():
    field = ThaiDateField(error_messages={"required": "กรุณาระบุวันที่รายงาน"})
    with pytest.raises(forms.ValidationError) as info:
        field.clean("")
    assert info.value.messages == ["กรุณาระบุวันที่รายงาน"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2021, 4, 16), date(2021, 4, 16)),
        (datetime(2024, 9, 30, 23, 30, tzinfo=UTC), date(2024, 10, 1)),
        ("16/04/2564", date(2021, 4, 16)),
        (None, None),
        ("", None),
    ],
)
def test_to_python(value, expected):
    assert ThaiDateField().to_python(value) == expected


def test_to_python_rejects_non_text_values():
    with pytest.raises(forms.ValidationError) as info:
        ThaiDateField().to_python(20210416)
    assert info.value.code == "invalid"
    assert info.value.messages == ["กรุณากรอกวันที่ในรูปแบบ วว/ดด/ปปปป เช่น 16/04/2564"]


# --- Fiscal-year restriction --------------------------------------------------------


@pytest.mark.parametrize("text", ["01/10/2567", "16/04/2568", "30/09/2568"])
def test_fiscal_year_accepts_dates_inside(text):
    form = FiscalForm(data={"reported_on": text})
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("text", ["30/09/2567", "01/10/2568", "16/04/2564"])
def test_fiscal_year_rejects_dates_outside(text):
    form = FiscalForm(data={"reported_on": text})
    assert not form.is_valid()
    assert errors_of(form) == ["วันที่ต้องอยู่ในปีงบประมาณ 2568 (1 ตุลาคม 2567 – 30 กันยายน 2568)"]
    assert form.errors.as_data()["reported_on"][0].code == "fiscal_year"


def test_fiscal_year_message_follows_the_year():
    field = ThaiDateField(fiscal_year=2567)
    with pytest.raises(forms.ValidationError) as info:
        field.clean("01/10/2567")
    assert info.value.messages == ["วันที่ต้องอยู่ในปีงบประมาณ 2567 (1 ตุลาคม 2566 – 30 กันยายน 2567)"]


def test_fiscal_year_does_not_hide_format_errors():
    form = FiscalForm(data={"reported_on": "16/04/2024"})
    assert not form.is_valid()
    assert len(errors_of(form)) == 1
    assert "ค.ศ." in errors_of(form)[0]


def test_fiscal_year_optional_blank_is_fine():
    field = ThaiDateField(fiscal_year=2568, required=False)
    assert field.clean("") is None


# --- Rendering ----------------------------------------------------------------------


def test_unbound_form_renders_initial_date_in_be():
    form = ReportForm(initial={"reported_on": date(2021, 4, 16)})
    html = str(form["reported_on"])
    assert 'value="16/04/2564"' in html
    assert 'type="text"' in html
    assert 'placeholder="วว/ดด/ปปปป"' in html
    assert 'inputmode="numeric"' in html
    assert 'autocomplete="off"' in html
    assert "pattern" not in html


def test_field_initial_date_renders_in_be():
    class WithInitial(forms.Form):
        reported_on = ThaiDateField(initial=date(2024, 10, 1))

    assert 'value="01/10/2567"' in str(WithInitial()["reported_on"])


def test_bound_form_echoes_user_text_with_arabic_digits():
    form = ReportForm(data={"reported_on": "๑๖/๐๔/๒๐๒๔"})
    assert not form.is_valid()
    assert 'value="16/04/2024"' in str(form["reported_on"])


def test_bound_invalid_text_is_escaped():
    form = ReportForm(data={"reported_on": '"><script>x</script>'})
    assert not form.is_valid()
    html = form.as_p()
    assert "<script>" not in html


def test_unchanged_initial_is_not_reported_as_changed():
    form = ReportForm(
        data={"reported_on": "16/04/2564"}, initial={"reported_on": date(2021, 4, 16)}
    )
    assert not form.has_changed()
    changed = ReportForm(
        data={"reported_on": "17/04/2564"}, initial={"reported_on": date(2021, 4, 16)}
    )
    assert changed.has_changed()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2021, 4, 16), "16/04/2564"),
        (date(2024, 1, 5), "05/01/2567"),
        (datetime(2024, 9, 30, 23, 30, tzinfo=UTC), "01/10/2567"),
        ("๑๖/๐๔/๒๕๖๔", "16/04/2564"),
        ("whatever", "whatever"),
        (None, None),
        ("", None),
    ],
)
def test_widget_format_value(value, expected):
    assert ThaiDateInput().format_value(value) == expected


def test_widget_attrs_can_be_overridden_and_extended():
    widget = ThaiDateInput(attrs={"placeholder": "เช่น 16/04/2564", "class": "form-control"})
    assert widget.attrs == {
        "placeholder": "เช่น 16/04/2564",
        "inputmode": "numeric",
        "autocomplete": "off",
        "class": "form-control",
    }
    assert widget.input_type == "text"


def test_widget_defaults_are_not_shared_between_instances():
    first = ThaiDateInput()
    first.attrs["class"] = "x"
    assert "class" not in ThaiDateInput().attrs


def test_field_uses_thai_widget_by_default():
    assert isinstance(ThaiDateField().widget, ThaiDateInput)
