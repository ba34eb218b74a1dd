"""`make run`'s web server: Django's development server (static files included) that says where it
serves, in Thai, and nothing else (no English banner, no reloader)."""

from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand


class Command(RunserverCommand):
    help = "เปิดเว็บทดลองของ ITA Portal (สำหรับ make run เท่านั้น ไม่ใช่การใช้งานจริง)"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # The demo needs neither the reloader (it doubles the output) nor a second check run
        # (migrate has just run the checks).
        parser.set_defaults(use_reloader=False, skip_checks=True)

    def on_bind(self, server_port):
        address = f"[{self.addr}]" if self._raw_ipv6 else self.addr
        if address == "0":
            address = "0.0.0.0"
        self.stdout.write(
            f"ITA Portal พร้อมใช้งานที่ {self.protocol}://{address}:{server_port}/ "
            "(เครื่องทดลอง ไม่ใช่การใช้งานจริง · กด Ctrl+C เพื่อหยุด)"
        )
