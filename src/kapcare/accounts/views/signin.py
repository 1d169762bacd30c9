"""Signing in and out, lockout, password reset and the idle-session endpoints."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_GET, require_POST

from kapcare.accounts.forms import (
    LoginForm,
    QueuedPasswordResetForm,
)
from kapcare.accounts.mfa import confirmed_totp, needs_mfa
from kapcare.accounts.middleware import LAST_SEEN_KEY, LOGIN_AT_KEY, idle_limit_seconds
from kapcare.accounts.policy import Perm, public, require
from kapcare.accounts.views._common import _urlencode_next
from kapcare.audit.models import Action, Outcome
from kapcare.audit.services import record


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


login_view = public(LoginView.as_view())


logout_view = public(auth_views.LogoutView.as_view())


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
