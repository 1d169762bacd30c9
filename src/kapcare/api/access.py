"""The route-level check every API operation makes, in its own module so feature routers
(``kapcare.<feature>.api``) can import it without importing the API object itself."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from kapcare.accounts.policy import Perm, deny, has_perm


def authorize(request: HttpRequest, perm: Perm) -> Any:
    """Route-level check shared by every operation: role permission and token scope."""
    actor = getattr(request, "actor", None)
    if getattr(request, "api_scope_denied", False):
        deny(actor, perm, object_type="api", object_id=request.path[:64])
        raise PermissionDenied("This token is read-only; create a token with write access.")
    if not has_perm(actor, perm):
        deny(actor, perm, object_type="api", object_id=request.path[:64])
        raise PermissionDenied(f"Your role may not {perm}.")
    return actor
