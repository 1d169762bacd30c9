"""Signing in and out, two-factor enrolment and verification, invitations, tokens, staff."""

from __future__ import annotations

import time
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from kapcare.accounts import services
from kapcare.accounts.forms import (
    ApiTokenForm,
    EnrolForm,
    ExistingAccountForm,
    LoginForm,
    QueuedPasswordResetForm,
    SetPasswordForm,
    StaffInviteForm,
    StepUpPasswordForm,
    TokenForm,
)
from kapcare.accounts.mfa import confirmed_totp, is_stepped_up, mark_stepped_up, needs_mfa
from kapcare.accounts.middleware import LAST_SEEN_KEY, LOGIN_AT_KEY, idle_limit_seconds
from kapcare.accounts.models import (
    Invitation,
    InvitationKind,
    Membership,
    PersonalAccessToken,
    User,
)
from kapcare.accounts.policy import Perm, deny, public, require
from kapcare.accounts.selectors import CLINIC_SESSION_KEY
from kapcare.audit.models import Action, Outcome
from kapcare.audit.services import record

PENDING_SECRET_KEY = "kapcare_pending_totp"  # noqa: S105 - a session key name, not a secret


def _signed_in(request: HttpRequest) -> User:
    """The signed-in user of a view guarded by ``require`` (which has checked already)."""
    if not isinstance(request.user, User):
        raise PermissionDenied("Sign in first.")
    return request.user


def _safe_next(request: HttpRequest, default: str = "") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse("home")


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes calls this when a username or address is locked (429, nothing revealed)."""
    username = ""
    if request.method == "POST":
        username = str(request.POST.get("username", "")).strip().lower()[:254]
    record(
        Action.LOCKOUT,
        outcome=Outcome.DENIED,
        object_type="accounts.user",
        actor_label=username,
        detail={"attempted_email": username},
    )
    return render(request, "429.html", status=429)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["expired"] = self.request.GET.get("expired")
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        now = time.time()
        self.request.session[LOGIN_AT_KEY] = now
        self.request.session[LAST_SEEN_KEY] = now
        user = form.get_user()
        if needs_mfa(user):
            next_url = self.get_success_url()
            step = "mfa_verify" if confirmed_totp(user) else "mfa_setup"
            return HttpResponseRedirect(reverse(step) + "?" + _urlencode_next(next_url))
        return response


def _urlencode_next(next_url: str) -> str:
    from django.utils.http import urlencode

    return urlencode({"next": next_url})


login_view = public(LoginView.as_view())
logout_view = public(auth_views.LogoutView.as_view())


@require_http_methods(["GET", "POST"])
@require(Perm.SIGNED_IN)
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the code, confirm one token, receive recovery codes."""
    user = request.user
    if confirmed_totp(user) is not None:
        # Replacing an enrolled authenticator needs that authenticator: first the sign-in
        # code, then a fresh step-up. A password alone must never be enough.
        if not request.user.is_verified():  # type: ignore[union-attr]
            return redirect(reverse("mfa_verify") + "?" + _urlencode_next(_safe_next(request)))
        if not is_stepped_up(request):
            return redirect(reverse("mfa_step_up") + "?" + _urlencode_next(reverse("mfa_setup")))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            codes = services.recovery_codes_issue(user)  # type: ignore[arg-type]
            record(Action.MFA, user=user, object_type="otp.totp", detail={"enrolled": True})  # type: ignore[arg-type]
            request.session["kapcare_new_codes"] = codes
            return redirect(
                reverse("mfa_recovery_codes") + "?" + _urlencode_next(_safe_next(request))
            )
        form.add_error(
            "token",
            "That code did not match. Check the time on your phone and try the newest code.",
        )
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#0a4448", title="Authenticator QR code"
    )
    secret = _base32_secret(device)
    return render(
        request,
        "accounts/mfa_setup.html",
        {"form": form, "qr_svg": svg, "secret": secret, "next": _safe_next(request)},
    )


def _base32_secret(device: TOTPDevice) -> str:
    import base64

    raw = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@require_GET
@require(Perm.SIGNED_IN)
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop("kapcare_new_codes", None)
    if not codes:
        return redirect("accounts:security")
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": _safe_next(request)}
    )


@require_http_methods(["GET", "POST"])
@require(Perm.SIGNED_IN)
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in for staff who have enrolled."""
    if not confirmed_totp(request.user):
        return redirect(reverse("mfa_setup") + "?" + _urlencode_next(_safe_next(request)))
    if request.user.is_verified():  # type: ignore[union-attr]
        return HttpResponseRedirect(_safe_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            record(
                Action.MFA,
                user=_signed_in(request),
                object_type="otp.verify",
                detail={"device": device.name},
            )
            return HttpResponseRedirect(_safe_next(request))
        record(
            Action.LOGIN_FAILED,
            user=request.user,  # type: ignore[arg-type]
            outcome=Outcome.FAILURE,
            object_type="otp.verify",
        )
        form.add_error("token", "That code did not match. Wait for a new code and try again.")
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _safe_next(request)})


@require_http_methods(["GET", "POST"])
@require(Perm.SIGNED_IN)
def mfa_step_up(request: HttpRequest) -> HttpResponse:
    """Confirm identity again before a dangerous action (signature, override, export)."""
    device = confirmed_totp(request.user)
    form: Any = (
        TokenForm(request.POST or None) if device else StepUpPasswordForm(request.POST or None)
    )
    if request.method == "POST" and form.is_valid():
        ok = False
        if device:
            ok = match_token(request.user, form.cleaned_data["token"]) is not None
            if not ok:
                record(
                    Action.LOGIN_FAILED,
                    user=request.user,  # type: ignore[arg-type]
                    outcome=Outcome.FAILURE,
                    object_type="otp.step_up",
                )
        else:
            # Through authenticate() so that django-axes counts wrong guesses (and audits them
            # via the login-failed signal): a stolen session must not allow password guessing.
            confirmed = authenticate(
                request,
                username=request.user.email,  # type: ignore[union-attr]
                password=form.cleaned_data["password"],
            )
            ok = confirmed is not None and confirmed.pk == request.user.pk
        if ok:
            mark_stepped_up(request)
            record(Action.MFA, user=request.user, object_type="otp.step_up")  # type: ignore[arg-type]
            return HttpResponseRedirect(_safe_next(request))
        field = "token" if device else "password"
        form.add_error(field, "That did not match. Try again.")
    return render(
        request,
        "accounts/step_up.html",
        {"form": form, "next": _safe_next(request), "uses_code": bool(device)},
    )


@require_GET
@public
def session_status(request: HttpRequest) -> JsonResponse:
    """Seconds left before the idle timeout; does not count as activity."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "remaining_seconds": 0})
    last_seen = float(request.session.get(LAST_SEEN_KEY, time.time()))
    remaining = max(0, int(idle_limit_seconds(request) - (time.time() - last_seen)))
    return JsonResponse({"signed_in": True, "remaining_seconds": remaining})


@require_POST
@require(Perm.SIGNED_IN)
def session_keepalive(request: HttpRequest) -> JsonResponse:
    request.session[LAST_SEEN_KEY] = time.time()
    return JsonResponse({"signed_in": True, "remaining_seconds": idle_limit_seconds(request)})


@require_POST
@require(Perm.STAFF_AREA)
def switch_clinic(request: HttpRequest) -> HttpResponse:
    clinic = services.clinic_by_id_for(request.user, request.POST.get("clinic"))  # type: ignore[arg-type]
    if clinic is None:
        actor = request.actor  # type: ignore[attr-defined]
        deny(
            actor,
            Perm.STAFF_AREA,
            object_type="accounts.clinic",
            object_id=request.POST.get("clinic", ""),
        )
        raise Http404("No such clinic")
    request.session[CLINIC_SESSION_KEY] = clinic.pk
    messages.success(request, f"You are now working in {clinic.name}.")
    return redirect("home")


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


@require_GET
@require(Perm.SIGNED_IN)
def security(request: HttpRequest) -> HttpResponse:
    """The person's own account page: two-factor status, recovery codes and API tokens."""
    actor = request.actor  # type: ignore[attr-defined]
    tokens = PersonalAccessToken.objects.filter(user=_signed_in(request)).select_related("clinic")
    return render(
        request,
        "accounts/security.html",
        {
            "has_totp": confirmed_totp(request.user) is not None,
            "tokens": tokens,
            "token_form": ApiTokenForm() if actor and actor.is_staff_member else None,
            "now": timezone.now(),
        },
    )


@require_POST
@require(Perm.SIGNED_IN)
def regenerate_recovery_codes(request: HttpRequest) -> HttpResponse:
    if not confirmed_totp(request.user):
        deny(request.actor, "otp.recovery_codes", object_type="otp.recovery_codes")  # type: ignore[attr-defined]
        raise PermissionDenied("Set up two-factor sign-in first.")
    if not is_stepped_up(request):
        return redirect(
            reverse("mfa_step_up") + "?" + _urlencode_next(reverse("accounts:security"))
        )
    request.session["kapcare_new_codes"] = services.recovery_codes_issue(request.user)  # type: ignore[arg-type]
    return redirect("mfa_recovery_codes")


@require_POST
@require(Perm.STAFF_AREA)
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        tokens = PersonalAccessToken.objects.filter(user=_signed_in(request)).select_related(
            "clinic"
        )
        return render(
            request,
            "accounts/security.html",
            {
                "has_totp": confirmed_totp(request.user) is not None,
                "tokens": tokens,
                "token_form": form,
                "now": timezone.now(),
            },
            status=400,
        )
    issued = services.api_token_create(
        actor=request.actor,  # type: ignore[attr-defined]
        name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"],
        days=form.cleaned_data["days"],
    )
    return render(request, "accounts/token_created.html", {"issued": issued})


@require_POST
@require(Perm.SIGNED_IN)
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    scope = Q(user=request.user)
    if actor is not None and actor.role == "admin":
        scope |= Q(clinic=actor.clinic)
    token = PersonalAccessToken.objects.filter(scope, pk=token_id).first()
    if token is None:
        deny(actor, Perm.SIGNED_IN, object_type="accounts.personalaccesstoken", object_id=token_id)
        raise Http404("No such token")
    services.api_token_revoke(actor=actor, token=token)
    messages.success(request, f"Token “{token.name}” is revoked and can no longer be used.")
    return HttpResponseRedirect(_safe_next(request, reverse("accounts:security")))


@require_GET
@require(Perm.CLINIC_TOKENS)
def clinic_tokens(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    tokens = PersonalAccessToken.objects.filter(clinic=actor.clinic).select_related("user")
    return render(request, "accounts/clinic_tokens.html", {"tokens": tokens, "now": timezone.now()})


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


password_reset = public(
    auth_views.PasswordResetView.as_view(
        form_class=QueuedPasswordResetForm,
        template_name="accounts/password_reset_form.html",
        success_url=reverse_lazy("password_reset_done"),
    )
)
password_reset_done = public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = public(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("password_reset_complete"),
    )
)
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)

__all__ = ["login", "settings"]
