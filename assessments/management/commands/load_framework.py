"""Load the ITA catalogue (fixtures/ita/framework-*.json). Safe to run on every start."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessments.catalogue import CatalogueError, framework_save, load_json_file


class Command(BaseCommand):
    help = "โหลดกรอบการประเมิน ITA จากไฟล์ JSON (ค่าเริ่มต้น: fixtures/ita/)"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="ไฟล์ JSON หรือโฟลเดอร์")
        parser.add_argument(
            "--update",
            action="store_true",
            help="เขียนทับค่าที่ต่างจากไฟล์ (ปกติจะเพิ่มเฉพาะที่ยังไม่มี เพื่อไม่ลบการแก้ไขของผู้ดูแล)",
        )

    def handle(self, *args, paths, update, **options):
        files: list[Path] = []
        for raw in paths or [str(settings.ITA_FRAMEWORK_DIR)]:
            path = Path(raw)
            if path.is_dir():
                files.extend(sorted(path.glob("framework-*.json")))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"ไม่พบไฟล์หรือโฟลเดอร์: {raw}")
        if not files:
            raise CommandError("ไม่พบไฟล์ framework-*.json")
        try:
            parsed = [load_json_file(f) for f in files]
        except CatalogueError as exc:
            raise CommandError(str(exc)) from exc
        from django.db import transaction

        with transaction.atomic():
            for data in parsed:
                framework, stats = framework_save(data=data, update=update)
                if options["verbosity"] >= 1:
                    self.stdout.write(f"{framework}: {stats}")
