"""Scores computed from items with the framework's rules, next to the official figures.

Official figures (as imported) always win for display and grading; computed values are a
cross-check. A difference beyond rounding is flagged, never hidden:
- indicator = mean of its items' scores;
- tool = mean of its indicators (IIT 1–5, EIT 6–8, OIT 9–10);
- total = Σ tool × weight / 100.
Each step uses the official figure of the level below when there is one (so the total is checked
against the official tools), and the items otherwise.

The exception is a stale official figure (`Score.stale`: a later import changed its items without
giving it again): it is still shown, marked, but the computed figure is used above it and for the
grade, and the pages say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .grading import grade_for
from .models import TOOL_INDICATORS, Assessment, GradeBand, ScoreKind, Tool

#: Two-decimal figures computed from two-decimal figures may differ by one unit in the last place.
ROUNDING_TOLERANCE = Decimal("0.01")
TWO_PLACES = Decimal("0.01")


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _mean(values: list[Decimal]) -> Decimal | None:
    return _round(sum(values, Decimal(0)) / len(values)) if values else None


@dataclass
class Figure:
    """An official figure (may be None) and the computed one (may be None).

    A stale official figure (a later import changed its items without giving it again) is kept
    and shown, but the computed figure is used when there is one, so nothing is graded silently
    on an out-of-date total."""

    official: Decimal | None
    computed: Decimal | None
    stale: bool = False

    @property
    def value(self) -> Decimal | None:
        if self.stale and self.computed is not None:
            return self.computed
        return self.official if self.official is not None else self.computed

    @property
    def uses_computed(self) -> bool:
        """The value shown is computed although an official figure exists (it is stale)."""
        return self.stale and self.official is not None and self.computed is not None

    @property
    def differs(self) -> bool:
        if self.official is None or self.computed is None or self.stale:
            return False
        return abs(self.official - self.computed) > ROUNDING_TOLERANCE

    @property
    def difference(self) -> Decimal | None:
        if self.official is None or self.computed is None:
            return None
        return self.official - self.computed


@dataclass
class ItemRow:
    code: str
    text: str
    score: Decimal | None


@dataclass
class IndicatorRow:
    number: int
    name: str
    tool: str
    figure: Figure
    items: list[ItemRow] = field(default_factory=list)


@dataclass
class ScoreSheet:
    assessment: Assessment
    indicators: list[IndicatorRow]
    tools: dict[str, Figure]
    total: Figure
    level: GradeBand | None
    items: dict[str, Decimal]

    @property
    def differences(self) -> int:
        return sum(f.differs for f in self.figures())

    @property
    def stale(self) -> int:
        """How many official figures are out of date (see Figure)."""
        return sum(f.stale for f in self.figures())

    def figures(self) -> list[Figure]:
        return [r.figure for r in self.indicators] + list(self.tools.values()) + [self.total]


def score_sheet(assessment: Assessment) -> ScoreSheet:
    """Everything the assessment page and the analysis report show. Needs the assessment with
    `scores`, `framework__indicators__items` and `framework__bands` prefetched (see selectors)."""
    framework = assessment.framework
    given = {s.code: s.score for s in assessment.scores.all()}
    stale = {s.code for s in assessment.scores.all() if s.stale}
    items = {s.code: s.score for s in assessment.scores.all() if s.kind == ScoreKind.ITEM}
    indicators = []
    for indicator in sorted(framework.indicators.all(), key=lambda i: i.number):
        rows = [
            ItemRow(item.code, item.text, items.get(item.code))
            for item in sorted(indicator.items.all(), key=lambda i: (i.order, i.number))
        ]
        computed = _mean([r.score for r in rows if r.score is not None])
        indicators.append(
            IndicatorRow(
                indicator.number,
                indicator.name,
                indicator.tool,
                Figure(
                    given.get(f"ind{indicator.number}"),
                    computed,
                    f"ind{indicator.number}" in stale,
                ),
                rows,
            )
        )
    by_number = {r.number: r for r in indicators}
    tools = {}
    for tool in Tool:
        values = [
            by_number[n].figure.value
            for n in TOOL_INDICATORS[tool]
            if n in by_number and by_number[n].figure.value is not None
        ]
        complete = len(values) == len(TOOL_INDICATORS[tool])
        tools[tool.value] = Figure(
            given.get(tool.value), _mean(values) if complete else None, tool.value in stale
        )
    tool_values = {t: f.value for t, f in tools.items()}
    computed_total = None
    if all(v is not None for v in tool_values.values()):
        computed_total = _round(
            sum(
                (tool_values[t] * framework.weight_for(t) / 100 for t in tool_values),
                Decimal(0),
            )
        )
    total = Figure(given.get("TOTAL"), computed_total, "TOTAL" in stale)
    level = None
    if total.value is not None:
        complete_tools = {t: v for t, v in tool_values.items() if v is not None}
        level = grade_for(framework.bands.all(), total=total.value, tools=complete_tools)
    return ScoreSheet(assessment, indicators, tools, total, level, items)
