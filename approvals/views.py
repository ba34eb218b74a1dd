"""Memo screens: draft from a report, submit up the chain, act on a step, publish, withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from documents.registry import (
    DocumentError,
    attachable_kinds,
    document_htmls,
    document_render,
    layout_or_default,
)
from documents.rendering import MAX_TEXT_OPTION, DocumentOptions, htmls_to_pdf
from ita_portal.forms import add_service_errors, parse_id
from measures.models import ReportingRound
from organisations.access import Action, can, organisation_for
from publication.models import Publication
from publication.registry import other_kind

from . import selectors
from . import services as memos
from .forms import ActForm, ChainTemplateForm, DelegationForm, MemoForm, SubmitForm
from .models import ChainTemplate, Delegation, Memo, MemoStatus, PublicationState

MEMOS_PER_PAGE = 30


def _memo(user, code: str, pk: int, action: Action = Action.VIEW) -> Memo:
    organisation = organisation_for(user, code, action)
    return get_object_or_404(
        Memo.objects.select_related("organisation", "unit", "author"),
        pk=pk,
        organisation=organisation,
    )


@login_required
def memo_list(request, code: str):
    organisation = organisation_for(request.user, code, Action.VIEW)
    memo_qs = Memo.objects.filter(organisation=organisation).select_related("author", "unit")
    status = request.GET.get("status")
    if status in MemoStatus.values:
        memo_qs = memo_qs.filter(status=status)
    page = Paginator(memo_qs.order_by("-created_at"), MEMOS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    publications = (
        Publication.objects.filter(organisation=organisation)
        .select_related("memo")
        .order_by("-fiscal_year", "kind", "-revision")
    )
    return render(
        request,
        "approvals/memo_list.html",
        {
            "organisation": organisation,
            "page": page,
            "status": status,
            "statuses": MemoStatus,
            "publications": publications,
            "can_edit": can(request.user, organisation, Action.EDIT),
            "can_manage": can(request.user, organisation, Action.MANAGE),
        },
    )


#: the fields of the documents page a memo's attachment is made from (posted with the memo form
#: as hidden fields, so that the texts staff edited travel in the request body, not the address)
ATTACHMENT_FIELDS = (
    "kind",
    "year",
    "round",
    "layout",
    "thai_digits",
    "show_metadata",
    "preface",
    "introduction",
    "oit_paragraph",
)


def _attachment_params(request):
    """Where the attachment's options are: the posted body (from the documents page, or the memo
    form's hidden fields), or the query of a link."""
    return request.POST if request.method == "POST" and "kind" in request.POST else request.GET


def _attachment_from_query(request, organisation) -> dict | None:
    params = _attachment_params(request)
    kind = params.get("kind", "")
    try:
        year = int(params.get("year", ""))
    except ValueError:
        return None
    if kind not in {k.name for k in attachable_kinds()}:
        return None
    options = {}
    if (round_id := parse_id(params.get("round"))) is not None:
        options["round_id"] = round_id
    layout = params.get("layout", "")
    if layout and layout_or_default(kind, layout) == layout:
        options["layout"] = layout
    if params.get("thai_digits") in {"1", "on"}:
        options["thai_digits"] = True
    if params.get("show_metadata") in {"1", "on"}:
        options["show_metadata"] = True
    # The texts staff edited on the documents page go with the memo and are frozen with it.
    for name in ("preface", "introduction", "oit_paragraph"):
        text = params.get(name, "").strip()[:MAX_TEXT_OPTION]
        if text:
            options[name] = text
    round_name, round_open = "", None
    if "round_id" in options:
        found = ReportingRound.objects.filter(
            pk=options["round_id"], organisation=organisation
        ).first()
        if found is None:
            return None
        round_name = found.name
        if found.end_date >= timezone.localdate():
            round_open = found  # a report of a round not yet over: said before it is sent
    texts = memos.memo_draft_texts(
        organisation=organisation,
        fiscal_year=year,
        kind=kind,
        round_name=round_name,
        round_ends=round_open.end_date if round_open else None,
    )
    return {
        "kind": kind,
        "fiscal_year": year,
        "options": options,
        "title": texts["title"],
        "texts": texts,
        "round_open": round_open,
    }


@login_required
def memo_create(request, code: str):
    organisation = organisation_for(request.user, code, Action.EDIT)
    attachment = _attachment_from_query(request, organisation)
    if attachment is None:
        messages.error(request, "กรุณาเลือกเอกสารที่จะเสนอจากหน้าเอกสารรายงาน")
        return redirect("approvals:memo_list", code=code)
    initial = {
        k: attachment["texts"][k] for k in ("subject", "to", "background", "facts", "proposal")
    }
    initial["unit"] = organisation.units.first()
    initial["publish_memo"] = True
    # The documents page posts the attachment's options to open this form (no "subject" yet);
    # the form then posts them back with the memo's own fields.
    saving = request.method == "POST" and "subject" in request.POST
    form = MemoForm(request.POST if saving else None, initial=initial, organisation=organisation)
    if saving and form.is_valid():
        try:
            memo = memos.memo_create(
                organisation=organisation,
                user=request.user,
                fiscal_year=attachment["fiscal_year"],
                attachments=[
                    {k: attachment[k] for k in ("kind", "fiscal_year", "options", "title")}
                ],
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "บันทึกร่างบันทึกข้อความแล้ว ตรวจทานแล้วกด “เสนอ”")
            return redirect("approvals:memo_detail", code=code, pk=memo.pk)
    params = _attachment_params(request)
    carried = [(name, params.get(name, "")) for name in ATTACHMENT_FIELDS if params.get(name)]
    return render(
        request,
        "approvals/memo_form.html",
        {
            "organisation": organisation,
            "form": form,
            "attachment": attachment,
            "memo": None,
            "carried": carried,
        },
    )


@login_required
def memo_update(request, code: str, pk: int):
    memo = _memo(request.user, code, pk, Action.EDIT)
    if memo.status not in (MemoStatus.DRAFT, MemoStatus.RETURNED):
        messages.error(request, "แก้ไขได้เฉพาะบันทึกที่เป็นร่างหรือถูกส่งกลับแก้ไข")
        return redirect("approvals:memo_detail", code=code, pk=pk)
    initial = {
        f: getattr(memo, f)
        for f in ("unit", "subject", "to", "background", "facts", "proposal", "publish_memo")
    }
    form = MemoForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organisation=memo.organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            memos.memo_update(memo=memo, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except memos.MemoError as exc:
            messages.error(request, str(exc))
            return redirect("approvals:memo_detail", code=code, pk=pk)
        else:
            messages.success(request, "บันทึกการแก้ไขแล้ว")
            return redirect("approvals:memo_detail", code=code, pk=pk)
    return render(
        request,
        "approvals/memo_form.html",
        {"organisation": memo.organisation, "form": form, "memo": memo, "attachment": None},
    )


@login_required
def memo_detail(request, code: str, pk: int):
    memo = _memo(request.user, code, pk)
    step = selectors.current_step(memo)
    # The UI offers a decision only where the service would accept it.
    refusal, delegation = (
        memos.decision_basis(request.user, memo, step) if step is not None else ("", None)
    )
    may_act = step is not None and not refusal
    steps = list(
        memo.steps.select_related("assignee", "acted_by", "delegation__organisation").order_by(
            "cycle", "order"
        )
    )
    return render(
        request,
        "approvals/memo_detail.html",
        {
            "organisation": memo.organisation,
            "memo": memo,
            "current": step,
            "may_act": may_act,
            "delegation": delegation if may_act else None,
            "act_form": ActForm(initial={"step": step.pk if step else None}),
            "cycles": _by_cycle(steps),
            "attachments": list(memo.attachments.all()),
            "can_edit": can(request.user, memo.organisation, Action.EDIT)
            and memo.status in (MemoStatus.DRAFT, MemoStatus.RETURNED),
            "submit_form": SubmitForm(organisation=memo.organisation),
            "publications": list(memo.publications.order_by("kind")),
            "publication_stalled": memos.publication_stalled(memo),
            "may_retry_publication": can(request.user, memo.organisation, Action.MANAGE)
            and (
                memo.publication_state == PublicationState.FAILED or memos.publication_stalled(memo)
            ),
        },
    )


def _by_cycle(steps):
    cycles: dict[int, list] = {}
    for step in steps:
        cycles.setdefault(step.cycle, []).append(step)
    return sorted(cycles.items(), reverse=True)


@login_required
@require_POST
def memo_submit(request, code: str, pk: int):
    memo = _memo(request.user, code, pk, Action.EDIT)
    form = SubmitForm(request.POST, organisation=memo.organisation)
    if not form.is_valid():
        messages.error(request, "กรุณาเลือกลำดับการเสนอ (ผู้ดูแลหน่วยงานกำหนดได้ที่เมนู “ลำดับการเสนอ”)")
    else:
        try:
            memos.memo_submit(memo=memo, user=request.user, template=form.cleaned_data["template"])
        except memos.MemoError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "เสนอบันทึกข้อความแล้ว ระบบแจ้งผู้ลงนามลำดับถัดไปทางอีเมล")
    return redirect("approvals:memo_detail", code=code, pk=pk)


@login_required
@require_POST
def memo_act(request, code: str, pk: int):
    memo = _memo(request.user, code, pk)
    form = ActForm(request.POST)
    if not form.is_valid():
        messages.error(request, "ข้อมูลการพิจารณาไม่ครบ")
        return redirect("approvals:memo_detail", code=code, pk=pk)
    try:
        step = memos.memo_step_act(
            memo=memo,
            step_id=form.cleaned_data["step"],
            user=request.user,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except memos.MemoError as exc:
        messages.error(request, str(exc))
    else:
        _decided_message(request, step)
    return redirect("approvals:memo_detail", code=code, pk=pk)


def _decided_message(request, step) -> None:
    message = f"บันทึกผลการพิจารณา “{step.decision_label}” แล้ว"
    if step.memo.status != MemoStatus.APPROVED:
        messages.success(request, message)
        return
    state, error = Memo.objects.values_list("publication_state", "publication_error").get(
        pk=step.memo.pk
    )
    if state == PublicationState.PUBLISHED:
        messages.success(request, message + " และเผยแพร่เอกสารแล้ว")
    elif state == PublicationState.PENDING:
        messages.success(request, message + " ระบบกำลังเผยแพร่เอกสาร หน้านี้จะแสดงลิงก์เมื่อเสร็จ")
    else:
        messages.warning(
            request,
            f"{message} แต่เผยแพร่เอกสารไม่สำเร็จ: {error} ผู้ดูแลหน่วยงานสั่งเผยแพร่อีกครั้งได้ที่หน้านี้",
        )


@login_required
@require_POST
def memo_publish_retry(request, code: str, pk: int):
    """The org admin asks again for a failed (or stalled) publication."""
    memo = _memo(request.user, code, pk, Action.MANAGE)
    try:
        memo = memos.memo_publication_retry(memo=memo, user=request.user)
    except memos.MemoError as exc:
        messages.error(request, str(exc))
    else:
        if memo.publication_state == PublicationState.PENDING:
            memo.refresh_from_db(fields=["publication_state", "publication_error"])
        if memo.publication_state == PublicationState.PUBLISHED:
            messages.success(request, "เผยแพร่เอกสารแล้ว")
        elif memo.publication_state == PublicationState.PENDING:
            messages.success(request, "ระบบกำลังเผยแพร่เอกสารอีกครั้ง")
        else:
            messages.error(request, f"ลองเผยแพร่อีกครั้งแล้ว ยังไม่สำเร็จ: {memo.publication_error}")
    return redirect("approvals:memo_detail", code=code, pk=pk)


@login_required
def memo_docx(request, code: str, pk: int):
    """The memo alone as an editable Word file (its attachments have their own)."""
    memo = _memo(request.user, code, pk)
    try:
        document = document_render(
            kind="memo",
            organisation=memo.organisation,
            fiscal_year=memo.fiscal_year,
            output="docx",
            options=DocumentOptions(memo_id=memo.pk),
        )
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("approvals:memo_detail", code=code, pk=pk)
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="memo-{memo.pk}.docx"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def memo_pdf(request, code: str, pk: int):
    """The memo and its attachments as one PDF."""
    memo = _memo(request.user, code, pk)
    organisation = memo.organisation
    # Attachments that are not portal documents (OIT files) are listed in the memo and
    # downloaded from their own links.
    parts = [("memo", memo.fiscal_year, DocumentOptions(memo_id=memo.pk))] + [
        (a.kind, a.fiscal_year, DocumentOptions.from_dict(a.options))
        for a in memo.attachments.all()
        if other_kind(a.kind) is None
    ]
    try:
        htmls = [
            document_htmls(
                kind=kind,
                organisation=organisation,
                fiscal_year=year,
                options=options,
                outputs=("pdf",),
            )[2]["pdf"]
            for kind, year, options in parts
        ]
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("approvals:memo_detail", code=code, pk=pk)
    response = HttpResponse(htmls_to_pdf(htmls), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="memo-{memo.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def chain_templates(request, code: str):
    organisation = organisation_for(request.user, code, Action.MANAGE)
    # A new chain becomes the default only when the organisation has none yet: adding one
    # must not silently change the chain every memo goes up.
    has_chain = ChainTemplate.objects.filter(organisation=organisation).exists()
    initial = {"is_default": not has_chain, "name": "" if has_chain else "ลำดับการเสนอหลัก"}
    editing = None
    if (edit_pk := parse_id(request.GET.get("edit"))) is not None:
        # "แก้ไข" fills the form with the chain as it is; saving under its name replaces it.
        editing = (
            ChainTemplate.objects.filter(organisation=organisation, pk=edit_pk)
            .prefetch_related("steps")
            .first()
        )
    if editing is not None:
        initial = {
            "name": editing.name,
            "is_default": editing.is_default,
            "resubmit": editing.resubmit,
        }
        for number, step in enumerate(editing.steps.all(), start=1):
            initial[f"position_{number}"] = step.position_title
            initial[f"user_{number}"] = step.user_id
    form = ChainTemplateForm(
        request.POST if request.method == "POST" else None,
        organisation=organisation,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            memos.chain_template_save(
                organisation=organisation,
                user=request.user,
                name=form.cleaned_data["name"],
                steps=form.steps(),
                is_default=form.cleaned_data["is_default"],
                resubmit=form.cleaned_data["resubmit"],
                template=editing,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "บันทึกลำดับการเสนอแล้ว")
            return redirect("approvals:chain_templates", code=code)
    templates = ChainTemplate.objects.filter(organisation=organisation).prefetch_related(
        "steps__user"
    )
    return render(
        request,
        "approvals/chain_templates.html",
        {"organisation": organisation, "form": form, "templates": templates, "editing": editing},
    )


@login_required
@require_POST
def chain_template_delete(request, code: str, pk: int):
    organisation = organisation_for(request.user, code, Action.MANAGE)
    template = get_object_or_404(ChainTemplate, pk=pk, organisation=organisation)
    memos.chain_template_delete(template=template, user=request.user)
    messages.success(request, f"ลบลำดับการเสนอ “{template.name}” แล้ว บันทึกที่เสนอไปแล้วยังคงลำดับเดิม")
    return redirect("approvals:chain_templates", code=code)


@login_required
def delegations(request, code: str):
    """The organisation's delegations (รักษาราชการแทน / ปฏิบัติราชการแทน) and a form to add one."""
    organisation = organisation_for(request.user, code, Action.MANAGE)
    form = DelegationForm(
        request.POST if request.method == "POST" else None, organisation=organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            memos.delegation_create(
                organisation=organisation, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "บันทึกการมอบหมายให้ปฏิบัติหน้าที่แทนแล้ว")
            return redirect("approvals:delegations", code=code)
    page = Paginator(selectors.delegations_of(organisation), MEMOS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "approvals/delegations.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def delegation_cancel(request, code: str, pk: int):
    organisation = organisation_for(request.user, code, Action.MANAGE)
    delegation = get_object_or_404(Delegation, pk=pk, organisation=organisation)
    try:
        memos.delegation_cancel(delegation=delegation, user=request.user)
    except memos.MemoError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "ยกเลิกการมอบหมายแล้ว")
    return redirect("approvals:delegations", code=code)
