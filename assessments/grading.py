"""The grading rule, read from a framework's bands (AA–F up to 2566, five levels from 2567)."""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from .models import GradeBand


def grade_for(
    bands: Iterable[GradeBand], *, total: Decimal, tools: Mapping[str, Decimal] | None = None
) -> GradeBand | None:
    """The first band (in order) whose thresholds the scores reach.

    `tools` are the tool scores rescaled to 0–100; a band with `min_each_tool` needs every
    tool to reach it. Without tool scores such a band cannot be confirmed and is skipped.
    """
    for band in sorted(bands, key=lambda b: b.order):
        if total < band.min_total:
            continue
        if band.min_each_tool is not None and not _all_tools_reach(tools, band.min_each_tool):
            continue
        return band
    return None


def _all_tools_reach(tools: Mapping[str, Decimal] | None, threshold: Decimal) -> bool:
    return bool(tools) and len(tools) == 3 and all(v >= threshold for v in tools.values())


#: The shipped bands' labels, best first (the five levels from 2567, then AA–F up to 2566).
RANKED_LABELS = (
    "ผ่านดีเยี่ยม",
    "ผ่านดี",
    "ผ่าน",
    "ต้องปรับปรุง",
    "ต้องปรับปรุงโดยด่วน",
    "AA",
    "A",
    "B",
    "C",
    "D",
    "E",
    "F",
)


def level_rank(label: str) -> tuple[int, str]:
    """Sorts levels best first: the shipped ones in rank, any other label after them (by name),
    no level ("") last."""
    if not label:
        return (len(RANKED_LABELS) + 1, "")
    if label in RANKED_LABELS:
        return (RANKED_LABELS.index(label), "")
    return (len(RANKED_LABELS), label)
