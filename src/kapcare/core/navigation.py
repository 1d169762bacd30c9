"""Role-aware navigation: each role sees the places it may go, nothing more."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

from kapcare.accounts.policy import Perm, has_perm


@dataclass(frozen=True)
class SetupItem:
    label: str
    url_name: str
    perm: Perm
    description: str


#: the clinic's configuration pages, gathered on one "Clinic setup" page instead of the bar
SETUP = (
    SetupItem(
        "Clinic settings",
        "accounts:clinic_settings",
        Perm.CLINIC_MANAGE,
        "Name, time zone, phone and the crisis resources shown to patients.",
    ),
    SetupItem(
        "Rooms & hours",
        "treatment:schedule_settings",
        Perm.CLINIC_MANAGE,
        "Rooms, opening days and closed dates used when booking.",
    ),
    SetupItem(
        "Plan templates",
        "treatment:plan_templates",
        Perm.PLAN_WRITE,
        "Treatment-plan templates with their referenced defaults.",
    ),
    SetupItem(
        "Screening rules",
        "intake:rules",
        Perm.ELIGIBILITY_DECIDE,
        "Contraindication and interaction rules, with the clinic's own changes.",
    ),
    SetupItem(
        "Consent documents",
        "intake:consent_documents",
        Perm.CONSENT_MANAGE,
        "Versions of the informed-consent document patients sign.",
    ),
    SetupItem(
        "Measures settings",
        "measures:settings",
        Perm.MEASURES_SETTINGS,
        "Alert escalation time, off-track rule and what patients see of their scores.",
    ),
    SetupItem(
        "Dosing settings",
        "dosing:settings",
        Perm.DOSING_SETTINGS,
        "Vital-sign limits, observation time and REMS filing days: local choices to confirm.",
    ),
    SetupItem(
        "Exposure settings",
        "exposure:settings",
        Perm.EXPOSURE_SETTINGS,
        "Cumulative ketamine warnings and the bladder-check interval: the clinic's own numbers.",
    ),
    SetupItem(
        "Prompts & practices",
        "integration:settings",
        Perm.INTEGRATION_WRITE,
        "Journal prompts and the library of integration practices.",
    ),
    SetupItem(
        "Education pages",
        "education:manage",
        Perm.EDUCATION_EDIT,
        "The patient education library and when each page appears.",
    ),
    SetupItem(
        "API tokens",
        "accounts:clinic_tokens",
        Perm.CLINIC_TOKENS,
        "Every API token issued for this clinic; revoke what is not needed.",
    ),
)

#: stands for "may use at least one setup page" in NAV
SETUP_AREA = "setup"


def setup_items_for(actor: Any) -> list[SetupItem]:
    return [item for item in SETUP if has_perm(actor, item.perm)]


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


#: (label, url name, permission needed); order is the order on screen
NAV = (
    ("Patients", "patients:list", Perm.PATIENT_LIST),
    ("Calendar", "treatment:calendar", Perm.SCHEDULE_VIEW),
    ("Needs attention", "measures:worklist", Perm.PATIENT_CLINICAL),
    ("Alerts", "measures:alerts", Perm.PATIENT_CLINICAL),
    ("Clinic board", "dosing:board", Perm.SESSION_RUN),
    ("Controlled substances", "controlled:ledger", Perm.STOCK_VIEW),
    ("Staff", "accounts:staff", Perm.STAFF_MANAGE),
    ("Audit trail", "audit:trail", Perm.AUDIT_VIEW),
    ("Clinic setup", "clinic_setup", SETUP_AREA),
    ("Home", "portal:home", Perm.PORTAL),
    ("Appointments", "treatment:my_appointments", Perm.PORTAL),
    ("Intake", "intake:portal", Perm.PORTAL),
    ("Consent", "intake:portal_consent", Perm.PORTAL),
    ("Journal", "integration:journal", Perm.PORTAL),
    ("Learn", "education:library", Perm.PORTAL),
    ("Home", "support:home", Perm.SUPPORT_AREA),
)


def navigation_for(request: HttpRequest, actor: Any) -> list[NavItem]:
    urls = [(label, _url(name)) for label, name, perm in NAV if _allowed(actor, perm)]
    # Only the most specific match is current: "/portal/" is not lit on "/portal/access-log/".
    matches = [url for _, url in urls if request.path.startswith(url)]
    current = max(matches, key=len, default=None)
    return [NavItem(label, url, url == current) for label, url in urls]


def _url(name: str) -> str:
    # Every page draws the navigation; its addresses only change with the URL
    # configuration or the prefix the site is mounted at, so each is reversed once.
    return _reversed(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=256)
def _reversed(name: str, prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)


def _allowed(actor: Any, perm: Perm | str) -> bool:
    if perm == SETUP_AREA:
        return bool(setup_items_for(actor))
    return has_perm(actor, Perm(perm))
