"""Load the local demo (idempotent). Refuses to run with DEBUG off unless --force.

It lives in `portal`, the top app, because the demo spans every app: the organisation and its
users, its measures and progress, scores, a memo through the chain, an OIT board.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from approvals.demo import load_memos_demo, load_planning_year_memos
from assessments.demo import (
    ensure_planning_framework,
    load_neighbour_scores_demo,
    load_scores_demo,
    load_survey_demo,
)
from measures.demo import load_measures_demo, load_planning_year_demo
from notify.demo import load_line_demo
from oit.demo import load_oit_demo
from organisations.demo import load_demo
from organisations.models import Organisation, Role
from oversight.services import agency_statuses_refresh, status_years


class Command(BaseCommand):
    help = "โหลดข้อมูลตัวอย่างสำหรับทดลองใช้ในเครื่อง (อบต. 1 แห่ง ผู้ใช้ทุกบทบาท มาตรการและผลการดำเนินการ)"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="ยอมให้รันแม้ DEBUG ปิดอยู่")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("ข้อมูลตัวอย่างใช้สำหรับเครื่องนักพัฒนาเท่านั้น (ใช้ --force หากแน่ใจ)")
        with transaction.atomic():
            users = load_demo()
            # Before the memos: their notices reach the linked LINE account too (when LINE is on).
            line_summary = load_line_demo()
            summary = load_measures_demo()
            scores_summary = load_scores_demo()
            memo_summary = load_memos_demo()
            # This year, relative to today: a provisional framework if none is published,
            # measures planned from the latest analysis, memos waiting and returned.
            framework_summary = ensure_planning_framework()
            oit_summary = load_oit_demo()
            planning_summary = load_planning_year_demo()
            planning_memos = load_planning_year_memos()
            survey_summary = load_survey_demo()
            neighbours = load_neighbour_scores_demo()
        # The oversight dashboard's rows, now (the queue keeps them current from here on).
        statuses = agency_statuses_refresh(
            organisation_ids=Organisation.objects.values_list("pk", flat=True),
            years=status_years(),
        )
        if options["verbosity"] >= 1:
            for line in (summary, scores_summary, memo_summary, oit_summary):
                if line:
                    self.stdout.write(line)
            for line in (
                framework_summary,
                planning_summary,
                planning_memos,
                survey_summary,
                neighbours,
                line_summary,
            ):
                if line:
                    self.stdout.write(line)
            self.stdout.write(f"สถานะสำหรับแดชบอร์ดติดตามหน่วยงาน: {statuses} แถว")
        # The logins, last (and even with -v0): what a newcomer needs from the output.
        self.stdout.write(self.style.SUCCESS("ผู้ใช้สำหรับทดลอง (ใช้ในเครื่องนี้เท่านั้น):"))
        for spec, password in users:
            role = Role(spec.role).label if spec.role else ""
            if spec.province_scope:
                role = f"ผู้กำกับดูแลจังหวัด{spec.province_scope}"
            self.stdout.write(
                f"  {spec.username:<10} รหัสผ่าน {password:<16} {spec.position}"
                + (f" · บทบาท: {role}" if role else "")
            )
