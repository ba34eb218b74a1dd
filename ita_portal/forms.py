"""Putting a service's ValidationError on the form the user sees.

Services validate (and say, in Thai, which field is wrong); views show their messages next to the
fields. Shared by every app's views.
"""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(
    form, exc: ValidationError, *, formset=None, formset_field: str = ""
) -> None:
    """Each message under its field; unknown fields, and messages for no field, on top.

    With `formset`, messages for `formset_field` (e.g. a measure's "steps") go on the formset.
    """
    pairs = exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
    for field, errors in pairs:
        for error in errors:
            if formset is not None and field == formset_field:
                formset._non_form_errors = formset.error_class([error])
            else:
                form.add_error(field if field in form.fields else None, error)


# Primary keys are 64-bit: a larger number typed into a choice would reach the database and fail
# there (OverflowError on SQLite, a DataError that breaks the transaction on PostgreSQL).
MAX_PK = 2**63 - 1


def _out_of_range(value) -> bool:
    digits = str(value).strip().lstrip("-")
    if not digits.isdecimal():  # what int() reads (isdigit() also admits "²")
        return False  # not a number: Django's own check refuses it
    # Compare lengths first: int() refuses strings of over 4,300 digits.
    return len(digits.lstrip("0")) > len(str(MAX_PK)) or int(digits) > MAX_PK


def parse_id(value) -> int | None:
    """A primary key typed in a query or a form field, or None: plain ASCII digits within 64
    bits ("²" and "๑" are digits to isdigit(), not to int(); a 30-digit id overflows)."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


#: The empty choice of a drop-down, instead of Django's "---------".
EMPTY_LABEL = "— เลือก —"


class ModelChoiceField(forms.ModelChoiceField):
    def __init__(self, queryset, *, empty_label=EMPTY_LABEL, **kwargs):
        super().__init__(queryset, empty_label=empty_label, **kwargs)

    def to_python(self, value):
        if value not in self.empty_values and _out_of_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            if _out_of_range(pk):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)
