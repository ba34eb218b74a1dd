"""Render and cache the public pages of some organisations, or of all (after a deploy that
emptied the cache, or to time the warm-up: bench/load_public.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from organisations.models import Organisation
from public.warming import chunk_size, warm_enqueue, warm_organisations


class Command(BaseCommand):
    help = "สร้างหน้าสาธารณะของหน่วยงานไว้ในแคชล่วงหน้า (ระบุรหัสหน่วยงาน หรือ --all)"

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="รหัสหน่วยงาน")
        parser.add_argument(
            "--all", dest="everything", action="store_true", help="ทุกหน่วยงานที่เปิดใช้งาน"
        )
        parser.add_argument("--queue", action="store_true", help="ส่งเข้าคิวเป็นชุด ๆ แทนการทำในคำสั่งนี้")

    def handle(self, *args, codes, everything, queue, **options):
        if everything:
            codes = list(
                Organisation.objects.filter(is_active=True)
                .order_by("code")
                .values_list("code", flat=True)
            )
        if not codes:
            raise CommandError("ระบุรหัสหน่วยงาน หรือ --all")
        if queue:
            tasks = warm_enqueue(codes)
            self.stdout.write(f"queued {tasks} tasks for {len(codes)} organisations")
            return
        started = time.monotonic()
        pages = failed = 0
        size = chunk_size()
        for n, start in enumerate(range(0, len(codes), size)):
            warmed = warm_organisations(codes[start : start + size], directory=n == 0)
            pages += warmed.pages
            failed += warmed.failed
        self.stdout.write(
            f"warmed {pages} pages of {len(codes)} organisations in "
            f"{time.monotonic() - started:.2f} s ({failed} failed)"
        )
