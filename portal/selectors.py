"""Reads of the audit trail: the entries a page shows and each entry's changes, for a clerk."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from organisations.models import Organisation


def audit_entries(
    *, organisation: Organisation | None, content_type_id: int | None = None, actor: str = ""
):
    """(entries newest first, {content type id: Thai label} of the trail's models).

    `organisation` None: every organisation's trail (central admins). The labels are of the
    whole trail (for the filter), before `content_type_id` and `actor` narrow the entries.
    """
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if organisation is not None:
        entries = entries.filter(additional_data__organisation_id=organisation.pk)
    labels = {
        ct.pk: (ct.model_class()._meta.verbose_name if ct.model_class() else ct.model)
        for ct in ContentType.objects.filter(
            pk__in=entries.order_by().values("content_type").distinct()
        )
    }
    if content_type_id is not None:
        entries = entries.filter(content_type_id=content_type_id)
    if actor:
        entries = entries.filter(
            Q(actor__username__icontains=actor)
            | Q(actor__first_name__icontains=actor)
            | Q(actor__last_name__icontains=actor)
        )
    return entries, labels


def change_rows(entry) -> list[tuple[str, str, str]]:
    """(field, before, after) for display; many-to-many changes list what was added/removed."""
    model = entry.content_type.model_class()
    rows = []
    for name, change in entry.changes_dict.items():
        try:
            label = str(model._meta.get_field(name).verbose_name) if model else name
        except Exception:  # a field removed since the entry was written
            label = name
        if isinstance(change, dict):  # m2m: {"type": "m2m", "operation": ..., "objects": [...]}
            verb = {"add": "เพิ่ม", "delete": "ลบ", "clear": "ล้าง"}.get(change.get("operation"), "")
            rows.append((label, "", f"{verb} {', '.join(map(str, change.get('objects', [])))}"))
        elif isinstance(change, list | tuple) and len(change) == 2:
            rows.append((label, str(change[0]), str(change[1])))
        else:
            rows.append((label, "", str(change)))
    return rows
