"""Bounded input (ita_portal.limits): every free text has a limit in its form and in the database."""

import importlib
import inspect
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.db import models

from ita_portal.limits import ThaiMaxLengthValidator, too_long_message

PROJECT_APPS = {"organisations", "assessments", "measures", "approvals", "oit", "publication"}
FORM_MODULES = [f"{app}.forms" for app in sorted(PROJECT_APPS)] + ["ita_portal.forms"]
#: text fields a form may leave unbounded, and why
UNBOUNDED = {
    # Django's own password fields: Argon2 hashes a digest of the password, whatever its length
    "password",
    "password1",
    "password2",
    "new_password1",
    "new_password2",
    "old_password",
}


def test_every_text_column_has_a_limit_and_a_check():
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        names = {c.name for c in model._meta.constraints}
        for field in model._meta.get_fields():
            if not isinstance(field, models.TextField):
                continue
            check = f"{model._meta.model_name}_{field.name}_max_{field.max_length}"
            if not field.max_length or check not in names:
                missing.append(f"{model._meta.label}.{field.name}")
    assert missing == [], "\n".join(missing)


def _project_forms():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield cls


def test_every_text_field_of_every_form_has_a_limit_in_thai():
    found, missing = 0, []
    for cls in _project_forms():
        for name, field in cls.base_fields.items():
            if not isinstance(field, forms.CharField) or name in UNBOUNDED:
                continue
            found += 1
            if not field.max_length:
                missing.append(f"{cls.__name__}.{name}")
            elif not any(
                isinstance(base, type) and base.__name__ == "ThaiLengthMixin"
                for base in cls.__mro__
            ):
                missing.append(f"{cls.__name__}.{name} (no Thai message)")
    assert found > 25, found
    assert missing == [], "\n".join(missing)


def test_the_message_names_the_field_the_limit_and_the_length():
    validator = ThaiMaxLengthValidator(500, "มาตรการ / โครงการ / กิจกรรม")
    validator("ก" * 500)
    with pytest.raises(Exception) as exc:
        validator("ก" * 200_000)
    assert exc.value.messages == [
        "“มาตรการ / โครงการ / กิจกรรม” ยาวได้ไม่เกิน 500 ตัวอักษร (กรอกมา 200,000 ตัวอักษร)"
    ]
    assert too_long_message("ก", 5_000, 5_001).endswith("(กรอกมา 5,001 ตัวอักษร)")


def test_the_page_counts_letters_instead_of_cutting_a_paste(client, db):
    """No `maxlength` reaches the browser (it cut a pasted 600-letter title at 500, mid-word,
    without a word): the field carries data-maxlength for portal.js's counter instead."""
    from measures.forms import MeasureForm
    from tests.factories import OrganisationFactory
    from tests.measures.conftest import make_framework

    form = MeasureForm(
        organisation=OrganisationFactory(), framework=make_framework(2568), year=2568
    )
    html = str(form["title"]) + str(form["problem"])
    assert "maxlength=" not in html.replace("data-maxlength=", "")
    assert 'data-maxlength="500"' in html and 'data-maxlength="5000"' in html
    script = (Path(__file__).resolve().parent.parent / "static/js/portal.js").read_text()
    assert "[data-maxlength]" in script and "ตัวอักษร" in script
