"""Admin for organisations, units and memberships (Thai labels throughout)."""

from django.contrib import admin

from .models import Membership, Organisation, OversightScope, Unit

admin.site.site_header = "ITA Portal – ระบบบริหารงานการประเมินคุณธรรมและความโปร่งใส"
admin.site.site_title = "ITA Portal"
admin.site.index_title = "การจัดการระบบ"


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "position_title", "unit", "is_active"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only this organisation's units may be chosen.
        field = formset.form.base_fields.get("unit")
        if field is not None:
            field.queryset = Unit.objects.filter(organisation=obj) if obj else Unit.objects.none()
        return formset


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "type", "district", "province", "is_active"]
    list_filter = ["type", "province", "is_active"]
    search_fields = ["name", "code", "district", "province"]
    inlines = [UnitInline, MembershipInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "phone", "order"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "position_title", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    list_select_related = ["user", "organisation", "unit"]
    autocomplete_fields = ["user", "organisation", "unit"]


@admin.register(OversightScope)
class OversightScopeAdmin(admin.ModelAdmin):
    """Who oversees which province or district (ผู้ดูแลระดับจังหวัด/อำเภอ)."""

    list_display = ["user", "level", "province", "district", "granted_at"]
    list_filter = ["level", "province"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "province",
        "district",
    ]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
