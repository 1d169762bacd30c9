"""Two-factor sign-in: enrolment, verification, recovery codes and step-up."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from kapcare.accounts import services
from kapcare.accounts.forms import (
    EnrolForm,
    StepUpPasswordForm,
    TokenForm,
)
from kapcare.accounts.mfa import confirmed_totp, is_stepped_up, mark_stepped_up
from kapcare.accounts.policy import Perm, deny, require
from kapcare.accounts.views._common import _safe_next, _signed_in, _urlencode_next
from kapcare.audit.models import Action, Outcome
from kapcare.audit.services import record


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
