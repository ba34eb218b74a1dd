"""Freezing documents as publications, publishing a memo's attachments, withdrawing.

A publication is rendered once (HTML and PDF from one gathering of the data), checksummed and
stored; a public URL then serves those bytes forever. Withdrawing keeps the row and its files
(the public URL answers "ถอนการเผยแพร่เมื่อ …").
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from documents.registry import document_render_all
from documents.rendering import DocumentOptions
from ita_portal.public_cache import bump_public_version
from organisations.access import Action, check
from organisations.models import Organisation

from . import registry
from .models import Publication
from .registry import Attachment


class PublicationError(Exception):
    """A refused action, with a Thai message for the user."""


def attachment_validate(*, organisation: Organisation, kind: str, options: dict) -> None:
    """May a memo of `organisation` carry this attachment? Raises ValidationError (Thai)."""
    other = registry.other_kind(kind)
    if other is not None:
        other.validate(organisation, options)
    elif kind not in registry.attachable_names():
        raise ValidationError({"attachments": f"แนบเอกสารประเภท {kind} ไม่ได้"})


def _next_revision(organisation: Organisation, fiscal_year: int, kind: str) -> int:
    last = (
        Publication.objects.filter(organisation=organisation, fiscal_year=fiscal_year, kind=kind)
        .order_by("-revision")
        .values_list("revision", flat=True)
        .first()
    )
    return (last or 0) + 1


def publication_freeze(
    *, memo, kind: str, fiscal_year: int, title: str, options: DocumentOptions, record: list
) -> Publication:
    """Render a document once and store it as the next revision, approved by `memo`."""
    rendered = document_render_all(
        kind=kind, organisation=memo.organisation, fiscal_year=fiscal_year, options=options
    )
    html, pdf = rendered["html"], rendered["pdf"]
    publication = Publication(
        organisation=memo.organisation,
        fiscal_year=fiscal_year,
        kind=kind,
        revision=_next_revision(memo.organisation, fiscal_year, kind),
        title=title,
        memo=memo,
        html_sha256=hashlib.sha256(html.content).hexdigest(),
        pdf_sha256=hashlib.sha256(pdf.content).hexdigest(),
        approval_record=record,
        published_at=timezone.now(),
    )
    publication.html.save(".html", ContentFile(html.content), save=False)
    publication.pdf.save(".pdf", ContentFile(pdf.content), save=False)
    publication.save()
    return publication


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
                )
            )
        bump_public_version()
        return published
    except Exception:
        for publication in published:
            written.extend((publication.html, publication.pdf))
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
    bump_public_version()
    return publication
