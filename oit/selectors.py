"""OIT readiness, read: each OIT item of the year, its evidence, its criteria, where it is public.

An item's evidence is any mix of a portal document (published by its own memo), an uploaded file
(published by a memo, then frozen as a copy) and a URL on the agency's own website. The board
(`oit_board`) derives every item's state from the evidence in a constant number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch, TextChoices
from django.urls import reverse
from django.utils import timezone

from approvals.models import MemoAttachment, MemoStatus
from assessments.lineage import ancestors_by_year
from assessments.models import Assessment, Framework, Item, ItemCriterion, Score, ScoreKind, Tool
from assessments.selectors import framework_for_organisation
from organisations.models import Organisation, Unit
from publication.models import Publication

from .models import EvidenceKind, LinkStatus, OitCriterionCheck, OitEntry, OitEvidence


class ItemState(TextChoices):
    MISSING = "missing", "ยังไม่มีหลักฐาน"
    DRAFT = "draft", "ร่าง (ยังไม่เสนอ)"
    AWAITING = "awaiting", "รออนุมัติ"
    PUBLISHED = "published", "เผยแพร่แล้ว"


STATE_ORDER = [ItemState.MISSING, ItemState.DRAFT, ItemState.AWAITING, ItemState.PUBLISHED]


def oit_framework(organisation: Organisation, year: int) -> Framework | None:
    return framework_for_organisation(organisation, year)


def oit_items(framework: Framework) -> list[Item]:
    """The framework's OIT items in order, each with its criteria."""
    return list(
        framework.items.filter(tool=Tool.OIT, is_retired=False)
        .prefetch_related(Prefetch("criteria", queryset=ItemCriterion.objects.order_by("order")))
        .order_by("order", "code")
    )


def oit_item(framework: Framework, code: str) -> Item | None:
    return next((i for i in oit_items(framework) if i.code == code.lower()), None)


@dataclass
class EvidenceView:
    evidence: OitEvidence
    state: str
    public_path: str = ""  # a path on this site, or the external URL itself
    external: bool = False
    problem: str = ""  # a broken link, an unpublished portal document...

    @property
    def state_label(self) -> str:
        return ItemState(self.state).label


@dataclass
class BoardRow:
    item: Item
    entry: OitEntry | None
    evidence: list[EvidenceView] = field(default_factory=list)
    criteria_total: int = 0
    criteria_met: int = 0
    checks: dict[int, OitCriterionCheck] = field(default_factory=dict)
    score: Decimal | None = None
    last_year_score: Decimal | None = None
    last_year_code: str = ""

    @property
    def state(self) -> str:
        states = {e.state for e in self.evidence}
        for state in reversed(STATE_ORDER):
            if state in states:
                return state
        return ItemState.MISSING

    @property
    def state_label(self) -> str:
        return ItemState(self.state).label

    @property
    def public(self) -> list[EvidenceView]:
        return [e for e in self.evidence if e.state == ItemState.PUBLISHED]

    @property
    def problems(self) -> list[EvidenceView]:
        return [e for e in self.evidence if e.problem]

    @property
    def pending(self) -> list[EvidenceView]:
        """Evidence that can go into a memo now (draft files and unpublished portal documents)."""
        return [
            e
            for e in self.evidence
            if e.state == ItemState.DRAFT and e.evidence.kind != EvidenceKind.URL
        ]

    @property
    def below_full_score(self) -> bool:
        return self.score is not None and self.score < 100

    @property
    def unit(self) -> Unit | None:
        return self.entry.responsible_unit if self.entry else None


@dataclass
class Board:
    organisation: Organisation
    year: int
    framework: Framework | None
    rows: list[BoardRow]
    has_scores: bool = False
    last_year: int | None = None

    def count(self, state: str) -> int:
        return sum(1 for r in self.rows if r.state == state)

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        return [(s.value, s.label, self.count(s)) for s in reversed(STATE_ORDER)]

    @property
    def pending(self) -> int:
        """Evidence waiting to be sent for approval, on any item (an item's state is its best
        evidence, so a draft file beside a published link is counted only here)."""
        return sum(len(r.pending) for r in self.rows)

    @property
    def published_share(self) -> int:
        return round(100 * self.count(ItemState.PUBLISHED) / len(self.rows)) if self.rows else 0

    @property
    def broken(self) -> int:
        return sum(len(r.problems) for r in self.rows)

    @property
    def deadline(self) -> date | None:
        return self.framework.oit_deadline if self.framework else None

    @property
    def days_left(self) -> int | None:
        if self.deadline is None:
            return None
        return (self.deadline - timezone.localdate()).days

    @property
    def days_overdue(self) -> int:
        return max(0, -(self.days_left or 0))


def public_item_path(organisation: Organisation, year: int, item: Item) -> str:
    return reverse("public:oit_item", args=[organisation.code, year, item.code])


def _evidence_view(
    evidence: OitEvidence,
    organisation: Organisation,
    year: int,
    item: Item,
    live_documents: set[tuple[int, str]],
    awaiting_documents: set[tuple[int, str]],
) -> EvidenceView:
    if evidence.kind == EvidenceKind.URL:
        view = EvidenceView(evidence, ItemState.PUBLISHED, evidence.url, external=True)
        if evidence.link_status == LinkStatus.BROKEN:
            view.problem = evidence.link_message or "ลิงก์ใช้งานไม่ได้"
        return view
    if evidence.kind == EvidenceKind.DOCUMENT:
        key = (evidence.document_year, evidence.document_kind)
        if key in live_documents:
            path = reverse(
                "public:document",
                kwargs={
                    "code": organisation.code,
                    "year": evidence.document_year,
                    "kind": evidence.document_kind,
                },
            )
            return EvidenceView(evidence, ItemState.PUBLISHED, path)
        if key in awaiting_documents:
            return EvidenceView(evidence, ItemState.AWAITING)
        view = EvidenceView(evidence, ItemState.DRAFT)
        if evidence.link_checked_at:  # the checker found the listed document not published
            view.problem = evidence.link_message
        return view
    if evidence.published_at and not evidence.withdrawn_at:
        path = reverse("public:oit_file", args=[organisation.code, year, item.code, evidence.pk])
        return EvidenceView(evidence, ItemState.PUBLISHED, path)
    if evidence.memo_id and evidence.memo.status == MemoStatus.IN_REVIEW:
        return EvidenceView(evidence, ItemState.AWAITING)
    return EvidenceView(evidence, ItemState.DRAFT)


def _document_states(organisation: Organisation) -> tuple[set, set]:
    live = set(
        Publication.objects.live()
        .filter(organisation=organisation)
        .values_list("fiscal_year", "kind")
        .distinct()
    )
    awaiting = set(
        MemoAttachment.objects.filter(
            memo__organisation=organisation, memo__status=MemoStatus.IN_REVIEW
        ).values_list("fiscal_year", "kind")
    )
    return live, awaiting


def _item_scores(organisation: Organisation, year: int) -> dict[str, Decimal]:
    return dict(
        Score.objects.filter(
            assessment__organisation=organisation,
            assessment__fiscal_year__year=year,
            kind=ScoreKind.ITEM,
            code__startswith="o",
        ).values_list("code", "score")
    )


def _last_year_scores(
    organisation: Organisation, year: int, items: list[Item]
) -> tuple[int | None, dict[int, tuple[str, Decimal]]]:
    """The organisation's latest earlier OIT scores, carried to this year's items through their
    lineage (codes move between years, so a code never decides it): {item id: (codes, score)}.

    An item that continues several (merged) names them all and shows the weakest score. One
    query per year between the two.
    """
    previous = (
        Assessment.objects.filter(organisation=organisation, fiscal_year__year__lt=year)
        .select_related("fiscal_year", "framework")
        .order_by("-fiscal_year__year")
        .first()
    )
    if previous is None:
        return None, {}
    previous_year = previous.fiscal_year.year
    scores = _item_scores(organisation, previous_year)
    ancestors = {
        pk: by_year.get(previous_year, set())
        for pk, by_year in ancestors_by_year(items, [previous_year]).items()
    }
    codes_of = dict(previous.framework.items.filter(tool=Tool.OIT).values_list("pk", "code"))
    carried = {}
    for pk, found in ancestors.items():
        codes = sorted(
            (codes_of[a] for a in found if a in codes_of and codes_of[a] in scores),
            key=lambda c: int(c[1:]),
        )
        if codes:
            carried[pk] = (", ".join(codes), min(scores[c] for c in codes))
    return previous_year, carried


def oit_board(
    organisation: Organisation, year: int, *, unit: Unit | None = None, public: bool = False
) -> Board:
    """Every OIT item of the year with its evidence and state (a constant number of queries).

    With `public`, only what the public may see is kept (drafts and awaiting evidence dropped).
    """
    framework = oit_framework(organisation, year)
    if framework is None:
        return Board(organisation, year, None, [])
    items = oit_items(framework)
    entries = {
        e.item_id: e
        for e in OitEntry.objects.filter(organisation=organisation, fiscal_year=year)
        .select_related("responsible_unit")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=OitEvidence.objects.live()
                .select_related("memo")
                .order_by("created_at", "pk"),
            ),
            "checks",
        )
    }
    live, awaiting = _document_states(organisation)
    scores = {} if public else _item_scores(organisation, year)
    last_year, last_scores = (None, {}) if public else _last_year_scores(organisation, year, items)
    rows = []
    for item in items:
        entry = entries.get(item.pk)
        if unit is not None and (entry is None or entry.responsible_unit_id != unit.pk):
            continue
        row = BoardRow(item=item, entry=entry)
        criteria = list(item.criteria.all())
        row.criteria_total = len(criteria)
        if entry is not None:
            row.evidence = [
                _evidence_view(e, organisation, year, item, live, awaiting)
                for e in entry.evidence.all()
            ]
            row.checks = {c.criterion_id: c for c in entry.checks.all()}
            row.criteria_met = sum(
                1 for c in criteria if row.checks.get(c.pk) and row.checks[c.pk].met
            )
        if public:
            row.evidence = row.public
        row.score = scores.get(item.code)
        previous = last_scores.get(item.pk)
        if previous:
            row.last_year_code, row.last_year_score = previous
        rows.append(row)
    return Board(organisation, year, framework, rows, has_scores=bool(scores), last_year=last_year)


def board_row(organisation: Organisation, year: int, item: Item) -> BoardRow:
    """One item's row of the board (the item page and its actions)."""
    return board_with_row(organisation, year, item)[1]


def board_with_row(organisation: Organisation, year: int, item: Item) -> tuple[Board, BoardRow]:
    """The board (for its year-wide facts, such as the earlier year scored) and one item's row."""
    board = oit_board(organisation, year)
    return board, next(r for r in board.rows if r.item.pk == item.pk)


def in_oit_window(framework: Framework | None, today: date | None = None) -> bool:
    if framework is None or framework.oit_deadline is None:
        return False
    today = today or timezone.localdate()
    opens = framework.oit_opens_on or framework.oit_deadline
    return opens <= today <= framework.oit_deadline


def site_url(path: str) -> str:
    """An absolute address on the public site (SITE_URL), whatever host staff reach us by."""
    return settings.SITE_URL + path


def oit_entry_counts(items) -> dict[int, int]:
    """{item id: organisations that answered it}."""
    rows = OitEntry.objects.filter(item__in=list(items)).values("item_id").annotate(n=Count("pk"))
    return {row["item_id"]: row["n"] for row in rows}


def broken_links_by_organisation() -> list[dict]:
    """[{organisation_id, fiscal_year, n}]: live URL evidence the link checker found broken."""
    return list(
        OitEvidence.objects.live()
        .filter(kind=EvidenceKind.URL, link_status=LinkStatus.BROKEN)
        .values("entry__organisation_id", "entry__fiscal_year")
        .annotate(n=Count("pk"))
        .order_by("entry__organisation_id", "entry__fiscal_year")
    )
