"""Reads of the audit trail: the entries a page shows and each entry's changes, for a clerk."""

from __future__ import annotations

from datetime import UTC

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from approvals.models import ChainTemplate, Delegation, Memo
from documents.registry import KINDS
from ita_portal.forms import parse_id
from ita_portal.thai import dates as thai
from measures.models import Measure
from oit.services import OIT_FILE_KIND
from organisations.models import Organisation


def audit_entries(
    *,
    organisation: Organisation | None,
    content_type_id: int | None = None,
    actor: str = "",
    object_pk: str = "",
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
        if object_pk:  # one object's history
            entries = entries.filter(object_pk=object_pk)
    if actor:
        entries = entries.filter(
            Q(actor__username__icontains=actor)
            | Q(actor__first_name__icontains=actor)
            | Q(actor__last_name__icontains=actor)
        )
    return entries, labels


# Fields a clerk never needs: row ids, and timestamps the entry itself already carries.
HIDDEN_FIELDS = {
    "id",
    "password",
    "created_at",
    "updated_at",
    "last_login",
    # checksums: for machines, the file itself is what a clerk cares about
    "sha256",
    "html_sha256",
    "pdf_sha256",
    "file_sha256",
}
# Per model: a publication's round code ("round-6") beside its Thai name (variant_label).
HIDDEN_BY_MODEL = {"publication": {"variant"}}
# Numbers that mean "none" for a new object (a link's file size).
ZERO_MEANS_NONE = {"size", "file_size"}
# Document kinds are stored by their code ("measure-plan"): a clerk reads their Thai name.
KIND_FIELDS = {"kind", "document_kind"}
EMPTY = "—"
BOOLEANS = {"True": "ใช่", "False": "ไม่ใช่", "true": "ใช่", "false": "ไม่ใช่"}


def _field(model, name):
    """The model's concrete field `name`, or None (removed since, or a reverse relation)."""
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if getattr(field, "concrete", False) else None


def _object_name(obj) -> str:
    if hasattr(obj, "get_full_name"):
        return obj.get_full_name() or obj.get_username()
    return str(obj)


class ValueNames:
    """What a page of entries needs to name its values: the objects its foreign keys point to,
    fetched once per related model (a page costs a few queries, whatever its length)."""

    def __init__(self, entries):
        wanted: dict[type, set[str]] = {}
        for entry in entries:
            model = entry.content_type.model_class()
            for name, change in entry.changes_dict.items():
                field = _field(model, name)
                if field is None or not field.many_to_one or not isinstance(change, list | tuple):
                    continue
                wanted.setdefault(field.related_model, set()).update(
                    str(v) for v in change if v not in (None, "None", "")
                )
        self.names: dict[type, dict[str, str]] = {}
        for model, pks in wanted.items():
            valid = [pk for pk in pks if parse_id(pk) is not None]
            self.names[model] = {
                str(obj.pk): _object_name(obj)
                for obj in model._default_manager.filter(pk__in=valid)
            }

    def display(self, field, raw) -> str:
        if raw in (None, "None", ""):
            return EMPTY
        text = str(raw)
        if field is None:
            return text
        if field.choices:
            return str({str(k): v for k, v in field.flatchoices}.get(text, text))
        if field.name in KIND_FIELDS:
            return document_kind_labels().get(text, text)
        if isinstance(field, models.JSONField):
            return "(ข้อมูลประกอบ)" if text not in ("{}", "[]") else EMPTY
        if isinstance(field, models.FileField):
            return "(ไฟล์)"
        if isinstance(field, models.BooleanField):
            # A membership's "ใช้งาน" reads as what happened to the person's rights.
            if field.model.__name__ == "Membership" and field.name == "is_active":
                return {"True": "ใช้งาน", "False": "ระงับสิทธิ์"}.get(text, text)
            return BOOLEANS.get(text, text)
        if field.many_to_one:
            return self.names.get(field.related_model, {}).get(text, f"(ลบแล้ว รหัส {text})")
        if isinstance(field, models.DateTimeField):
            moment = parse_datetime(text)
            if moment is not None:
                if timezone.is_naive(moment):
                    moment = timezone.make_aware(moment, UTC)
                local = timezone.localtime(moment)
                return f"{thai.format_date(local.date())} {local:%H:%M} น."
        elif isinstance(field, models.DateField):
            day = parse_date(text[:10])
            if day is not None:
                return thai.format_date(day)
        return text


def document_kind_labels() -> dict[str, str]:
    return {**{name: kind.label for name, kind in KINDS.items()}, OIT_FILE_KIND: "ไฟล์หลักฐาน OIT"}


def change_rows(entry, names: ValueNames | None = None) -> list[tuple[str, str, str]]:
    """(field, before, after) as a clerk reads them: Thai labels, choices by their Thai names,
    people and objects by name, พ.ศ. dates in local time, ใช่/ไม่ใช่; ids and timestamps left
    out. A created object has no "before", a deleted one no "after"."""
    names = names or ValueNames([entry])
    model = entry.content_type.model_class()
    rows = []
    hidden = HIDDEN_FIELDS | HIDDEN_BY_MODEL.get(entry.content_type.model, set())
    for name, change in entry.changes_dict.items():
        if name in hidden:
            continue
        field = _field(model, name)
        if field is None and model is not None and _is_relation_name(model, name):
            continue  # a reverse relation ("entries"): its own entries record it
        label = str(field.verbose_name) if field is not None else name
        if isinstance(change, dict):  # m2m: {"type": "m2m", "operation": ..., "objects": [...]}
            verb = {"add": "เพิ่ม", "delete": "ลบ", "clear": "ล้าง"}.get(change.get("operation"), "")
            rows.append((label, "", f"{verb} {', '.join(map(str, change.get('objects', [])))}"))
            continue
        if isinstance(change, list | tuple) and len(change) == 2:
            before, after = (names.display(field, value) for value in change)
        else:
            before, after = "", names.display(field, change)
        if entry.action == LogEntry.Action.CREATE:
            if after == EMPTY or (name in ZERO_MEANS_NONE and after in {"0", "None"}):
                continue  # nothing to say about an empty field of a new object
            before = ""
        elif entry.action == LogEntry.Action.DELETE:
            after = ""
        rows.append((label, before, after))
    return rows


def _is_relation_name(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def object_links(entries) -> dict[int, str]:
    """{entry pk: the page of its object}, for objects that still exist and have a page the
    trail's readers may open (a deleted object has no link: it would answer 404)."""
    pages = {
        Measure: lambda obj, code: reverse("measures:measure_detail", args=[code, obj.pk]),
        Memo: lambda obj, code: reverse("approvals:memo_detail", args=[code, obj.pk]),
        Delegation: lambda obj, code: reverse("approvals:delegations", args=[code]),
        ChainTemplate: lambda obj, code: reverse("approvals:chain_templates", args=[code]),
    }
    wanted: dict[type, set[str]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        if model in pages and parse_id(entry.object_pk) is not None:
            wanted.setdefault(model, set()).add(entry.object_pk)
    found: dict[tuple[type, str], object] = {}
    for model, pks in wanted.items():
        for obj in model._default_manager.filter(pk__in=pks).select_related("organisation"):
            found[(model, str(obj.pk))] = obj
    links = {}
    for entry in entries:
        model = entry.content_type.model_class()
        obj = found.get((model, entry.object_pk))
        if obj is not None:
            links[entry.pk] = pages[model](obj, obj.organisation.code)
    return links
