"""A change to an organisation retires the cached public pages (ita_portal.public_cache).

Its name, place and website are on its public pages, and a deactivated organisation has none:
without this, they would show as they were until the cached copies expire.
"""

from django.db.models.signals import post_delete, post_save

from ita_portal.public_cache import bump_public_version

from .models import Organisation


def _organisation_changed(sender, **kwargs) -> None:
    bump_public_version()


def connect() -> None:
    post_save.connect(
        _organisation_changed, sender=Organisation, dispatch_uid="public-organisation"
    )
    post_delete.connect(
        _organisation_changed, sender=Organisation, dispatch_uid="public-organisation-del"
    )
