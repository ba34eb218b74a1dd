"""Audit trail registration (django-auditlog): who, when, from which IP, before and after.

Each entry carries the organisation it belongs to in `additional_data`, so an org admin's trail is
one filtered query.
"""

from auditlog.registry import auditlog


def organisation_of(instance) -> int | None:
    for path in (
        "organisation_id",
        "measure.organisation_id",
        "progress_entry.measure.organisation_id",
        "entry.organisation_id",
    ):
        obj = instance
        try:
            for part in path.split("."):
                obj = getattr(obj, part)
        except AttributeError:
            continue
        return obj
    return None


def register() -> None:
    from assessments.models import AreaAnalysis, Framework, Item, ItemCriterion
    from organisations.models import Membership, Organisation, Unit

    from .models import Evidence, Measure, MeasureStep, ProgressEntry, ReportingRound

    auditlog.register(Organisation)
    auditlog.register(Unit)
    auditlog.register(Membership)
    auditlog.register(ReportingRound)
    auditlog.register(Measure, m2m_fields={"items", "responsible_units"})
    auditlog.register(MeasureStep)
    auditlog.register(ProgressEntry)
    auditlog.register(Evidence)
    auditlog.register(AreaAnalysis)
    auditlog.register(Framework)
    auditlog.register(Item)
    auditlog.register(ItemCriterion)
