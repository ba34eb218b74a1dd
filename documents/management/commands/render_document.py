"""Render any document from the command line (also the way to re-render in bulk)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents.registry import KINDS, DocumentError, document_render, get_kind
from documents.rendering import DocumentOptions
from ita_portal.thai import dates as thai
from measures.models import ReportingRound
from organisations.models import Organisation


class Command(BaseCommand):
    help = "สร้างเอกสารเป็น PDF, Word (.docx) หรือ HTML"

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind", required=True, help=f"ประเภทเอกสาร: {', '.join(sorted(KINDS))}"
        )
        parser.add_argument("--org", help="รหัสหน่วยงาน")
        parser.add_argument("--year", type=int, help="ปีงบประมาณ (พ.ศ.) เช่น 2568")
        parser.add_argument("--format", choices=["pdf", "docx", "html"], default="pdf")
        parser.add_argument("--output", required=True, help="ไฟล์ที่จะเขียน")
        parser.add_argument("--thai-digits", action="store_true", help="ใช้เลขไทยในเอกสาร")
        parser.add_argument("--round", help="ชื่อรอบการรายงาน เช่น “รอบ 6 เดือน” (ค่าเริ่มต้น: ทั้งปี)")
        parser.add_argument("--memo", type=int, help="เลขที่ (id) ของบันทึกข้อความ สำหรับ --kind memo")
        parser.add_argument("--preface", default="", help="คำนำ (รายงานผลการดำเนินการ)")
        parser.add_argument("--introduction", default="", help="ย่อหน้านำ (รายงานผลการดำเนินการ)")
        parser.add_argument(
            "--oit-paragraph", default="", help="ย่อหน้าผลคะแนน OIT (รายงานความก้าวหน้า)"
        )
        parser.add_argument(
            "--show-metadata",
            action="store_true",
            help="แสดงสถานะ วันที่รายงาน และที่อยู่ลิงก์ในตาราง",
        )
        results = get_kind("measure-results")
        parser.add_argument(
            "--layout",
            choices=results.layouts,
            default=results.default_layout,
            help=f"รูปแบบตารางรายงานผล ({', '.join(results.layouts)})",
        )

    def handle(
        self,
        *args,
        kind,
        org,
        year,
        format,
        output,
        thai_digits,
        round,
        layout,
        memo,
        preface,
        introduction,
        oit_paragraph,
        show_metadata,
        **options,
    ):
        organisation = None
        if org:
            organisation = Organisation.objects.filter(code=org).first()
            if organisation is None:
                raise CommandError(f"ไม่พบหน่วยงานรหัส {org}")
        if year is not None and not thai.is_fiscal_year(year):
            raise CommandError(f"ปีงบประมาณต้องเป็นปี พ.ศ. (ได้รับ {year})")
        round_id = None
        if round:
            found = ReportingRound.objects.filter(
                organisation=organisation, fiscal_year__year=year, name=round
            ).first()
            if found is None:
                raise CommandError(f"ไม่พบรอบการรายงาน “{round}” ของหน่วยงานนี้ในปี {year}")
            round_id = found.pk
        try:
            document = document_render(
                kind=kind,
                organisation=organisation,
                fiscal_year=year,
                output=format,
                options=DocumentOptions(
                    thai_digits=thai_digits,
                    round_id=round_id,
                    layout=layout,
                    memo_id=memo,
                    preface=preface,
                    introduction=introduction,
                    oit_paragraph=oit_paragraph,
                    show_metadata=show_metadata,
                ),
            )
        except DocumentError as exc:
            raise CommandError(str(exc)) from exc
        Path(output).write_bytes(document.content)
        self.stdout.write(f"เขียน {document.title} ({len(document.content):,} ไบต์) ไปที่ {output}")
