"""Let a user oversee a province, a district or the whole country (ผู้กำกับดูแล)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from organisations.services import oversight_scope_grant


class Command(BaseCommand):
    help = (
        "ให้ผู้ใช้กำกับดูแลหน่วยงานของจังหวัด อำเภอ หรือทั้งประเทศ "
        "เช่น grant_oversight somchai --province นครราชสีมา [--district คง] หรือ --national"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--province", default="")
        parser.add_argument("--district", default="")
        parser.add_argument("--national", action="store_true")

    def handle(self, *args, username, province, district, national, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"ไม่พบผู้ใช้ “{username}”")
        level = "national" if national else ("district" if district else "province")
        try:
            scope = oversight_scope_grant(
                user=user, level=level, province=province, district=district
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{username} กำกับดูแล{scope.label}แล้ว")
