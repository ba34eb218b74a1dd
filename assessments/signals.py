"""Every write to the ITA catalogue marks its framework as changed (services.framework_touch).

The catalogue is cached per process (selectors.attach_structure) and public pages are cached
whole (public.cache), so a change made anywhere (the admin, a framework import,
`load_framework`, a shell) must reach both. Writes that send no signal (`QuerySet.update()`,
`bulk_create()`) call framework_touch themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import AnalysisArea, Framework, GradeBand, Indicator, Item
from .services import framework_touch


def _framework_saved(sender, instance, **kwargs) -> None:
    # auto_now has already given it a new updated_at; only the other caches need telling.
    framework_touch(framework_ids=[instance.pk], stamp=False)


def _row_changed(sender, instance, **kwargs) -> None:
    framework_touch(framework_ids=[instance.framework_id])


def _area_items_changed(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_"):
        _row_changed(sender, instance)


def connect() -> None:
    post_save.connect(_framework_saved, sender=Framework, dispatch_uid="catalogue-framework")
    post_delete.connect(_framework_saved, sender=Framework, dispatch_uid="catalogue-framework-del")
    for model in (GradeBand, Indicator, Item, AnalysisArea):
        name = model._meta.model_name
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"catalogue-{name}")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=f"catalogue-{name}-del")
    # Forward (area.items.set) and reverse (item.analysis_areas.add) both send this one.
    m2m_changed.connect(
        _area_items_changed, sender=AnalysisArea.items.through, dispatch_uid="catalogue-areas"
    )
