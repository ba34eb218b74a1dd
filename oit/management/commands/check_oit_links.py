"""Check the OIT evidence links now (the same job Celery beat runs nightly)."""

from django.core.management.base import BaseCommand

from oit.tasks import check_links


class Command(BaseCommand):
    help = "ตรวจลิงก์หลักฐาน OIT (ลิงก์ภายนอกและเอกสารของระบบ)"

    def add_arguments(self, parser):
        parser.add_argument("--organisation", type=int, help="รหัส (pk) ของหน่วยงาน")
        parser.add_argument("--year", type=int, help="ปีงบประมาณ (พ.ศ.)")

    def handle(self, *args, organisation=None, year=None, **options):
        summary = check_links(organisation_id=organisation, fiscal_year=year)
        self.stdout.write(str(summary))
