"""Admin for the ITA catalogue: correct, add and retire items; import/export a framework."""

from urllib.parse import quote

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse

from ita_portal.thai.dates import format_date

from .catalogue import CatalogueError, framework_export_xlsx, framework_import_xlsx
from .lineage import framework_roll_forward, lineage_errors
from .models import (
    AnalysisArea,
    AreaAnalysis,
    Assessment,
    FiscalYear,
    Framework,
    GradeBand,
    Indicator,
    Item,
    ItemCriterion,
    Score,
    ScoreImport,
    SurveyDrive,
    SurveySettings,
)
from .services import framework_touch

MAX_FRAMEWORK_UPLOAD = 5 * 1024 * 1024


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ["year", "start_display", "end_display"]
    search_fields = ["year"]

    @admin.display(description="เริ่ม")
    def start_display(self, obj):
        return format_date(obj.start)

    @admin.display(description="สิ้นสุด")
    def end_display(self, obj):
        return format_date(obj.end)


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


class SurveySettingsInline(admin.StackedInline):
    """The year's IIT/EIT links and minimums, edited with its framework."""

    model = SurveySettings
    extra = 0
    max_num = 1
    can_delete = False


class FrameworkImportForm(forms.Form):
    file = forms.FileField(label="ไฟล์กรอบการประเมิน (.xlsx)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FRAMEWORK_UPLOAD:
            raise forms.ValidationError("ไฟล์มีขนาดเกิน 5 MB")
        head = upload.read(4)
        upload.seek(0)
        if head != b"PK\x03\x04":  # .xlsx and .ods are zip containers
            raise forms.ValidationError("ไฟล์ต้องเป็น .xlsx (หรือ .ods) ที่ส่งออกจากระบบ")
        return upload


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "name",
        "is_provisional",
        "grading_kind",
        "weight_iit",
        "weight_eit",
        "weight_oit",
    ]
    list_filter = ["is_provisional", "grading_kind", "fiscal_year"]
    search_fields = ["name", "variant"]
    inlines = [GradeBandInline, IndicatorInline, SurveySettingsInline]
    actions = ["export_xlsx", "roll_forward"]

    @admin.action(description="ยกไปเป็นกรอบชั่วคราว (ยังไม่ประกาศ) ของปีถัดไป")
    def roll_forward(self, request, queryset):
        for source in queryset.select_related("fiscal_year"):
            try:
                framework = framework_roll_forward(source=source, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
                )
            else:
                self.message_user(
                    request, f"สร้าง “{framework.name}” (ยังไม่ประกาศ) แล้ว", messages.SUCCESS
                )

    change_list_template = "admin/assessments/framework/change_list.html"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="assessments_framework_import",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="ส่งออกเป็นไฟล์ Excel (.xlsx)")
    def export_xlsx(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "กรุณาเลือกกรอบการประเมินทีละหนึ่งรายการ", messages.WARNING)
            return None
        framework = queryset.select_related("fiscal_year").get()
        variant = f"-{framework.variant}" if framework.variant else ""
        response = HttpResponse(
            framework_export_xlsx(framework),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"ita-framework-{framework.fiscal_year.year}{variant}.xlsx"
        response["Content-Disposition"] = (
            f'attachment; filename="ita-framework-{framework.fiscal_year.year}.xlsx"; '
            f"filename*=UTF-8''{quote(filename)}"
        )
        return response

    def import_view(self, request):
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        errors = []
        posted = request.method == "POST"
        form = FrameworkImportForm(
            request.POST if posted else None, request.FILES if posted else None
        )
        if request.method == "POST" and form.is_valid():
            try:
                framework, stats = framework_import_xlsx(content=form.cleaned_data["file"].read())
            except CatalogueError as exc:
                errors = exc.errors
            else:
                self.message_user(request, f"นำเข้า {framework} แล้ว: {stats}", messages.SUCCESS)
                return redirect(reverse("admin:assessments_framework_change", args=[framework.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "นำเข้ากรอบการประเมินจากไฟล์ Excel",
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
        }
        return render(request, "admin/assessments/framework/import.html", context)


class ItemCriterionInline(admin.StackedInline):
    """Stacked: a criterion's text and source are paragraphs (a table of textareas was wider
    than a 1366 px screen)."""

    model = ItemCriterion
    extra = 1
    fields = ["order", "text", "source", "confidence"]


class ItemAdminForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = [
            "framework",
            "indicator",
            "tool",
            "code",
            "text",
            "order",
            "source",
            "confidence",
            "is_retired",
            "low_score_advice",
            "predecessors",
            "lineage_note",
        ]

    def clean(self):
        data = super().clean()
        framework = data.get("framework")
        if framework is not None:
            for message in lineage_errors(framework, data.get("predecessors") or []):
                self.add_error("predecessors", message)
        return data


def item_with_year(item: Item) -> str:
    """ "2568 อปท. · o7 ข้อความ…": the year and group that a bare code does not say."""
    framework = item.framework
    group = f" {framework.variant}" if framework.variant else ""
    return f"{framework.fiscal_year.year}{group} · {item.code} {item.text[:70]}"


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["code", "short_text", "tool", "indicator", "framework", "is_retired"]
    inlines = [ItemCriterionInline]
    list_filter = ["framework", "tool", "is_retired"]
    search_fields = ["code", "text"]
    list_select_related = ["framework__fiscal_year", "indicator"]
    autocomplete_fields = ["indicator"]
    filter_horizontal = ["predecessors"]
    actions = ["retire", "unretire"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._item_being_edited = obj  # for formfield_for_manytomany
        return super().get_form(request, obj, change, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "predecessors":
            # An item continues items of the previous year only (ItemAdminForm refuses others):
            # on an item's page, only those are offered; each names its year and agency group.
            items = Item.objects.select_related("framework__fiscal_year").order_by(
                "-framework__fiscal_year__year", "framework__variant", "order", "code"
            )
            item = getattr(request, "_item_being_edited", None)
            if item is not None:
                items = items.filter(
                    framework__fiscal_year__year=item.framework.fiscal_year.year - 1
                )
            kwargs["queryset"] = items
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.label_from_instance = item_with_year
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    form = ItemAdminForm

    @admin.display(description="ข้อความ")
    def short_text(self, obj):
        return obj.text[:80]

    @admin.action(description="เลิกใช้ข้อที่เลือก")
    def retire(self, request, queryset):
        updated = _set_retired(queryset, True)
        self.message_user(request, f"เลิกใช้ {updated} ข้อแล้ว", messages.SUCCESS)

    @admin.action(description="กลับมาใช้ข้อที่เลือก")
    def unretire(self, request, queryset):
        updated = _set_retired(queryset, False)
        self.message_user(request, f"กลับมาใช้ {updated} ข้อแล้ว", messages.SUCCESS)


@transaction.atomic
def _set_retired(queryset, retired: bool) -> int:
    # update() sends no signal: the catalogue caches are told here.
    framework_ids = set(queryset.values_list("framework_id", flat=True))
    updated = queryset.update(is_retired=retired)
    framework_touch(framework_ids=framework_ids)
    return updated


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "tool", "framework"]
    list_filter = ["framework", "tool"]
    search_fields = ["name"]
    list_select_related = ["framework__fiscal_year"]


@admin.register(AnalysisArea)
class AnalysisAreaAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "framework"]
    list_filter = ["framework"]
    filter_horizontal = ["items"]
    list_select_related = ["framework__fiscal_year"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._area_being_edited = obj  # for formfield_for_manytomany
        return super().get_form(request, obj, change, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "items":
            # An area groups items of its own framework: on its page, only those are offered.
            items = Item.objects.select_related("framework__fiscal_year").order_by(
                "-framework__fiscal_year__year", "framework__variant", "order", "code"
            )
            area = getattr(request, "_area_being_edited", None)
            if area is not None:
                items = items.filter(framework_id=area.framework_id)
            kwargs["queryset"] = items
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.label_from_instance = item_with_year
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    # Official figures are changed only by importing a corrected file (so the import record shows it).
    readonly_fields = ["kind", "code", "score", "stale", "updated_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["organisation", "fiscal_year", "framework"]
    list_filter = ["fiscal_year"]
    search_fields = ["organisation__name", "organisation__code"]
    list_select_related = ["organisation", "fiscal_year", "framework__fiscal_year"]
    inlines = [ScoreInline]
    readonly_fields = ["organisation", "fiscal_year", "framework"]


@admin.register(ScoreImport)
class ScoreImportAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "file_name",
        "status",
        "rows_total",
        "scores_created",
        "scores_updated",
        "created_by",
    ]
    list_filter = ["status"]
    search_fields = ["file_name", "sha256"]

    def has_change_permission(self, request, obj=None):
        return False  # the record of an import is evidence: read-only

    def has_add_permission(self, request):
        return False


@admin.register(AreaAnalysis)
class AreaAnalysisAdmin(admin.ModelAdmin):
    list_display = ["assessment", "area", "edited_by", "edited_at"]
    list_select_related = [
        "assessment__organisation",
        "assessment__fiscal_year",
        "area",
        "edited_by",
    ]
    search_fields = ["assessment__organisation__name"]


@admin.register(SurveySettings)
class SurveySettingsAdmin(admin.ModelAdmin):
    """Central admins set each year's survey links and, once the NACC says, the minimums."""

    list_display = [
        "framework",
        "iit_link_pattern",
        "eit_link_pattern",
        "iit_min_display",
        "eit_min_display",
    ]
    list_select_related = ["framework__fiscal_year"]
    list_filter = ["framework__fiscal_year"]

    @admin.display(description="จำนวนผู้ตอบ IIT ขั้นต่ำ")
    def iit_min_display(self, obj):
        return obj.iit_min_respondents or "ยังไม่ทราบเกณฑ์ขั้นต่ำ"

    @admin.display(description="จำนวนผู้ตอบ EIT ขั้นต่ำ")
    def eit_min_display(self, obj):
        return obj.eit_min_respondents or "ยังไม่ทราบเกณฑ์ขั้นต่ำ"


@admin.register(SurveyDrive)
class SurveyDriveAdmin(admin.ModelAdmin):
    """Read only: agencies record their own (the survey page), oversight imports in bulk."""

    list_display = [
        "organisation",
        "fiscal_year",
        "iit_responses",
        "eit_responses",
        "counts_as_of",
        "updated_at",
    ]
    list_select_related = ["organisation", "fiscal_year"]
    list_filter = ["fiscal_year"]
    search_fields = ["organisation__name", "organisation__code"]
    # The recorder as a name, not a link: central admins do not open the user admin.
    fields = [
        "organisation",
        "fiscal_year",
        "iit_url",
        "eit_url",
        "iit_responses",
        "eit_responses",
        "counts_as_of",
        "recorded_by",
    ]
    readonly_fields = ["recorded_by"]

    @admin.display(description="บันทึกจำนวนผู้ตอบโดย")
    def recorded_by(self, obj):
        user = obj.counts_recorded_by
        return (user.get_full_name() or user.get_username()) if user else "-"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
