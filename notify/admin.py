"""The delivery log and LINE links in the Django admin: read-only (a link may be removed)."""

from django.contrib import admin

from .models import Delivery, LineLink


class ReadOnlyAdmin(admin.ModelAdmin):
    # The person as a name, not as a link to the user admin (central admins may not open it).
    readonly_fields = ["person"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="ผู้ใช้")
    def person(self, obj) -> str:
        return obj.user.get_full_name() or obj.user.get_username()


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "user",
        "event",
        "channel",
        "status",
        "attempts",
        "organisation_name",
    ]
    list_filter = ["status", "channel", "event"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation_name"]
    list_select_related = ["user"]
    exclude = ["retry_key", "dedupe_key", "user"]  # internal keys, and the user as `person`
    date_hierarchy = "created_at"

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LineLink)
class LineLinkAdmin(ReadOnlyAdmin):
    list_display = ["user", "linked_at"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    # The LINE user id is a personal identifier: not shown; a support admin may delete a link.
    exclude = ["line_user_id", "user"]
