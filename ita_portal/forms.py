"""Putting a service's ValidationError on the form the user sees.

Services validate (and say, in Thai, which field is wrong); views show their messages next to the
fields. Shared by every app's views.
"""

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
