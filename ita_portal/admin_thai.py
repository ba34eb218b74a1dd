"""Thai where Django's admin hard-codes English, out of reach of its Thai catalogue.

- The boolean icons' alt text is the Python value ("True", "False", "None"), read aloud by screen
  readers and shown when images are off: `install()` (called by PortalConfig.ready) replaces
  Django's `_boolean_icon`, which every admin list, read-only field and inline calls through
  `django.contrib.admin.templatetags.admin_list` at render time.
- The search box's magnifier says alt="Search": templates/admin/search_form.html translates it.
- Wording of Django's Thai catalogue that reads wrongly ("ไม่ว่าง" for "Not empty" means "busy")
  is corrected in locale/th.
"""

from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html

BOOLEAN_ICONS = {True: "yes", False: "no", None: "unknown"}
BOOLEAN_ALT = {True: "ใช่", False: "ไม่ใช่", None: "ไม่ทราบ"}


def boolean_icon(field_val) -> str:
    return format_html(
        '<img src="{}" alt="{}">',
        static(f"admin/img/icon-{BOOLEAN_ICONS[field_val]}.svg"),
        BOOLEAN_ALT[field_val],
    )


def install() -> None:
    admin_list._boolean_icon = boolean_icon
