"""Type sizes for official documents, in one place.

Thai government documents are set in "TH SarabunPSK 16 pt". Google Sarabun draws the same text
about 1.5× larger per point, so the same look is Sarabun at about 11 pt. Every size in every
document is written in TH SarabunPSK points (what the regulation and the seeds use) and
converted here.
"""

from decimal import ROUND_HALF_UP, Decimal

#: Sarabun points per TH SarabunPSK point: 16 pt TH SarabunPSK ≈ 11 pt Sarabun.
SARABUN_PER_TH_SARABUN_PSK = Decimal(11) / Decimal(16)


def sarabun_pt(th_sarabun_psk_pt: int | float | Decimal) -> Decimal:
    """Sarabun size that looks like `th_sarabun_psk_pt` in TH SarabunPSK."""
    value = Decimal(str(th_sarabun_psk_pt)) * SARABUN_PER_TH_SARABUN_PSK
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


#: Sizes of the official look, in Sarabun points (the names say what they are for).
OFFICIAL_SIZES = {
    "body": sarabun_pt(16),  # body text (TH SarabunPSK 16)
    "small": sarabun_pt(14),  # table cells, notes, running header/footer
    "heading": sarabun_pt(18),  # section headings
    "title": sarabun_pt(20),  # document titles; memo header labels (ส่วนราชการ … 20 pt bold)
    "memo_title": sarabun_pt(29),  # "บันทึกข้อความ" (29 pt bold)
}
