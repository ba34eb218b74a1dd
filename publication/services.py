"""Freezing documents as publications, publishing a memo's attachments, withdrawing.

A publication is rendered once (HTML and PDF from one gathering of the data), checksummed and
stored; a public URL then serves those bytes forever. Withdrawing keeps the row and its files
(the public URL answers "ถอนการเผยแพร่เมื่อ …").
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from documents.docx import html_to_docx
from documents.registry import blocked_reason, document_render_all, document_variant, get_kind
from documents.rendering import DocumentOptions
from ita_portal.public_cache import bump_organisations
from ita_portal.thai import dates as thai
from organisations.access import Action, check
from organisations.models import Organisation

from . import registry
from .models import Publication, PublishedFile, PublishedFileKind
from .registry import PUBLIC_PATHS, Attachment

HASH_CHUNK = 1024 * 1024


class EvidenceFreezer:
    """The `evidence_link` of a document being published: each evidence item the document lists
    is frozen once (a file copied and checksummed; a link recorded as it is) and numbered; the
    document links the copy's permanent public path. Files written are listed in `written`, so
    a failed publication removes them."""

    def __init__(self, *, code: str, fiscal_year: int, kind: str, revision: int, written: list):
        self.code, self.fiscal_year, self.kind, self.revision = code, fiscal_year, kind, revision
        self.written = written
        self.files: list[PublishedFile] = []
        self._paths: dict[tuple[str, int], str] = {}

    def __call__(self, evidence, context: str = "") -> str:
        key = (evidence.kind, evidence.pk)
        if key in self._paths:
            return self._paths[key]
        number = len(self.files) + 1
        frozen = PublishedFile(
            number=number,
            title=evidence.title[:255],
            context=context[:500],
            original_name=getattr(evidence, "original_name", "")[:255],
            content_type=getattr(evidence, "content_type", "")[:100],
            size=getattr(evidence, "size", 0) or 0,
        )
        if evidence.kind == PublishedFileKind.LINK:
            frozen.kind, frozen.url, path = PublishedFileKind.LINK, evidence.url, ""
        else:
            frozen.kind = PublishedFileKind.FILE
            digest = hashlib.sha256()
            with evidence.file.open("rb") as source:
                for chunk in iter(lambda: source.read(HASH_CHUNK), b""):
                    digest.update(chunk)
                source.seek(0)
                frozen.file.save(evidence.file.name, source, save=False)
            self.written.append(frozen.file)
            frozen.sha256 = digest.hexdigest()
            path = (
                PUBLIC_PATHS.file(self.code, self.fiscal_year, self.kind, self.revision, number)
                if PUBLIC_PATHS.file
                else ""
            )
        self.files.append(frozen)
        self._paths[key] = path
        return path


class PublicationError(Exception):
    """A refused action, with a Thai message for the user."""


def attachment_validate(
    *, organisation: Organisation, kind: str, options: dict, fiscal_year: int | None = None
) -> None:
    """May a memo of `organisation` carry this attachment? Raises ValidationError (Thai),
    also when the document cannot be made yet for `fiscal_year` (it would only fail to
    publish after every executive had approved it)."""
    other = registry.other_kind(kind)
    if other is not None:
        other.validate(organisation, options)
        return
    if kind not in registry.attachable_names():
        raise ValidationError({"attachments": f"แนบเอกสารประเภท {kind} ไม่ได้"})
    spec = get_kind(kind)
    reason = blocked_reason(spec, organisation, fiscal_year) if fiscal_year else ""
    if reason:
        raise ValidationError({"attachments": f"“{spec.title}” ยังสร้างไม่ได้: {reason}"})


def _next_revision(organisation: Organisation, fiscal_year: int, kind: str) -> int:
    last = (
        Publication.objects.filter(organisation=organisation, fiscal_year=fiscal_year, kind=kind)
        .order_by("-revision")
        .values_list("revision", flat=True)
        .first()
    )
    return (last or 0) + 1


def publication_freeze(
    *,
    memo,
    kind: str,
    fiscal_year: int,
    title: str,
    options: DocumentOptions,
    record: list,
    written: list | None = None,
) -> Publication:
    """Render a document once and store it as the next revision, approved by `memo`, with the
    evidence it lists frozen beside it (files appended to `written` as they are stored)."""
    written = [] if written is None else written
    revision = _next_revision(memo.organisation, fiscal_year, kind)
    freezer = EvidenceFreezer(
        code=memo.organisation.code,
        fiscal_year=fiscal_year,
        kind=kind,
        revision=revision,
        written=written,
    )
    rendered = document_render_all(
        kind=kind,
        organisation=memo.organisation,
        fiscal_year=fiscal_year,
        options=replace(options, evidence_link=freezer),
    )
    html, pdf = rendered["html"], rendered["pdf"]
    variant, variant_label = document_variant(
        kind=kind, organisation=memo.organisation, fiscal_year=fiscal_year, options=options
    )
    publication = Publication(
        organisation=memo.organisation,
        fiscal_year=fiscal_year,
        kind=kind,
        revision=revision,
        variant=variant,
        variant_label=variant_label,
        title=title,
        memo=memo,
        html_sha256=hashlib.sha256(html.content).hexdigest(),
        pdf_sha256=hashlib.sha256(pdf.content).hexdigest(),
        approval_record=record,
        published_at=timezone.now(),
    )
    publication.html.save(".html", ContentFile(html.content), save=False)
    written.append(publication.html)
    publication.pdf.save(".pdf", ContentFile(pdf.content), save=False)
    written.append(publication.pdf)
    _write_docx(publication, html.content)
    written.append(publication.docx)
    publication.save()
    for frozen in freezer.files:
        frozen.publication = publication
    PublishedFile.objects.bulk_create(freezer.files)
    return publication


def _write_docx(publication: Publication, html: bytes) -> None:
    """The revision as a Word file, from its frozen HTML, marked as a copy of the approved one."""
    spec = get_kind(publication.kind)
    approved = f" ตามบันทึกข้อความ ที่ {publication.memo.number}" if publication.memo.number else ""
    note = (
        f"สำเนาเอกสารที่ได้รับอนุมัติให้เผยแพร่{approved} ฉบับที่ {publication.revision} "
        f"เผยแพร่เมื่อ {thai.format_date(publication.published_at)} "
        "ต้นฉบับที่อนุมัติคือไฟล์ PDF บนหน้าสาธารณะของหน่วยงาน"
    )
    content = html_to_docx(html.decode("utf-8"), page=spec.page, title=publication.title, note=note)
    publication.docx_sha256 = hashlib.sha256(content).hexdigest()
    publication.docx.save(".docx", ContentFile(content), save=False)


def publication_docx(publication: Publication) -> Publication:
    """The revision's Word file, written once: at publication, or on first request for a revision
    published before Word files existed (from its frozen HTML, so it shows the same document)."""
    if publication.docx:
        return publication
    with transaction.atomic():
        locked = Publication.objects.select_for_update().get(pk=publication.pk)
        if not locked.docx:
            with locked.html.open("rb") as fh:
                _write_docx(locked, fh.read())
            locked.save(update_fields=["docx", "docx_sha256"])
    return Publication.objects.select_related("organisation", "memo").get(pk=publication.pk)


def attachments_publish(
    *, memo, attachments: Sequence[Attachment], record: list
) -> list[Publication]:
    """Publish each attachment of an approved memo: documents are frozen, other kinds publish
    themselves. If anything fails, every file already written is removed and the error is
    re-raised (the caller's transaction then removes the rows): never a publication without its
    files."""
    published: list[Publication] = []
    written: list = []  # files other kinds wrote
    try:
        for attachment in attachments:
            other = registry.other_kind(attachment.kind)
            if other is not None:
                other.publish(memo=memo, options=attachment.options, written=written)
                continue
            published.append(
                publication_freeze(
                    memo=memo,
                    kind=attachment.kind,
                    fiscal_year=attachment.fiscal_year,
                    title=attachment.title,
                    options=DocumentOptions.from_dict(attachment.options),
                    record=record,
                    written=written,
                )
            )
        # Only this organisation's pages and the directory; its pages are rendered again on the
        # queue once this commits (public.tasks.warm_public_pages).
        bump_organisations([memo.organisation.code])
        return published
    except Exception:
        for field in written:
            if field.name:
                field.storage.delete(field.name)
        raise


@transaction.atomic
def publication_withdraw(*, publication: Publication, user, reason: str) -> Publication:
    check(user, publication.organisation, Action.MANAGE, "การถอนการเผยแพร่ต้องทำโดยผู้ดูแลหน่วยงาน")
    if not reason.strip():
        raise ValidationError({"reason": "กรุณาระบุเหตุผลที่ถอนการเผยแพร่"})
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if publication.withdrawn_at:
        raise PublicationError("เอกสารนี้ถูกถอนการเผยแพร่ไปแล้ว")
    publication.withdrawn_at = timezone.now()
    publication.withdrawn_by = user
    publication.withdraw_reason = reason.strip()
    publication.save()
    bump_organisations([publication.organisation.code])
    return publication
