"""Choice fields refuse primary keys beyond 64 bits before they reach the database."""

import pytest
from django.core.exceptions import ValidationError

from ita_portal.forms import MAX_PK, ModelChoiceField, ModelMultipleChoiceField
from organisations.models import Unit
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

HUGE = str(-(MAX_PK + 1) * 10**9)


def thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


def test_multiple_choice_refuses_a_huge_pk_in_thai():
    unit = UnitFactory()
    field = ModelMultipleChoiceField(queryset=Unit.objects.all())
    with pytest.raises(ValidationError) as exc:
        field.clean([str(unit.pk), HUGE])
    assert thai(exc.value.messages[0])
    assert list(field.clean([str(unit.pk)])) == [unit]


def test_single_choice_refuses_a_huge_pk_in_thai():
    unit = UnitFactory()
    field = ModelChoiceField(queryset=Unit.objects.all())
    with pytest.raises(ValidationError) as exc:
        field.clean(str(MAX_PK + 1))
    assert thai(exc.value.messages[0])
    assert field.clean(str(unit.pk)) == unit
    with pytest.raises(ValidationError):
        field.clean(str(MAX_PK))  # in range, just not there


def test_a_number_too_long_to_convert_is_refused_too():
    field = ModelChoiceField(queryset=Unit.objects.all())
    with pytest.raises(ValidationError):
        field.clean("9" * 5000)


@pytest.mark.parametrize("value", ["²", "1²", "๑" * 30])
def test_odd_digits_are_refused_not_crashed(value):
    field = ModelMultipleChoiceField(queryset=Unit.objects.all())
    with pytest.raises(ValidationError):
        field.clean([value])
