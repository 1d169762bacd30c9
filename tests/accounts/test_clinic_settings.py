"""An admin keeps the clinic's name, time zone and crisis resources up to date."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kapcare.audit.models import AuditEvent

VALID = {
    "name": "Cedar Grove Ketamine Clinic",
    "time_zone": "America/Denver",
    "phone": "(303) 555-0142",
    "crisis_line_text": "Call or text 988, or call 911.",
}


def test_an_admin_changes_the_crisis_text_and_it_is_audited(world: Any, client_for: Any) -> None:
    response = client_for("admin").post(reverse("accounts:clinic_settings"), VALID)
    assert response.status_code == 302
    world.cedar.refresh_from_db()
    assert world.cedar.crisis_line_text == "Call or text 988, or call 911."
    event = AuditEvent.objects.get(action="update", object_type="accounts.clinic")
    assert "crisis_line_text" in event.detail["fields"]


def test_the_patient_portal_shows_the_new_crisis_text(world: Any, client_for: Any) -> None:
    client_for("admin").post(reverse("accounts:clinic_settings"), VALID)
    assert (
        "Call or text 988, or call 911."
        in client_for("patient").get(reverse("portal:home")).content.decode()
    )


def test_an_unknown_time_zone_is_refused_with_an_example(world: Any, client_for: Any) -> None:
    response = client_for("admin").post(
        reverse("accounts:clinic_settings"), {**VALID, "time_zone": "Mountain"}
    )
    assert response.status_code == 400
    assert (
        "Mountain is not a known time zone; use an IANA name such as America/Denver"
        in response.content.decode()
    )
    world.cedar.refresh_from_db()
    assert world.cedar.time_zone == "America/Denver"
