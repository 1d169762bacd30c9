"""Helpers for intake tests: a complete set of answers, posted the way the form posts them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

COMPLETE: dict[str, dict[str, Any]] = {
    "concerns": {
        "concerns-referral_reason": "Low mood for years",
        "concerns-primary_concerns": ["depression", "ptsd"],
    },
    "prior_treatments": {"prior_treatments-antidepressant_trials": "3"},
    "psychiatric": {
        "psychiatric-psychosis": "no",
        "psychiatric-mania": "no",
        "psychiatric-suicide_attempt_dates": "2015-04-02",
        "psychiatric-substance_alcohol": "occasional",
    },
    "medical": {
        "medical-conditions": [],
        "medical-no_known_allergies": "on",
        "medical-pregnant": "no",
        "medical-breastfeeding": "no",
    },
    "vitals": {
        "vitals-systolic_bp": "124",
        "vitals-diastolic_bp": "80",
        "vitals-heart_rate": "70",
        "vitals-weight": "70",
        "vitals-weight_unit": "kg",
        "vitals-height": "172",
        "vitals-height_unit": "cm",
    },
    "emergency_contact": {
        "emergency_contact-name": "Casey Rivera",
        "emergency_contact-relationship": "sibling",
        "emergency_contact-phone": "555-0100",
    },
}


def fill_portal(client: Any, **overrides: dict[str, Any]) -> None:
    """Answer every section of the intake as the signed-in patient, then say 'no medicines'."""
    for section, data in COMPLETE.items():
        response = client.post(
            reverse("intake:portal_save", args=[section]), {**data, **overrides.get(section, {})}
        )
        assert response.status_code == 302, (section, response.content[:2000])
    client.post(reverse("intake:portal_save", args=["medications"]), {"medications-none": "on"})


def fill_staff(client: Any, patient_id: int, **overrides: dict[str, Any]) -> None:
    for section, data in COMPLETE.items():
        response = client.post(
            reverse("intake:staff_save", args=[patient_id, section]),
            {**data, **overrides.get(section, {})},
        )
        assert response.status_code == 302, (section, response.content[:2000])


@pytest.fixture
def submitted_sam(world: Any, client_for: Any) -> Any:
    """Sam's intake, completed and sent from the portal."""
    client = client_for("patient2")
    fill_portal(client)
    response = client.post(reverse("intake:portal_submit"), {"confirm": "on"})
    assert response.status_code == 302
    return world.sam
