"""Roles, clinics, token scopes and step-up decide who may do what through the dosing API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kapcare.audit.models import AuditEvent
from kapcare.dosing.models import DoseOrder, DosingSession
from tests.api.helpers import problem
from tests.dosing.api.helpers import act, session_url, token_client, write
from tests.dosing.conftest import force_state, open_session
from tests.treatment.conftest import stepped_up

pytestmark = pytest.mark.django_db


def ready(world: Any) -> Any:
    return force_state(open_session(world), "ready", weight_kg=Decimal("80"))


def test_a_therapist_cannot_order_a_dose(world: Any) -> None:
    session = ready(world)
    refused = write(token_client(world, "therapist"), session_url(session, "orders"), {})
    assert "dose.order" in problem(refused, 403)["detail"]
    assert not DoseOrder.objects.exists()
    assert AuditEvent.objects.filter(action="denied").exists()


def test_another_clinic_finds_no_such_patient(world: Any, client_for: Any) -> None:
    session = open_session(world)
    other = client_for("other")
    assert problem(other.get(session_url(session)), 404)["detail"] == "No such patient"
    assert problem(write(other, session_url(session, "check-in"), {"version": 1}), 404)
    assert DosingSession.objects.get(pk=session.pk).state == "scheduled"


def test_a_session_of_another_patient_is_not_found(world: Any) -> None:
    session = open_session(world)
    wrong = f"/api/v1/patients/{world.sam.pk}/sessions/{session.pk}"
    assert problem(token_client(world, "nurse").get(wrong), 404)["detail"] == (
        "No such dosing session"
    )


@pytest.mark.parametrize("persona", ["patient", "support", "admin"])
def test_patients_support_people_and_admins_may_not_run_sessions(
    world: Any, client_for: Any, persona: str
) -> None:
    session = open_session(world)
    client = client_for(persona)
    problem(client.get(f"/api/v1/patients/{world.jordan.pk}/sessions"), 403)
    problem(write(client, session_url(session, "check-in"), {"version": 1}), 403)


def test_a_read_only_token_reads_but_cannot_write(world: Any) -> None:
    session = open_session(world)
    reader = token_client(world, "nurse", scope="read")
    assert reader.get(session_url(session)).status_code == 200
    refused = write(reader, session_url(session, "check-in"), {"version": 1})
    assert "read-only" in problem(refused, 403)["detail"]


def test_a_token_cannot_override_discharge_criteria(world: Any) -> None:
    session = force_state(open_session(world), "recovery")
    refused = act(
        token_client(world, "prescriber"),
        session,
        "discharge",
        escort_present=True,
        no_driving_acknowledged=True,
        steady_on_feet=True,
        nausea_controlled=True,
        override_reason="Transfer to ED",
    )
    assert "step-up" in problem(refused, 403)["detail"]
    assert DosingSession.objects.get(pk=session.pk).state == "recovery"


def test_a_nurse_cannot_override_discharge_even_stepped_up(world: Any, client_for: Any) -> None:
    session = force_state(open_session(world), "recovery")
    refused = act(
        stepped_up(client_for("nurse")),
        session,
        "discharge",
        escort_present=False,
        no_driving_acknowledged=False,
        steady_on_feet=False,
        nausea_controlled=False,
        override_reason="x",
    )
    assert "Only a prescriber" in problem(refused, 403)["detail"]


def test_a_stepped_up_prescriber_overrides_discharge_with_a_reason(
    world: Any, client_for: Any
) -> None:
    session = force_state(open_session(world), "recovery")
    done = act(
        stepped_up(client_for("prescriber")),
        session,
        "discharge",
        escort_present=True,
        no_driving_acknowledged=True,
        steady_on_feet=True,
        nausea_controlled=True,
        override_reason="Transfer to ED",
    )
    assert done.status_code == 200, done.content
    assert done.json()["discharge_override_reason"] == "Transfer to ED"
    assert done.json()["discharge_override_by_id"] == world.users["prescriber"].pk
    assert AuditEvent.objects.filter(action="override", object_id=str(session.pk)).exists()


def test_accepting_pre_dose_vitals_needs_a_prescriber_stepped_up_in_a_browser(
    world: Any, client_for: Any
) -> None:
    session = open_session(world)
    tail = "pre-dose-vitals-acceptance"
    nurse = stepped_up(client_for("nurse"))
    assert problem(act(nurse, session, tail, reason="x"), 403)
    by_token = act(token_client(world, "prescriber"), session, tail, reason="x")
    assert "step-up" in problem(by_token, 403)["detail"]
    signed_in = act(client_for("prescriber"), session, tail, reason="x")
    assert "step-up" in problem(signed_in, 403)["detail"]


def test_a_token_cannot_override_a_dose_block(world: Any) -> None:
    session = ready(world)
    refused = write(
        token_client(world, "prescriber"),
        session_url(session, "orders"),
        {"override_reason": "Known tolerance"},
    )
    assert "step-up" in problem(refused, 403)["detail"]
    assert not DoseOrder.objects.exists()


def test_the_prescriber_cannot_check_their_own_order(world: Any) -> None:
    session = ready(world)
    prescriber = token_client(world, "prescriber")
    order = write(prescriber, session_url(session, "orders"), {}).json()
    own = write(prescriber, session_url(session, f"orders/{order['id']}/check"))
    assert "someone other than the prescriber" in problem(own, 422)["errors"][0]["message"]
    assert DoseOrder.objects.get(pk=order["id"]).checked_at is None
