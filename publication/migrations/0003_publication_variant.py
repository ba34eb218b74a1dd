"""Each round's report has its own latest URL: record which round a publication is.

Existing revisions take it from the memo attachment that published them (its round option).
"""

from django.db import migrations, models

from ita_portal.thai import dates as thai

ROUND_KINDS = ("measure-results", "progress")


def _round_key(fiscal_year: int, start, end) -> str:
    # A copy of measures.models.round_key as it was when this migration was written.
    first = thai.fiscal_year_start(fiscal_year)

    def month(d) -> int:
        return (d.year - first.year) * 12 + d.month - first.month + 1

    start_month, end_month = month(start), month(end)
    return f"round-{end_month}" if start_month == 1 else f"round-{start_month}-{end_month}"


def backfill(apps, schema_editor):
    Publication = apps.get_model("publication", "Publication")
    MemoAttachment = apps.get_model("approvals", "MemoAttachment")
    ReportingRound = apps.get_model("measures", "ReportingRound")
    for publication in Publication.objects.filter(kind__in=ROUND_KINDS).iterator():
        attachment = MemoAttachment.objects.filter(
            memo_id=publication.memo_id, kind=publication.kind, fiscal_year=publication.fiscal_year
        ).first()
        round_id = (attachment.options or {}).get("round_id") if attachment else None
        found = (
            ReportingRound.objects.filter(pk=round_id).select_related("fiscal_year").first()
            if round_id
            else None
        )
        if found is None:
            continue
        publication.variant = _round_key(found.fiscal_year.year, found.start_date, found.end_date)
        publication.variant_label = found.name[:100]
        publication.save(update_fields=["variant", "variant_label"])


class Migration(migrations.Migration):
    dependencies = [
        ("publication", "0002_published_files"),
        ("approvals", "0003_delegation_resubmit"),
        ("measures", "0002_measure_unlinked_items"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="variant",
            field=models.CharField(
                blank=True, default="", max_length=20, verbose_name="รอบ/ฉบับย่อย"
            ),
        ),
        migrations.AddField(
            model_name="publication",
            name="variant_label",
            field=models.CharField(
                blank=True, default="", max_length=100, verbose_name="ชื่อรอบ"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
