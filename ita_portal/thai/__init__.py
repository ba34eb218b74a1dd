"""Thai conventions for the ITA Portal: พ.ศ. dates, Thai digits, fiscal years.

The pure helpers live in :mod:`ita_portal.thai.dates` and are re-exported here;
Django form fields are in :mod:`.forms` and template filters in :mod:`.templatetags`.
"""

from . import dates
from .dates import *  # noqa: F403  (the public names are dates.__all__)

__all__ = dates.__all__
