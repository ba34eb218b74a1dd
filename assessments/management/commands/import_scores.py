"""Import ITA scores from the command line: the same service as the upload page."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.imports import ScoreImportFailed, scores_import


class Command(BaseCommand):
    # The system checks import every URL and view and check every model and template setting:
    # work this command never uses (0.4–1 s of its start-up). `manage.py check`, migrate and
    # runserver still run them.
    requires_system_checks = []
    help = "นำเข้าคะแนน ITA จากไฟล์ .xlsx/.xls/.ods (ตรวจทุกแถวก่อน แล้วบันทึกทั้งหมดหรือไม่บันทึกเลย)"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="ตรวจสอบและแสดงผลโดยไม่บันทึก")
        parser.add_argument(
            "--create-orgs", action="store_true", help="สร้างหน่วยงานที่ยังไม่มี (ต้องมีคอลัมน์ org_name)"
        )

    def handle(self, *args, file, dry_run, create_orgs, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"ไม่พบไฟล์: {file}")
        last = {"phase": None}

        def progress(phase, done, total):
            if phase != last["phase"]:
                last["phase"] = phase
                self.stdout.write(f"… {phase}")

        try:
            result = scores_import(
                content=path.read_bytes(),
                file_name=path.name,
                dry_run=dry_run,
                create_organisations=create_orgs,
                progress=progress,
            )
        except ScoreImportFailed as exc:
            for error in exc.errors[:200]:
                self.stderr.write(f"  {error}")
            if exc.total > 200:
                self.stderr.write(f"  … และอีก {exc.total - 200:,} รายการ")
            raise CommandError(
                f"พบข้อผิดพลาด {exc.total:,} รายการ (รายการข้างต้น) ไม่ได้บันทึกข้อมูลใด ๆ"
            ) from exc
        prefix = "ตรวจสอบแล้ว (ยังไม่บันทึก): " if dry_run else "บันทึกแล้ว: "
        self.stdout.write(
            self.style.SUCCESS(prefix + result.summary() + f" ใน {result.seconds:.1f} วินาที")
        )
