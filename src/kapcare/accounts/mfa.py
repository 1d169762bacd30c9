"""Two-factor helpers: which devices a user has, and step-up for dangerous actions."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

STEP_UP_KEY = "kapcare_step_up_at"

V = TypeVar("V", bound=Callable[..., HttpResponse])


def confirmed_totp(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def needs_mfa(user: Any) -> bool:
    return bool(settings.KAPCARE_REQUIRE_MFA and getattr(user, "kind", "") == "staff")


def mark_stepped_up(request: HttpRequest) -> None:
    request.session[STEP_UP_KEY] = time.time()


def is_stepped_up(request: HttpRequest) -> bool:
    at = request.session.get(STEP_UP_KEY)
    return at is not None and time.time() - float(at) <= settings.KAPCARE_STEP_UP_MINUTES * 60


def step_up_required(view: V) -> V:
    """Ask for the second factor again (or the password where MFA is off) before ``view``.

    Use on signatures, safety overrides and exports. A confirmation lasts
    ``KAPCARE_STEP_UP_MINUTES`` (default 5).
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_stepped_up(request):
            return view(request, *args, **kwargs)
        next_url = request.get_full_path() if request.method == "GET" else request.path
        target = reverse("mfa_step_up") + "?" + urlencode({"next": next_url})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)

    wrapper.step_up = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
