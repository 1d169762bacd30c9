"""Observations, interventions, adverse events and the therapist's note, from the console."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kapcare.audit.models import AuditEvent
from kapcare.dosing.board import board_rows
from kapcare.dosing.models import (
    AdverseEvent,
    AdverseEventFollowUp,
    Intervention,
    Observation,
    TherapistNote,
)
from tests.dosing.conftest import actor_of, force_state, open_session
from tests.dosing.record_helpers import console, post, running

pytestmark = pytest.mark.django_db


def test_a_nurse_records_an_observation_and_a_low_moaas_alerts_on_the_console_and_board(
    world: Any, client_for: Any
) -> None:
    session = running(world)
    nurse = client_for("nurse")
    page = post(
        nurse,
        session,
        "observe",
        moaas="3",
        dissociation="moderate",
        nausea="mild",
        anxiety="none",
        side_effects=["dizziness", "headache"],
        side_effects_other="Dry mouth",
        note="Eyes closed, responds to loud voice",
    ).content.decode()
    assert "Observation recorded." in page
    assert 'id="observation-alerts"' in page
    assert "MOAA/S 3" in page
    assert "Dizziness, Headache, Dry mouth" in page
    made = Observation.objects.get(session=session)
    assert (made.moaas, made.dissociation, made.nausea) == (3, "moderate", "mild")
    assert made.recorded_by == world.users["nurse"]
    assert AuditEvent.objects.filter(action="create", object_type="dosing.observation").exists()
    rows = board_rows(actor_of(world, "nurse"), made.recorded_at)
    assert any("MOAA/S 3" in alert for row in rows for alert in row.alerts)


def test_a_severe_dissociation_alert_says_it_is_a_clinic_setting(
    world: Any, client_for: Any
) -> None:
    session = running(world)
    page = post(client_for("nurse"), session, "observe", dissociation="severe").content.decode()
    assert "Dissociation rated severe (clinician rating)" in page
    assert "clinic setting with no verified source" in page


def test_an_empty_or_wrong_observation_is_refused_naming_the_field(
    world: Any, client_for: Any
) -> None:
    session = running(world)
    nurse = client_for("nurse")
    assert "Record at least one thing" in post(nurse, session, "observe").content.decode()
    page = post(nurse, session, "observe", nausea="awful", moaas="7").content.decode()
    assert "nausea: &#x27;awful&#x27; is unknown" in page
    page = post(nurse, session, "observe", moaas="7").content.decode()
    assert "moaas: MOAA/S is scored 0 to 5, got 7." in page
    page = post(nurse, session, "observe", moaas="4", observed_at="25:99").content.decode()
    assert "observed_at: Enter a time as HH:MM" in page
    assert not Observation.objects.exists()


def test_an_antiemetic_needs_its_dose_and_route_and_music_needs_nothing_more(
    world: Any, client_for: Any
) -> None:
    session = running(world)
    nurse = client_for("nurse")
    page = post(nurse, session, "intervene", category="antiemetic", medicine="Ondansetron")
    assert "dose: Required for a medicine." in page.content.decode()
    page = post(
        nurse,
        session,
        "intervene",
        category="antiemetic",
        medicine="Ondansetron",
        dose="4 mg",
        route="oral",
    ).content.decode()
    assert "Intervention recorded." in page
    assert "Ondansetron 4 mg oral" in page
    post(nurse, session, "intervene", category="music_change", detail="Softer playlist")
    kinds = list(Intervention.objects.values_list("category", "kind"))
    assert kinds == [("antiemetic", "drug"), ("music_change", "non_drug")]


def test_an_adverse_event_is_open_on_the_board_until_its_outcome_is_resolved(
    world: Any, client_for: Any
) -> None:
    session = running(world)
    nurse = client_for("nurse")
    page = post(
        nurse,
        session,
        "adverse_event",
        description="Vomited once",
        severity="moderate",
        action_taken="Ondansetron 4 mg oral, sat upright",
        outcome="ongoing",
        reportable="on",
    ).content.decode()
    assert "Adverse event recorded." in page
    assert "To report" in page
    event = AdverseEvent.objects.get()
    assert event.reportable and event.severity == "moderate"
    assert board_rows(actor_of(world, "nurse"), event.recorded_at)[0].open_adverse_events == 1
    page = post(
        nurse, session, "adverse_follow_up", event=str(event.pk), outcome="resolved", note="Settled"
    ).content.decode()
    assert "Adverse event outcome updated." in page
    assert AdverseEventFollowUp.objects.get().outcome == "resolved"
    assert board_rows(actor_of(world, "nurse"), event.recorded_at)[0].open_adverse_events == 0
    refused = post(
        nurse, session, "adverse_event", description="", severity="awful", outcome="ongoing"
    ).content.decode()
    assert "description: Describe what happened." in refused
    assert "severity: Choose one of" in refused
    assert AdverseEvent.objects.count() == 1


def test_the_therapist_writes_the_session_note_and_every_clinician_reads_it(
    world: Any, client_for: Any
) -> None:
    session = running(world)
    page = post(
        client_for("therapist"),
        session,
        "therapist_note",
        guidance=["mindfulness", "music"],
        text="Settled with breath focus; tearful at 20 minutes, then calm.",
    ).content.decode()
    assert "Therapist&#x27;s note saved." in page
    note = TherapistNote.objects.get()
    assert note.guidance == ["mindfulness", "music"]
    assert note.author == world.users["therapist"]
    shown = console(client_for("nurse"), session).content.decode()
    assert "guidance: Mindfulness, Music" in shown
    assert "tearful at 20 minutes" in shown
    assert 'id="note-form"' not in shown  # the nurse reads it; the therapist writes it


def test_a_nurse_cannot_write_the_therapists_note(world: Any, client_for: Any) -> None:
    session = running(world)
    response = post(client_for("nurse"), session, "therapist_note", text="Not mine to write")
    assert response.status_code == 403
    assert not TherapistNote.objects.exists()
    assert AuditEvent.objects.filter(action="denied", object_type="dosing.therapistnote").exists()


def test_nothing_is_recorded_before_check_in_or_after_discharge(
    world: Any, client_for: Any
) -> None:
    session = open_session(world)
    nurse = client_for("nurse")
    assert (
        "from check-in until discharge"
        in post(nurse, session, "observe", moaas="5").content.decode()
    )
    force_state(session, "discharged")
    assert (
        "from check-in until discharge"
        in post(nurse, session, "observe", moaas="5").content.decode()
    )
    assert not Observation.objects.exists()


def test_another_clinic_finds_no_such_session_to_record_on(world: Any, client_for: Any) -> None:
    session = running(world)
    url = reverse("dosing:session_action", args=[session.patient_id, session.pk])
    response = client_for("other").post(
        url, {"action": "observe", "moaas": "5", "idempotency_key": "x"}
    )
    assert response.status_code == 404
    assert not Observation.objects.exists()


def test_a_resent_observation_form_is_saved_once(world: Any, client_for: Any) -> None:
    session = running(world)
    nurse = client_for("nurse")
    first = post(nurse, session, "observe", key="same", moaas="4", nausea="mild")
    again = post(nurse, session, "observe", key="same", moaas="4", nausea="mild")
    assert "Observation recorded." in first.content.decode()
    assert "(already saved)" in again.content.decode()
    assert Observation.objects.count() == 1


def test_the_discharge_page_shows_the_latest_nausea_rating_and_it_can_hold_discharge(
    world: Any, client_for: Any
) -> None:
    from kapcare.dosing.services import discharge_assessment

    session = running(world)
    nurse = client_for("nurse")
    post(nurse, session, "observe", nausea="severe")
    force_state(session, "recovery")
    page = nurse.get(reverse("dosing:discharge", args=[session.patient_id, session.pk]))
    assert "Recorded: Latest nausea rating: severe; not yet controlled." in page.content.decode()
    ticked = dict.fromkeys(
        ("escort_present", "no_driving_acknowledged", "steady_on_feet", "nausea_controlled"), True
    )
    assert "nausea_controlled" in discharge_assessment(session, **ticked).unmet_ids
    post(nurse, session, "observe", nausea="mild")
    assert "nausea_controlled" not in discharge_assessment(session, **ticked).unmet_ids
