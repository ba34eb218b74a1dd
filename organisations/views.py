"""Organisation pages: switch the active organisation, see an organisation's people and units."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django.views.decorators.http import require_POST

from ita_portal.forms import add_service_errors
from ita_portal.thai import dates as thai

from .access import Action, can, organisation_for, oversees
from .active import set_active_organisation
from .forms import InviteForm, MemberAddForm, MemberChangeForm, UnitForm
from .models import Membership, Unit
from .selectors import organisation_members
from .services import member_add, member_email_correct, membership_update, unit_save


@login_required
@require_POST
def switch(request):
    try:
        organisation_id = int(request.POST.get("organisation", ""))
    except ValueError:
        organisation_id = 0
    membership = set_active_organisation(request, organisation_id)
    if membership is None:
        messages.error(request, "ท่านไม่ได้เป็นสมาชิกของหน่วยงานที่เลือก")
    else:
        messages.success(request, f"เปลี่ยนหน่วยงานเป็น {membership.organisation.name} แล้ว")
    target = request.POST.get("next") or ""
    # Only a path on this site; anything else (another host, a bare word) goes to the dashboard.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return redirect("dashboard")
    return HttpResponseRedirect(target)


@login_required
def organisation_detail(request, code: str):
    organisation = organisation_for(request.user, code, Action.VIEW)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "units": organisation.units.all(),
            "members": organisation_members(organisation),
            # The years with imported NACC scores (assessments is the app above: only its
            # reverse relation is read here, and its pages are linked by URL name).
            "assessment_years": list(
                organisation.assessments.order_by("-fiscal_year__year").values_list(
                    "fiscal_year__year", flat=True
                )[:10]
            ),
            "can_manage": can(request.user, organisation, Action.MANAGE),
            # The year's working pages (members and oversight alike read them).
            "year": thai.fiscal_year_of(timezone.localdate()),
            "oversees": oversees(request.user, organisation),
        },
    )


def _send_welcome(request, user, organisation) -> None:
    """The new member sets their own password from a one-time link (the reset flow's pages and
    token; Django's reset form skips accounts without a usable password, so it is sent here)."""
    context = {
        "user": user,
        "domain": request.get_host(),
        "protocol": "https" if request.is_secure() else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "organisation": organisation,
        "valid_hours": max(settings.PASSWORD_RESET_TIMEOUT // 3600, 1),
    }
    PasswordResetForm().send_mail(
        "registration/member_welcome_subject.txt",
        "registration/member_welcome_email.html",
        context,
        None,
        user.email,
    )


@login_required
def members(request, code: str):
    """The org admin's page: members (add, then change each) and ส่วนราชการ."""
    organisation = organisation_for(request.user, code, Action.MANAGE)
    add_form = MemberAddForm(organisation=organisation, prefix="add")
    unit_form = UnitForm(prefix="unit")
    if request.method == "POST":
        if request.POST.get("action") == "unit":
            unit_form = UnitForm(request.POST, prefix="unit")
            if unit_form.is_valid():
                try:
                    unit = unit_save(organisation=organisation, unit=None, **unit_form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(unit_form, exc)
                else:
                    messages.success(request, f"เพิ่มส่วนราชการ “{unit.name}” แล้ว")
                    return redirect("organisations:members", code=code)
        else:
            add_form = MemberAddForm(request.POST, organisation=organisation, prefix="add")
            if add_form.is_valid():
                try:
                    membership, created = member_add(
                        organisation=organisation, **add_form.cleaned_data
                    )
                except ValidationError as exc:
                    add_service_errors(add_form, exc)
                else:
                    person = membership.user.get_full_name() or membership.user.username
                    if created:
                        _send_welcome(request, membership.user, organisation)
                        messages.success(
                            request,
                            f"เพิ่ม {person} แล้ว ระบบส่งอีเมลให้ตั้งรหัสผ่านไปที่ {membership.user.email}",
                        )
                    else:
                        messages.success(request, f"เพิ่ม {person} เป็นสมาชิกแล้ว")
                    return redirect("organisations:members", code=code)
    return render(
        request,
        "organisations/members.html",
        {
            "organisation": organisation,
            "members": organisation_members(organisation),
            "units": organisation.units.all(),
            "add_form": add_form,
            "unit_form": unit_form,
        },
    )


@login_required
def member_edit(request, code: str, pk: int):
    organisation = organisation_for(request.user, code, Action.MANAGE)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "unit"), pk=pk, organisation=organisation
    )
    initial = {
        "role": membership.role,
        "name_prefix": membership.name_prefix,
        "position_title": membership.position_title,
        "unit": membership.unit,
        "is_active": membership.is_active,
    }
    invited = not membership.user.has_usable_password()
    # Two forms on the page: the member's role and unit, and (before a password is set) the
    # invitation's address; the hidden "action" says which one was sent.
    inviting = request.method == "POST" and request.POST.get("action") == "invite"
    invite_form = InviteForm(
        request.POST if inviting else None, initial={"email": membership.user.email}
    )
    form = MemberChangeForm(
        request.POST if request.method == "POST" and not inviting else None,
        organisation=organisation,
        initial=initial,
    )
    if inviting and invited and invite_form.is_valid():
        try:
            user = member_email_correct(
                membership=membership, email=invite_form.cleaned_data["email"]
            )
        except ValidationError as exc:
            add_service_errors(invite_form, exc)
        else:
            _send_welcome(request, user, organisation)
            messages.success(request, f"ส่งลิงก์ตั้งรหัสผ่านไปที่ {user.email} อีกครั้งแล้ว")
            return redirect("organisations:member_edit", code=code, pk=pk)
    elif form.is_bound and form.is_valid():
        try:
            membership_update(membership=membership, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            person = membership.user.get_full_name() or membership.user.username
            messages.success(request, f"บันทึกการเปลี่ยนแปลงของ {person} แล้ว")
            return redirect("organisations:members", code=code)
    return render(
        request,
        "organisations/member_edit.html",
        {
            "organisation": organisation,
            "membership": membership,
            "form": form,
            "invite_form": invite_form,
            "invited": invited,
        },
    )


@login_required
def unit_edit(request, code: str, pk: int):
    organisation = organisation_for(request.user, code, Action.MANAGE)
    unit = get_object_or_404(Unit, pk=pk, organisation=organisation)
    form = UnitForm(request.POST or None, initial={"name": unit.name, "phone": unit.phone})
    if request.method == "POST" and form.is_valid():
        try:
            unit_save(organisation=organisation, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"บันทึกส่วนราชการ “{unit.name}” แล้ว")
            return redirect("organisations:members", code=code)
    return render(
        request,
        "organisations/unit_edit.html",
        {"organisation": organisation, "unit": unit, "form": form},
    )
