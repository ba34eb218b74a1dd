"""URL path converters shared by every app (registered in ita_portal/urls.py before the includes).

`<fiscal_year:year>`: a พ.ศ. fiscal year the portal knows (ita_portal.thai.FISCAL_YEAR_MIN to
FISCAL_YEAR_MAX). Any other number in that place is a 404 before a view runs, so no view has to
check a year again, and year 0, 2401 or 10³⁰ never reaches the database.
"""

from django.urls import register_converter

from ita_portal.thai import dates as thai


class FiscalYearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not thai.is_fiscal_year(year):
            raise ValueError(f"{year} is not a fiscal year the portal knows")
        return year

    def to_url(self, value: int | str) -> str:
        return str(int(value))


def register() -> None:
    register_converter(FiscalYearConverter, "fiscal_year")
