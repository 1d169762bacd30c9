"""API authentication: the browser session (with CSRF) or a personal access token."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import TokenScope
from kapcare.accounts.services import api_token_authenticate

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer kc_…``: acts as the token's owner at the token's clinic."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_authenticate(token)
        if found is None:
            return None
        membership = found.user.memberships.filter(clinic=found.clinic, is_active=True).first()
        if membership is None:
            return None
        request.user = found.user
        request.actor = Actor(  # type: ignore[attr-defined]
            user=found.user, clinic=found.clinic, role=membership.role, membership=membership
        )
        request.api_token = found  # type: ignore[attr-defined]
        if request.method not in SAFE_METHODS and found.scope != TokenScope.WRITE:
            request.api_scope_denied = True  # type: ignore[attr-defined]
        return found.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods also need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> Any:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS:
            from django.middleware.csrf import CsrfViewMiddleware

            check = CsrfViewMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
            check.process_request(request)
            if check.process_view(request, lambda r: None, (), {}) is not None:  # type: ignore[arg-type,return-value]
                return None
        return user


API_AUTH = [TokenAuth(), SessionAuth()]
