"""Make a user a central admin (ผู้ดูแลส่วนกลาง): the group with its admin permissions."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from organisations.roles import CENTRAL_ADMIN_GROUP, central_admin_grant


class Command(BaseCommand):
    help = "ให้ผู้ใช้เป็นผู้ดูแลส่วนกลาง (นำเข้าคะแนน ดูแลกรอบการประเมินและหน่วยงานในหน้าผู้ดูแลระบบ)"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"ไม่พบผู้ใช้ “{username}”")
        central_admin_grant(user)
        self.stdout.write(f"{username} เป็น{CENTRAL_ADMIN_GROUP}แล้ว")
