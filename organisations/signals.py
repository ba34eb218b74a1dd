"""A change to an organisation retires its cached public pages and the directory's
(ita_portal.public_cache).

Its name, place and website are on its public pages and in the directory, and a deactivated
organisation has none: without this, they would show as they were until the cached copies expire.
A changed code retires the pages of the old code too (they now answer 404).
"""

from django.db.models.signals import post_delete, post_save, pre_save

from ita_portal.public_cache import bump_organisations

from .models import Organisation


def _remember_code(sender, instance, raw=False, **kwargs) -> None:
    if instance.pk and not raw:
        instance._public_old_code = (
            sender.objects.filter(pk=instance.pk).values_list("code", flat=True).first()
        )


def _organisation_changed(sender, instance, **kwargs) -> None:
    codes = [instance.code, getattr(instance, "_public_old_code", None)]
    # Not warmed: an edit is rare, and the next visit renders the page.
    bump_organisations([c for c in codes if c], warm=False)


def connect() -> None:
    pre_save.connect(_remember_code, sender=Organisation, dispatch_uid="public-organisation-pre")
    post_save.connect(
        _organisation_changed, sender=Organisation, dispatch_uid="public-organisation"
    )
    post_delete.connect(
        _organisation_changed, sender=Organisation, dispatch_uid="public-organisation-del"
    )
