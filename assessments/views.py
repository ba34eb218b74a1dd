"""Public pages of the ITA catalogue: what is assessed in each year."""

from django.http import Http404
from django.shortcuts import render

from .selectors import framework_list, frameworks_for_year


def framework_index(request):
    return render(request, "assessments/framework_list.html", {"frameworks": framework_list()})


def framework_year(request, year: int):
    frameworks = frameworks_for_year(year)
    if not frameworks:
        raise Http404("ไม่พบกรอบการประเมินของปีนี้")
    return render(
        request, "assessments/framework_detail.html", {"year": year, "frameworks": frameworks}
    )
