"""Entries are private until shared; the care team sees shared entries and only those."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.integration.helpers import write_entry


def test_the_therapist_sees_only_shared_entries(world: Any, client_for: Any) -> None:
    write_entry(world, "Shared thought", share=True)
    write_entry(world, "Private thought")
    html = client_for("therapist").get(f"/patients/{world.jordan.pk}/integration/").content.decode()
    assert "Shared thought" in html
    assert "Private thought" not in html
    assert "After the session on 20 Nov 2026" in html


def test_drafts_are_never_shown_to_the_care_team(world: Any, client_for: Any) -> None:
    client_for("patient").post("/portal/journal/draft/", {"body": "Unfinished draft"})
    html = client_for("therapist").get(f"/patients/{world.jordan.pk}/integration/").content.decode()
    assert "Unfinished draft" not in html


def test_stopping_sharing_hides_the_entry_at_once(world: Any, client_for: Any) -> None:
    entry = write_entry(world, "Shared then not", share=True)
    url = f"/patients/{world.jordan.pk}/integration/"
    therapist = client_for("therapist")
    assert "Shared then not" in therapist.get(url).content.decode()
    response = client_for("patient").post(f"/portal/journal/{entry.pk}/share/", {"share": "0"})
    assert response.status_code == 302
    assert "Shared then not" not in therapist.get(url).content.decode()
    client_for("patient").post(f"/portal/journal/{entry.pk}/share/", {"share": "1"})
    assert "Shared then not" in therapist.get(url).content.decode()


def test_a_clinician_outside_the_care_team_reads_no_entries(world: Any, client_for: Any) -> None:
    write_entry(world, "For my team", share=True)
    html = (
        client_for("therapist2").get(f"/patients/{world.jordan.pk}/integration/").content.decode()
    )
    assert "For my team" not in html
    assert "not on this patient" in html


def test_an_admin_never_sees_the_journal(world: Any, client_for: Any) -> None:
    write_entry(world, "Not for admins", share=True)
    response = client_for("admin").get(f"/patients/{world.jordan.pk}/integration/")
    assert response.status_code == 403


def test_a_patient_cannot_share_another_patients_entry(world: Any, client_for: Any) -> None:
    entry = write_entry(world, "Jordan's")
    response = client_for("patient2").post(f"/portal/journal/{entry.pk}/share/", {"share": "1"})
    assert response.status_code == 404
    entry.refresh_from_db()
    assert not entry.is_shared


def test_the_journal_pages_cost_a_constant_number_of_queries(world: Any, client_for: Any) -> None:
    patient, therapist = client_for("patient"), client_for("therapist")
    chart = f"/patients/{world.jordan.pk}/integration/"
    write_entry(world, "one", share=True)
    patient.get("/portal/journal/")  # first requests also start the session and audit chain
    therapist.get(chart)
    with CaptureQueriesContext(connection) as small_portal:
        patient.get("/portal/journal/")
    with CaptureQueriesContext(connection) as small_chart:
        therapist.get(chart)
    for n in range(8):
        write_entry(world, f"more {n}", share=True)
    with CaptureQueriesContext(connection) as large_portal:
        patient.get("/portal/journal/")
    with CaptureQueriesContext(connection) as large_chart:
        therapist.get(chart)
    assert len(large_portal) == len(small_portal)
    assert len(large_chart) == len(small_chart)
