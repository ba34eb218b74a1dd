"""The OIT readiness board, an item's evidence and criteria, sign-off, export and link checks."""

from __future__ import annotations

import io
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ita_portal.files import stored_file_response
from ita_portal.forms import add_service_errors, parse_id
from ita_portal.thai import dates as thai
from ita_portal.uploads import MB, max_request_bytes
from measures.services import measure_create_from_oit_item
from organisations.access import Action, can, organisation_for
from publication.forms import WithdrawForm

from . import selectors, services
from .forms import DocumentEvidenceForm, EntryForm, FileEvidenceForm, UrlEvidenceForm
from .models import EvidenceKind, OitEvidence
from .tasks import check_oit_links


def _board_url(organisation, year) -> str:
    return reverse("oit:board", args=[organisation.code, year])


def _item_url(organisation, year, item) -> str:
    return reverse("oit:item", args=[organisation.code, year, item.code])


def _framework(organisation, year):
    framework = selectors.oit_framework(organisation, year)
    if framework is None:
        raise Http404(f"ยังไม่มีกรอบการประเมินปี {year}")
    return framework


@login_required
def board(request, code: str, year: int):
    organisation = organisation_for(request.user, code, Action.VIEW)
    units = list(organisation.units.all())
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit")), None)
    state = request.GET.get("state", "")
    data = selectors.oit_board(organisation, year, unit=unit)
    rows = (
        [r for r in data.rows if r.state == state]
        if state in selectors.ItemState.values
        else data.rows
    )
    return render(
        request,
        "oit/board.html",
        {
            "organisation": organisation,
            "year": year,
            "board": data,
            "rows": rows,
            "units": units,
            "unit": unit,
            "state": state,
            "states": selectors.ItemState,
            "can_edit": can(request.user, organisation, Action.EDIT),
            "public_url": reverse("public:oit_index", args=[organisation.code, year]),
        },
    )


def _item(organisation, year: int, item_code: str):
    framework = _framework(organisation, year)
    item = selectors.oit_item(framework, item_code)
    if item is None:
        raise Http404(f"ไม่พบข้อ {item_code} ในกรอบการประเมินปี {year}")
    return framework, item


def _item_page(request, organisation, year, framework, item, *, bound=None, errors=()):
    """The item page; `bound` is the one form the user filled in, shown with its errors."""
    board, row = selectors.board_with_row(organisation, year, item)
    entry_initial = (
        {"responsible_unit": row.entry.responsible_unit_id, "note": row.entry.note}
        if row.entry
        else None
    )
    forms = {
        "entry": EntryForm(organisation=organisation, prefix="entry", initial=entry_initial),
        "document": DocumentEvidenceForm(year=year, prefix="document"),
        "file": FileEvidenceForm(prefix="file"),
        "url": UrlEvidenceForm(prefix="url"),
    }
    if bound is not None:
        forms[bound.prefix] = bound
    return render(
        request,
        "oit/item.html",
        {
            "organisation": organisation,
            "year": year,
            "framework": framework,
            "item": item,
            "row": row,
            "last_year": board.last_year,
            "criteria": [(c, row.checks.get(c.pk)) for c in item.criteria.all()],
            "forms": forms,
            "errors": list(errors),
            "can_edit": can(request.user, organisation, Action.EDIT),
            "can_manage": can(request.user, organisation, Action.MANAGE),
            "withdraw_form": WithdrawForm(),
            "public_path": selectors.public_item_path(organisation, year, item),
            "site_url": selectors.site_url(""),
        },
    )


@login_required
def item_detail(request, code: str, year: int, item_code: str):
    organisation = organisation_for(request.user, code, Action.VIEW)
    framework, item = _item(organisation, year, item_code)
    return _item_page(request, organisation, year, framework, item)


def _item_action(action):
    """A POST-only action on one item: `action(request, organisation, year, item)` returns the
    success message, or the bound form that failed validation. Service refusals are shown on
    the page in Thai; nothing of a refused action is written."""

    @wraps(action)
    @login_required
    @require_POST
    def view(request, code: str, year: int, item_code: str):
        organisation = organisation_for(request.user, code, Action.EDIT)
        framework, item = _item(organisation, year, item_code)
        try:
            with transaction.atomic():
                result = action(request, organisation, year, item)
        except ValidationError as exc:
            return _item_page(request, organisation, year, framework, item, errors=exc.messages)
        except (services.OitError, PermissionDenied) as exc:
            return _item_page(request, organisation, year, framework, item, errors=[str(exc)])
        if isinstance(result, str):
            messages.success(request, result)
            return redirect(_item_url(organisation, year, item))
        return _item_page(request, organisation, year, framework, item, bound=result)

    return view


@_item_action
def item_entry(request, organisation, year, item):
    form = EntryForm(request.POST, organisation=organisation, prefix="entry")
    if not form.is_valid():
        return form
    entry = services.entry_for(organisation=organisation, item=item, year=year)
    services.entry_update(
        entry=entry,
        user=request.user,
        responsible_unit=form.cleaned_data["responsible_unit"],
        note=form.cleaned_data["note"],
    )
    return "บันทึกผู้รับผิดชอบแล้ว"


@_item_action
def item_criteria(request, organisation, year, item):
    criteria = list(item.criteria.all())
    if not criteria:
        raise ValidationError("ข้อนี้ยังไม่มีเกณฑ์ให้ตรวจ (ผู้ดูแลระบบเพิ่มเกณฑ์ได้)")
    ticks = {
        c.pk: (request.POST.get(f"met_{c.pk}") == "on", request.POST.get(f"note_{c.pk}", ""))
        for c in criteria
    }
    entry = services.entry_for(organisation=organisation, item=item, year=year)
    met = services.criteria_save(entry=entry, user=request.user, ticks=ticks)
    return f"บันทึกการตรวจเกณฑ์แล้ว (ผ่าน {met} จาก {len(criteria)} เกณฑ์)"


def _add_evidence(form, add, message):
    """Validate `form`, run `add(entry, data)`; service errors go on the form filled in."""

    def run(organisation, year, item):
        if not form.is_valid():
            return form
        entry = services.entry_for(organisation=organisation, item=item, year=year)
        try:
            evidence = add(entry, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return form
        return message.format(title=evidence.title)

    return run


@_item_action
def item_add_document(request, organisation, year, item):
    form = DocumentEvidenceForm(request.POST, year=year, prefix="document")
    return _add_evidence(
        form,
        lambda entry, data: services.evidence_add_document(
            entry=entry,
            user=request.user,
            document_kind=data["document_kind"],
            document_year=data["document_year"],
        ),
        "เพิ่มหลักฐาน “{title}” แล้ว",
    )(organisation, year, item)


@max_request_bytes(settings.EVIDENCE_MAX_BYTES + MB)
@_item_action
def item_add_file(request, organisation, year, item):
    form = FileEvidenceForm(request.POST, request.FILES, prefix="file")
    return _add_evidence(
        form,
        lambda entry, data: services.evidence_add_file(
            entry=entry, user=request.user, upload=data["file"], title=data["title"]
        ),
        "อัปโหลด “{title}” แล้ว (ร่าง: ต้องเสนอขออนุมัติก่อนเผยแพร่)",
    )(organisation, year, item)


@_item_action
def item_add_url(request, organisation, year, item):
    form = UrlEvidenceForm(request.POST, prefix="url")
    return _add_evidence(
        form,
        lambda entry, data: services.evidence_add_url(
            entry=entry, user=request.user, url=data["url"], title=data["title"]
        ),
        "เพิ่มลิงก์ “{title}” แล้ว",
    )(organisation, year, item)


def _evidence(user, code: str, year: int, pk: int, action: Action) -> OitEvidence:
    organisation = organisation_for(user, code, action)
    return get_object_or_404(
        OitEvidence.objects.select_related("entry__organisation", "entry__item", "memo"),
        pk=pk,
        entry__organisation=organisation,
        entry__fiscal_year=year,
    )


@login_required
@require_POST
def evidence_delete(request, code: str, year: int, pk: int):
    evidence = _evidence(request.user, code, year, pk, Action.EDIT)
    item = evidence.entry.item
    try:
        services.evidence_delete(evidence=evidence, user=request.user)
    except (services.OitError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"ลบหลักฐาน “{evidence.title}” แล้ว")
    return redirect(_item_url(evidence.entry.organisation, year, item))


@login_required
@require_POST
def evidence_withdraw(request, code: str, year: int, pk: int):
    evidence = _evidence(request.user, code, year, pk, Action.MANAGE)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "กรุณาระบุเหตุผลที่ถอนการเผยแพร่")
    else:
        try:
            services.evidence_withdraw(
                evidence=evidence, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except (services.OitError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"ถอนการเผยแพร่ “{evidence.title}” แล้ว")
    return redirect(_item_url(evidence.entry.organisation, year, evidence.entry.item))


@login_required
def evidence_download(request, code: str, year: int, pk: int):
    """The uploaded file itself, for the organisation's own users (drafts included)."""
    evidence = _evidence(request.user, code, year, pk, Action.VIEW)
    if evidence.kind != EvidenceKind.FILE:
        raise Http404("หลักฐานนี้ไม่ใช่ไฟล์")
    return stored_file_response(
        evidence.file,
        content_type=evidence.content_type,
        filename=evidence.file_name or f"oit-{pk}",
        private=True,
    )


@login_required
@require_POST
def submit(request, code: str, year: int):
    """A memo asking to publish the chosen evidence; the author then sends it up the chain."""
    organisation = organisation_for(request.user, code, Action.EDIT)
    # Plain digits only ("²" is a digit to isdigit(), not to int()), within a 64-bit id.
    ids = [pk for pk in map(parse_id, request.POST.getlist("evidence")) if pk is not None]
    unit = organisation.units.filter(pk=request.POST.get("unit") or 0).first()
    unit = unit or organisation.units.first()
    if unit is None:
        messages.error(request, "หน่วยงานยังไม่มีส่วนราชการ (หน่วยงานย่อย) สำหรับออกบันทึกข้อความ")
        return redirect(_board_url(organisation, year))
    try:
        memo = services.oit_memo_create(
            organisation=organisation, user=request.user, year=year, evidence_ids=ids, unit=unit
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_board_url(organisation, year))
    messages.success(
        request,
        f"สร้างบันทึกข้อความขออนุมัติเผยแพร่ {memo.attachments.count()} รายการแล้ว "
        "กรุณาตรวจทานข้อความแล้วกด “เสนอ”",
    )
    return redirect("approvals:memo_detail", code=code, pk=memo.pk)


@login_required
@require_POST
def check_links(request, code: str, year: int):
    organisation = organisation_for(request.user, code, Action.EDIT)
    result = check_oit_links.delay(organisation_id=organisation.pk, fiscal_year=year)
    if result.ready():
        messages.success(request, f"ตรวจลิงก์เสร็จแล้ว: {result.get()}")
    else:
        messages.info(request, "เริ่มตรวจลิงก์แล้ว ผลจะแสดงบนหน้านี้เมื่อตรวจเสร็จ (รีเฟรชหน้าเพื่อดูผล)")
    return redirect(_board_url(organisation, year))


@login_required
@require_POST
def measure_from_item(request, code: str, year: int, item_code: str):
    organisation = organisation_for(request.user, code, Action.EDIT)
    framework = _framework(organisation, year)
    item = selectors.oit_item(framework, item_code)
    if item is None:
        raise Http404(f"ไม่พบข้อ {item_code}")
    row = selectors.board_row(organisation, year, item)
    if not row.below_full_score:
        messages.error(request, f"ข้อ {item.code} ไม่มีคะแนนต่ำกว่า 100 ของปี {year}")
        return redirect(_board_url(organisation, year))
    try:
        measure = measure_create_from_oit_item(
            organisation=organisation, year=year, item=item, user=request.user, score=row.score
        )
    except ValidationError as exc:
        messages.error(request, "สร้างมาตรการไม่ได้: " + " ".join(exc.messages))
        return redirect(_board_url(organisation, year))
    messages.success(
        request, f"สร้างมาตรการจากข้อ {item.code} แล้ว กรุณาตรวจสอบและแก้ไขรายละเอียดให้ครบถ้วน"
    )
    return redirect("measures:measure_update", code=code, pk=measure.pk)


# ---------------------------------------------------------------- the ITAS list


def _itas_rows(request, board: selectors.Board) -> list[dict]:
    return [
        {
            "code": row.item.code,
            "text": row.item.text,
            "item_url": selectors.site_url(
                selectors.public_item_path(board.organisation, board.year, row.item)
            ),
            "evidence_urls": [
                view.public_path if view.external else selectors.site_url(view.public_path)
                for view in row.public
            ],
            "state": row.state_label,
            "published": bool(row.public),
        }
        for row in board.rows
    ]


@login_required
def itas_print(request, code: str, year: int):
    organisation = organisation_for(request.user, code, Action.VIEW)
    data = selectors.oit_board(organisation, year)
    return render(
        request,
        "oit/itas.html",
        {
            "organisation": organisation,
            "year": year,
            "board": data,
            "rows": _itas_rows(request, data),
            "today": thai.format_date(timezone.localdate()),
        },
    )


@login_required
def itas_xlsx(request, code: str, year: int):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    organisation = organisation_for(request.user, code, Action.VIEW)
    data = selectors.oit_board(organisation, year)
    wb = Workbook()
    ws = wb.active
    ws.title = f"OIT {year}"
    ws.append([f"รายการ URL สำหรับกรอกในระบบ ITAS: {organisation.name} ปีงบประมาณ พ.ศ. {year}"])
    ws["A1"].font = Font(bold=True)
    header = ["ข้อ", "ชื่อข้อ", "URL สำหรับกรอกในระบบ ITAS", "URL หลักฐานที่เผยแพร่", "สถานะ"]
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in _itas_rows(request, data):
        ws.append(
            [
                row["code"],
                row["text"],
                row["item_url"],
                "\n".join(row["evidence_urls"]),
                row["state"],
            ]
        )
    for column, width in zip("ABCDE", (6, 60, 55, 70, 18), strict=True):
        ws.column_dimensions[column].width = width
    for cells in ws.iter_rows(min_row=3):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="itas-oit-{code}-{year}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
