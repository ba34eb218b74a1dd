"""The database keeps the limits the forms enforce (ita_portal.limits): no path stores more."""

import pytest
from django.db import IntegrityError, transaction

from ita_portal import limits
from measures.models import Measure, MeasureStep
from tests.measures.helpers import new_measure

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [(Measure, "title", limits.TITLE), (MeasureStep, "text", limits.SHORT)],
)
def test_the_database_refuses_what_a_form_would(org, units, framework, model, field, limit):
    measure = new_measure(org, units, framework)
    row = measure if model is Measure else measure.steps.first()
    model.objects.filter(pk=row.pk).update(**{field: "ก" * limit})  # at the limit: kept
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: "ก" * (limit + 1)})
    row.refresh_from_db()
    assert len(getattr(row, field)) == limit
