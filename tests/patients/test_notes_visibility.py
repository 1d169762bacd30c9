"""Care-team notes are visible only to the care team; admins never see clinical content."""

from __future__ import annotations

from typing import Any

from kapcare.accounts.actors import Actor
from kapcare.patients import services


def write_notes(world: Any) -> None:
    m = world.memberships["therapist"]
    author = Actor(user=m.user, clinic=m.clinic, role=m.role, membership=m)
    services.note_create(
        actor=author,
        patient=world.jordan,
        title="Prep session",
        body="Intention set.",
        visibility="clinic",
    )
    services.note_create(
        actor=author,
        patient=world.jordan,
        title="Trauma history",
        body="Shared in confidence.",
        visibility="care_team",
    )


def test_the_care_team_reads_both_notes(world: Any, client_for: Any) -> None:
    write_notes(world)
    page = client_for("nurse").get(f"/patients/{world.jordan.pk}/notes/").content.decode()
    assert "Prep session" in page and "Trauma history" in page


def test_clinical_staff_outside_the_care_team_see_only_clinic_notes(
    world: Any, client_for: Any
) -> None:
    write_notes(world)
    page = client_for("therapist2").get(f"/patients/{world.jordan.pk}/notes/").content.decode()
    assert "Prep session" in page
    assert "Trauma history" not in page
    assert (
        "not on this patient&#x27;s care team" in page or "not on this patient's care team" in page
    )


def test_an_admin_cannot_open_notes_and_sees_no_notes_tab(world: Any, client_for: Any) -> None:
    write_notes(world)
    client = client_for("admin")
    assert client.get(f"/patients/{world.jordan.pk}/notes/").status_code == 403
    chart = client.get(f"/patients/{world.jordan.pk}/").content.decode()
    assert "Prep session" not in chart
    assert ">Notes<" not in chart


def test_a_note_with_an_unknown_visibility_is_refused_with_the_allowed_values(
    world: Any, client_for: Any
) -> None:
    response = client_for("therapist").post(
        f"/patients/{world.jordan.pk}/notes/", {"title": "x", "body": "y", "visibility": "everyone"}
    )
    assert response.status_code == 400
    assert "Who may read it: Select a valid choice" in response.content.decode()
