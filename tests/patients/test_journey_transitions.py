"""A patient's status changes only along the journey graph, one function per transition."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kapcare.accounts.actors import Actor
from kapcare.audit.models import AuditEvent
from kapcare.clinical import journey
from kapcare.patients import services
from kapcare.patients.models import StatusChange


def actor(world: Any, persona: str = "prescriber") -> Actor:
    m = world.memberships[persona]
    return Actor(user=m.user, clinic=m.clinic, role=m.role, membership=m)


@pytest.mark.parametrize(
    ("start", "transition", "end"),
    [
        ("referred", "begin_screening", "screening"),
        ("screening", "mark_eligible", "eligible"),
        ("eligible", "start_treatment", "active"),
        ("active", "move_to_maintenance", "maintenance"),
        ("maintenance", "resume_active_treatment", "active"),
        ("maintenance", "complete_course", "completed"),
        ("completed", "begin_screening", "screening"),
        ("discontinued", "re_refer", "referred"),
    ],
)
def test_each_transition_moves_the_patient_and_records_history(
    world: Any, start: str, transition: str, end: str
) -> None:
    patient = world.unassigned
    patient.status = start
    patient.save()
    services.TRANSITION_FUNCTIONS[transition](actor=actor(world), patient=patient)
    patient.refresh_from_db()
    assert patient.status == end
    change = StatusChange.objects.get(patient=patient)
    assert (change.from_status, change.to_status, change.transition) == (start, end, transition)
    assert AuditEvent.objects.filter(patient=patient, action="transition").count() == 1


def test_a_transition_from_the_wrong_state_is_refused_with_a_plain_message(world: Any) -> None:
    with pytest.raises(
        journey.InvalidTransition, match="Cannot start treatment a patient whose status is referred"
    ):
        services.start_treatment(actor=actor(world), patient=world.unassigned)
    world.unassigned.refresh_from_db()
    assert world.unassigned.status == "referred"
    assert not StatusChange.objects.exists()


def test_discontinuing_needs_a_reason(world: Any) -> None:
    with pytest.raises(ValidationError) as info:
        services.discontinue(actor=actor(world), patient=world.jordan, reason="  ")
    assert "reason" in info.value.message_dict
    services.discontinue(actor=actor(world), patient=world.jordan, reason="Moved out of state")
    assert StatusChange.objects.get(patient=world.jordan).reason == "Moved out of state"


def test_a_stale_status_is_refused_not_overwritten(world: Any) -> None:
    from kapcare.patients.models import Patient

    first = Patient.objects.get(pk=world.jordan.pk)
    second = Patient.objects.get(pk=world.jordan.pk)
    services.move_to_maintenance(actor=actor(world), patient=first)
    with pytest.raises(services.StaleRecord):
        services.complete_course(actor=actor(world, "therapist"), patient=second)
    assert Patient.objects.get(pk=world.jordan.pk).status == "maintenance"


def test_the_chart_offers_only_the_transitions_allowed_from_here(
    world: Any, client_for: Any
) -> None:
    page = client_for("prescriber").get(f"/patients/{world.jordan.pk}/").content.decode()
    assert "Move to maintenance" in page and "Complete course" in page
    assert "Start treatment" not in page


def test_posting_a_transition_through_the_chart_changes_status(world: Any, client_for: Any) -> None:
    response = client_for("therapist").post(
        f"/patients/{world.unassigned.pk}/status/", {"transition": "begin_screening"}, follow=True
    )
    assert "Status is now screening" in response.content.decode()


@given(st.sampled_from(list(journey.JourneyStatus)), st.sampled_from(sorted(journey.TRANSITIONS)))
def test_the_graph_either_moves_to_its_target_or_explains_why_not(
    state: journey.JourneyStatus, transition: str
) -> None:
    sources, target = journey.TRANSITIONS[transition]
    if state in sources:
        assert journey.target_of(transition, state) == target
        assert transition in journey.available_transitions(state)
    else:
        with pytest.raises(journey.InvalidTransition):
            journey.target_of(transition, state)
        assert transition not in journey.available_transitions(state)
