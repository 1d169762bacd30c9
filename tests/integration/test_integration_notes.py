"""Integration-session notes are signed once and never edited; corrections are new notes."""

from __future__ import annotations

from typing import Any

from kapcare.integration.models import IntegrationNote

NOTE = {
    "session_date": "2026-11-20",
    "what_came_up": "Memories of a grandparent",
    "themes": "Grief, belonging",
    "insights": "Wants to reconnect",
    "wants_to_change": "Call family weekly",
    "practices_agreed": "Mindful breathing daily",
    "risks": "None noted",
}


def test_the_therapist_signs_a_note_with_the_template(world: Any, client_for: Any) -> None:
    client = client_for("therapist")
    response = client.post(f"/patients/{world.jordan.pk}/integration/notes/", NOTE)
    assert response.status_code == 302
    html = client.get(f"/patients/{world.jordan.pk}/integration/").content.decode()
    assert "Memories of a grandparent" in html and "What the patient wants to change" in html


def test_a_note_needs_what_came_up(world: Any, client_for: Any) -> None:
    response = client_for("therapist").post(
        f"/patients/{world.jordan.pk}/integration/notes/", {**NOTE, "what_came_up": ""}
    )
    assert response.status_code == 400
    assert "What came up: This field is required." in response.content.decode()


def test_a_correction_is_a_new_note_naming_the_first(world: Any, client_for: Any) -> None:
    client = client_for("therapist")
    client.post(f"/patients/{world.jordan.pk}/integration/notes/", NOTE)
    first = IntegrationNote.objects.get()
    client.post(
        f"/patients/{world.jordan.pk}/integration/notes/",
        {**NOTE, "what_came_up": "Corrected text", "amends": str(first.pk)},
    )
    assert IntegrationNote.objects.count() == 2
    first.refresh_from_db()
    assert first.what_came_up == "Memories of a grandparent"
    assert IntegrationNote.objects.get(amends=first).what_came_up == "Corrected text"


def test_admins_and_patients_cannot_write_notes(world: Any, client_for: Any) -> None:
    url = f"/patients/{world.jordan.pk}/integration/notes/"
    assert client_for("admin").post(url, NOTE).status_code == 403
    assert client_for("patient").post(url, NOTE).status_code == 403
    assert not IntegrationNote.objects.exists()
