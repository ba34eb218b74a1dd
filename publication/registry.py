"""What a memo may ask to publish: every attachable document kind, plus kinds apps register.

Document kinds come from the documents registry (`DocumentKind.attachable`) and are frozen as a
`Publication`. An app above can register another kind of attachment at start-up, with how to
check it and how to publish it: `oit` registers its evidence files (`oit-file`) this way, so the
sign-off chain publishes them without knowing about OIT.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from documents.registry import attachable_kinds


@dataclass(frozen=True)
class Attachment:
    """One thing a memo asks to publish: a kind, a year, its options and its title."""

    kind: str
    fiscal_year: int
    options: dict
    title: str


@dataclass(frozen=True)
class AttachmentKind:
    """An attachment that is not a portal document.

    `validate(organisation, options)` raises ValidationError (Thai) when the memo may not carry it;
    `publish(memo=, options=, written=)` makes it public and appends every file it wrote to
    `written` (removed again if the publication as a whole fails).
    """

    name: str
    validate: Callable[[Any, dict], None]
    publish: Callable[..., Any]


KINDS: dict[str, AttachmentKind] = {}


def register(kind: AttachmentKind) -> AttachmentKind:
    KINDS[kind.name] = kind
    return kind


def other_kind(name: str) -> AttachmentKind | None:
    """The registered non-document kind of that name, if any."""
    return KINDS.get(name)


def attachable_names() -> set[str]:
    return {k.name for k in attachable_kinds()} | set(KINDS)


@dataclass
class PublicPaths:
    """Paths of the public site that publication needs before it can reverse them itself (the
    `public` app, above this one, fills them in `ready()`).

    `file(code, year, kind, revision, number)` is the permanent path of a file frozen with a
    publication.
    """

    file: Callable[[str, int, str, int, int], str] | None = None


PUBLIC_PATHS = PublicPaths()
