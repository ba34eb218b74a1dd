"""Thai where Django's admin hard-codes English, out of reach of its Thai catalogue.

- The boolean icons' alt text is the Python value ("True", "False", "None"), read aloud by screen
  readers and shown when images are off: `install()` (called by PortalConfig.ready) replaces
  Django's `_boolean_icon`, which every admin list, read-only field and inline calls through
  `django.contrib.admin.templatetags.admin_list` at render time.
- The search box's magnifier says alt="Search": templates/admin/search_form.html translates it.
- Dates: Django's Thai format prints the ค.ศ. year ("6 ธันวาคม 2026, 20:50"). The admin's lists
  and read-only fields show พ.ศ. ("6 ธันวาคม 2569 20:50", Bangkok time), and its date inputs take
  and show พ.ศ. (the portal's ThaiDateField) for every model's DateField.
- Wording of Django's Thai catalogue that reads wrongly ("ไม่ว่าง" for "Not empty" means "busy")
  is corrected in locale/th.
"""

from datetime import date, datetime

from django.contrib.admin import helpers, options, site, utils
from django.contrib.admin.templatetags import admin_list
from django.db import models
from django.templatetags.static import static
from django.utils.html import format_html

from ita_portal.thai.dates import BANGKOK, format_date
from ita_portal.thai.forms import ThaiDateField, ThaiDateInput

BOOLEAN_ICONS = {True: "yes", False: "no", None: "unknown"}
BOOLEAN_ALT = {True: "ใช่", False: "ไม่ใช่", None: "ไม่ทราบ"}


def boolean_icon(field_val) -> str:
    return format_html(
        '<img src="{}" alt="{}">',
        static(f"admin/img/icon-{BOOLEAN_ICONS[field_val]}.svg"),
        BOOLEAN_ALT[field_val],
    )


def thai_display_for_field(value, field, empty_value_display, avoid_link=False):
    """Django's display_for_field, with dates and times in พ.ศ."""
    if isinstance(value, datetime) and value is not None:
        local = value.astimezone(BANGKOK) if value.tzinfo else value
        return f"{format_date(local)} {local:%H:%M}"
    if isinstance(value, date):
        return format_date(value)
    return _django_display_for_field(value, field, empty_value_display, avoid_link=avoid_link)


_django_display_for_field = utils.display_for_field


def install() -> None:
    admin_list._boolean_icon = boolean_icon
    # Modules that imported display_for_field by name hold their own reference.
    for module in (utils, helpers, admin_list):
        module.display_for_field = thai_display_for_field
    thai_dates = {"form_class": ThaiDateField, "widget": ThaiDateInput}
    # Inlines are built per request from the module's defaults; the registered ModelAdmins
    # already copied them (the admin app is ready before this one), so they are told too.
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateField] = thai_dates
    for model_admin in site._registry.values():
        model_admin.formfield_overrides[models.DateField] = dict(thai_dates)
