"""Load the local demo (idempotent). Refuses to run with DEBUG off unless --force."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from organisations.demo import load_demo


class Command(BaseCommand):
    help = "โหลดข้อมูลตัวอย่างสำหรับทดลองใช้ในเครื่อง (อบต. 1 แห่ง และผู้ใช้ทุกบทบาท)"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="ยอมให้รันแม้ DEBUG ปิดอยู่")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("ข้อมูลตัวอย่างใช้สำหรับเครื่องนักพัฒนาเท่านั้น (ใช้ --force หากแน่ใจ)")
        users = load_demo()
        self.stdout.write(self.style.SUCCESS("โหลดข้อมูลตัวอย่างแล้ว ผู้ใช้สำหรับทดลอง (ใช้ในเครื่องนี้เท่านั้น):"))
        for spec, password in users:
            role = spec.position
            self.stdout.write(f"  {spec.username:<10} รหัสผ่าน {password:<16} {role}")
