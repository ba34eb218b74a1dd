"""Send the reminders due on a date, as the daily job does (each once; a re-run sends nothing).

python manage.py send_reminders                  # today
python manage.py send_reminders --date 2027-03-17
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notify.models import Event
from portal.reminders import reminders_send


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"วันที่ไม่ถูกต้อง: {value!r} (ใช้รูปแบบ YYYY-MM-DD ค.ศ.)") from exc


class Command(BaseCommand):
    help = "ส่งการแจ้งเตือนประจำวัน (ครั้งเดียวต่อเรื่อง: รันซ้ำไม่ส่งซ้ำ)"

    def add_arguments(self, parser):
        parser.add_argument("--date", type=_date, help="วันที่ (YYYY-MM-DD) ค่าเริ่มต้น: วันนี้")

    def handle(self, *args, **options):
        today = options["date"] or timezone.localdate()
        sent = reminders_send(today=today)
        labels = dict(Event.choices)
        self.stdout.write(f"การแจ้งเตือนวันที่ {today.isoformat()}: ส่งใหม่ {sum(sent.values())} รายการ")
        for event, count in sorted(sent.items()):
            if count:
                self.stdout.write(f"  {labels.get(event, event)}: {count}")
