"""API authentication: the browser session (with CSRF) or a personal access token."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import TokenScope
from kapcare.accounts.policy import deny
from kapcare.accounts.services import api_token_authenticate

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer kc_…``: acts as the token's owner at the token's clinic."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # A bearer token that does not work is an answer in itself: no falling back to a
        # browser session that happens to travel with the request.
        found = api_token_authenticate(token)
        if found is None:
            raise AuthenticationError()
        membership = found.membership  # type: ignore[attr-defined]  # loaded with the token
        if membership is None:
            raise AuthenticationError()
        request.user = found.user
        actor = Actor(
            user=found.user, clinic=found.clinic, role=membership.role, membership=membership
        )
        request.actor = actor  # type: ignore[attr-defined]
        request.api_token = found  # type: ignore[attr-defined]
        # The session middleware set no zone (it saw no signed-in user): dates such as
        # "today" are the clinic's, as on its pages.
        timezone.activate(ZoneInfo(found.clinic.time_zone))
        if request.method not in SAFE_METHODS and found.scope != TokenScope.WRITE:
            # Refused here, before the body is read, so a read-only token learns nothing
            # from validation errors; the denial is audited once.
            request.api_scope_denied = True  # type: ignore[attr-defined]
            deny(actor, "token.write", object_type="api", object_id=request.path[:64])
            raise PermissionDenied("This token is read-only; create a token with write access.")
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

            check = CsrfViewMiddleware(lambda r: None)  # type: ignore[arg-type]
            check.process_request(request)
            if check.process_view(request, lambda r: None, (), {}) is not None:  # type: ignore[arg-type,return-value]
                # Signed in, but the request may come from another site: refuse, and say why.
                raise PermissionDenied(
                    "CSRF token missing or incorrect: send the value of the "
                    f"'{settings.CSRF_COOKIE_NAME}' cookie in the X-CSRFToken header, "
                    "or use a personal access token."
                )
        return user


API_AUTH = [TokenAuth(), SessionAuth()]
