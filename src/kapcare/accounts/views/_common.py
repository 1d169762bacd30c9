"""Small helpers shared by the account views."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from kapcare.accounts.models import User


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


def _urlencode_next(next_url: str) -> str:
    from django.utils.http import urlencode

    return urlencode({"next": next_url})
