"""Values every page's shell needs: the actor, navigation and the session timeout."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from kapcare.accounts.middleware import idle_limit_seconds
from kapcare.core.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    signed_in = request.user.is_authenticated
    return {
        "actor": actor if signed_in else None,
        # Staff who have not yet entered their code see no navigation: it would only bounce back.
        "nav_items": navigation_for(request, actor) if signed_in and _verified(request) else [],
        "memberships": getattr(request, "_kapcare_memberships", []) if signed_in else [],
        "idle_seconds": idle_limit_seconds(request) if signed_in else 0,
        "demo_mode": settings.DEMO,
        "require_mfa": settings.KAPCARE_REQUIRE_MFA,
        "csp_nonce": getattr(request, "csp_nonce", ""),
    }


def _verified(request: HttpRequest) -> bool:
    user = request.user
    if not settings.KAPCARE_REQUIRE_MFA or getattr(user, "kind", "") != "staff":
        return True
    return bool(getattr(user, "is_verified", lambda: False)())
