"""Role-aware navigation: each role sees the places it may go, nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from kapcare.accounts.policy import Perm, has_perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


#: (label, url name, permission needed); order is the order on screen
NAV = (
    ("Patients", "patients:list", Perm.PATIENT_LIST),
    ("Staff", "accounts:staff", Perm.STAFF_MANAGE),
    ("Audit trail", "audit:trail", Perm.AUDIT_VIEW),
    ("API tokens", "accounts:clinic_tokens", Perm.CLINIC_TOKENS),
    ("Home", "portal:home", Perm.PORTAL),
    ("Who viewed my record", "portal:access_log", Perm.PORTAL),
    ("Home", "support:home", Perm.SUPPORT_AREA),
)


def navigation_for(request: HttpRequest, actor: Any) -> list[NavItem]:
    urls = [(label, reverse(name)) for label, name, perm in NAV if has_perm(actor, perm)]
    # Only the most specific match is current: "/portal/" is not lit on "/portal/access-log/".
    matches = [url for _, url in urls if request.path.startswith(url)]
    current = max(matches, key=len, default=None)
    return [NavItem(label, url, url == current) for label, url in urls]
