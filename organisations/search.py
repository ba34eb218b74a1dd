"""Finding an organisation the way Thai people write its name: "อบต.ขามสมบูรณ์",
"อบต. ขามสมบูรณ์", "องค์การบริหารส่วนตำบลขามสมบูรณ์" and "ขามสมบูรณ์" all find it, whichever form
the register holds."""

from __future__ import annotations

import re

from django.db.models import Q

MAX_QUERY = 100

# The usual abbreviations of local government names, both ways.
ABBREVIATIONS = {
    "อบต.": "องค์การบริหารส่วนตำบล",
    "อบจ.": "องค์การบริหารส่วนจังหวัด",
    "ทต.": "เทศบาลตำบล",
    "ทม.": "เทศบาลเมือง",
    "ทน.": "เทศบาลนคร",
}


def clean_query(raw: str) -> str:
    """The query as searched: no control characters (PostgreSQL refuses NUL), spaces collapsed,
    bounded."""
    text = "".join(ch for ch in raw if ch.isprintable() or ch == " ")
    return " ".join(text.split())[:MAX_QUERY]


def name_variants(query: str) -> set[str]:
    """The query with each abbreviation written out and each full form abbreviated."""
    variants = {query}
    for short, full in ABBREVIATIONS.items():
        bare = short.rstrip(".")
        # "อบต.ขาม", "อบต. ขาม", "อบต ขาม" → "องค์การบริหารส่วนตำบลขาม" and "อบต.ขาม"
        pattern = re.compile(rf"(?<![ก-๛]){re.escape(bare)}\.?\s*")
        for text in list(variants):
            if pattern.search(text):
                variants.add(pattern.sub(full, text))
                variants.add(pattern.sub(short, text))
            if full in text:
                joined = re.sub(rf"{full}\s+", full, text)
                variants.update(
                    {joined, joined.replace(full, short), text.replace(full, f"{short} ")}
                )
    return {v.strip() for v in variants if v.strip()}


THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def _anywhere(text: str) -> Q:
    match = Q(province__icontains=text) | Q(district__icontains=text)
    for variant in name_variants(text):
        match |= Q(name__icontains=variant)
    return match


#: the most words of one query that are matched one by one
MAX_WORDS = 6


def organisation_search(query: str) -> Q:
    """Matches an organisation by name (any form), code (in Thai digits too), province or
    district. Thai writes no spaces between words, yet people type them ("ขาม สมบูรณ์",
    "ด่านขุนทด อบต."): a query of several words also finds what holds every word, each in the
    name, the district or the province."""
    match = Q(code__iexact=query) | Q(code__iexact=query.translate(THAI_DIGITS)) | _anywhere(query)
    words = query.split()
    if 1 < len(words) <= MAX_WORDS:
        every = Q()
        for word in words:
            every &= _anywhere(word)
        match |= every
    return match
