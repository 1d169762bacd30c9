"""A clinician closes an alert only by writing what was done."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kapcare.audit.models import AuditEvent
from kapcare.measures.models import SafetyAlert
from tests.measures.helpers import PHQ9_ONLY_ITEM_9, phq9, submit


def _alert(world: Any) -> SafetyAlert:
    return submit(world, phq9(*PHQ9_ONLY_ITEM_9)).alerts[0]


def test_the_inbox_lists_open_alerts_first_with_an_acknowledge_form(
    world: Any, client_for: Any
) -> None:
    alert = _alert(world)
    page = client_for("therapist").get(reverse("measures:alerts"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Open (1)" in text
    assert "Jordan Rivera" in text
    assert "Your patient" in text
    assert reverse("measures:acknowledge", args=[alert.pk]) in text
    assert AuditEvent.objects.filter(action="list", object_type="measures.safetyalert").exists()


def test_acknowledging_needs_a_note(world: Any, client_for: Any) -> None:
    alert = _alert(world)
    page = client_for("therapist").post(
        reverse("measures:acknowledge", args=[alert.pk]), {"note": "   "}, follow=True
    )
    assert "Write what was done before acknowledging the alert." in page.content.decode()
    alert.refresh_from_db()
    assert alert.status == "open"


def test_acknowledging_with_a_note_closes_the_alert_and_audits_it(
    world: Any, client_for: Any
) -> None:
    alert = _alert(world)
    note = "Called Jordan: passive thoughts, no plan. Safety plan reviewed; seen tomorrow."
    page = client_for("therapist").post(
        reverse("measures:acknowledge", args=[alert.pk]), {"note": note}, follow=True
    )
    assert "acknowledged and closed" in page.content.decode()
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    assert alert.acknowledged_by == world.users["therapist"]
    assert alert.acknowledgement_note == note
    assert alert.acknowledged_at is not None
    row = AuditEvent.objects.get(action="update", object_type="measures.safetyalert")
    assert row.detail == {"status": "acknowledged", "kind": "suicidal_ideation"}
    assert note not in str(row.detail), "the note is health information: not copied to the trail"
    page = client_for("nurse").get(reverse("measures:alerts"))
    assert "Open (0)" in page.content.decode()
    assert note in page.content.decode()


def test_an_alert_is_acknowledged_once(world: Any, client_for: Any) -> None:
    alert = _alert(world)
    url = reverse("measures:acknowledge", args=[alert.pk])
    client_for("therapist").post(url, {"note": "Called the patient."})
    second = client_for("nurse").post(url, {"note": "Also called."}, follow=True)
    assert "Someone has already acknowledged this alert." in second.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledgement_note == "Called the patient."
    assert alert.acknowledged_by == world.users["therapist"]


def test_an_alert_of_another_clinic_is_not_found(world: Any, client_for: Any) -> None:
    alert = _alert(world)
    response = client_for("other").post(
        reverse("measures:acknowledge", args=[alert.pk]), {"note": "Not mine."}
    )
    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.status == "open"
    assert AuditEvent.objects.filter(action="denied", object_type="measures.safetyalert").exists()


def test_admins_and_patients_cannot_see_or_acknowledge_alerts(world: Any, client_for: Any) -> None:
    alert = _alert(world)
    for persona in ("admin", "patient", "support"):
        client = client_for(persona)
        assert client.get(reverse("measures:alerts")).status_code == 403
        url = reverse("measures:acknowledge", args=[alert.pk])
        assert client.post(url, {"note": "x"}).status_code == 403
    alert.refresh_from_db()
    assert alert.status == "open"
