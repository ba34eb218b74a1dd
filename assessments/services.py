"""Writes for scores (starting an import: the background task does the work), the mark
that a framework's catalogue changed, and the survey drive (links and response counts)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import timezone

from ita_portal.public_cache import bump_public_version
from ita_portal.thai import dates as thai
from organisations.access import Action, can, check
from organisations.models import Organisation

from .imports import sha256_of
from .models import (
    MAX_SURVEY_RESPONSES,
    MAX_SURVEY_URL,
    FiscalYear,
    Framework,
    ImportStatus,
    ScoreImport,
    SurveyDrive,
    Tool,
)
from .selectors import forget_structures, survey_progress
from .tasks import is_stalled, run_score_import


def framework_touch(*, framework_ids: Iterable[int | None], stamp: bool = True) -> None:
    """Record that these frameworks' catalogue rows changed.

    A new `updated_at` is the version every process checks before it uses its memo of the
    catalogue (selectors.attach_structure); it is written in the caller's transaction, so other
    processes see it with the change. This process's memo drops them at once (whatever the clock
    says), and every cached public page is retired. `stamp=False` when the framework row itself
    was just saved (auto_now has stamped it).
    """
    ids = sorted({pk for pk in framework_ids if pk is not None})
    if stamp and ids:
        # One plain statement: a catalogue load sends this for each of its hundreds of rows.
        meta = Framework._meta
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {meta.db_table} SET {meta.get_field('updated_at').column} = %s "
                f"WHERE {meta.pk.column} IN ({', '.join(['%s'] * len(ids))})",
                [connection.ops.adapt_datetimefield_value(timezone.now()), *ids],
            )
    forget_structures(ids)
    bump_public_version()


def score_import_start(
    *, user, content: bytes, file_name: str, dry_run: bool, create_organisations: bool
) -> ScoreImport:
    """Keep the uploaded file (workers may run on other machines) and queue the import."""
    record = ScoreImport(
        created_by=user,
        file_name=file_name[:255],
        file_size=len(content),
        sha256=sha256_of(content),
        dry_run=dry_run,
        create_organisations=create_organisations,
    )
    record.file.save("upload.bin", ContentFile(content), save=False)
    record.save()
    transaction.on_commit(lambda: run_score_import.delay(str(record.pk)))
    return record


def score_import_commit(*, record: ScoreImport, user) -> ScoreImport:
    """Run a previewed import for real, on the same stored file."""
    if record.status != ImportStatus.PREVIEWED:
        raise ValueError("commit needs a previewed import")
    record.dry_run = False
    record.status = ImportStatus.PENDING
    record.created_by = user
    record.save(update_fields=["dry_run", "status", "created_by"])
    transaction.on_commit(lambda: run_score_import.delay(str(record.pk)))
    return record


def score_import_retry(*, record: ScoreImport, user) -> ScoreImport:
    """Run a failed (system error) or stalled import again on the same stored file."""
    failed_by_system = (
        record.status == ImportStatus.FAILED
        and record.rows_total == 0
        and any(not e.get("row") and not e.get("sheet") for e in record.errors)
    )
    if not (failed_by_system or is_stalled(record, None)):
        raise ValueError("only system failures are retried; fix the file and upload it again")
    record.status = ImportStatus.PENDING
    record.errors = []
    record.error_count = 0
    record.started_at = None
    record.save(update_fields=["status", "errors", "error_count", "started_at"])
    transaction.on_commit(lambda: run_score_import.delay(str(record.pk)))
    return record


# ---------------------------------------------------------------- the survey drive (IIT/EIT)

SURVEY_LINK_LABELS = {"iit_url": "ลิงก์แบบวัด IIT", "eit_url": "ลิงก์แบบวัด EIT"}
SURVEY_COUNT_LABELS = {"iit_responses": "จำนวนผู้ตอบ IIT", "eit_responses": "จำนวนผู้ตอบ EIT"}
#: the most rows one bulk import of counts takes (every agency of the country, with room)
MAX_SURVEY_IMPORT_ROWS = 20_000


def _survey_drive(organisation: Organisation, year: int, *, lock: bool = True) -> SurveyDrive:
    if not thai.is_fiscal_year(year):
        raise ValidationError(f"ปีงบประมาณ {year} ไม่อยู่ในช่วงที่ระบบรองรับ")
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    drive, _ = SurveyDrive.objects.get_or_create(organisation=organisation, fiscal_year=fiscal_year)
    if lock:
        drive = SurveyDrive.objects.select_for_update().get(pk=drive.pk)
    return drive


def _clean_survey_url(field: str, value: str) -> str:
    value = (value or "").strip()
    label = SURVEY_LINK_LABELS[field]
    if len(value) > MAX_SURVEY_URL:
        raise ValidationError({field: f"“{label}” ยาวได้ไม่เกิน {MAX_SURVEY_URL} ตัวอักษร"})
    if value:
        try:
            URLValidator(schemes=["https", "http"])(value)
        except ValidationError:
            raise ValidationError(
                {field: f"“{label}” ไม่ใช่ลิงก์ที่ถูกต้อง (ต้องขึ้นต้นด้วย https:// หรือ http://)"}
            ) from None
    return value


@transaction.atomic
def survey_links_update(
    *, user, organisation: Organisation, year: int, iit_url: str, eit_url: str
) -> SurveyDrive:
    """Set the agency's own survey links; an empty one, or one equal to the year's pattern,
    follows the pattern (so a corrected pattern reaches every agency that did not override)."""
    check(user, organisation, Action.EDIT, "ท่านไม่มีสิทธิ์แก้ไขลิงก์แบบวัดของหน่วยงานนี้")
    values = {"iit_url": iit_url, "eit_url": eit_url}
    errors = {}
    for field in values:
        try:
            values[field] = _clean_survey_url(field, values[field])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    progress = survey_progress(organisation, year)
    settings = progress.settings
    if settings is not None:
        for field, tool in (("iit_url", Tool.IIT), ("eit_url", Tool.EIT)):
            if values[field] == settings.link_for(tool, organisation.code):
                values[field] = ""
    drive = _survey_drive(organisation, year)
    changed = [f for f, v in values.items() if getattr(drive, f) != v]
    for field in changed:
        setattr(drive, field, values[field])
    if changed:
        drive.save(update_fields=[*changed, "updated_at"])
    return drive


def _clean_count(field: str, value) -> int | None:
    """A count typed or imported: empty is None; digits (Thai ones too) within 0–100,000."""
    label = SURVEY_COUNT_LABELS[field]
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationError({field: f"“{label}” ต้องเป็นจำนวนเต็ม"})
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = thai.to_arabic_digits(value.strip()).replace(",", "")
        if not (text.isascii() and text.isdigit()) or len(text) > 9:
            raise ValidationError(
                {
                    field: f"“{label}” ต้องเป็นจำนวนเต็ม 0–{MAX_SURVEY_RESPONSES:,} (กรอกมา “{value[:30]}”)"
                }
            )
        value = int(text)
    if not isinstance(value, int):
        raise ValidationError({field: f"“{label}” ต้องเป็นจำนวนเต็ม"})
    if not 0 <= value <= MAX_SURVEY_RESPONSES:
        raise ValidationError(
            {field: f"“{label}” ต้องอยู่ระหว่าง 0–{MAX_SURVEY_RESPONSES:,} (กรอกมา {value:,})"}
        )
    return value


def _clean_as_of(year: int, as_of: date | None) -> date:
    today = timezone.localdate()
    as_of = as_of or today
    start = thai.fiscal_year_start(year)
    if as_of > today:
        raise ValidationError({"counts_as_of": "วันที่ของข้อมูลจำนวนผู้ตอบต้องไม่เลยวันนี้"})
    if as_of < start:
        raise ValidationError(
            {
                "counts_as_of": f"วันที่ของข้อมูลจำนวนผู้ตอบต้องไม่ก่อนเริ่มปีงบประมาณ {year} "
                f"({thai.format_date(start)})"
            }
        )
    return as_of


def _write_counts(drive: SurveyDrive, *, user, iit, eit, as_of: date) -> None:
    drive.iit_responses = iit if iit is not None else drive.iit_responses
    drive.eit_responses = eit if eit is not None else drive.eit_responses
    drive.counts_as_of = as_of
    drive.counts_recorded_by = user
    if drive.pk is None:
        drive.save()
        return
    drive.save(
        update_fields=[
            "iit_responses",
            "eit_responses",
            "counts_as_of",
            "counts_recorded_by",
            "updated_at",
        ]
    )


@transaction.atomic
def survey_counts_record(
    *,
    user,
    organisation: Organisation,
    year: int,
    iit_responses,
    eit_responses,
    as_of: date | None = None,
) -> SurveyDrive:
    """Record how many have answered each survey so far, as ITAS shows it on `as_of` (today
    by default). An empty count keeps the one recorded before; at least one is needed."""
    check(user, organisation, Action.EDIT, "ท่านไม่มีสิทธิ์บันทึกจำนวนผู้ตอบของหน่วยงานนี้")
    counts, errors = {}, {}
    for field, value in (("iit_responses", iit_responses), ("eit_responses", eit_responses)):
        try:
            counts[field] = _clean_count(field, value)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        as_of = _clean_as_of(year, as_of)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not errors and counts["iit_responses"] is None and counts["eit_responses"] is None:
        errors["iit_responses"] = ["กรุณากรอกจำนวนผู้ตอบ IIT หรือ EIT อย่างน้อยหนึ่งช่อง"]
    if errors:
        raise ValidationError(errors)
    drive = _survey_drive(organisation, year)
    _write_counts(
        drive, user=user, iit=counts["iit_responses"], eit=counts["eit_responses"], as_of=as_of
    )
    return drive


@transaction.atomic
def survey_counts_import(
    *,
    user,
    year: int,
    rows: Iterable[tuple],
    as_of: date | None = None,
    first_row: int = 1,
) -> int:
    """Set the counts of many agencies at once from (code, iit, eit) rows: every row is
    checked first and nothing is written unless all pass (the error names each bad row,
    numbered from `first_row`, e.g. 2 under a header). An empty count keeps what is recorded.
    The acting user needs the right to import for every agency (central admins have it).
    Returns the number of agencies written."""
    rows = list(itertools.islice(rows, MAX_SURVEY_IMPORT_ROWS + 1))
    if len(rows) > MAX_SURVEY_IMPORT_ROWS:
        raise ValidationError(f"นำเข้าได้ครั้งละไม่เกิน {MAX_SURVEY_IMPORT_ROWS:,} แถว")
    try:
        as_of = _clean_as_of(year, as_of)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict["counts_as_of"]) from None
    codes = {
        str(row[0]).strip()[:40]
        for row in rows
        if isinstance(row, list | tuple) and row and row[0] is not None
    }
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=codes, is_active=True)}
    errors: list[str] = []
    parsed: list[tuple[Organisation, int | None, int | None]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=first_row):
        where = f"แถวที่ {number}"
        if not isinstance(row, list | tuple) or len(row) != 3:
            errors.append(f"{where}: ต้องมี 3 ช่อง (รหัสหน่วยงาน, จำนวนผู้ตอบ IIT, จำนวนผู้ตอบ EIT)")
            continue
        code = str(row[0] if row[0] is not None else "").strip()[:40]
        organisation = organisations.get(code)
        if not code:
            errors.append(f"{where}: ไม่มีรหัสหน่วยงาน")
            continue
        if organisation is None:
            errors.append(f"{where}: ไม่พบหน่วยงานรหัส “{code[:40]}”")
            continue
        if code in seen:
            errors.append(f"{where}: รหัสหน่วยงาน {code} ซ้ำกับแถวที่ {seen[code]}")
            continue
        seen[code] = number
        if not can(user, organisation, Action.IMPORT_SCORES):
            errors.append(f"{where}: ท่านไม่มีสิทธิ์นำเข้าข้อมูลของ{organisation.name} ({code})")
            continue
        counts = []
        for field, value in (("iit_responses", row[1]), ("eit_responses", row[2])):
            try:
                counts.append(_clean_count(field, value))
            except ValidationError as exc:
                errors.extend(f"{where}: {m}" for m in exc.messages)
                counts.append(None)
        parsed.append((organisation, counts[0], counts[1]))
    if errors:
        raise ValidationError(errors)
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    drives = {
        d.organisation_id: d
        for d in SurveyDrive.objects.select_for_update().filter(
            fiscal_year=fiscal_year, organisation__in=[o for o, _, _ in parsed]
        )
    }
    written = 0
    for organisation, iit, eit in parsed:
        if iit is None and eit is None:
            continue
        drive = drives.get(organisation.pk) or SurveyDrive(
            organisation=organisation, fiscal_year=fiscal_year
        )
        # One save per agency: each gets its entry in the audit trail.
        _write_counts(drive, user=user, iit=iit, eit=eit, as_of=as_of)
        written += 1
    return written
