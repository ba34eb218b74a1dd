"""Withdrawing a publication (org admins); the public pages themselves are in `public`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from organisations.access import Action, organisation_for

from .forms import WithdrawForm
from .models import Publication
from .services import PublicationError
from .services import publication_withdraw as withdraw


@login_required
@require_POST
def publication_withdraw(request, code: str, pk: int):
    organisation = organisation_for(request.user, code, Action.MANAGE)
    publication = get_object_or_404(Publication, pk=pk, organisation=organisation)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "กรุณาระบุเหตุผลที่ถอนการเผยแพร่")
    else:
        try:
            withdraw(publication=publication, user=request.user, reason=form.cleaned_data["reason"])
        except (PublicationError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"ถอนการเผยแพร่ “{publication.title}” ฉบับที่ {publication.revision} แล้ว"
            )
    return redirect("approvals:memo_list", code=code)
