"""How long each free text may be, in one place, enforced in the form and in the database.

Every text a user types ends up in a document, and the document is laid out for print: an
unbounded text is a denial of service (a 200,000-character measure title kept a PDF render past
the web worker's timeout). The limits fit each use: a title is a line or two, a step or a comment a
paragraph, a measure's narrative fields and a memo's sections a few paragraphs, an area's analysis
a page.

- Models: `TextField(max_length=…)` (the admin's and model forms' limit) plus `length_check`, a
  database CHECK (PostgreSQL and SQLite count characters), so no path can store more.
- Forms: `ThaiLengthMixin` gives every CharField with a limit the message "“ชื่อมาตรการ”
  ยาวได้ไม่เกิน 500 ตัวอักษร (กรอกมา 200,000 ตัวอักษร)": the field, the limit and the length.
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length

#: a title or a subject: one or two lines
TITLE = 500
#: a short text: a step, a comment, a note, a reason, a catalogue item's question
SHORT = 2_000
#: a few paragraphs: a measure's problem, goal, monitoring and expected results, what a round
#: achieved, a memo's sections
PARAGRAPH = 5_000
#: an area's analysis texts (a page)
ANALYSIS = 10_000

#: all the texts of one organisation's measures in one fiscal year, their steps and every round's
#: progress, together: the most one document (the plan, the year's results) can carry. A
#: document this full renders as a PDF in under 10 s (bench/render_limits.py,
#: docs/benchmarks.md); the largest realistic organisation, 200 measures of 5 steps with two
#: rounds of progress, has 1,000 characters for each measure.
YEAR_TEXT = 200_000
#: measures in one organisation's fiscal year
MEASURES_PER_YEAR = 200
#: steps (ขั้นตอน) of one measure
STEPS_PER_MEASURE = 30

models.TextField.register_lookup(Length)
models.CharField.register_lookup(Length)


def length_check(model: str, field: str, limit: int) -> models.CheckConstraint:
    """A CHECK that `field` holds at most `limit` characters."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__length__lte": limit}),
        name=f"{model}_{field}_max_{limit}",
    )


def too_long_message(label: str, limit: int, length: int) -> str:
    return f"“{label}” ยาวได้ไม่เกิน {limit:,} ตัวอักษร (กรอกมา {length:,} ตัวอักษร)"


class ThaiMaxLengthValidator(MaxLengthValidator):
    """Django's MaxLengthValidator, saying in Thai which field, its limit and the length given."""

    def __init__(self, limit_value: int, label: str):
        super().__init__(limit_value)
        self.label = label

    def __call__(self, value):
        from django.core.exceptions import ValidationError

        length = self.clean(value)
        if self.compare(length, self.limit_value):
            raise ValidationError(
                too_long_message(self.label, self.limit_value, length),
                code=self.code,
                params={"limit_value": self.limit_value, "show_value": length, "value": value},
            )

    def __eq__(self, other):
        return (
            isinstance(other, ThaiMaxLengthValidator)
            and self.limit_value == other.limit_value
            and self.label == other.label
        )

    __hash__ = MaxLengthValidator.__hash__


class ThaiLengthMixin:
    """For forms: each CharField with a max_length says in Thai what is too long (see above)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            limit = getattr(field, "max_length", None)
            if not limit:
                continue
            label = str(field.label or "ข้อความ")
            field.validators = [
                v for v in field.validators if not isinstance(v, MaxLengthValidator)
            ] + [ThaiMaxLengthValidator(int(limit), label)]
            # No `maxlength` in the page: a browser would cut a pasted text at the limit without
            # a word (mid-word, too). portal.js counts the letters instead, and the server
            # refuses a longer text with the message above, keeping what was typed.
            if field.widget.attrs.pop("maxlength", None) is not None:
                field.widget.attrs["data-maxlength"] = str(limit)
