"""The whole year's results report gets a variant of its own, "year" (it had "", which has no
variant URL, so a page that listed it beside the rounds could not link it)."""

from django.db import migrations


def whole_year(apps, schema_editor):
    Publication = apps.get_model("publication", "Publication")
    Publication.objects.filter(kind__in=["measure-results"], variant="").update(
        variant="year", variant_label="ทั้งปีงบประมาณ"
    )


class Migration(migrations.Migration):
    dependencies = [("publication", "0005_text_limits")]

    operations = [migrations.RunPython(whole_year, migrations.RunPython.noop)]
