from django.core.management.base import BaseCommand

from organisations.models import Organisation
from oversight import services


class Command(BaseCommand):
    help = "ปรับปรุงสถานะของหน่วยงาน (แดชบอร์ดการกำกับดูแล) ของปีงบประมาณนี้และปีก่อน"

    def add_arguments(self, parser):
        parser.add_argument("--code", action="append", default=[], help="เฉพาะรหัสหน่วยงานนี้")
        parser.add_argument(
            "--year", type=int, action="append", default=[], help="ปีงบประมาณ (พ.ศ.)"
        )

    def handle(self, *args, code, year, **options):
        organisations = Organisation.objects.filter(is_active=True)
        if code:
            organisations = organisations.filter(code__in=code)
        ids = list(organisations.values_list("pk", flat=True))
        written = services.agency_statuses_refresh(
            organisation_ids=ids, years=year or services.status_years()
        )
        self.stdout.write(f"ปรับปรุงแล้ว {written} แถว ({len(ids)} หน่วยงาน)")
