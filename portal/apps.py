from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "พอร์ทัล"

    def ready(self):
        from ita_portal import admin_thai

        admin_thai.install()
