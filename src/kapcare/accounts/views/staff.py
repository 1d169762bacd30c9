"""Staff management: invitations (sending, accepting, revoking) and the staff list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from kapcare.accounts import services
from kapcare.accounts.forms import (
    ExistingAccountForm,
    SetPasswordForm,
    StaffInviteForm,
)
from kapcare.accounts.models import (
    Invitation,
    InvitationKind,
    Membership,
    User,
)
from kapcare.accounts.policy import Perm, deny, public, require


@require_http_methods(["GET", "POST"])
@public
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    existing = User.objects.filter(email=invitation.email).first()
    form: Any
    if existing is not None:
        form = ExistingAccountForm(request.POST or None)
    else:
        # An unsaved user lets the similarity validator compare the password with the email.
        newcomer = User(email=invitation.email, full_name=invitation.full_name)
        form = SetPasswordForm(
            request.POST or None, initial={"full_name": invitation.full_name}, user=newcomer
        )
    if request.method == "POST" and form.is_valid():
        try:
            if existing is not None:
                user = authenticate(
                    request, username=existing.email, password=form.cleaned_data["password"]
                )
                if user is None:
                    form.add_error("password", "That password is not correct for this account.")
                    raise services.InvitationError("")
                services.invitation_accept(invitation=invitation, existing_user=existing)
            else:
                services.invitation_accept(
                    invitation=invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
        except services.InvitationError as exc:
            if str(exc):
                form.add_error(None, str(exc))
        else:
            messages.success(request, "Your account is ready. Sign in to continue.")
            return redirect("login")
    return render(
        request,
        "accounts/accept_invitation.html",
        {"form": form, "invitation": invitation, "existing": existing is not None},
    )


@require_POST
@require(Perm.STAFF_MANAGE)
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Withdraw an unused invitation; its link stops working at once."""
    actor = request.actor  # type: ignore[attr-defined]
    invitation = Invitation.objects.filter(
        pk=invitation_id, clinic=actor.clinic, accepted_at__isnull=True, revoked_at__isnull=True
    ).first()
    if invitation is None:
        deny(actor, Perm.STAFF_MANAGE, object_type="accounts.invitation", object_id=invitation_id)
        raise Http404("No such invitation")
    services.invitation_revoke(actor=actor, invitation=invitation)
    messages.success(request, f"The invitation for {invitation.email} is revoked.")
    return redirect("accounts:staff")


@require_http_methods(["GET", "POST"])
@require(Perm.STAFF_MANAGE)
def staff(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                actor=actor,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                kind=InvitationKind.STAFF,
                role=form.cleaned_data["role"],
            )
        except services.InvitationError as exc:
            field, _, message = str(exc).partition(": ")
            if field in form.fields and message:
                form.add_error(field, message[:1].upper() + message[1:] + ".")
            else:
                form.add_error(None, str(exc))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("accounts:staff")
    members = (
        Membership.objects.filter(clinic=actor.clinic)
        .select_related("user")
        .order_by("user__full_name")
    )
    pending = Invitation.objects.filter(
        clinic=actor.clinic,
        kind=InvitationKind.STAFF,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")
    return render(
        request,
        "accounts/staff.html",
        {"members": members, "pending": pending, "form": form},
        status=400 if form.errors else 200,
    )
